"""What the dashboard shows, put together from the counts (queries.py): headline tiles,
trend, spread, breakdowns, drivers (drivers.py) and queue health. Scores come from feedback.scoring;
nothing here reads a request."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from operator import add

from sqlalchemy import select

from feedback import scoring
from feedback.dashboard import agents, queries
from feedback.dashboard.answers import Filters
from feedback.dashboard.drivers import Drivers, dashboard_kind, drivers
from feedback.dashboard.models import DURATION_BUCKETS, HISTOGRAM, SCORES
from feedback.dashboard.periods import Period, trend_periods
from feedback.extensions import db
from feedback.surveys.models import Survey, SurveyKind

KINDS = (SurveyKind.NPS, SurveyKind.CSAT, SurveyKind.CES)
#: the answers per score, s0 ... s10
DISTRIBUTION = tuple(f"s{score}" for score in SCORES)
#: breakdowns by these dimensions, in this order
BREAKDOWNS = ("touchpoint_type_id", "survey_id", "tier", "locale")
#: what the breakdowns and the period's comment and sentiment figures add up
BREAKDOWN_METRICS = (
    *DISTRIBUTION,
    "comments_unhappy",
    "comments_happy",
    "positive",
    "neutral",
    "negative",
)
LATEST_COMMENTS = 8
PROPERTY_GROUPS = 20


def score_counts(vector: list[int] | None) -> dict[int, int]:
    """{score: answers} from the counts s0 ... s10 (and any after them)."""
    return {score: n for score, n in zip(SCORES, vector or (), strict=False) if n}


@dataclass
class Scores:
    """The three scores of one group of answers."""

    nps: scoring.Nps
    csat: scoring.Csat
    ces: scoring.Ces

    @classmethod
    def of(cls, by_kind: dict[SurveyKind, list[int]]) -> Scores:
        """From the answers per score (s0 ... s10 first) of each kind."""
        nps, csat, ces = (score_counts(by_kind.get(kind)) for kind in KINDS)
        return cls(scoring.nps(nps), scoring.csat(csat), scoring.ces(ces))

    @property
    def n(self) -> int:
        return self.nps.n + self.csat.n + self.ces.n


@dataclass
class Tile:
    """One headline figure with its 95% interval, the answers behind it (deliveries for the
    response rate) and its change from the previous period."""

    value: float | None
    interval: scoring.Interval | None
    n: int
    change: scoring.Change

    @property
    def too_few(self) -> bool:
        """Too few answers to show the figure (scoring.TOO_FEW)."""
        return scoring.too_few(self.n)

    @property
    def few(self) -> bool:
        """Shown, flagged "few answers" (scoring.FEW)."""
        return scoring.few(self.n)


@dataclass
class QueueRow:
    """One priority's or one agent's figures; times in seconds."""

    open: int = 0
    overdue: int = 0
    opened: int = 0
    responded: int = 0
    on_time: int = 0
    #: opened in the period, not answered yet and past the first-response deadline
    waiting_late: int = 0
    resolved: int = 0
    first_response: list[int] = field(default_factory=lambda: [0] * len(HISTOGRAM))
    resolution: list[int] = field(default_factory=lambda: [0] * len(HISTOGRAM))

    def add(self, counts=None, now=None, took=None) -> None:
        """Add a (priority, owner)'s CASE_COUNTS, open cases and histograms."""
        if counts:
            self.opened += counts[0]
            self.responded += counts[1]
            self.on_time += counts[2]
            self.resolved += counts[3]
        if took:
            buckets = len(HISTOGRAM)
            self.first_response = list(map(add, self.first_response, took[:buckets]))
            self.resolution = list(map(add, self.resolution, took[buckets:]))
        if now:
            self.open += now[0]
            self.overdue += now[1]
            self.waiting_late += now[2]

    @property
    def late(self) -> int:
        return self.responded - self.on_time + self.waiting_late

    @property
    def on_time_percent(self) -> float | None:
        judged = self.on_time + self.late
        return 100.0 * self.on_time / judged if judged else None

    @property
    def median_first_response(self) -> float | None:
        return scoring.histogram_median(self.first_response, DURATION_BUCKETS)

    @property
    def median_resolution(self) -> float | None:
        return scoring.histogram_median(self.resolution, DURATION_BUCKETS)

    @property
    def timed_first_responses(self) -> int:
        """The cases median_first_response is taken over."""
        return sum(self.first_response)

    @property
    def timed_resolutions(self) -> int:
        """The cases median_resolution is taken over: only those resolved, so it can be
        shorter than the median first response, which the cases still open add to."""
        return sum(self.resolution)


