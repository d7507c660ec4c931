"""The queue's views (Mine, Unassigned, Due soon, Overdue, All open, Resolved), their
counts, filters and order: the queries behind the queue page. Read only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, exists, func, select
from sqlalchemy.orm import selectinload

from feedback.complaints.models import (
    ACTIVE_STATUSES,
    Case,
    CasePriority,
    CaseResponse,
    CaseStatus,
)
from feedback.customers.models import Customer
from feedback.extensions import db
from feedback.tagging.models import ResponseTopic, Topic

VIEWS = ("mine", "unassigned", "due_soon", "overdue", "open", "resolved")
PER_PAGE = 50


@dataclass(frozen=True)
class Filters:
    priority: CasePriority | None = None
    touchpoint_type_id: int | None = None
    topic_id: int | None = None
    tier: str | None = None


def view_clause(view: str, user_id: int, now: datetime):
    """The condition of one view, in SQL."""
    active = Case.status.in_(ACTIVE_STATUSES)
    return {
        "mine": and_(active, Case.owner_id == user_id),
        "unassigned": and_(active, Case.owner_id.is_(None)),
        "due_soon": and_(
            active,
            Case.first_responded_at.is_(None),
            Case.first_response_warn_at <= now,
            Case.first_response_due_at > now,
        ),
        "overdue": Case.is_overdue(now),
        "open": active,
        "resolved": Case.status.in_((CaseStatus.RESOLVED, CaseStatus.CLOSED)),
    }[view]


def _filtered(query, filters: Filters):
    if filters.priority is not None:
        query = query.where(Case.priority == filters.priority)
    if filters.touchpoint_type_id is not None:
        query = query.where(Case.touchpoint_type_id == filters.touchpoint_type_id)
    if filters.tier:
        tier = select(Customer.id).where(func.lower(Customer.tier) == filters.tier.casefold())
        query = query.where(Case.customer_id.in_(tier.scalar_subquery()))
    if filters.topic_id is not None:
        query = query.where(
            exists()
            .where(CaseResponse.case_id == Case.id)
            .where(ResponseTopic.response_id == CaseResponse.response_id)
            .where(ResponseTopic.topic_id == filters.topic_id)
        )
    return query


def counts(user_id: int, now: datetime, filters: Filters) -> dict[str, int]:
    """How many cases each view holds, with the filters applied, in one query."""
    columns = [func.count().filter(view_clause(view, user_id, now)).label(view) for view in VIEWS]
    row = db.session.execute(_filtered(select(*columns).select_from(Case), filters)).one()
    return dict(zip(VIEWS, row, strict=True))


_PRIORITY_RANK = case(*[(Case.priority == p, p.rank) for p in CasePriority])


def page_of(
    view: str, user_id: int, now: datetime, filters: Filters, page: int = 1
) -> tuple[list[Case], bool]:
    """One page of a view, the soonest due first (resolved: the latest first); and
    whether there is a next page."""
    query = _filtered(select(Case).where(view_clause(view, user_id, now)), filters)
    if view == "resolved":
        query = query.order_by(Case.resolved_at.desc().nulls_last(), Case.id.desc())
    else:
        query = query.order_by(
            Case.due_at.is_(None), Case.due_at, _PRIORITY_RANK, Case.opened_at, Case.id
        )
    query = (
        query.options(
            selectinload(Case.customer),
            selectinload(Case.owner),
            selectinload(Case.touchpoint_type),
        )
        .offset((page - 1) * PER_PAGE)
        .limit(PER_PAGE + 1)
    )
    cases = list(db.session.scalars(query))
    return cases[:PER_PAGE], len(cases) > PER_PAGE


def topics_by_case(case_ids: list[int]) -> dict[int, list[Topic]]:
    """The topics of the answers on each case, for the queue's rows."""
    found: dict[int, list[Topic]] = {}
    if not case_ids:
        return found
    rows = db.session.execute(
        select(CaseResponse.case_id, Topic)
        .join(ResponseTopic, ResponseTopic.response_id == CaseResponse.response_id)
        .join(Topic, Topic.id == ResponseTopic.topic_id)
        .where(CaseResponse.case_id.in_(case_ids))
        .distinct()
        .order_by(Topic.key)
    )
    for case_id, topic in rows:
        found.setdefault(case_id, []).append(topic)
    return found
