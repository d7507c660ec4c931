"""Loyalty types: attitude (promoter, or CSAT 4-5) x behaviour (bought again), counted
for the answers of a period and named for one customer. The rules are definitions.py's
(has_attitude, loyalty_type); this module only turns them into SQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from itertools import product

from sqlalchemy import and_, case, func, or_, select, true

from feedback.complaints.configuration.settings import queue_config
from feedback.customers.models import Customer
from feedback.dashboard.answers import Filters
from feedback.dashboard.periods import Period
from feedback.extensions import db
from feedback.loyalty.answers import latest_answers, with_return
from feedback.loyalty.definitions import (
    LOYAL_FREQUENCY,
    LOYALTY_TYPES,
    has_attitude,
    loyalty_type,
    window_days,
)
from feedback.loyalty.models import CustomerRfm
from feedback.surveys.models import Response, SurveyKind

#: the kinds whose answers show attitude
ATTITUDE_KINDS = (SurveyKind.NPS, SurveyKind.CSAT)
#: customers of a type on one page of the list
PAGE_SIZE = 50


def attitude(kind, score, survey_id, followup_survey_id: int | None):
    """SQL: 1 when the answer (its kind, score and survey columns) shows loyal attitude,
    else 0; the scores are read from definitions.has_attitude, so the rule stays there."""
    happy = [
        and_(kind == k, score.in_([s for s in k.scale if has_attitude(k.value, s)]))
        for k in ATTITUDE_KINDS
    ]
    shown = or_(*happy)
    if followup_survey_id is not None:
        shown = and_(shown, survey_id != followup_survey_id)
    return case((shown, 1), else_=0)


def type_of(attitude_column, behaviour_column):
    """SQL: the loyalty type key from 0/1 attitude and behaviour columns (by loyalty_type)."""
    return case(
        *[
            (and_(attitude_column == int(a), behaviour_column == int(b)), loyalty_type(a, b))
            for a, b in product((True, False), repeat=2)
        ]
    )


def typed(period: Period, filters: Filters, window: int, now: datetime):
    """A subquery of one row per customer whose answers count: their latest NPS or CSAT
    answer in the period (definitions.py: when they gave both, the later one decides),
    left out while it is too early to tell, with ``returned``, ``value_after`` and
    ``type``."""
    latest = latest_answers(period, filters)
    latest = latest.where(latest.selected_columns.kind.in_(ATTITUDE_KINDS))
    returns = with_return(latest, window, now).subquery("returns")
    rank = func.row_number().over(
        partition_by=returns.c.customer_id,
        order_by=(returns.c.answered_at.desc(), returns.c.response_id.desc()),
    )
    ranked = select(
        returns,
        attitude(
            returns.c.kind, returns.c.score, returns.c.survey_id, filters.followup_survey_id
        ).label("attitude"),
        rank.label("kind_rank"),
    ).subquery("ranked")
    counted = select(ranked, type_of(ranked.c.attitude, ranked.c.returned).label("type")).where(
        ranked.c.kind_rank == 1, ranked.c.too_early == 0
    )
    return counted.subquery("typed")


def type_counts(period: Period, filters: Filters, window: int, now: datetime) -> dict:
    """How many customers of each loyalty type answered in the period: overall, by the
    tier they answered in ("" for none) and by touchpoint type id."""
    rows = typed(period, filters, window, now)
    grouped = db.session.execute(
        select(rows.c.type, rows.c.tier, rows.c.touchpoint_type_id, func.count()).group_by(
            rows.c.type, rows.c.tier, rows.c.touchpoint_type_id
        )
    )
    result: dict = {
        "total": 0,
        "counts": dict.fromkeys(LOYALTY_TYPES, 0),
        "by_tier": {},
        "by_touchpoint": {},
    }
    for kind, tier, touchpoint_type_id, n in grouped:
        result["total"] += n
        result["counts"][kind] += n
        for key, by in ((tier or "", "by_tier"), (touchpoint_type_id, "by_touchpoint")):
            result[by].setdefault(key, dict.fromkeys(LOYALTY_TYPES, 0))[kind] += n
    return result


@dataclass
class TypePage:
    """One page of the customers of a type, newest answer first."""

    rows: list
    page: int
    has_next: bool


def customers_of_type(
    period: Period,
    filters: Filters,
    window: int,
    now: datetime,
    kind: str,
    page: int = 1,
    untiered: bool = False,
) -> TypePage:
    """The customers of loyalty type ``kind`` (as type_counts counts them), with name,
    tier, latest score and kind, returned and value after; ``untiered``: only answers
    given with no tier."""
    rows = typed(period, filters, window, now)
    query = (
        select(
            Customer.id,
            Customer.name,
            Customer.email,
            Customer.external_id,
            rows.c.tier,
            rows.c.kind,
            rows.c.score,
            rows.c.answered_at,
            rows.c.returned,
            rows.c.value_after,
        )
        .join(Customer, Customer.id == rows.c.customer_id)
        .where(rows.c.type == kind, rows.c.tier == "" if untiered else true())
        .order_by(rows.c.answered_at.desc(), rows.c.response_id.desc())
        .limit(PAGE_SIZE + 1)
        .offset((page - 1) * PAGE_SIZE)
    )
    found = db.session.execute(query).all()
    return TypePage(found[:PAGE_SIZE], page, len(found) > PAGE_SIZE)


def customer_loyalty_type(customer_id: int, now: datetime) -> str | None:
    """The customer's loyalty type today: attitude from their latest NPS or CSAT answer
    (not on the follow-up survey), behaviour when they bought within W days after it or
    their RFM frequency is at least LOYAL_FREQUENCY; None when they never answered."""
    followup = queue_config().followup_survey_id
    r = Response
    latest = (
        select(
            r.customer_id,
            r.id.label("response_id"),
            r.kind,
            r.score,
            r.survey_id,
            r.answered_at,
        )
        .where(r.customer_id == customer_id, r.kind.in_(ATTITUDE_KINDS))
        .order_by(r.answered_at.desc(), r.id.desc())
        .limit(1)
    )
    if followup is not None:
        latest = latest.where(r.survey_id != followup)
    row = db.session.execute(with_return(latest, window_days(), now)).first()
    if row is None:
        return None
    frequency = db.session.scalar(
        select(CustomerRfm.frequency).where(CustomerRfm.customer_id == customer_id)
    )
    loyal = bool(row.returned) or (frequency or 0) >= LOYAL_FREQUENCY
    return loyalty_type(has_attitude(row.kind.value, row.score), loyal)
