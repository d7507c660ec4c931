"""Touchpoint events in: store each once, update the customer, schedule invitations.

Built for batches of up to a thousand events: each lookup is one query for the whole
batch (known events, customers, triggers, each customer's last invitation) and each
kind of row is written with one multi-row INSERT (SQLAlchemy Core with RETURNING), not
through the ORM's unit of work, which costs about ten times as much per row. Writes and
flushes; the caller commits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from flask import current_app
from sqlalchemy import insert, select
from sqlalchemy.orm import selectinload

from feedback import events as domain_events
from feedback.extensions import db
from feedback.surveys.ingest_consent import ERASED_ROW, apply_consents, erased_before, erased_rows
from feedback.surveys.ingest_customers import (
    chunks,
    core,
    existing_customers,
    upsert_customers,
    wanted_customers,
)
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
from feedback.surveys.property_keys import note_keys
from feedback.timeutil import utcnow

#: invitations that count for the cooldown: the customer got, or will get, an email
COUNTS_FOR_COOLDOWN = (
    InvitationStatus.SCHEDULED,
    InvitationStatus.SENT,
    InvitationStatus.ANSWERED,
    InvitationStatus.EXPIRED,
)


@dataclass
class IngestResult:
    """What became of one event of a batch."""

    index: int
    #: "created", "existing" (sent before: nothing new) or "rejected"
    outcome: str
    #: the API's view of the event (see ``event_summary``); None when rejected
    event: dict | None = None
    errors: dict = field(default_factory=dict)

    @property
    def event_id(self) -> int | None:
        return self.event["id"] if self.event else None


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _money(value: Decimal | None) -> str | None:
    """A value as the API shows it: a string with two decimals (JSON numbers are floats)."""
    return None if value is None else f"{value:.2f}"


def touchpoint_types() -> dict[str, TouchpointType]:
    return {t.key: t for t in db.session.scalars(select(TouchpointType))}


def _triggers_by_type() -> dict[int, list[SurveyTrigger]]:
    triggers: dict[int, list[SurveyTrigger]] = {}
    query = select(SurveyTrigger).options(selectinload(SurveyTrigger.survey))
    for trigger in db.session.scalars(query.order_by(SurveyTrigger.id)):
        triggers.setdefault(trigger.touchpoint_type_id, []).append(trigger)
    return triggers


def event_summary(event: TouchpointEvent) -> dict:
    """The API's view of a stored event, from its ORM object."""
    return {
        "id": event.id,
        "external_id": event.external_id,
        "touchpoint": event.touchpoint_type.key,
        "occurred_at": _iso(event.occurred_at),
        "customer": {"id": event.customer.id, "external_id": event.customer.external_id},
        "value": _money(event.value),
        "history": event.history,
        "invitations": [
            _invitation_summary(inv.id, inv.survey, inv.status, inv.suppression_reason, inv.send_at)
            for inv in sorted(event.invitations, key=lambda i: i.id)
        ],
    }


def _invitation_summary(invitation_id, survey, status, reason, send_at) -> dict:
    return {
        "id": invitation_id,
        "survey": {"id": survey.id, "name": survey.name},
        "status": status.value,
        "suppression_reason": reason.value if reason else None,
        "send_at": _iso(send_at),
    }


def _known_events(external_ids: set[str]) -> dict[str, dict]:
    known = {}
    for chunk in chunks(sorted(external_ids)):
        query = (
            select(TouchpointEvent)
            .where(TouchpointEvent.external_id.in_(chunk))
            .options(
                selectinload(TouchpointEvent.touchpoint_type),
                selectinload(TouchpointEvent.customer),
                selectinload(TouchpointEvent.invitations).selectinload(Invitation.survey),
            )
        )
        known.update({e.external_id: event_summary(e) for e in db.session.scalars(query)})
    return known


def _invitation_times(customer_ids: list[int], since: datetime) -> dict[int, list[datetime]]:
    """When each customer was, or will be, invited, from ``since`` on (future included):
    a new invitation must keep its distance from those on both sides of it."""
    times: dict[int, list[datetime]] = {}
    for chunk in chunks(customer_ids):
        rows = db.session.execute(
            select(Invitation.customer_id, Invitation.send_at).where(
                Invitation.customer_id.in_(chunk),
                Invitation.status.in_(COUNTS_FOR_COOLDOWN),
                Invitation.send_at >= since,
            )
        )
        for customer_id, when in rows:
            times.setdefault(customer_id, []).append(when)
    return times


def hold_back_reason(
    unsubscribed_at: datetime | None, email: str | None, survey_status: SurveyStatus
) -> SuppressionReason | None:
    """What holds an invitation back whenever it is checked: when it is scheduled, and
    again when the worker is about to send it (things change in between)."""
    if unsubscribed_at is not None:
        return SuppressionReason.UNSUBSCRIBED
    if not email:
        return SuppressionReason.INVALID_ADDRESS
    if survey_status is not SurveyStatus.ACTIVE:
        return SuppressionReason.SURVEY_PAUSED
    return None


