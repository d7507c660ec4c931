"""Touchpoint events in: store each once, update the customer, schedule invitations.

Built for batches of up to a thousand events: each lookup is one query for the whole
batch (known events, customers, triggers, each customer's last invitation) and each
kind of row is written with one multi-row INSERT (SQLAlchemy Core with RETURNING), not
through the ORM's unit of work, which costs about ten times as much per row. Writes and
flushes; the caller commits.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import selectinload

from feedback import events as domain_events
from feedback.customers.models import Customer
from feedback.extensions import db
from feedback.loyalty.rfm_settings import tier_source
from feedback.surveys.inputs import CustomerInput, EventInput
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
CHUNK = 500  # values per IN (...) list
CUSTOMER_FIELDS = ("email", "name", "locale", "tier", "phone")


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


def _core(statement, rows: list[dict]):
    """Run a statement for many rows on the session's connection, in its transaction,
    as plain Core: the session would route a mapped table through the ORM's bulk path."""
    return db.session.connection().execute(statement, rows)


def _chunks(values: list) -> list[list]:
    return [values[i : i + CHUNK] for i in range(0, len(values), CHUNK)]


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
    for chunk in _chunks(sorted(external_ids)):
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


@dataclass
class _Customer:
    id: int
    email: str | None
    unsubscribed_at: datetime | None


def _existing_customers(wanted: dict[str, CustomerInput]) -> dict:
    """The customers of the batch that we know already, as rows, by external id."""
    # "tier" is what the sender last gave (sent_tier), whichever tier the service uses
    columns = (Customer.id, Customer.external_id, Customer.unsubscribed_at) + tuple(
        Customer.sent_tier.label("tier") if name == "tier" else getattr(Customer, name)
        for name in CUSTOMER_FIELDS
    )
    existing = {}
    for chunk in _chunks(sorted(wanted)):
        for row in db.session.execute(select(*columns).where(Customer.external_id.in_(chunk))):
            existing[row.external_id] = row
    return existing


def _stored(values: dict, sent_tier_used: bool) -> dict:
    """A customer's columns from what was sent: the tier goes to sent_tier, and to tier
    (the one the service uses) only while the loyalty settings use the sent tier."""
    stored = {name: value for name, value in values.items() if name != "tier"}
    stored["sent_tier"] = values["tier"]
    if sent_tier_used:
        stored["tier"] = values["tier"]
    return stored


def _upsert_customers(wanted: dict[str, CustomerInput], existing: dict) -> dict[str, _Customer]:
    """Create missing customers and update changed ones; returns them by external id."""
    now = utcnow()
    sent_tier_used = tier_source() == "sent"
    found: dict[str, _Customer] = {}
    changes = []
    for external_id, row in existing.items():
        given = wanted[external_id]
        # Only what the sender gave replaces what we know.
        values = {
            name: getattr(given, name) if getattr(given, name) is not None else getattr(row, name)
            for name in CUSTOMER_FIELDS
        }
        if any(values[name] != getattr(row, name) for name in CUSTOMER_FIELDS):
            changes.append({"b_id": row.id, **_stored(values, sent_tier_used), "updated_at": now})
        found[external_id] = _Customer(row.id, values["email"], row.unsubscribed_at)
    if changes:
        table = Customer.__table__
        _core(
            update(table)
            .where(table.c.id == bindparam("b_id"))
            .values({name: bindparam(name) for name in changes[0] if name != "b_id"}),
            changes,
        )
    new = [
        {
            "external_id": external_id,
            "email": given.email,
            "name": given.name or "",
            "locale": given.locale,
            "tier": given.tier if sent_tier_used else None,
            "sent_tier": given.tier,
            "phone": given.phone,
            "created_at": now,
            "updated_at": now,
        }
        for external_id, given in wanted.items()
        if external_id not in existing
    ]
    if new:
        # Rows come back matched by their unique key, not by position: asking for the
        # parameters' order makes SQLAlchemy insert row by row on SQLite.
        table = Customer.__table__
        rows = _core(insert(table).returning(table.c.id, table.c.external_id), new)
        ids = {external_id: customer_id for customer_id, external_id in rows}
        for values in new:
            found[values["external_id"]] = _Customer(
                ids[values["external_id"]], values["email"], None
            )
    return found


def _merged(earlier: CustomerInput, later: CustomerInput) -> CustomerInput:
    """What two events of a batch say of one customer: a later event without a field
    (a phone number, say) keeps what the earlier one gave, as with a stored customer."""
    given = {
        name: getattr(later, name) if getattr(later, name) is not None else getattr(earlier, name)
        for name in CUSTOMER_FIELDS
    }
    return replace(later, **given)


def _invitation_times(customer_ids: list[int], since: datetime) -> dict[int, list[datetime]]:
    """When each customer was, or will be, invited, from ``since`` on (future included):
    a new invitation must keep its distance from those on both sides of it."""
    times: dict[int, list[datetime]] = {}
    for chunk in _chunks(customer_ids):
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
    results: list[IngestResult] = []
    fresh: dict[str, tuple[int, EventInput]] = {}
    repeats: list[tuple[int, str]] = []
    for index, data in inputs:
        if data.external_id in known:  # first: a replay answers as before, whatever changed
            results.append(IngestResult(index, "existing", known[data.external_id]))
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
    wanted: dict[str, CustomerInput] = {}
    for _, data in fresh:  # a later mention of a customer in the batch wins, field by field
        earlier = wanted.get(data.customer.external_id)
        wanted[data.customer.external_id] = (
            data.customer if earlier is None else _merged(earlier, data.customer)
        )
    # Every read first: on SQLite the first write takes the database's write lock, and
    # another worker's batch waits (polling) until this transaction commits.
    existing = _existing_customers(wanted)
    triggers = _triggers_by_type()
    global_cooldown = timedelta(days=current_app.config["INVITATION_COOLDOWN_DAYS"])
    longest = max(
        [global_cooldown]
        + [timedelta(days=t.cooldown_days) for t in types.values() if t.cooldown_days]
    )
    invited = _invitation_times([row.id for row in existing.values()], now - longest)

    customers = _upsert_customers(wanted, existing)
    purchases = {t.id: t.counts_as_purchase for t in types.values()}
    event_rows = [
        {
            "external_id": data.external_id,
            "touchpoint_type_id": types[data.touchpoint].id,
            "customer_id": customers[data.customer.external_id].id,
            "occurred_at": data.occurred_at,
            "properties": data.properties,
            "source": source,
            "recorded_by_id": recorded_by_id,
            "created_at": now,
        }
        for _, data in fresh
    ]
    events = TouchpointEvent.__table__
    rows = _core(insert(events).returning(events.c.id, events.c.external_id), event_rows)
    ids = {external_id: event_id for event_id, external_id in rows}
    event_ids = [ids[row["external_id"]] for row in event_rows]
    note_keys(key for row in event_rows for key in row["properties"] or ())
    domain_events.publish_many(
        [
            domain_events.PurchaseRecorded(
                touchpoint_event_id=event_id, customer_id=row["customer_id"]
            )
            for row, event_id in zip(event_rows, event_ids, strict=True)
            if purchases.get(row["touchpoint_type_id"])
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
            "invitations": [],
        }
        for trigger in triggers.get(touchpoint_type.id, []):
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
        rows = _core(
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
