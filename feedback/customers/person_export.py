"""Export for a person (the right of access): everything held about one customer as one
JSON document a person can read.

Keys are English; values are as stored, times ISO 8601 in UTC; the few coded values a
person could not read (why an invitation was not sent) come as text in the customer's
language. Staff stay anonymous ("staff"). Internal notes on their cases are included:
what staff wrote about a person is personal data about them.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from feedback.complaints.inbound_models import InboundMessage
from feedback.complaints.models import Case, CaseEvent
from feedback.customers import audit
from feedback.customers.models import ConsentEvent, Customer
from feedback.customers.tombstones import find_tombstone
from feedback.extensions import db
from feedback.outbox.models import OutboxMessage
from feedback.surveys.models import (
    SUPPRESSION_LABELS,
    Invitation,
    PropertyKey,
    Response,
    TouchpointEvent,
    TouchpointType,
)
from feedback.tagging.services import topics_of
from feedback.timeutil import utcnow

#: case events that are something said to, by or about the customer (complaints.thread)
MESSAGE_KINDS = ("reply", "customer_reply", "call", "note")
#: the document's lists; their lengths add up to the audit log's count
RECORD_LISTS = (
    "answers",
    "cases",
    "touchpoints",
    "invitations",
    "consent",
    "emails_received_from_you",
    "emails_sent_to_you",
)


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat() if moment else None


#: what every way of exporting says of a person who was erased
ERASED_MESSAGE = "That customer was erased: nothing that identifies them is held any more."


def find_person(external_id: str) -> tuple[Customer | None, bool]:
    """The customer to export for this external id, else (None, whether that person was
    erased: their row is, or a tombstone remembers the id)."""
    if "\x00" in external_id:  # never stored, and PostgreSQL cannot compare it
        return None, False
    customer = db.session.scalar(select(Customer).where(Customer.external_id == external_id))
    if customer is not None and customer.erased_at is None:
        return customer, False
    return None, customer is not None or find_tombstone(external_id=external_id) is not None


def person_export(customer: Customer) -> dict:
    """Everything held about ``customer``: details, answers with comments and tags, cases
    with their conversation, touchpoints with properties, invitations and why one was
    not sent, consent history, and mail both ways. Reads only; records nothing."""
    locale = customer.locale or current_app.config.get("BABEL_DEFAULT_LOCALE", "en")
    with force_locale(locale):
        invitations = _invitations(customer, locale)
    cases = _cases(customer)
    return {
        "exported_at": _iso(utcnow()),
        "customer": {
            "external_id": customer.external_id,
            "name": customer.name,
            "email": customer.email,
            "phone": customer.phone,
            "locale": customer.locale,
            "tier": customer.tier,
            "tier_as_sent": customer.sent_tier,
            "created_at": _iso(customer.created_at),
            "subscribed": customer.unsubscribed_at is None,
            "unsubscribed_at": _iso(customer.unsubscribed_at),
        },
        "answers": _answers(customer, locale),
        "cases": cases,
        "touchpoints": _touchpoints(customer, locale),
        "invitations": invitations,
        "consent": _consent(customer),
        "emails_received_from_you": _inbound(customer, [c["id"] for c in cases]),
        "emails_sent_to_you": _outbox(customer),
    }


def record_count(document: dict) -> int:
    """How many records the document holds: its list items, a case's messages counted."""
    count = sum(len(document[name]) for name in RECORD_LISTS)
    return count + sum(len(case["messages"]) for case in document["cases"])


def export(customer: Customer, via: str) -> str:
    """The customer's document as JSON text, with its audit entry ("customer.export",
    detail "json via <via>") added; the caller commits."""
    document = person_export(customer)
    audit.record(
        "customer.export", customer=customer, detail=f"json via {via}", count=record_count(document)
    )
    return to_json(document)


def to_json(document: dict) -> str:
    """The document as people read it: indented, Chinese as Chinese, not \\u escapes."""
    return json.dumps(document, ensure_ascii=False, indent=2)


def _answers(customer: Customer, locale: str) -> list[dict]:
    responses = db.session.scalars(
        select(Response)
        .where(Response.customer_id == customer.id)
        .order_by(Response.answered_at, Response.id)
        .options(selectinload(Response.survey), selectinload(Response.invitation))
    ).all()
    topics = topics_of([r.id for r in responses])
    names = _touchpoint_names(locale)
    return [
        {
            "survey": r.survey.name,
            "kind": r.kind.value,
            "score": r.score,
            "comment": r.comment,
            "comment_erased_at": _iso(r.comment_erased_at),
            "answered_at": _iso(r.answered_at),
            "touchpoint": names.get(r.touchpoint_type_id),
            "language": r.language,
            "answered_in_language": r.locale,
            "sentiment": r.sentiment.value if r.sentiment else None,
            "topics": [topic.name(locale) for topic in topics.get(r.id, [])],
        }
        for r in responses
    ]


def _touchpoint_names(locale: str) -> dict[int, str]:
    column = TouchpointType.name_zh if locale == "zh" else TouchpointType.name_en
    return dict(db.session.execute(select(TouchpointType.id, column)).all())


