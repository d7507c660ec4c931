"""Domain events: what happened, announced in the transaction that did it.

    events.publish(AnswerRecorded(response_id=..., ...))

A capability announces what happened; the others react, so that no capability imports
another one upwards (the answer page knows nothing of complaints or tagging). Two kinds of
reaction, registered in the factory (``register_reactions`` in feedback/__init__.py):

- **at once**, ``on(app, EventType, handler)``: called by publish(), inside the caller's
  transaction, before it commits. Complaints routes an answer by its score this way, so
  that the case and its deadline exist when the customer's page returns. A handler may
  hand back a dict of what the caller may show (the promised reply time for the thank-you
  page) without the caller importing it.
- **after commit**, ``later(app, EventType, name, reaction)``: publish() also writes the
  event as a row of ``domain_events`` in the same transaction, and the worker runs the
  reactions after the commit (feedback/reactions.py). Delivery is at least once (a worker
  that dies after its reactions but before its commit leaves the rows to the next), so a
  reaction must not mind running twice.

Events carry ids and facts such as a score, never copies of personal data.
docs/architecture.md lists which reactions run where, and why.
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
from collections.abc import Callable
from datetime import datetime
from typing import Any, ClassVar

from flask import Flask, current_app
from sqlalchemy import JSON, Index, Integer, String, Text, insert, text
from sqlalchemy.orm import Mapped, mapped_column

from feedback.extensions import db
from feedback.timeutil import UTCDateTime, utcnow

# --- the events ----------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Event:
    """Base of the events; ``type`` names it in the table and in webhooks."""

    type: ClassVar[str]

    def data(self) -> dict[str, Any]:
        """The fields as JSON values."""
        values = {field.name: getattr(self, field.name) for field in dataclasses.fields(self)}
        return {
            name: value.isoformat() if isinstance(value, datetime) else value
            for name, value in values.items()
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Event:
        values = dict(data)
        for field in dataclasses.fields(cls):
            if field.type in ("datetime", "datetime | None") and values.get(field.name):
                values[field.name] = datetime.fromisoformat(values[field.name])
        return cls(**values)


@dataclasses.dataclass(frozen=True)
class AnswerRecorded(Event):
    """A customer answered a survey (the comment is not tagged yet)."""

    type = "answer.recorded"
    response_id: int
    invitation_id: int
    survey_id: int
    customer_id: int
    #: the survey's kind ("nps", "csat", "ces") and the score given
    kind: str
    score: int
    answered_at: datetime
    #: the touchpoint's type, and the customer's tier when answering ("" for none)
    touchpoint_type_id: int
    tier: str


@dataclasses.dataclass(frozen=True)
class AnswerImported(Event):
    """A past answer came in from a history import (feedback/surveys/imports.py). Not an
    AnswerRecorded: it is history, so nothing routes it to a case, tells staff or posts a
    webhook; the worker only tags its comment."""

    type = "answer.imported"
    response_id: int
    customer_id: int


@dataclasses.dataclass(frozen=True)
class CommentChanged(Event):
    """A customer changed their comment within the edit window."""

    type = "answer.comment_changed"
    response_id: int


@dataclasses.dataclass(frozen=True)
class CommentTagged(Event):
    """A new or changed comment has its language, sentiment and topics."""

    type = "comment.tagged"
    response_id: int


@dataclasses.dataclass(frozen=True)
class CaseOpened(Event):
    type = "case.opened"
    case_id: int
    #: the answer that opened it; None for a case opened otherwise
    response_id: int | None = None


@dataclasses.dataclass(frozen=True)
class CaseAssigned(Event):
    """A case got an owner (claimed, assigned, or taken by answering), or lost one."""

    type = "case.assigned"
    case_id: int
    owner_id: int | None


@dataclasses.dataclass(frozen=True)
class PriorityChanged(Event):
    type = "case.priority_changed"
    case_id: int
    before: str
    after: str


@dataclasses.dataclass(frozen=True)
class CaseReopened(Event):
    type = "case.reopened"
    case_id: int


@dataclasses.dataclass(frozen=True)
class FirstResponse(Event):
    """The customer got a first response (a reply or a call that reached them)."""

    type = "case.first_response"
    case_id: int
    on_time: bool


@dataclasses.dataclass(frozen=True)
class CaseResolved(Event):
    type = "case.resolved"
    case_id: int
    by_user_id: int | None


@dataclasses.dataclass(frozen=True)
class CaseBreached(Event):
    """A deadline passed: "first_response" without a response, or "resolution"."""

    type = "case.breached"
    case_id: int
    deadline: str


@dataclasses.dataclass(frozen=True)
class CustomerReplied(Event):
    """A customer's message reached a case (inbound mail publishes it)."""

    type = "case.customer_replied"
    case_id: int
    #: the email it came in (inbound_messages); None for one that came otherwise
    inbound_message_id: int | None = None


