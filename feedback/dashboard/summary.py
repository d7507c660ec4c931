"""What the dashboard shows, put together from the counts: tiles, trends, breakdowns,
drivers and queue health. Scores come from feedback.scoring; nothing here reads a request."""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import cache, lru_cache

from sqlalchemy import bindparam, func, literal_column, select

from feedback import scoring
from feedback.complaints.models import CaseResponse
from feedback.dashboard import queue_health as health
from feedback.dashboard.filters import Filters, bound
from feedback.dashboard.periods import Period, trend_periods
from feedback.dashboard.queries import (
    DISTRIBUTION,
    METRICS,
    Totals,
    add_counts,
    column_sums,
    delivery_totals,
    distributions,
    score_vectors,
    topic_totals,
)
from feedback.dashboard.reads import Batch, Later
from feedback.dashboard.rebuild import metric, mood
from feedback.dashboard.tiles import Tile, headline_tiles
from feedback.extensions import db
from feedback.surveys.models import Invitation, Response, Survey, SurveyKind, TouchpointEvent
from feedback.timeutil import UTCDateTime

KINDS = (SurveyKind.NPS, SurveyKind.CSAT, SurveyKind.CES)
#: breakdowns by these dimensions, in this order
BREAKDOWNS = ("touchpoint_type_id", "survey_id", "tier", "locale")
LATEST_COMMENTS = 8
PROPERTY_GROUPS = 20
#: what the breakdowns and the period's comment and sentiment figures add up
BREAKDOWN_METRICS = (
    *DISTRIBUTION,
    "comments_unhappy",
    "comments_happy",
    "positive",
    "neutral",
    "negative",
)


@dataclass
class Scores:
    """The three scores of one group of answers."""

    nps: scoring.Nps
    csat: scoring.Csat
    ces: scoring.Ces

    @classmethod
    def of(cls, by_kind: dict[SurveyKind, Totals]) -> Scores:
        empty = Totals()
        return cls(
            scoring.nps(by_kind.get(SurveyKind.NPS, empty).counts()),
            scoring.csat(by_kind.get(SurveyKind.CSAT, empty).counts()),
            scoring.ces(by_kind.get(SurveyKind.CES, empty).counts()),
        )

    @property
    def n(self) -> int:
        return self.nps.n + self.csat.n + self.ces.n


@dataclass
class Dashboard:
    period: Period
    previous: Period
    interval: str
    current: Scores
    before: Scores
    tiles: list[Tile]
    response_rate: tuple[int, int]
    trend: list[dict]
    distributions: dict[SurveyKind, dict[int, int]]
    breakdowns: dict[str, list[dict]]
    sentiment: dict[str, int]
    drivers: list[dict]
    unhappy_comments: int
    happy_comments: int
    latest: list
    queue: dict
    followup: scoring.Csat
    followup_before: scoring.Csat
    properties: list[dict] = field(default_factory=list)


def _spread(
    distribution: dict[tuple[int, int], list[int]], kinds: dict[int, SurveyKind]
) -> dict[int, dict[SurveyKind, Totals]]:
    """The answers per score of each period (by index), by survey kind."""
    vectors: dict[int, dict[SurveyKind, list[int]]] = {}
    for (index, survey_id), counts in distribution.items():
        kind = kinds.get(survey_id)
        if kind is None:
            continue
        add_counts(vectors.setdefault(index, {}), kind, counts)
    return {
        index: {kind: Totals(zip(DISTRIBUTION, v, strict=True)) for kind, v in of_period.items()}
        for index, of_period in vectors.items()
    }


def build(
    period: Period,
    filters: Filters,
    report_zone: str,
    now: datetime,
    interval: str,
    kinds: dict[int, SurveyKind] | None = None,
    prop: str | None = None,
) -> Dashboard:
    """Everything on the page for one period and set of filters, read at once."""
    if kinds is None:
        kinds = dict(db.session.execute(select(Survey.id, Survey.kind)).all())
    batch = Batch()
    result = plan(batch, period, filters, report_zone, now, interval, kinds, prop)
    batch.send()
    return result()