@dataclass
class Dashboard:
    period: Period
    previous: Period
    interval: str
    current: Scores
    before: Scores
    tiles: dict[str, Tile]
    response_rate: tuple[int, int]
    trend: list[tuple[Period, Scores]]
    distributions: dict[SurveyKind, dict[int, int]]
    breakdowns: dict[str, list[tuple[object, Scores]]]
    sentiment: dict[str, int]
    drivers: Drivers
    unhappy_comments: int
    happy_comments: int
    latest: list
    queue: dict
    followup: scoring.Csat
    followup_before: scoring.Csat
    properties: list[tuple[object, Scores]] = field(default_factory=list)


def _by_kind(counts: dict[tuple, list[int]], kinds: dict[int, SurveyKind], skip=None) -> dict:
    """{period index: {kind: answers per score}} from counts by (index, survey id)."""
    found: dict[int, dict] = {}
    for (index, survey_id), vector in counts.items():
        kind = kinds.get(survey_id)
        if kind is not None and survey_id != skip:
            queries.add_counts(found.setdefault(index, {}), kind, vector)
    return found


def build(
    period: Period,
    filters: Filters,
    zone: str,
    now: datetime,
    interval: str,
    kinds: dict[int, SurveyKind] | None = None,
    prop: str | None = None,
    locale: str = "en",
) -> Dashboard:
    """Everything on the page for one period and set of filters. ``zone`` is the zone of
    the summaries' days; ``kinds`` each survey's kind by id (read when not given);
    ``locale`` the language of the topics' names."""
    if kinds is None:
        kinds = dict(db.session.execute(select(Survey.id, Survey.kind)).all())
    previous = period.previous()
    buckets = trend_periods(period, interval)
    # The follow-up survey's answers come in the same read (grouped by survey) unless a
    # survey or touchpoint filter leaves them out: they follow only the tier and language.
    followup_id = filters.followup_survey_id
    unfiltered = replace(filters, followup_survey_id=None)
    by_survey = ("survey_id",)
    headline = queries.scores([period, previous], unfiltered, zone, by_survey, DISTRIBUTION)
    trend = _by_kind(queries.scores(buckets, filters, zone, by_survey, DISTRIBUTION), kinds)
    followups = headline
    if filters.survey_id not in (None, followup_id) or filters.touchpoint_type_id is not None:
        apart = Filters(survey_id=followup_id, tier=filters.tier, locale=filters.locale)
        followups = queries.scores([period, previous], apart, zone, by_survey, DISTRIBUTION)
    spread = _by_kind(headline, kinds, skip=followup_id if filters.survey_id is None else None)
    current, before = Scores.of(spread.get(0, {})), Scores.of(spread.get(1, {}))
    groups = queries.scores([period], filters, zone, (*BREAKDOWNS, "kind"), BREAKDOWN_METRICS)
    totals = [sum(column) for column in zip(*groups.values(), strict=True)] or [0] * len(
        BREAKDOWN_METRICS
    )
    totals = dict(zip(BREAKDOWN_METRICS, totals, strict=True))
    delivered = queries.deliveries([period, previous], filters, zone)
    followup = [scoring.csat({}), scoring.csat({})]
    for (index, survey_id), vector in followups.items():
        if survey_id == followup_id:
            followup[index] = scoring.csat(score_counts(vector))
    return Dashboard(
        period=period,
        previous=previous,
        interval=interval,
        current=current,
        before=before,
        tiles=tiles(current, before, delivered),
        response_rate=delivered.get(0, (0, 0)),
        trend=[(bucket, Scores.of(trend.get(i, {}))) for i, bucket in enumerate(buckets)],
        distributions={kind: score_counts(spread.get(0, {}).get(kind)) for kind in KINDS},
        breakdowns=_breakdowns(groups),
        sentiment={name: totals[name] for name in ("positive", "neutral", "negative")},
        drivers=drivers(period, filters, zone, dashboard_kind(filters, kinds), locale, kinds),
        unhappy_comments=totals["comments_unhappy"],
        happy_comments=totals["comments_happy"],
        latest=queries.latest_unhappy(period, filters, LATEST_COMMENTS),
        queue=queue_health(period, filters, zone, now),
        followup=followup[0],
        followup_before=followup[1],
        properties=property_breakdown(period, filters, prop) if prop else [],
    )


