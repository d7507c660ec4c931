"""The dashboard's counts: the daily summaries added up by period in SQL, plus the rows
themselves for the hours at the ends of a period when the manager's days are not the
summaries' days (periods.cover).

Each read takes a list of periods that do not overlap and returns its sums by period
index (and by the columns it groups by), as lists of counts.
"""

from __future__ import annotations

from datetime import datetime
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
)

from feedback.complaints.models import Case, CaseResponse
from feedback.customers.models import Customer
from feedback.dashboard.answers import Filters, bound, in_period
from feedback.dashboard.models import HISTOGRAMS
from feedback.dashboard.periods import Cover, Period, cover
from feedback.dashboard.rollups import case_counts, duration_bucket, metric
from feedback.extensions import db
from feedback.scoring import mood_sql
from feedback.surveys.models import Invitation, InvitationStatus, Response, TouchpointEvent
from feedback.tagging.models import ResponseTopic

#: the counted columns of case_days
CASE_COUNTS = ("opened", "responded", "on_time", "resolved")


def add_counts(result: dict, key, counts) -> None:
    """Add a list of counts to result[key], element by element (sums of a group's rows:
    never NULL)."""
    totals = result.get(key)
    result[key] = list(counts) if totals is None else list(map(add, totals, counts))


#: grouped by, as its label: PostgreSQL takes a CASE with parameters in the GROUP BY for
#: another expression than the same CASE in the SELECT
BUCKET = literal_column("bucket")
#: a read of one period
ONE = literal(0).label("bucket")


@cache
def summed(table: str, spans: int, keys: tuple, sums: tuple, shape: tuple):
    """A statement adding up the counts ``sums`` of the summary ``table`` by period index
    (its days within one of ``spans`` spans: parameters i0, a0, b0 ...) and ``keys``, for
    the dashboard's conditions of ``shape``. Built once per shape and run with other
    values: building a SELECT of a few dozen sums costs as much as running it."""
    t = db.metadata.tables[table]
    days = [
        (
            bindparam(f"i{n}", type_=Integer),
            bindparam(f"a{n}", type_=Date),
            bindparam(f"b{n}", type_=Date),
        )
        for n in range(spans)
    ]
    bucket = case(*[(t.c.day.between(a, b), i) for i, a, b in days], else_=-1).label("bucket")
    columns = [t.c[name] for name in keys]
    return (
        select(bucket, *columns, *[func.sum(t.c[name]) for name in sums])
        .where(or_(*[t.c.day.between(a, b) for _i, a, b in days]), *bound(t.c, shape))
        .group_by(BUCKET, *columns)
    )


def _summed(result: dict, table: str, where: Cover, filters: Filters, keys=(), sums=()):
    """Add up the summary days of ``where`` into result[(index, *keys)]."""
    statement = summed(table, len(where.days), keys, sums, filters.shape())
    params = filters.params()
    for n, (index, first, last) in enumerate(where.days):
        params.update({f"i{n}": index, f"a{n}": first, f"b{n}": last})
    for index, *row in db.session.execute(statement, params):
        add_counts(result, (index, *row[: len(keys)]), row[len(keys) :])


def _hours(column, where: Cover):
    """The period index of a row's time at the ends of a period, and the condition."""
    spans = [(and_(column >= a, column < b), i) for i, a, b in where.edges]
    within = or_(*[span for span, _i in spans]) if spans else false()
    return case(*spans, else_=-1).label("bucket"), within


def _sums(result: dict, statement, groups: int) -> None:
    """Add up the rows of ``statement``: (period index, ``groups`` key columns, counts)."""
    for index, *row in db.session.execute(statement):
        add_counts(result, (index, *row[:groups]), row[groups:])


def scores(
    periods: list[Period],
    filters: Filters,
    zone: str,
    group: tuple[str, ...],
    metrics: tuple[str, ...],
) -> dict[tuple, list[int]]:
    """The ``metrics`` (columns of score_days) of the answers in each period, by (period
    index, *values of the ``group`` columns)."""
    where = cover(periods, zone)
    result: dict[tuple, list[int]] = {}
    if where.days:
        _summed(result, "score_days", where, filters, group, metrics)
    if where.edges:
        r = Response.__table__
        bucket, within = _hours(r.c.answered_at, where)
        keys = [r.c[name] for name in group]
        sums = [func.sum(literal_column(metric(name, "responses"))) for name in metrics]
        _sums(
            result,
            select(bucket, *keys, *sums).where(within, *filters.where(r)).group_by(BUCKET, *keys),
            len(group),
        )
    return result