@dataclasses.dataclass(frozen=True)
class PurchaseRecorded(Event):
    """A touchpoint of a type that counts as a purchase or a refund, history or not."""

    type = "purchase.recorded"
    touchpoint_event_id: int
    customer_id: int


@dataclasses.dataclass(frozen=True)
class CustomerUnsubscribed(Event):
    type = "customer.unsubscribed"
    customer_id: int


@dataclasses.dataclass(frozen=True)
class CustomerErased(Event):
    """A customer was erased. ``external_id`` is the erased one, for the customer.erased
    webhook: the reaction that hands it to the hooks clears it from this row."""

    type = "customer.erased"
    customer_id: int
    external_id: str | None


#: every event type by its name, to read rows back
TYPES: dict[str, type[Event]] = {
    cls.type: cls
    for cls in (
        AnswerRecorded,
        AnswerImported,
        CommentChanged,
        CommentTagged,
        CaseOpened,
        CaseAssigned,
        PriorityChanged,
        CaseReopened,
        FirstResponse,
        CaseResolved,
        CaseBreached,
        CustomerReplied,
        PurchaseRecorded,
        CustomerUnsubscribed,
        CustomerErased,
    )
}


class DomainEvent(db.Model):
    """An event waiting for the worker's reactions (not a case's timeline: see CaseEvent)."""

    __tablename__ = "domain_events"
    __table_args__ = (
        # the worker's claim: the unprocessed rows in id order
        Index(
            "ix_domain_events_pending",
            "id",
            sqlite_where=text("processed_at IS NULL"),
            postgresql_where=text("processed_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    type: Mapped[str] = mapped_column(String(40))
    data: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: the worker leaves it until then (later after each failure)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    #: the reactions that have run, when another one failed
    done: Mapped[list | None] = mapped_column(JSON)
    last_error: Mapped[str | None] = mapped_column(Text)
    #: every reaction ran, or the event was given up after MAX_ATTEMPTS (last_error says)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


# --- publishing and reacting ----------------------------------------------------------


@dataclasses.dataclass
class Registry:
    at_once: dict[type[Event], list[Callable[[Event], dict | None]]]
    after_commit: dict[str, list[tuple[str, Callable[[Event], object]]]]


def _registry(app: Flask | None = None) -> Registry:
    app = app or current_app
    return app.extensions.setdefault("events", Registry({}, {}))


def on(app: Flask, event_type: type[Event], handler: Callable[[Event], dict | None]) -> None:
    """Call ``handler(event)`` inside the transaction that publishes the event."""
    _registry(app).at_once.setdefault(event_type, []).append(handler)


def later(app: Flask, event_type: type[Event], name: str, reaction: Callable) -> None:
    """Have the worker call ``reaction(event)`` after the publishing transaction commits."""
    _registry(app).after_commit.setdefault(event_type.type, []).append((name, reaction))


def has_reactions(event_type: type[Event]) -> bool:
    """Whether the worker reacts to events of this type after the commit (its rows wait
    for the worker rather than being written processed)."""
    return event_type.type in _registry().after_commit


_INSERT = insert(DomainEvent.__table__)


def _row(event: Event, now: datetime) -> dict:
    """The event's row; one no reaction waits for is written processed (kept for the
    record, skipped by the worker)."""
    waits = event.type in _registry().after_commit
    return {
        "type": event.type,
        "data": event.data(),
        "created_at": now,
        "next_attempt_at": now,
        "processed_at": None if waits else now,
    }


def publish(event: Event) -> dict:
    """Announce ``event`` in the current transaction: its at-once handlers run now, and
    the worker's reactions follow the commit. Returns what the handlers hand back."""
    shown: dict = {}
    for handler in _registry().at_once.get(type(event), ()):
        shown.update(handler(event) or {})
    db.session.connection().execute(_INSERT, _row(event, utcnow()))
    return shown


def publish_many(events: list[Event]) -> None:
    """publish() for many events with no at-once handler, in one INSERT (a batch import)."""
    registry = _registry()
    if any(type(event) in registry.at_once for event in events):
        raise ValueError("publish_many is for events without at-once handlers")
    if events:
        now = utcnow()
        db.session.connection().execute(_INSERT, [_row(event, now) for event in events])


#: the id of the domain_events row whose reactions the worker is running
_current_event_id: contextvars.ContextVar[int | None] = contextvars.ContextVar(
    "current_event_id", default=None
)


def current_event_id() -> int | None:
    """The ``domain_events`` id of the event a worker reaction is handling (None outside
    one): stable across the reaction's retries and unique per event, so webhooks send it
    as their delivery id."""
    return _current_event_id.get()


@contextlib.contextmanager
def handling(event_id: int):
    """While the worker runs the reactions of the event with this row id."""
    token = _current_event_id.set(event_id)
    try:
        yield
    finally:
        _current_event_id.reset(token)


def reactions_to(type_name: str) -> list[tuple[str, Callable[[Event], object]]]:
    """The worker's reactions to events of this type, by name."""
    return _registry().after_commit.get(type_name, [])