def plan(
    batch: Batch,
    period: Period,
    filters: Filters,
    report_zone: str,
    now: datetime,
    interval: str,
    kinds: dict[int, SurveyKind],
    prop: str | None = None,
) -> Later[Dashboard]:
    """Add the page's reads to ``batch``; the Dashboard once they are read. ``kinds`` is
    each survey's kind by id."""
    previous = period.previous()
    buckets = trend_periods(period, interval)
    # The follow-up survey's answers come in the same read when no filter tells them apart.
    followup_id = filters.followup_survey_id
    shared = (
        followup_id is not None and filters.survey_id is None and filters.touchpoint_type_id is None
    )
    read = replace(filters, followup_survey_id=None) if shared else filters
    scores = distributions(batch, [[period, previous], buckets], read, report_zone)
    followup = None if shared else _followup(batch, period, previous, filters, report_zone)
    breakdowns = score_vectors(
        batch, [period], filters, report_zone, (*BREAKDOWNS, "kind"), BREAKDOWN_METRICS
    )
    deliveries = delivery_totals(batch, [period, previous], filters, report_zone)
    topics = topic_totals(batch, period, filters, report_zone)
    latest = latest_unhappy(batch, period, filters)
    queue = health.queue_health(
        batch, period, now, report_zone, filters.touchpoint_type_id, filters.tier
    )
    properties = property_breakdown(batch, period, filters, prop) if prop else None

    def result() -> Dashboard:
        headline, by_bucket = scores()
        if shared:
            pair = _csat_pair({k: v for k, v in headline.items() if k[1] == followup_id})
            headline = {k: v for k, v in headline.items() if k[1] != followup_id}
            by_bucket = {k: v for k, v in by_bucket.items() if k[1] != followup_id}
        else:
            pair = followup()
        by_period = _spread(headline, kinds)
        spread = [by_period.get(index, {}) for index in (0, 1)]
        current, before = Scores.of(spread[0]), Scores.of(spread[1])
        trend = _spread(by_bucket, kinds)
        breakdown_totals = breakdowns()
        delivered = deliveries()
        all_kinds = Totals(zip(BREAKDOWN_METRICS, _sum(breakdown_totals.values()), strict=True))
        return Dashboard(
            period=period,
            previous=previous,
            interval=interval,
            current=current,
            before=before,
            tiles=headline_tiles(current, before, delivered),
            response_rate=delivered.get(0, (0, 0)),
            trend=[
                {"period": bucket, "scores": Scores.of(trend.get(index, {}))}
                for index, bucket in enumerate(buckets)
            ],
            distributions={kind: spread[0].get(kind, Totals()).counts() for kind in KINDS},
            breakdowns=_breakdowns(breakdown_totals),
            sentiment={name: all_kinds[name] for name in ("positive", "neutral", "negative")},
            drivers=_drivers(topics(), all_kinds),
            unhappy_comments=all_kinds["comments_unhappy"],
            happy_comments=all_kinds["comments_happy"],
            latest=latest(),
            queue=queue(),
            followup=pair[0],
            followup_before=pair[1],
            properties=properties() if properties else [],
        )

    return result


def _followup(
    batch: Batch, period: Period, previous: Period, filters: Filters, report_zone: str
) -> Later[tuple[scoring.Csat, scoring.Csat]]:
    if filters.followup_survey_id is None:
        return lambda: (scoring.csat({}), scoring.csat({}))
    only = Filters(
        survey_id=filters.followup_survey_id,
        touchpoint_type_id=None,
        tier=filters.tier,
        locale=filters.locale,
    )
    totals = distributions(batch, [[period, previous]], only, report_zone)
    return lambda: _csat_pair(totals()[0])


def _csat_pair(totals: dict[tuple[int, int], list[int]]) -> tuple[scoring.Csat, scoring.Csat]:
    """CSAT of the current (0) and previous (1) period from their answers per score."""
    spread = [Totals() for _ in (0, 1)]
    for (index, _survey_id), counts in totals.items():
        spread[index].add(zip(DISTRIBUTION, counts, strict=True))
    return scoring.csat(spread[0].counts()), scoring.csat(spread[1].counts())


def _sum(vectors) -> list[int]:
    vectors = list(vectors)
    return column_sums(vectors) if vectors else [0] * len(BREAKDOWN_METRICS)


def _breakdowns(totals: dict[tuple, list[int]]) -> dict[str, list[dict]]:
    """Per dimension, one row per value: its scores and its number of answers."""
    result = {}
    for position, dimension in enumerate(BREAKDOWNS):
        groups: dict = {}
        for key, vector in totals.items():
            groups.setdefault(key[1 + position], {}).setdefault(key[-1], []).append(vector)
        rows = []
        for value, by_kind in groups.items():
            scores = Scores.of(
                {
                    kind: Totals(zip(BREAKDOWN_METRICS, column_sums(vectors), strict=True))
                    for kind, vectors in by_kind.items()
                }
            )
            rows.append({"value": value, "scores": scores})
        result[dimension] = sorted(rows, key=lambda row: -row["scores"].n)
    return result