def topics(period: Period, filters: Filters, zone: str) -> dict[tuple[int, int, int], int]:
    """Answers mentioning each topic in the period, by (survey id, topic id, mood): the
    survey says the answers' kind."""
    where = cover([period], zone)
    keys = ("survey_id", "topic_id", "mood")
    result: dict[tuple, list[int]] = {}
    if where.days:
        _summed(result, "topic_days", where, filters, keys, ("answers",))
    if where.edges:
        r, rt = Response.__table__, ResponseTopic.__table__
        _bucket, within = _hours(r.c.answered_at, where)
        mood = literal_column(mood_sql("responses")).label("mood")
        _sums(
            result,
            select(ONE, r.c.survey_id, rt.c.topic_id, mood, func.count())
            .select_from(r.join(rt, rt.c.response_id == r.c.id))
            .where(within, *filters.where(r))
            .group_by(r.c.survey_id, rt.c.topic_id, literal_column("mood")),
            3,
        )
    return {key[1:]: counts[0] for key, counts in result.items()}


def deliveries(periods: list[Period], filters: Filters, zone: str) -> dict[int, tuple[int, int]]:
    """(delivered, answered since) per period index, of the invitations sent in each, by
    the customer's tier and the email's language when each was sent."""
    where = cover(periods, zone)
    result: dict[tuple, list[int]] = {}
    if where.days:
        _summed(result, "invitation_days", where, filters, (), ("delivered", "answered"))
    if where.edges:
        i, e, c = Invitation.__table__, TouchpointEvent.__table__, Customer.__table__
        bucket, within = _hours(i.c.sent_at, where)
        columns = {  # as invitation_days counts them (rollups._INVITATION_KEY)
            "survey_id": i.c.survey_id,
            "touchpoint_type_id": e.c.touchpoint_type_id,
            "tier": func.coalesce(i.c.tier, c.c.tier, ""),
            "locale": func.coalesce(i.c.locale, ""),
        }
        answered = case((i.c.status == InvitationStatus.ANSWERED, 1), else_=0)
        _sums(
            result,
            select(bucket, func.count(), func.sum(answered))
            .select_from(i.join(e, e.c.id == i.c.event_id).join(c, c.c.id == i.c.customer_id))
            .where(within, *filters.conditions(columns))
            .group_by(BUCKET),
            0,
        )
    return {key[0]: (counts[0], counts[1]) for key, counts in result.items()}


def cases(period: Period, filters: Filters, zone: str) -> dict[tuple, list[int]]:
    """CASE_COUNTS of the cases opened in the period, by (priority, owner id or 0)."""
    where = cover([period], zone)
    scope = Filters(touchpoint_type_id=filters.touchpoint_type_id, tier=filters.tier)
    result: dict[tuple, list[int]] = {}
    if where.days:
        _summed(result, "case_days", where, scope, ("priority", "owner_id"), CASE_COUNTS)
    if where.edges:
        _raw_cases(result, where.edges, scope, case_counts("cases"))
    return {key[1:]: counts for key, counts in result.items()}


