"""What the API reads about cases and customers: one function per read, so that the
audit of staff access to personal data (#23) is one call in each."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import aliased

from feedback.accounts.models import User
from feedback.complaints.email import case_url
from feedback.complaints.models import Case, CaseEvent, CaseResponse
from feedback.customers.consent import consent_history
from feedback.customers.models import Customer
from feedback.extensions import db
from feedback.loyalty.models import CustomerRfm
from feedback.loyalty.types import customer_loyalty_type
from feedback.surveys.models import Response, Survey, TouchpointType
from feedback.timeutil import utcnow

#: the case events that make the conversation; the timeline has them all
THREAD_KINDS = ("reply", "customer_reply", "call", "note")
#: a customer's answers in GET /customers/<id>: the newest ones, enough for a CRM's view
MAX_ANSWERS = 100


class BadCursor(ValueError):
    """A cursor this API did not make."""


@dataclass(frozen=True)
class CaseFilters:
    statuses: list[str] | None = None
    priorities: list[str] | None = None
    #: False: anyone's; None: unassigned; else a user id
    owner_id: int | None | bool = False
    opened_from: datetime | None = None
    opened_to: datetime | None = None


def encode_cursor(opened_at: datetime, case_id: int) -> str:
    """An opaque cursor for the cases after (opened_at, id)."""
    raw = f"{opened_at.astimezone(UTC).isoformat()}|{case_id}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    """(opened_at, id) of a cursor; raises BadCursor for anything else."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        moment, case_id = raw.split("|")
        opened_at, number = datetime.fromisoformat(moment), int(case_id)
        if opened_at.tzinfo is None or not 0 < number < 2**31:
            raise ValueError(raw)
        # a made-up cursor's time may not exist in UTC (year 1 at +05:00)
        return opened_at.astimezone(UTC), number
    except (ValueError, OverflowError, binascii.Error, UnicodeDecodeError) as error:
        raise BadCursor(cursor) from error


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _user(user: User | None) -> dict | None:
    return {"id": user.id, "name": user.display_name} if user else None


def _case(case: Case, owner: User | None, external_id: str, touchpoint: str | None) -> dict:
    return {
        "id": case.id,
        "status": case.status.value,
        "priority": case.priority.value,
        "source": case.source.value,
        "tier": case.tier,
        "owner": _user(owner),
        "customer": {"external_id": external_id},
        "touchpoint": touchpoint,
        "opened_at": _iso(case.opened_at),
        "first_response_due_at": _iso(case.first_response_due_at),
        "first_responded_at": _iso(case.first_responded_at),
        "first_response_breached": case.breached_at is not None,
        "resolution_due_at": _iso(case.resolution_due_at),
        "resolution_breached": case.resolution_breached_at is not None,
        "resolved_at": _iso(case.resolved_at),
        "closed_at": _iso(case.closed_at),
        "response_ids": [],
        "url": case_url(case),
    }


def _with_refs():
    """Cases with their owner, the customer's external id and the touchpoint's key."""
    owner = aliased(User)
    return (
        select(Case, owner, Customer.external_id, TouchpointType.key)
        .join(Customer, Customer.id == Case.customer_id)
        .outerjoin(owner, owner.id == Case.owner_id)
        .outerjoin(TouchpointType, TouchpointType.id == Case.touchpoint_type_id)
    )


def _attach_responses(items: list[dict]) -> None:
    by_id = {item["id"]: item for item in items}
    if not by_id:
        return
    links = db.session.execute(
        select(CaseResponse.case_id, CaseResponse.response_id)
        .where(CaseResponse.case_id.in_(by_id))
        .order_by(CaseResponse.response_id)
    )
    for case_id, response_id in links:
        by_id[case_id]["response_ids"].append(response_id)


