"""The dashboard's counts: the daily summaries added up by period in SQL, plus the rows
themselves for the hours at the ends of a period when the manager's days are not the
summaries' days (periods.cover).

Each read takes a list of periods that do not overlap and returns its sums by period
index (and by the columns it groups by), as lists of counts.
"""

from __future__ import annotations

from datetime import datetime
from operator import add

from sqlalchemy import and_, case, false, func, literal, literal_column, or_, select

from feedback.complaints.models import Case
from feedback.customers.models import Customer
from feedback.dashboard.answers import Filters
from feedback.dashboard.models import HISTOGRAM, CaseDay, InvitationDay, ScoreDay, TopicDay
from feedback.dashboard.periods import Cover, Period, cover
from feedback.dashboard.rollups import case_metrics, metric
from feedback.extensions import db
from feedback.scoring import mood_sql
from feedback.surveys.models import Invitation, InvitationStatus, Response, TouchpointEvent
from feedback.tagging.models import ResponseTopic

#: the counted columns of case_days that queue health reads
CASE_COUNTS = (
    "opened",
    "responded",
    "on_time",
    "resolved",
    *(f"fr{i}" for i in HISTOGRAM),
    *(f"res{i}" for i in HISTOGRAM),
)


def add_counts(result: dict, key, counts) -> None:
    """Add a list of counts to result[key], element by element."""
    totals = result.get(key)
    counts = [int(n or 0) for n in counts]
    result[key] = counts if totals is None else list(map(add, totals, counts))


#: grouped by, as its label: PostgreSQL takes a CASE with parameters in the GROUP BY for
#: another expression than the same CASE in the SELECT
BUCKET = literal_column("bucket")
#: a read of one period
ONE = literal(0).label("bucket")


def _days(column, where: Cover):
    """The period index of a summary day, and the condition that it is in one."""
    bucket = case(*[(column.between(a, b), i) for i, a, b in where.days], else_=-1)
    return bucket.label("bucket"), or_(*[column.between(a, b) for _i, a, b in where.days])


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
        t = ScoreDay.__table__
        bucket, within = _days(t.c.day, where)
        keys = [t.c[name] for name in group]
        _sums(
            result,
            select(bucket, *keys, *[func.sum(t.c[name]) for name in metrics])
            .where(within, *filters.where(t))
            .group_by(BUCKET, *keys),
            len(group),
        )
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


def topics(period: Period, filters: Filters, zone: str) -> dict[tuple[int, int], int]:
    """Answers mentioning each topic in the period, by (topic id, mood)."""
    where = cover([period], zone)
    result: dict[tuple, list[int]] = {}
    if where.days:
        t = TopicDay.__table__
        _bucket, within = _days(t.c.day, where)
        _sums(
            result,
            select(ONE, t.c.topic_id, t.c.mood, func.sum(t.c.answers))
            .where(within, *filters.where(t))
            .group_by(t.c.topic_id, t.c.mood),
            2,
        )
    if where.edges:
        r, rt = Response.__table__, ResponseTopic.__table__
        _bucket, within = _hours(r.c.answered_at, where)
        mood = literal_column(mood_sql("responses")).label("mood")
        _sums(
            result,
            select(ONE, rt.c.topic_id, mood, func.count())
            .select_from(r.join(rt, rt.c.response_id == r.c.id))
            .where(within, *filters.where(r))
            .group_by(rt.c.topic_id, literal_column("mood")),
            2,
        )
    return {(topic_id, mood): counts[0] for (_i, topic_id, mood), counts in result.items()}


def deliveries(periods: list[Period], filters: Filters, zone: str) -> dict[int, tuple[int, int]]:
    """(delivered, answered since) per period index, of the invitations sent in each, by
    the customer's tier and the email's language when each was sent."""
    where = cover(periods, zone)
    result: dict[tuple, list[int]] = {}
    if where.days:
        t = InvitationDay.__table__
        bucket, within = _days(t.c.day, where)
        _sums(
            result,
            select(bucket, func.sum(t.c.delivered), func.sum(t.c.answered))
            .where(within, *filters.where(t))
            .group_by(BUCKET),
            0,
        )
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


