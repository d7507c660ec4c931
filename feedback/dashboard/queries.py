"""The dashboard's counts: summary days added up in SQL, plus the raw answers at the
edges of a period that does not fall on whole summary days (see periods.cover)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from operator import add

from sqlalchemy import (
    Date,
    Integer,
    and_,
    bindparam,
    case,
    false,
    func,
    literal,
    literal_column,
    or_,
    select,
    union_all,
)

from feedback.dashboard.filters import Filters, bound
from feedback.dashboard.models import (
    WEEKS,
    InvitationDay,
    InvitationTierDay,
    ScoreDay,
    SurveyDay,
    SurveyTopicDay,
    TopicDay,
)
from feedback.dashboard.periods import Period, Spans, by_week, cover
from feedback.dashboard.reads import Batch, Later
from feedback.dashboard.rebuild import DISTRIBUTION, SCORE_METRICS, metric, mood
from feedback.surveys.models import Invitation, Response, TouchpointEvent
from feedback.tagging.models import ResponseTopic
from feedback.timeutil import UTCDateTime

METRICS = tuple(SCORE_METRICS)


def _spans(count: int, prefix: str = "", type_=Date) -> list[tuple]:
    """Parameters for ``count`` (index, first, last) spans: of days, or with UTCDateTime
    of instants (the raw edges)."""
    return [
        (
            bindparam(f"{prefix}i{n}", type_=Integer),
            bindparam(f"{prefix}a{n}", type_=type_),
            bindparam(f"{prefix}b{n}", type_=type_),
        )
        for n in range(count)
    ]


def _edge_spans(count: int, prefix: str = "") -> list[tuple]:
    return _spans(count, prefix, UTCDateTime)


def _span_params(spans, prefix: str = "") -> dict[str, object]:
    params: dict[str, object] = {}
    for n, (index, first, last) in enumerate(spans):
        params.update({f"{prefix}i{n}": index, f"{prefix}a{n}": first, f"{prefix}b{n}": last})
    return params


def _weekly_params(spans: Spans, prefix: str = "") -> tuple[tuple[int, int], dict[str, object]]:
    """Spans of whole days split into days and whole weeks (periods.by_week): how many of
    each, and their parameters for the parts of _by_day_and_week."""
    days, weeks = by_week(spans)
    params = {**_span_params(days, prefix), **_span_params(weeks, prefix + "w")}
    return (len(days), len(weeks)), params


def _by_day_and_week(daily, counts: tuple[int, int], part, prefix: str = "") -> list:
    """``part(table, spans)`` for the day spans of the daily summary and for the week
    spans of its weekly one (see _weekly_params), those there are. ``part`` selects the
    same columns from either table, its rows as they are (see _sums)."""
    return [
        part(table, _spans(count, name))
        for table, count, name in (
            (daily, counts[0], prefix),
            (WEEKS[daily.name], counts[1], prefix + "w"),
        )
        if count
    ]


def _sums(parts: list, keys: int):
    """One statement: the rows of the parts (selects whose first ``keys`` columns are a
    key and the others counts) added up by key across all of them, a row per key: half
    the rows of adding up each part apart, for the driver to read and Python to merge."""
    rows = (parts[0] if len(parts) == 1 else union_all(*parts)).subquery("summary_rows")
    columns = list(rows.c)
    return select(*columns[:keys], *[func.sum(c) for c in columns[keys:]]).group_by(*columns[:keys])


#: (score, the column counting it), s0 ... s10
_SCORES = tuple((score, f"s{score}") for score in range(11))


class Totals(dict):
    """Counted columns of ScoreDay (answers, s0 ... s10, comments ...), added up."""

    def __missing__(self, key):
        return 0

    def add(self, values: Iterable[tuple[str, int]]) -> Totals:
        for name, value in values:
            self[name] += int(value or 0)
        return self

    def counts(self) -> dict[int, int]:
        """The distribution of scores, for feedback.scoring."""
        get = self.get  # a missing score is 0, as __missing__ says, without the call
        return {score: n for score, name in _SCORES if (n := get(name))}


def _day_bucket(column, spans):
    return case(*[(column.between(a, b), i) for i, a, b in spans], else_=-1)


def _time_bucket(column, spans):
    return case(*[(and_(column >= a, column < b), i) for i, a, b in spans], else_=-1)


def _day_ranges(column, spans):
    return or_(*[column.between(a, b) for _i, a, b in spans]) if spans else false()


def _time_ranges(column, spans):
    return or_(*[and_(column >= a, column < b) for _i, a, b in spans]) if spans else false()


def score_totals(
    batch: Batch,
    periods: list[Period],
    filters: Filters,
    report_zone: str,
    group: tuple[str, ...] = (),
) -> Later[dict[tuple, Totals]]:
    """Totals per (period index, *group values), for the answers in each period."""
    vectors = score_vectors(batch, periods, filters, report_zone, group)
    return lambda: {
        key: Totals(zip(METRICS, counts, strict=True)) for key, counts in vectors().items()
    }


def score_vectors(
    batch: Batch,
    periods: list[Period],
    filters: Filters,
    report_zone: str,
    group: tuple[str, ...] = (),
    metrics: tuple[str, ...] = METRICS,
) -> Later[dict[tuple, list[int]]]:
    """As score_totals, each total a list of the ``metrics`` (quicker to add up)."""
    where = cover(periods, report_zone)
    shape, values = filters.shape(), filters.params()
    reads = []
    if where.days:
        counts, spans = _weekly_params(where.days)
        statement = _score_days(counts, group, metrics, shape)
        reads.append(batch.add(statement, {**spans, **values}, generic=True))
    if where.edges:
        statement = _score_edges(len(where.edges), group, metrics, shape)
        reads.append(batch.add(statement, {**_span_params(where.edges), **values}))
    width = len(group) + 1

    def result() -> dict[tuple, list[int]]:
        totals: dict[tuple, list[int]] = {}
        for read in reads:
            for row in batch.rows(read):
                add_counts(totals, tuple(row[:width]), row[width:])
        return totals

    return result


@cache
def _score_days(
    counts: tuple[int, int], group: tuple[str, ...], metrics: tuple[str, ...], shape: tuple
):
    """Built once per shape: the statements that follow are the page's most used, and
    building a SELECT of a few dozen sums costs about as much as running it."""

    def part(t, days):
        return select(
            _day_bucket(t.c.day, days).label("bucket"),
            *[t.c[name] for name in group],
            *[t.c[name] for name in metrics],
        ).where(_day_ranges(t.c.day, days), *bound(t, shape))

    return _sums(_by_day_and_week(ScoreDay.__table__, counts, part), 1 + len(group))


@cache
def _score_edges(spans: int, group: tuple[str, ...], metrics: tuple[str, ...], shape: tuple):
    """The answers themselves in the hours at the ends of a period (see periods.cover)."""
    r = Response.__table__
    edges = _edge_spans(spans)
    return (
        select(
            _time_bucket(r.c.answered_at, edges).label("bucket"),
            *[r.c[name] for name in group],
            *[func.sum(literal_column(metric(name, "responses"))) for name in metrics],
        )
        .where(_time_ranges(r.c.answered_at, edges), *bound(r, shape))
        .group_by(literal_column("bucket"), *[r.c[name] for name in group])
    )


def distributions(
    batch: Batch, groups: list[list[Period]], filters: Filters, report_zone: str
) -> Later[list[dict[tuple[int, int], list[int]]]]:
    """Per list of periods: the answers per score (s0 ... s10) by (period index, survey id).

    The periods within a list must not overlap; the lists may overlap one another (the
    trend's weeks and the current and previous periods). Their whole summary days are one
    read, a part per list added up by period and survey in SQL (~70 rows rather than the
    ~400 of the days themselves); the raw answers at the edges are one read per list.
    """
    covers = [cover(periods, report_zone) for periods in groups]
    shape = filters.shape()
    days = None
    if any(where.days for where in covers):
        values = filters.params()
        counts = []
        for number, where in enumerate(covers):
            part_counts, spans = _weekly_params(where.days, f"g{number}")
            counts.append(part_counts)
            values.update(spans)
        days = batch.add(_distribution_days(shape, tuple(counts)), values, generic=True)
    edges = [
        (
            number,
            batch.add(
                _distribution_edges(len(where.edges), shape),
                {**_span_params(where.edges), **filters.params()},
            ),
        )
        for number, where in enumerate(covers)
        if where.edges
    ]

    def result() -> list[dict[tuple[int, int], list[int]]]:
        results: list[dict[tuple[int, int], list[int]]] = [{} for _ in groups]
        if days is not None:
            for number, index, survey_id, *sums in batch.rows(days):
                add_counts(results[number], (index, survey_id), sums)
        for number, read in edges:
            for index, survey_id, *sums in batch.rows(read):
                add_counts(results[number], (index, survey_id), sums)
        return results

    return result


@cache
def _distribution_edges(spans: int, shape: tuple):
    r = Response.__table__
    edges = _edge_spans(spans)
    return (
        select(
            _time_bucket(r.c.answered_at, edges).label("bucket"),
            r.c.survey_id,
            *[func.sum(literal_column(metric(name, "responses"))) for name in DISTRIBUTION],
        )
        .where(_time_ranges(r.c.answered_at, edges), *bound(r, shape))
        .group_by(literal_column("bucket"), r.c.survey_id)
    )


@cache
def _distribution_days(shape: tuple, counts: tuple[tuple[int, int], ...]):
    """Per list of periods with ``counts[n]`` spans of whole days and of whole weeks:
    (list number, period index, survey id, s0 ... s10), the parts joined by UNION ALL."""
    # With no touchpoint, tier or language filter, the summary without those groups will do.
    by_survey = all(name in ("survey_id", "not_survey_id") for name in shape)
    daily = SurveyDay.__table__ if by_survey else ScoreDay.__table__
    parts = []
    for number, part_counts in enumerate(counts):

        def part(t, days, number=number):
            return select(
                literal(number, Integer).label("part"),
                _day_bucket(t.c.day, days).label("bucket"),
                t.c.survey_id,
                *[t.c[name] for name in DISTRIBUTION],
            ).where(_day_ranges(t.c.day, days), *bound(t, shape))

        parts += _by_day_and_week(daily, part_counts, part, f"g{number}")
    return _sums(parts, 3)


def column_sums(lists: list) -> list[int]:
    """The element-wise sums of equally long lists of counts."""
    return list(map(sum, zip(*lists, strict=True)))


def add_counts(result: dict, key, counts) -> None:
    """Add a list of counts to result[key], element by element (summed NOT NULL columns
    of non-empty groups: never NULL)."""
    totals = result.get(key)
    result[key] = list(counts) if totals is None else list(map(add, totals, counts))


def topic_totals(
    batch: Batch, period: Period, filters: Filters, report_zone: str
) -> Later[dict[tuple[int, int], int]]:
    """Answers mentioning each topic in the period, by (topic id, mood)."""
    where = cover([period], report_zone)
    shape, values = filters.shape(), filters.params()
    reads = []
    if where.days:
        counts, spans = _weekly_params(where.days)
        by_survey = all(name in ("survey_id", "not_survey_id") for name in shape)
        if not by_survey:  # topic_days has no weekly table: its days, all of them
            counts, spans = (len(where.days), 0), _span_params(where.days)
        statement = _topic_days(counts, shape)
        reads.append(batch.add(statement, {**spans, **values}, generic=True))
    if where.edges:
        statement = _topic_edges(len(where.edges), shape)
        reads.append(batch.add(statement, {**_span_params(where.edges), **values}))

    def result() -> dict[tuple[int, int], int]:
        totals: dict[tuple[int, int], int] = {}
        for read in reads:
            for topic_id, answer_mood, n in batch.rows(read):
                totals[(topic_id, answer_mood)] = totals.get((topic_id, answer_mood), 0) + int(n)
        return totals

    return result


@cache
def _topic_edges(spans: int, shape: tuple):
    r, rt = Response.__table__, ResponseTopic.__table__
    edges = _edge_spans(spans)
    answer_mood = literal_column(mood("responses")).label("mood")
    return (
        select(rt.c.topic_id, answer_mood, func.count())
        .select_from(r.join(rt, rt.c.response_id == r.c.id))
        .where(_time_ranges(r.c.answered_at, edges), *bound(r, shape))
        .group_by(rt.c.topic_id, literal_column("mood"))
    )


@cache
def _topic_days(counts: tuple[int, int], shape: tuple):
    by_survey = all(name in ("survey_id", "not_survey_id") for name in shape)

    def part(t, days):
        return select(t.c.topic_id, t.c.mood, t.c.answers).where(
            _day_ranges(t.c.day, days), *bound(t, shape)
        )

    if not by_survey:
        return _sums([part(TopicDay.__table__, _spans(counts[0]))], 2)
    return _sums(_by_day_and_week(SurveyTopicDay.__table__, counts, part), 2)


def delivery_totals(
    batch: Batch, periods: list[Period], filters: Filters, report_zone: str
) -> Later[dict[int, tuple[int, int]]]:
    """(delivered, answered since) per period index, of invitations sent in each period,
    by the customer's tier and the email's language when each was sent."""
    where = cover(periods, report_zone)
    shape, values = filters.shape(), filters.params()
    reads = []
    if where.days:
        # by tier and language only where asked: an eighth of the rows without
        statement = _delivery_days(len(where.days), shape)
        reads.append(batch.add(statement, {**_span_params(where.days), **values}, generic=True))
    if where.edges:
        statement = _raw_deliveries(len(where.edges), filters.shape())
        reads.append(batch.add(statement, {**_span_params(where.edges), **filters.params()}))

    def result() -> dict[int, tuple[int, int]]:
        totals: dict[int, list[int]] = {}
        for read in reads:
            for index, delivered, answered in batch.rows(read):
                counts = totals.setdefault(index, [0, 0])
                counts[0] += int(delivered or 0)
                counts[1] += int(answered or 0)
        return {index: (d, a) for index, (d, a) in totals.items()}

    return result


@cache
def _delivery_days(spans: int, shape: tuple):
    by_tier = "tier" in shape or "locale" in shape
    t = InvitationTierDay.__table__ if by_tier else InvitationDay.__table__
    days = _spans(spans)
    return (
        select(
            _day_bucket(t.c.day, days).label("bucket"),
            func.sum(t.c.delivered),
            func.sum(t.c.answered),
        )
        .where(_day_ranges(t.c.day, days), *bound(t, shape))
        .group_by(literal_column("bucket"))
    )


@cache
def _raw_deliveries(spans: int, shape: tuple):
    from feedback.customers.models import Customer
    from feedback.surveys.models import InvitationStatus

    i, e, c = Invitation.__table__, TouchpointEvent.__table__, Customer.__table__
    edges = _edge_spans(spans)
    columns = {
        "survey_id": i.c.survey_id,
        "not_survey_id": i.c.survey_id,
        "touchpoint_type_id": e.c.touchpoint_type_id,
        # as invitation_days counts them (rebuild.INVITATION_TIER)
        "tier": func.coalesce(i.c.tier, c.c.tier, ""),
        "locale": func.coalesce(i.c.locale, ""),
    }
    conditions = [_time_ranges(i.c.sent_at, edges)]
    for name in shape:
        if name == "not_survey_id":
            conditions.append(columns[name] != bindparam(name))
        else:
            conditions.append(columns[name] == bindparam(name))
    answered = case((i.c.status == InvitationStatus.ANSWERED, 1), else_=0)
    return (
        select(
            _time_bucket(i.c.sent_at, edges).label("bucket"),
            func.count(),
            func.sum(answered),
        )
        .select_from(i.join(e, e.c.id == i.c.event_id).join(c, c.c.id == i.c.customer_id))
        .where(*conditions)
        .group_by(literal_column("bucket"))
    )
