"""What each agent did in a period, for queue health: the first responses they gave (a
reply or a call that reached the customer) and the cases they resolved, read from the
cases and their timelines.

The daily case summaries are keyed by the day a case opened and by its owner then, which
is nearly always nobody: they cannot say who answered. A plain GROUP BY over the period's
cases can, and costs little: a period has as many rows as cases handled in it.
"""

from __future__ import annotations

from sqlalchemy import and_, case, func, literal_column, select

from feedback.complaints.models import Case, CaseEvent
from feedback.dashboard.answers import Filters
from feedback.dashboard.models import HISTOGRAM
from feedback.dashboard.periods import Period
from feedback.dashboard.queries import _case_columns
from feedback.dashboard.rollups import duration_bucket
from feedback.extensions import db

#: the timeline's line of a resolution (complaints.cases.resolve)
RESOLVED = ("status", "resolved")


def first_responses(period: Period, filters: Filters) -> dict[int, tuple[int, int, list[int]]]:
    """{agent id: (first responses given in the period, how many on time, histogram of
    the time from opening to the response)}: the agent is who replied or logged the call."""
    c, e = Case.__table__, CaseEvent.__table__
    took = literal_column(duration_bucket("cases", "first_responded_at", _dialect()))
    on_time = case((literal_column(Case.on_time_sql("cases")), 1), else_=0)
    rows = db.session.execute(
        select(e.c.actor_id, took.label("took"), func.count(), func.sum(on_time))
        .select_from(e.join(c, c.c.id == e.c.case_id))
        .where(
            e.c.kind == "first_response",
            e.c.actor_id.is_not(None),
            c.c.first_responded_at >= period.start(),
            c.c.first_responded_at < period.end(),
            *_scope(filters),
        )
        .group_by(e.c.actor_id, literal_column("took"))
    )
    result: dict[int, tuple[int, int, list[int]]] = {}
    for agent_id, bucket, n, in_time in rows:
        given, timely, histogram = result.get(agent_id, (0, 0, [0] * len(HISTOGRAM)))
        if bucket is not None:
            histogram[bucket] += n
        result[agent_id] = (given + n, timely + int(in_time or 0), histogram)
    return result


def resolutions(period: Period, filters: Filters) -> dict[int, tuple[int, list[int]]]:
    """{agent id: (cases resolved in the period and still resolved, histogram of the time
    from opening to resolution)}: the agent is who resolved it last (a case reopened and
    resolved again counts once, for the last)."""
    c, e = Case.__table__, CaseEvent.__table__
    resolver = (
        select(e.c.actor_id)
        .where(e.c.case_id == c.c.id, e.c.kind == RESOLVED[0], e.c.after == RESOLVED[1])
        .order_by(e.c.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    took = literal_column(duration_bucket("cases", "resolved_at", _dialect()))
    resolved = (
        select(resolver.label("agent_id"), took.label("took"))
        .where(
            c.c.resolved_at >= period.start(),
            c.c.resolved_at < period.end(),
            *_scope(filters),
        )
        .subquery()
    )
    rows = db.session.execute(
        select(resolved.c.agent_id, resolved.c.took, func.count())
        .where(resolved.c.agent_id.is_not(None))
        .group_by(resolved.c.agent_id, resolved.c.took)
    )
    result: dict[int, tuple[int, list[int]]] = {}
    for agent_id, bucket, n in rows:
        count, histogram = result.get(agent_id, (0, [0] * len(HISTOGRAM)))
        if bucket is not None:
            histogram[bucket] += n
        result[agent_id] = (count + n, histogram)
    return result


def _scope(filters: Filters) -> list:
    """Queue health follows the touchpoint and tier filters (the case's own)."""
    scope = Filters(touchpoint_type_id=filters.touchpoint_type_id, tier=filters.tier)
    return [and_(*scope.conditions(_case_columns(Case.__table__)))] if scope.shape() else []


def _dialect() -> str:
    return db.session.get_bind().dialect.name