def tiles(current: Scores, before: Scores, delivered: dict) -> dict[str, Tile]:
    """The headline figures, each with its change from the period before; ``delivered``
    is {period index: (delivered, answered)}."""
    now, old = current, before
    (sent, answered), (sent_before, answered_before) = (
        _delivery(delivered.get(index, (0, 0))) for index in (0, 1)
    )
    return {
        "nps": Tile(
            now.nps.score, now.nps.interval, now.nps.n, scoring.nps_change(now.nps, old.nps)
        ),
        "csat": Tile(
            now.csat.percent,
            now.csat.percent_interval,
            now.csat.n,
            scoring.share_change(now.csat.satisfied, now.csat.n, old.csat.satisfied, old.csat.n),
        ),
        "ces": Tile(
            now.ces.mean, now.ces.mean_interval, now.ces.n, scoring.mean_change(now.ces, old.ces)
        ),
        "response_rate": Tile(
            scoring.response_rate(answered, sent),
            scoring.share_interval(answered, sent),
            sent,
            scoring.share_change(answered, sent, answered_before, sent_before),
        ),
    }


def _delivery(counts: tuple[int, int]) -> tuple[int, int]:
    """(delivered, answered), answered never above delivered."""
    delivered, answered = counts
    return delivered, min(answered, delivered)


def _breakdowns(groups: dict[tuple, list[int]]) -> dict[str, list[tuple[object, Scores]]]:
    """Per dimension, a (value, scores) row per value, the largest group first."""
    result = {}
    for position, dimension in enumerate(BREAKDOWNS):
        by_value: dict = {}
        for key, vector in groups.items():
            queries.add_counts(by_value.setdefault(key[1 + position], {}), key[-1], vector)
        rows = [(value, Scores.of(by_kind)) for value, by_kind in by_value.items()]
        result[dimension] = sorted(rows, key=lambda row: -row[1].n)
    return result


def queue_health(period: Period, filters: Filters, zone: str, now: datetime) -> dict:
    """{"priority": {priority: QueueRow}, "agent": {user id or 0: QueueRow}, "total":
    QueueRow}. By priority and in total: the cases in the queue now, and those opened in
    the period. By agent: the cases they own now, and what they did in the period (first
    responses given, cases resolved), whenever those cases opened; nobody (0) first, then
    agents by id."""
    counted = queries.cases(period, filters, zone)
    open_now = queries.open_cases(period, now, filters)
    took = queries.durations(period, filters, zone)
    result: dict = {"priority": {}, "agent": {}, "total": QueueRow()}
    keys = counted.keys() | open_now.keys() | took.keys()
    for key in sorted(keys, key=lambda k: k[0].rank):
        for row in (result["priority"].setdefault(key[0], QueueRow()), result["total"]):
            row.add(counted.get(key), open_now.get(key), took.get(key))
    by_agent = result["agent"]
    for (_priority, owner_id), (n, overdue, _waiting) in open_now.items():
        by_agent.setdefault(owner_id, QueueRow()).add(now=(n, overdue, 0))
    for agent_id, (given, on_time, histogram) in agents.first_responses(period, filters).items():
        row = by_agent.setdefault(agent_id, QueueRow())
        row.responded, row.on_time, row.first_response = given, on_time, histogram
    for agent_id, (resolved, histogram) in agents.resolutions(period, filters).items():
        row = by_agent.setdefault(agent_id, QueueRow())
        row.resolved, row.resolution = resolved, histogram
    result["agent"] = dict(sorted(by_agent.items()))
    return result


def property_breakdown(period: Period, filters: Filters, key: str) -> list:
    """(value, scores) by the value of one event property, the largest groups first."""
    groups: dict = {}
    for value, kind, *vector in queries.property_scores(period, filters, key, DISTRIBUTION):
        queries.add_counts(groups.setdefault(value, {}), kind, vector)
    rows = sorted(
        ((value, Scores.of(by_kind)) for value, by_kind in groups.items()),
        key=lambda row: -row[1].n,
    )
    return rows[:PROPERTY_GROUPS]