def _case_scope(table_columns: dict, filters: Filters) -> list:
    """Cases follow the touchpoint and tier filters (they have no survey or language)."""
    scope = Filters(touchpoint_type_id=filters.touchpoint_type_id, tier=filters.tier)
    return scope.conditions(table_columns)


def cases(period: Period, filters: Filters, zone: str) -> dict[tuple, list[int]]:
    """CASE_COUNTS of the cases opened in the period, by (priority, owner id or 0)."""
    where = cover([period], zone)
    result: dict[tuple, list[int]] = {}
    if where.days:
        t = CaseDay.__table__
        _bucket, within = _days(t.c.day, where)
        _sums(
            result,
            select(ONE, t.c.priority, t.c.owner_id, *[func.sum(t.c[n]) for n in CASE_COUNTS])
            .where(within, *_case_scope(t.c, filters))
            .group_by(t.c.priority, t.c.owner_id),
            2,
        )
    if where.edges:
        c = Case.__table__
        _bucket, within = _hours(c.c.opened_at, where)
        values = case_metrics("cases", db.session.get_bind().dialect.name)
        owner = func.coalesce(c.c.owner_id, 0)
        columns = {"touchpoint_type_id": func.coalesce(c.c.touchpoint_type_id, 0), "tier": c.c.tier}
        _sums(
            result,
            select(
                ONE,
                c.c.priority,
                owner,
                *[func.sum(literal_column(values[n])) for n in CASE_COUNTS],
            )
            .where(within, *_case_scope(columns, filters))
            .group_by(c.c.priority, owner),
            2,
        )
    return {key[1:]: counts for key, counts in result.items()}


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
    columns = {"touchpoint_type_id": Case.touchpoint_type_id, "tier": Case.tier}
    rows = db.session.execute(
        select(
            Case.priority,
            owner,
            func.count(),
            func.sum(case((Case.deadline_passed(now), 1), else_=0)),
            func.sum(case((waiting, 1), else_=0)),
        )
        .where(Case.in_queue(), *_case_scope(columns, filters))
        .group_by(Case.priority, owner)
    )
    return {(p, o): (n, int(late or 0), int(waiting or 0)) for p, o, n, late, waiting in rows}


def latest_unhappy(period: Period, filters: Filters, limit: int) -> list:
    """The newest unhappy answers with a comment in the period, with their case if any."""
    from feedback.complaints.models import CaseResponse

    r = Response.__table__
    case_id = (
        select(func.min(CaseResponse.case_id))
        .where(CaseResponse.response_id == r.c.id)
        .scalar_subquery()
    )
    return db.session.execute(
        select(
            r.c.id,
            r.c.answered_at,
            r.c.kind,
            r.c.score,
            r.c.comment,
            r.c.language,
            r.c.locale,
            case_id.label("case_id"),
        )
        .where(
            r.c.answered_at >= period.start(),
            r.c.answered_at < period.end(),
            r.c.comment.is_not(None),
            literal_column(mood_sql("responses")) == -1,
            *filters.where(r),
        )
        .order_by(r.c.answered_at.desc(), r.c.id.desc())
        .limit(limit)
    ).all()


def property_scores(period: Period, filters: Filters, key: str, metrics: tuple[str, ...]):
    """Rows of (value, kind, *metrics) of the answers by the value of one event property:
    read from the answers, as properties are free-form."""
    r, i, e = Response.__table__, Invitation.__table__, TouchpointEvent.__table__
    value = TouchpointEvent.properties[key].as_string().label("value")
    return db.session.execute(
        select(
            value,
            r.c.kind,
            *[func.sum(literal_column(metric(name, "responses"))) for name in metrics],
        )
        .select_from(r.join(i, i.c.id == r.c.invitation_id).join(e, e.c.id == i.c.event_id))
        .where(r.c.answered_at >= period.start(), r.c.answered_at < period.end())
        .where(*filters.where(r))
        .group_by(literal_column("value"), r.c.kind)
    ).all()
