"""The answers loyalty counts: each customer's latest answer of a kind in the period, and
whether they bought again within W days of it (definitions.py says why so)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Select, and_, case, exists, func, select

from feedback.dashboard.answers import Filters
from feedback.dashboard.periods import Period
from feedback.loyalty.definitions import is_purchase, signed_value, within_days
from feedback.surveys.models import Response, SurveyKind, TouchpointEvent, TouchpointType


def latest_answers(
    period: Period, filters: Filters, kinds: tuple[str, ...] | None = None
) -> Select:
    """One row per customer and survey kind: their latest answer in the period (the
    dashboard's filters applied), with customer_id, response_id, survey_id, kind, score,
    answered_at, tier and touchpoint_type_id; only answers of ``kinds`` when given."""
    r = Response
    of_kind = [] if kinds is None else [r.kind.in_([SurveyKind(kind) for kind in kinds])]
    rank = func.row_number().over(
        partition_by=(r.customer_id, r.kind), order_by=(r.answered_at.desc(), r.id.desc())
    )
    ranked = filters.answers(
        select(
            r.customer_id,
            r.id.label("response_id"),
            r.survey_id,
            r.kind,
            r.score,
            r.answered_at,
            r.tier,
            r.touchpoint_type_id,
            rank.label("rank"),
        ).where(r.answered_at >= period.start(), r.answered_at < period.end(), *of_kind)
    ).subquery("ranked")
    return select(*[c for c in ranked.c if c.name != "rank"]).where(ranked.c.rank == 1)


def with_return(latest: Select, window: int, now: datetime) -> Select:
    """``latest`` (rows of latest_answers) with ``too_early`` (1 while the answer's W days
    have not passed), ``returned`` (1 when a purchase followed within W days) and
    ``value_after`` (purchases less refunds in those days)."""
    a = latest.subquery("latest")
    e, t = TouchpointEvent, TouchpointType
    after = and_(
        e.customer_id == a.c.customer_id,
        e.occurred_at > a.c.answered_at,
        within_days(e.occurred_at, a.c.answered_at, window),
    )
    bought = exists(select(e.id).join(t, t.id == e.touchpoint_type_id).where(after, is_purchase()))
    value = (
        select(func.coalesce(func.sum(signed_value()), 0))
        .join(t, t.id == e.touchpoint_type_id)
        .where(after)
        .scalar_subquery()
    )
    early = a.c.answered_at > now - timedelta(days=window)
    return select(
        a,
        case((early, 1), else_=0).label("too_early"),
        case((bought, 1), else_=0).label("returned"),
        value.label("value_after"),
    )