def _drivers(topics: dict[tuple[int, int], int], totals: Totals) -> list[dict]:
    """Topics among unhappy against happy answers with a comment: count and share."""
    unhappy, happy = totals["comments_unhappy"], totals["comments_happy"]
    rows: dict[int, dict] = {}
    for (topic_id, answer_mood), n in topics.items():
        if answer_mood == 0 or n <= 0:
            continue
        row = rows.setdefault(topic_id, {"topic_id": topic_id, "unhappy": 0, "happy": 0})
        row["unhappy" if answer_mood < 0 else "happy"] += n
    for row in rows.values():
        row["unhappy_share"] = 100.0 * row["unhappy"] / unhappy if unhappy else None
        row["happy_share"] = 100.0 * row["happy"] / happy if happy else None
    return sorted(rows.values(), key=lambda row: (-row["unhappy"], -row["happy"], row["topic_id"]))


def latest_unhappy(batch: Batch, period: Period, filters: Filters) -> Later[list]:
    """The newest unhappy answers with a comment in the period, with their case if any."""
    values = {"start": period.start(), "end": period.end(), **filters.params()}
    read = batch.add(_latest_unhappy(filters.shape()), values)
    return lambda: batch.rows(read)


@cache
def _latest_unhappy(shape: tuple):
    r = Response.__table__
    case_id = (
        select(func.min(CaseResponse.case_id))
        .where(CaseResponse.response_id == r.c.id)
        .scalar_subquery()
    )
    return (
        select(
            r.c.id,
            r.c.answered_at,
            r.c.kind,
            r.c.score,
            r.c.comment,
            r.c.language,
            r.c.sentiment,
            r.c.locale,
            case_id.label("case_id"),
        )
        .where(
            r.c.answered_at >= bindparam("start", type_=UTCDateTime),
            r.c.answered_at < bindparam("end", type_=UTCDateTime),
            r.c.comment.is_not(None),
            literal_column(mood("responses")) == -1,
            *bound(r, shape),
        )
        .order_by(r.c.answered_at.desc(), r.c.id.desc())
        .limit(LATEST_COMMENTS)
    )


def property_keys(sample: int = 500) -> list[str]:
    """Property names seen on recent touchpoint events, for the breakdown's list; looked
    up at most once a minute per process (reading 500 JSON documents costs ~5 ms)."""
    from flask import current_app

    cache = current_app.extensions.setdefault("dashboard_property_keys", {})
    now = time.monotonic()
    if cache and now - cache["at"] < 60:
        return cache["keys"]
    keys: set[str] = set()
    for properties in db.session.scalars(
        select(TouchpointEvent.properties).order_by(TouchpointEvent.id.desc()).limit(sample)
    ):
        if isinstance(properties, dict):
            keys.update(key for key in properties if isinstance(key, str))
    cache.update(at=now, keys=sorted(keys)[:100])
    return cache["keys"]


def property_breakdown(
    batch: Batch, period: Period, filters: Filters, key: str
) -> Later[list[dict]]:
    """Scores by the value of one event property, the largest groups first. Read from the
    answers themselves: properties are free-form, so no summary table can hold them."""
    values = {"start": period.start(), "end": period.end(), **filters.params()}
    read = batch.add(_property_groups(key, filters.shape()), values)

    def result() -> list[dict]:
        groups: dict = {}
        for value, kind, *sums in batch.rows(read):
            by_kind = groups.setdefault(value, {})
            by_kind.setdefault(kind, Totals()).add(zip(METRICS, sums, strict=True))
        ranked = sorted(
            ({"value": v, "scores": Scores.of(k)} for v, k in groups.items()),
            key=lambda row: -row["scores"].n,
        )
        return ranked[:PROPERTY_GROUPS]

    return result


@lru_cache(maxsize=256)  # keys come from the form's list of recent property names
def _property_groups(key: str, shape: tuple):
    r, i, e = Response.__table__, Invitation.__table__, TouchpointEvent.__table__
    value = TouchpointEvent.properties[key].as_string().label("value")
    return (
        select(
            value,
            r.c.kind,
            *[func.sum(literal_column(metric(name, "responses"))) for name in METRICS],
        )
        .select_from(r.join(i, i.c.id == r.c.invitation_id).join(e, e.c.id == i.c.event_id))
        .where(
            r.c.answered_at >= bindparam("start", type_=UTCDateTime),
            r.c.answered_at < bindparam("end", type_=UTCDateTime),
            *bound(r, shape),
        )
        .group_by(literal_column("value"), r.c.kind)
    )
