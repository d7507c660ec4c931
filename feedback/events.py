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
  event as a row of ``domain_events`` in the same transaction. The worker claims rows in
  id order (several workers share them: row locks on PostgreSQL, a conditional write on
  SQLite) and runs each reaction in a savepoint of its own; a reaction that fails is
  tried again later, the others are not run again. Delivery is at least once (a worker
  that dies after its reactions but before its commit leaves the rows to the next), so a
  reaction must not mind running twice.

Events carry ids and facts such as a score, never copies of personal data.
docs/architecture.md lists which reactions run where, and why.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, ClassVar

from flask import Flask, current_app
from sqlalchemy import JSON, Index, Integer, String, Text, delete, insert, select, text, update
from sqlalchemy.orm import Mapped, mapped_column

from feedback.extensions import db
from feedback.timeutil import UTCDateTime, utcnow

log = logging.getLogger("feedback.events")

#: events a worker claims at once
BATCH = 100
#: seconds between two events on SQLite, for an answer waiting for the write lock
SQLITE_PAUSE = 0.002
#: attempts of a failing reaction before its event is given up (with the error kept)
MAX_ATTEMPTS = 8
RETRY_BASE = timedelta(seconds=30)
#: processed events are deleted after this long
KEEP = timedelta(days=30)


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


@dataclasses.dataclass(frozen=True)
class PurchaseRecorded(Event):
    """A touchpoint of a type that counts as a purchase."""

    type = "purchase.recorded"
    touchpoint_event_id: int
    customer_id: int


@dataclasses.dataclass(frozen=True)
class CustomerUnsubscribed(Event):
    type = "customer.unsubscribed"
    customer_id: int


#: every event type by its name, to read rows back
TYPES: dict[str, type[Event]] = {
    cls.type: cls
    for cls in (
        AnswerRecorded,
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


_INSERT = insert(DomainEvent.__table__)


def publish(event: Event) -> dict:
    """Announce ``event`` in the current transaction: its at-once handlers run now, and
    the worker's reactions follow the commit. Returns what the handlers hand back."""
    shown: dict = {}
    for handler in _registry().at_once.get(type(event), ()):
        shown.update(handler(event) or {})
    now = utcnow()
    db.session.connection().execute(
        _INSERT,
        {"type": event.type, "data": event.data(), "created_at": now, "next_attempt_at": now},
    )
    return shown


def publish_many(events: list[Event]) -> None:
    """publish() for many events with no at-once handler, in one INSERT (a batch import)."""
    registry = _registry()
    if any(type(event) in registry.at_once for event in events):
        raise ValueError("publish_many is for events without at-once handlers")
    if events:
        now = utcnow()
        db.session.execute(
            _INSERT,
            [
                {"type": e.type, "data": e.data(), "created_at": now, "next_attempt_at": now}
                for e in events
            ],
        )


def _due(now: datetime):
    return (
        select(DomainEvent)
        .where(DomainEvent.processed_at.is_(None), DomainEvent.next_attempt_at <= now)
        .order_by(DomainEvent.id)
    )


def process_due(worker: str = "", stop=None, seconds: float = 10.0) -> int:
    """The worker's job: run the reactions of the due events, oldest first, a committed
    batch at a time, until none is due (or ``seconds`` have passed, so that the lane's
    other jobs get their turn). Returns how many events were processed."""
    started = time.monotonic()
    total = 0
    while done := process_batch():
        total += done
        if (stop is not None and stop.is_set()) or time.monotonic() - started > seconds:
            break
    return total


def process_batch(limit: int = BATCH, commit: bool = True) -> int:
    """Claim up to ``limit`` due events, run their reactions and commit.

    PostgreSQL: one transaction; the rows are locked, and another worker skips them.
    SQLite has one write lock for the whole database: each event is a transaction of its
    own, which takes the lock with its first statement (a write claiming the row, which
    finds it processed if another worker got there first), and the worker pauses a moment
    after each: an answer waiting for the lock retries on a schedule (SQLite's busy
    handler), and a worker going from one event to the next without a gap kept it waiting
    ~130 ms at the 99th percentile (bench/tagging_latency.py, 50 answers a second)."""
    now = utcnow()
    if db.session.get_bind().dialect.name != "sqlite" or not commit:
        claimed = list(db.session.scalars(_due(now).limit(limit).with_for_update(skip_locked=True)))
        for row in claimed:
            _settle(row, _react(row, now))
        if commit:
            db.session.commit()
        return len(claimed)
    ids = list(db.session.scalars(_due(now).with_only_columns(DomainEvent.id).limit(limit)))
    db.session.commit()
    for event_id in ids:
        claim = update(DomainEvent).where(
            DomainEvent.id == event_id, DomainEvent.processed_at.is_(None)
        )
        if db.session.execute(claim.values(attempts=DomainEvent.attempts)).rowcount:
            row = db.session.get(DomainEvent, event_id, populate_existing=True)
            _settle(row, _react(row, now))
        db.session.commit()
        time.sleep(SQLITE_PAUSE)
    return len(ids)


def _react(row: DomainEvent, now: datetime) -> dict:
    """Run the event's reactions that have not run, each in a savepoint; the values that
    mark it processed, or due again later (given up after MAX_ATTEMPTS)."""
    event = TYPES[row.type].from_data(row.data)
    done = set(row.done or ())
    error = None
    for name, reaction in _registry().after_commit.get(row.type, ()):
        if name in done:
            continue
        try:
            with db.session.begin_nested():
                reaction(event)
            done.add(name)
        except Exception as failure:  # one reaction's fault must not stop the others
            log.exception("events.reaction_failed event=%s reaction=%s", row.id, name)
            error = f"{name}: {failure.__class__.__name__}: {failure}"
    if error is None:
        return {"processed_at": now}
    attempts = row.attempts + 1
    if attempts >= MAX_ATTEMPTS:
        log.error("events.given_up event=%s type=%s", row.id, row.type)
    return {
        "attempts": attempts,
        "done": sorted(done),
        "last_error": error[:2000],
        "next_attempt_at": now + RETRY_BASE * 2 ** (attempts - 1),
        "processed_at": now if attempts >= MAX_ATTEMPTS else None,
    }


def _settle(row: DomainEvent, values: dict) -> bool:
    """Store the outcome, if the event is still unprocessed; False when another worker
    processed it first."""
    settled = db.session.execute(
        update(DomainEvent)
        .where(DomainEvent.id == row.id, DomainEvent.processed_at.is_(None))
        .values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount
    return bool(settled)


def process_all() -> int:
    """Run the reactions of every due event now, in the caller's transaction, as the
    worker would seconds later (`flask demo`, and tests). Returns how many."""
    total = 0
    while done := process_batch(commit=False):
        total += done
    return total


def prune(worker: str = "", stop=None) -> int:
    """Delete events processed more than KEEP ago (hourly: a scan of the table, which no
    index on processed_at slows every answer for)."""
    before = utcnow() - KEEP
    deleted = db.session.execute(
        delete(DomainEvent).where(DomainEvent.processed_at < before)
    ).rowcount
    db.session.commit()
    return deleted