def durations(period: Period, filters: Filters, zone: str) -> dict[tuple, list[int]]:
    """HISTOGRAMS of the cases opened in the period, by (priority, owner id or 0): from
    case_duration_days, which has no tier or touchpoint, so with those filters from the
    cases themselves."""
    where = cover([period], zone)
    scope = Filters(touchpoint_type_id=filters.touchpoint_type_id, tier=filters.tier)
    result: dict[tuple, list[int]] = {}
    edges = where.edges
    if where.days and scope.shape():
        edges = [(0, period.start(), period.end())]
    elif where.days:
        _summed(result, "case_duration_days", where, scope, ("priority", "owner_id"), HISTOGRAMS)
    if edges:
        c = Case.__table__
        _bucket, within = _hours(c.c.opened_at, Cover(edges=edges))
        owner = func.coalesce(c.c.owner_id, 0)
        dialect = db.session.get_bind().dialect.name
        for offset, stamp in enumerate(("first_responded_at", "resolved_at")):
            bucket = literal_column(duration_bucket("cases", stamp, dialect)).label("took")
            rows = db.session.execute(
                select(c.c.priority, owner, bucket, func.count())
                .where(within, c.c[stamp].is_not(None))
                .where(*scope.conditions(case_columns(c)))
                .group_by(c.c.priority, owner, literal_column("took"))
            )
            for priority, owner_id, took, n in rows:
                if took is not None:
                    histogram = result.setdefault((0, priority, owner_id), [0] * len(HISTOGRAMS))
                    histogram[offset * len(HISTOGRAMS) // 2 + took] += n
    return {key[1:]: counts for key, counts in result.items()}


def _raw_cases(result: dict, edges: list, scope: Filters, values: dict[str, str]) -> None:
    """Add the ``values`` (SQL of a case summary's counts) of the cases opened within
    ``edges`` (one period's) by (0, priority, owner id or 0)."""
    c = Case.__table__
    _bucket, within = _hours(c.c.opened_at, Cover(edges=edges))
    owner = func.coalesce(c.c.owner_id, 0)
    sums = [func.sum(literal_column(value)) for value in values.values()]
    _sums(
        result,
        select(ONE, c.c.priority, owner, *sums)
        .where(within, *scope.conditions(case_columns(c)))
        .group_by(c.c.priority, owner),
        2,
    )


def case_columns(c) -> dict:
    """The columns of cases that case_days is keyed by."""
    return {"touchpoint_type_id": func.coalesce(c.c.touchpoint_type_id, 0), "tier": c.c.tier}


def open_cases(period: Period, now: datetime, filters: Filters) -> dict[tuple, tuple]:
    """The cases in the queue now by (priority, owner id or 0): how many, how many are
    overdue, and how many of those opened in the period wait past their first-response
    deadline."""
    owner = func.coalesce(Case.owner_id, 0)
    waiting = and_(
        Case.first_responded_at.is_(None),
        Case.first_response_due_at <= now,
        Case.opened_at >= period.start(),
        Case.opened_at < period.end(),
    )
    scope = Filters(touchpoint_type_id=filters.touchpoint_type_id, tier=filters.tier)
    rows = db.session.execute(
        select(
            Case.priority,
            owner,
            func.count(),
            func.sum(case((Case.deadline_passed(now), 1), else_=0)),
            func.sum(case((waiting, 1), else_=0)),
        )
        .where(Case.in_queue(), *scope.conditions(case_columns(Case.__table__)))
        .group_by(Case.priority, owner)
    )
    return {(p, o): (n, int(late or 0), int(waiting or 0)) for p, o, n, late, waiting in rows}


def latest_unhappy(period: Period, filters: Filters, limit: int) -> list:
    """The newest unhappy answers with a comment in the period, with their case if any."""
    r = Response.__table__
    case_id = (
        select(func.min(CaseResponse.case_id))
        .where(CaseResponse.response_id == r.c.id)
        .scalar_subquery()
    )
    query = in_period(
        select(
            r.c.id,
            r.c.answered_at,
            r.c.kind,
            r.c.score,
            r.c.comment,
            r.c.comment_erased_at,
            r.c.language,
            r.c.locale,
            case_id.label("case_id"),
        )
        .where(
            r.c.comment.is_not(None),
            literal_column(mood_sql("responses")) == -1,
            *filters.where(r),
        )
        .order_by(r.c.answered_at.desc(), r.c.id.desc())
        .limit(limit),
        period,
    )
    return db.session.execute(query).all()


def property_scores(period: Period, filters: Filters, key: str, metrics: tuple[str, ...]):
    """Rows of (value, kind, *metrics) of the answers by the value of one event property:
    read from the answers, as properties are free-form."""
    r, i, e = Response.__table__, Invitation.__table__, TouchpointEvent.__table__
    value = TouchpointEvent.properties[key].as_string().label("property_value")
    query = in_period(
        select(
            value,
            r.c.kind,
            *[func.sum(literal_column(metric(name, "responses"))) for name in metrics],
        )
        .select_from(r.join(i, i.c.id == r.c.invitation_id).join(e, e.c.id == i.c.event_id))
        .where(*filters.where(r))
        .group_by(literal_column("property_value"), r.c.kind),
        period,
    )
    return db.session.execute(query).all()