def _cases(customer: Customer) -> list[dict]:
    cases = db.session.scalars(
        select(Case).where(Case.customer_id == customer.id).order_by(Case.opened_at, Case.id)
    ).all()
    events = db.session.scalars(
        select(CaseEvent)
        .where(
            CaseEvent.case_id.in_([c.id for c in cases]),
            or_(
                CaseEvent.kind.in_(MESSAGE_KINDS),
                # a resolution note, a pending note, a priority's reason: staff's words
                CaseEvent.actor_id.is_not(None) & CaseEvent.body.is_not(None),
            ),
        )
        .order_by(CaseEvent.at, CaseEvent.id)
    ).all()
    messages: dict[int, list[dict]] = {}
    for event in events:
        messages.setdefault(event.case_id, []).append(
            {
                "at": _iso(event.at),
                "kind": event.kind,
                "from": "you" if event.kind == "customer_reply" else "staff",
                # a reply's or email's subject; a call's outcome
                "subject": event.detail,
                "text": event.body,
            }
        )
    return [
        {
            "id": case.id,
            "status": case.status.value,
            "opened_at": _iso(case.opened_at),
            "resolved_at": _iso(case.resolved_at),
            "resolution": case.resolution_code.value if case.resolution_code else None,
            "messages": messages.get(case.id, []),
        }
        for case in cases
    ]


def _touchpoints(customer: Customer, locale: str) -> list[dict]:
    events = db.session.scalars(
        select(TouchpointEvent)
        .where(TouchpointEvent.customer_id == customer.id)
        .order_by(TouchpointEvent.occurred_at, TouchpointEvent.id)
    ).all()
    names = _touchpoint_names(locale)
    labels = dict(
        db.session.execute(
            select(PropertyKey.key, PropertyKey.label).where(PropertyKey.label != "")
        ).all()
    )
    return [
        {
            "type": names.get(event.touchpoint_type_id),
            "reference": event.external_id,
            "occurred_at": _iso(event.occurred_at),
            "value": None if event.value is None else str(event.value),
            "properties": _readable(event.properties or {}, labels),
        }
        for event in events
    ]


def _readable(properties: dict, labels: dict[str, str]) -> dict:
    """Every property, under the label a manager gave its key (the key where none, or
    where two keys would read the same)."""
    shown: dict = {}
    for key, value in sorted(properties.items()):
        name = labels.get(key, key)
        shown[name if name not in shown and name not in properties else key] = value
    return shown


def _invitations(customer: Customer, locale: str) -> list[dict]:
    invitations = db.session.scalars(
        select(Invitation)
        .where(Invitation.customer_id == customer.id)
        .order_by(Invitation.created_at, Invitation.id)
        .options(selectinload(Invitation.survey), selectinload(Invitation.event))
    ).all()
    return [
        {
            "survey": inv.survey.name,
            "touchpoint_reference": inv.event.external_id,
            "created_at": _iso(inv.created_at),
            "sent_at": _iso(inv.sent_at),
            "reminder_sent_at": _iso(inv.reminder_sent_at),
            "status": inv.status.value,
            "not_sent_because": (
                str(SUPPRESSION_LABELS[inv.suppression_reason]) if inv.suppression_reason else None
            ),
        }
        for inv in invitations
    ]


def _consent(customer: Customer) -> list[dict]:
    events = db.session.scalars(
        select(ConsentEvent)
        .where(ConsentEvent.customer_id == customer.id)
        .order_by(ConsentEvent.at, ConsentEvent.id)
    ).all()
    return [
        {"change": e.change, "source": e.source, "at": _iso(e.at), "detail": e.detail}
        for e in events
    ]


def _inbound(customer: Customer, case_ids: list[int]) -> list[dict]:
    """Mail on their cases, and mail from their address that no case holds."""
    m = InboundMessage
    mine = [m.case_id.in_(case_ids)] if case_ids else []
    if customer.email:
        mine.append(m.case_id.is_(None) & (func.lower(m.from_address) == customer.email.lower()))
    if not mine:
        return []
    query = select(m).where(or_(*mine)).order_by(m.received_at, m.id)
    messages = db.session.scalars(query.options(selectinload(m.attachments))).all()
    return [
        {
            "received_at": _iso(message.received_at),
            "from": message.from_address,
            "subject": message.subject,
            "text": message.body_text,
            "attachments": [a.filename for a in message.attachments],
        }
        for message in messages
    ]


def _outbox(customer: Customer) -> list[dict]:
    """The mail written to them: invitations, reminders, replies; subjects, not bodies
    (a reply's text is in its case's messages)."""
    o = OutboxMessage
    linked = select(Invitation.outbox_message_id).where(Invitation.customer_id == customer.id)
    replies = (
        select(CaseEvent.outbox_message_id)
        .join(Case, Case.id == CaseEvent.case_id)
        .where(Case.customer_id == customer.id)
    )
    mine = [o.id.in_(linked), o.id.in_(replies)]
    if customer.email:
        mine.append(func.lower(o.to_address) == customer.email.lower())
    messages = db.session.scalars(select(o).where(or_(*mine)).order_by(o.created_at, o.id)).all()
    return [
        {
            "written_at": _iso(message.created_at),
            "sent_at": _iso(message.sent_at),
            "subject": message.subject,
            "to": message.to_address,
        }
        for message in messages
    ]