def list_cases(
    filters: CaseFilters, cursor: str | None, limit: int
) -> tuple[list[dict], str | None]:
    """A page of cases, oldest opened first, after ``cursor``; and the next page's cursor.

    Ordered by (opened_at, id), which ix_cases_opened_at serves: a case opened while a
    client pages comes at the end, so no page repeats or skips a case."""
    query = _with_refs()
    if filters.statuses:
        query = query.where(Case.status.in_(filters.statuses))
    if filters.priorities:
        query = query.where(Case.priority.in_(filters.priorities))
    if filters.owner_id is None:
        query = query.where(Case.owner_id.is_(None))
    elif filters.owner_id is not False:
        query = query.where(Case.owner_id == filters.owner_id)
    if filters.opened_from:
        query = query.where(Case.opened_at >= filters.opened_from)
    if filters.opened_to:
        query = query.where(Case.opened_at < filters.opened_to)
    if cursor:
        opened_at, case_id = decode_cursor(cursor)
        query = query.where(
            or_(
                Case.opened_at > opened_at,
                and_(Case.opened_at == opened_at, Case.id > case_id),
            )
        )
    rows = db.session.execute(query.order_by(Case.opened_at, Case.id).limit(limit + 1)).all()
    items = [_case(*row) for row in rows[:limit]]
    _attach_responses(items)
    last = rows[limit - 1][0] if len(rows) > limit else None
    return items, encode_cursor(last.opened_at, last.id) if last else None


def case_record(case_id: int) -> dict | None:
    """One case with its conversation and its whole timeline, or None."""
    row = db.session.execute(_with_refs().where(Case.id == case_id)).first()
    if row is None:
        return None
    item = _case(*row)
    _attach_responses([item])
    events = db.session.scalars(
        select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.at, CaseEvent.id)
    ).all()
    actors = {user.id: user for user in _users({e.actor_id for e in events} - {None})}
    item["thread"] = [
        {
            "id": event.id,
            "kind": event.kind,
            "at": _iso(event.at),
            "author": _user(actors.get(event.actor_id)),
            "detail": event.detail,
            "body": event.body,
            "internal": event.kind == "note",
        }
        for event in events
        if event.kind in THREAD_KINDS
    ]
    item["timeline"] = [
        {
            "id": event.id,
            "kind": event.kind,
            "at": _iso(event.at),
            "actor": _user(actors.get(event.actor_id)),
            "before": event.before,
            "after": event.after,
            "detail": event.detail,
        }
        for event in events
    ]
    return item


def _users(ids: set[int]) -> list[User]:
    return list(db.session.scalars(select(User).where(User.id.in_(ids)))) if ids else []


def customer_record(external_id: str) -> dict | None:
    """A customer (the row, as `customer`) by external id with their RFM row, segment and
    loyalty type, their last MAX_ANSWERS answers and their cases, or None."""
    customer = db.session.scalar(select(Customer).where(Customer.external_id == external_id))
    if customer is None:
        return None
    answers = db.session.execute(
        select(Response, Survey.name, TouchpointType.key)
        .join(Survey, Survey.id == Response.survey_id)
        .outerjoin(TouchpointType, TouchpointType.id == Response.touchpoint_type_id)
        .where(Response.customer_id == customer.id)
        .order_by(Response.answered_at.desc(), Response.id.desc())
        .limit(MAX_ANSWERS)
    ).all()
    cases = db.session.scalars(
        select(Case)
        .where(Case.customer_id == customer.id)
        .order_by(Case.opened_at.desc(), Case.id.desc())
    ).all()
    rfm = db.session.get(CustomerRfm, customer.id)
    return {
        "customer": customer,
        "rfm": rfm,
        "segment": rfm.segment if rfm else None,
        "loyalty_type": customer_loyalty_type(customer.id, utcnow()),
        "answers": [
            {
                "id": response.id,
                "survey": survey,
                "kind": response.kind.value,
                "score": response.score,
                "comment": response.comment,
                "answered_at": _iso(response.answered_at),
                "touchpoint": touchpoint,
            }
            for response, survey, touchpoint in answers
        ],
        "cases": [
            {
                "id": case.id,
                "status": case.status.value,
                "priority": case.priority.value,
                "opened_at": _iso(case.opened_at),
            }
            for case in cases
        ],
        "consent": {
            "subscribed": customer.unsubscribed_at is None,
            "history": [
                {
                    "change": line.event.change,
                    "source": line.event.source,
                    "detail": line.event.detail,
                    "at": _iso(line.event.at),
                    "recorded_at": _iso(line.event.recorded_at),
                }
                for line in consent_history(customer)
            ],
        },
    }