def suppression_for(
    customer,
    survey: Survey,
    send_at: datetime,
    invited_at: list[datetime],
    cooldown: timedelta,
) -> SuppressionReason | None:
    """Why this customer must not get this survey at ``send_at``, or None.

    ``invited_at`` are the customer's other invitations, before and after ``send_at``.
    """
    reason = hold_back_reason(customer.unsubscribed_at, customer.email, survey.status)
    if reason is not None:
        return reason
    if any(abs(send_at - other) < cooldown for other in invited_at):
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
    types = touchpoint_types()
    known = _known_events({data.external_id for _, data in inputs})
    erased = erased_rows({data.customer.external_id for _, data in inputs})
    results: list[IngestResult] = []
    fresh: dict[str, tuple[int, EventInput]] = {}
    repeats: list[tuple[int, str]] = []
    for index, data in inputs:
        if data.external_id in known:  # first: a replay answers as before, whatever changed
            results.append(IngestResult(index, "existing", known[data.external_id]))
        elif data.customer.external_id in erased:
            errors = {"customer": {"external_id": [ERASED_ROW]}}
            results.append(IngestResult(index, "rejected", errors=errors))
        elif data.touchpoint not in types:
            error = _unknown_type(data, types)
            results.append(IngestResult(index, "rejected", errors={"touchpoint": [error]}))
        elif data.external_id in fresh:  # the same id twice in one batch
            repeats.append((index, data.external_id))
        else:
            fresh[data.external_id] = (index, data)
    if fresh:
        created = _create(list(fresh.values()), types, source, recorded_by_id)
        results += [IngestResult(index, "created", created[index]) for index, _ in fresh.values()]
        by_external_id = {data.external_id: created[index] for index, data in fresh.values()}
        results += [IngestResult(i, "existing", by_external_id[ext]) for i, ext in repeats]
    return sorted(results, key=lambda r: r.index)


def _create(fresh, types, source, recorded_by_id) -> dict[int, dict]:
    """Write the new events and their invitations; returns each one's summary by index."""
    now = utcnow()
    wanted, history_only = wanted_customers(fresh)
    # Every read first: on SQLite the first write takes the database's write lock, and
    # another worker's batch waits (polling) until this transaction commits.
    existing = existing_customers(wanted)
    erased = erased_before(wanted, existing)
    triggers = _triggers_by_type()
    global_cooldown = timedelta(days=current_app.config["INVITATION_COOLDOWN_DAYS"])
    longest = max(
        [global_cooldown]
        + [timedelta(days=t.cooldown_days) for t in types.values() if t.cooldown_days]
    )
    invited = _invitation_times([row.id for row in existing.values()], now - longest)

    customers = upsert_customers(wanted, existing, history_only)
    apply_consents(fresh, customers, erased, source, recorded_by_id)
    # a refund too: loyalty's reactions recompute the customer's value from it
    money = {t.id for t in types.values() if t.counts_as_purchase or t.counts_as_refund}
    event_rows = [
        {
            "external_id": data.external_id,
            "touchpoint_type_id": types[data.touchpoint].id,
            "customer_id": customers[data.customer.external_id].id,
            "occurred_at": data.occurred_at,
            "properties": data.properties,
            "value": data.value,
            "history": data.history,
            "source": source,
            "recorded_by_id": recorded_by_id,
            "created_at": now,
        }
        for _, data in fresh
    ]
    events = TouchpointEvent.__table__
    rows = core(insert(events).returning(events.c.id, events.c.external_id), event_rows)
    ids = {external_id: event_id for event_id, external_id in rows}
    event_ids = [ids[row["external_id"]] for row in event_rows]
    note_keys(key for row in event_rows for key in row["properties"] or ())
    domain_events.publish_many(
        [
            domain_events.PurchaseRecorded(
                touchpoint_event_id=event_id, customer_id=row["customer_id"]
            )
            for row, event_id in zip(event_rows, event_ids, strict=True)
            # the events imported answers hang on are no purchase (loyalty.definitions)
            if row["touchpoint_type_id"] in money and source is not EventSource.PAST
        ]
    )
    invitation_rows, summaries, owners = [], {}, []
    for (index, data), event_id in zip(fresh, event_ids, strict=True):
        touchpoint_type = types[data.touchpoint]
        customer = customers[data.customer.external_id]
        cooldown = (
            timedelta(days=touchpoint_type.cooldown_days)
            if touchpoint_type.cooldown_days is not None
            else global_cooldown
        )
        summaries[index] = {
            "id": event_id,
            "external_id": data.external_id,
            "touchpoint": touchpoint_type.key,
            "occurred_at": _iso(data.occurred_at),
            "customer": {"id": customer.id, "external_id": data.customer.external_id},
            "value": _money(data.value),
            "history": data.history,
            "invitations": [],
        }
        # History is stored for loyalty only: a purchase of last year invites nobody.
        for trigger in [] if data.history else triggers.get(touchpoint_type.id, []):
            send_at = max(data.occurred_at + timedelta(minutes=trigger.delay_minutes), now)
            reason = suppression_for(
                customer, trigger.survey, send_at, invited.get(customer.id, []), cooldown
            )
            status = InvitationStatus.SUPPRESSED if reason else InvitationStatus.SCHEDULED
            invitation_rows.append(
                {
                    "customer_id": customer.id,
                    "event_id": event_id,
                    "survey_id": trigger.survey_id,
                    "status": status,
                    "suppression_reason": reason,
                    "send_at": send_at,
                    "created_at": now,
                }
            )
            owners.append((index, trigger.survey, status, reason, send_at))
            if reason is None:
                invited.setdefault(customer.id, []).append(send_at)
    if invitation_rows:
        table = Invitation.__table__
        rows = core(
            insert(table).returning(table.c.id, table.c.event_id, table.c.survey_id),
            invitation_rows,
        )
        ids = {(event_id, survey_id): inv_id for inv_id, event_id, survey_id in rows}
        invitation_ids = [ids[(row["event_id"], row["survey_id"])] for row in invitation_rows]
        for invitation_id, (index, survey, status, reason, send_at) in zip(
            invitation_ids, owners, strict=True
        ):
            summaries[index]["invitations"].append(
                _invitation_summary(invitation_id, survey, status, reason, send_at)
            )
    return summaries


def _unknown_type(data: EventInput, types: dict) -> str:
    known = ", ".join(sorted(types)) or "none yet"
    return f"Unknown touchpoint type {data.touchpoint!r}. Known types: {known}."
