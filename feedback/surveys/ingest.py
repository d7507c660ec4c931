"""Touchpoint events in: store each once, update the customer, schedule invitations.

Built for batches: every lookup is one query for the whole batch (existing events,
customers, triggers, each customer's last invitation), so a batch of a thousand events
costs a handful of statements, not thousands. Adds and flushes; the caller commits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from feedback.customers.models import Customer
from feedback.extensions import db
from feedback.surveys.inputs import EventInput
from feedback.surveys.models import (
    EventSource,
    Invitation,
    InvitationStatus,
    SuppressionReason,
    Survey,
    SurveyStatus,
    SurveyTrigger,
    TouchpointEvent,
    TouchpointType,
)
from feedback.timeutil import utcnow

#: invitations that count for the cooldown: the customer got, or will get, an email
COUNTS_FOR_COOLDOWN = (
    InvitationStatus.SCHEDULED,
    InvitationStatus.SENT,
    InvitationStatus.ANSWERED,
    InvitationStatus.EXPIRED,
)
CHUNK = 500  # ids per IN (...) list


@dataclass
class IngestResult:
    """What became of one event of a batch."""

    index: int
    #: "created", "existing" (sent before: nothing new) or "rejected"
    outcome: str
    event: TouchpointEvent | None = None
    errors: dict = field(default_factory=dict)


def _chunks(values: list) -> list[list]:
    return [values[i : i + CHUNK] for i in range(0, len(values), CHUNK)]


def _by_external_id(model, external_ids: set[str], *options) -> dict:
    found = {}
    for chunk in _chunks(sorted(external_ids)):
        query = select(model).where(model.external_id.in_(chunk))
        for row in db.session.scalars(query.options(*options)):
            found[row.external_id] = row
    return found


def _last_invitation_times(customer_ids: list[int]) -> dict[int, datetime]:
    last = {}
    for chunk in _chunks(customer_ids):
        rows = db.session.execute(
            select(Invitation.customer_id, func.max(Invitation.send_at))
            .where(
                Invitation.customer_id.in_(chunk),
                Invitation.status.in_(COUNTS_FOR_COOLDOWN),
            )
            .group_by(Invitation.customer_id)
        )
        last.update({customer_id: when for customer_id, when in rows})
    return last


def touchpoint_types() -> dict[str, TouchpointType]:
    return {t.key: t for t in db.session.scalars(select(TouchpointType))}


def _triggers_by_type() -> dict[int, list[SurveyTrigger]]:
    triggers: dict[int, list[SurveyTrigger]] = {}
    query = select(SurveyTrigger).options(selectinload(SurveyTrigger.survey))
    for trigger in db.session.scalars(query.order_by(SurveyTrigger.id)):
        triggers.setdefault(trigger.touchpoint_type_id, []).append(trigger)
    return triggers


def _upsert_customer(customers: dict[str, Customer], data) -> Customer:
    customer = customers.get(data.external_id)
    if customer is None:
        customer = Customer(external_id=data.external_id, name="")
        db.session.add(customer)
        customers[data.external_id] = customer
    # Only what the sender gave replaces what we know.
    for name in ("email", "name", "locale", "tier"):
        value = getattr(data, name)
        if value is not None and getattr(customer, name) != value:
            setattr(customer, name, value)
    return customer


def suppression_for(
    customer: Customer,
    survey: Survey,
    send_at: datetime,
    last_invited: datetime | None,
    cooldown: timedelta,
) -> SuppressionReason | None:
    """Why this customer must not get this survey at ``send_at``, or None."""
    if customer.unsubscribed_at is not None:
        return SuppressionReason.UNSUBSCRIBED
    if not customer.email:
        return SuppressionReason.INVALID_ADDRESS
    if survey.status is not SurveyStatus.ACTIVE:
        return SuppressionReason.SURVEY_PAUSED
    if last_invited is not None and abs(send_at - last_invited) < cooldown:
        return SuppressionReason.COOLDOWN
    return None


def ingest_events(
    inputs: list[tuple[int, EventInput]],
    source: EventSource,
    recorded_by_id: int | None = None,
) -> list[IngestResult]:
    """Store new events, update customers and schedule invitations; one result per input.

    ``inputs`` pairs each event with its position in the request, for the results.
    """
    now = utcnow()
    types = touchpoint_types()
    results: list[IngestResult] = []
    known = _by_external_id(
        TouchpointEvent,
        {data.external_id for _, data in inputs},
        selectinload(TouchpointEvent.invitations).selectinload(Invitation.survey),
    )
    fresh: list[tuple[int, EventInput]] = []
    for index, data in inputs:
        if data.touchpoint not in types:
            results.append(
                IngestResult(index, "rejected", errors={"touchpoint": [_unknown_type(data, types)]})
            )
        elif data.external_id in known:
            results.append(IngestResult(index, "existing", known[data.external_id]))
        else:
            fresh.append((index, data))
    if not fresh:
        return sorted(results, key=lambda r: r.index)

    customers = _by_external_id(Customer, {data.customer.external_id for _, data in fresh})
    triggers = _triggers_by_type()
    global_cooldown = timedelta(days=current_app.config["INVITATION_COOLDOWN_DAYS"])
    new_events: dict[str, TouchpointEvent] = {}
    for index, data in fresh:
        if data.external_id in new_events:  # the same id twice in one batch
            results.append(IngestResult(index, "existing", new_events[data.external_id]))
            continue
        customer = _upsert_customer(customers, data.customer)
        touchpoint_type = types[data.touchpoint]
        event = TouchpointEvent(
            external_id=data.external_id,
            touchpoint_type=touchpoint_type,
            customer=customer,
            occurred_at=data.occurred_at,
            properties=data.properties,
            source=source,
            recorded_by_id=recorded_by_id,
        )
        db.session.add(event)
        new_events[data.external_id] = event
        results.append(IngestResult(index, "created", event))
    db.session.flush()  # ids for customers and events

    last_invited = _last_invitation_times([c.id for c in customers.values()])
    for result in results:
        if result.outcome != "created":
            continue
        event = result.event
        customer = event.customer
        touchpoint_type = event.touchpoint_type
        cooldown = (
            timedelta(days=touchpoint_type.cooldown_days)
            if touchpoint_type.cooldown_days is not None
            else global_cooldown
        )
        for trigger in triggers.get(touchpoint_type.id, []):
            send_at = max(event.occurred_at + timedelta(minutes=trigger.delay_minutes), now)
            reason = suppression_for(
                customer, trigger.survey, send_at, last_invited.get(customer.id), cooldown
            )
            invitation = Invitation(
                customer=customer,
                event=event,
                survey=trigger.survey,
                send_at=send_at,
                status=InvitationStatus.SUPPRESSED if reason else InvitationStatus.SCHEDULED,
                suppression_reason=reason,
            )
            db.session.add(invitation)
            if reason is None:
                last_invited[customer.id] = send_at
    db.session.flush()
    return sorted(results, key=lambda r: r.index)


def _unknown_type(data: EventInput, types: dict) -> str:
    known = ", ".join(sorted(types)) or "none yet"
    return f"Unknown touchpoint type {data.touchpoint!r}. Known types: {known}."
