"""The worker's side of domain events (feedback/events.py): it claims the due events in
id order and runs their after-commit reactions.

Several workers share the rows: PostgreSQL locks each event's row and skips one another
worker holds; SQLite claims it with a conditional write. Each reaction runs in a savepoint
of its own; a reaction that fails is tried again later with a growing pause, the others
are not run again, and after MAX_ATTEMPTS the event is given up with its error kept.
Delivery is at least once, so a reaction must not mind running twice.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update

from feedback import events
from feedback.events import DomainEvent
from feedback.extensions import db
from feedback.timeutil import utcnow

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


def _due(now: datetime):
    """Events waiting for their reactions, the oldest first."""
    return (
        select(DomainEvent)
        .where(DomainEvent.processed_at.is_(None), DomainEvent.next_attempt_at <= now)
        .order_by(DomainEvent.id)
    )


def process_due(worker: str = "", stop=None, seconds: float = 10.0) -> int:
    """The worker's job: run the reactions of the due events, oldest first, each event in
    a transaction of its own, until none is due (or ``seconds`` have passed, so that the
    lane's other jobs get their turn). Returns how many events were processed."""
    started = time.monotonic()
    total = 0
    while done := process_batch():
        total += done
        if (stop is not None and stop.is_set()) or time.monotonic() - started > seconds:
            break
    return total


def process_batch(limit: int = BATCH, commit: bool = True) -> int:
    """Run the reactions of up to ``limit`` due events, committing after each.

    An event is a transaction: its locks (a response's row, a day's summary row, a
    customer's case lock) are taken in the order the answer page takes them and held no
    longer than its reactions, so a worker never holds one answer's lock while waiting
    for the next's. Each event is claimed first: PostgreSQL locks its row and skips it if
    another worker holds it; SQLite, which has one write lock for the whole database,
    takes that lock with a write that claims the row. On SQLite the worker then pauses a
    moment after each event: an answer waiting for the lock retries on a schedule
    (SQLite's busy handler), and a worker going from one event to the next without a gap
    kept answers waiting ~130 ms at the 99th percentile (bench/tagging_latency.py)."""
    now = utcnow()
    ids = list(db.session.scalars(_due(now).with_only_columns(DomainEvent.id).limit(limit)))
    if commit:
        db.session.commit()
    sqlite = db.session.get_bind().dialect.name == "sqlite"
    for event_id in ids:
        row = _claim(event_id, now, sqlite)
        if row is not None:
            _settle(row, _react(row, now))
        if commit:
            db.session.commit()
            if sqlite:
                time.sleep(SQLITE_PAUSE)
    return len(ids)


def _claim(event_id: int, now: datetime, sqlite: bool) -> DomainEvent | None:
    """The event, held for this transaction, if it is still due and no other worker has
    it."""
    due = (DomainEvent.id == event_id, DomainEvent.processed_at.is_(None))
    due += (DomainEvent.next_attempt_at <= now,)
    if sqlite:
        claim = update(DomainEvent).where(*due).values(attempts=DomainEvent.attempts)
        if not db.session.execute(claim).rowcount:
            return None
    return db.session.scalar(
        select(DomainEvent)
        .where(*due)
        .with_for_update(skip_locked=True)
        .execution_options(populate_existing=True)
    )


def _react(row: DomainEvent, now: datetime) -> dict:
    """Run the event's reactions that have not run, each in a savepoint; the values that
    mark it processed, or due again later (given up after MAX_ATTEMPTS)."""
    done = set(row.done or ())
    error = None
    try:
        event = events.TYPES[row.type].from_data(row.data)
    except (KeyError, TypeError, ValueError) as failure:  # a type or field it does not know
        log.exception("events.unreadable event=%s type=%s", row.id, row.type)
        error, reactions = f"unreadable: {failure!r}", []
    else:
        reactions = events.reactions_to(row.type)
    with events.handling(row.id):
        for name, reaction in reactions:
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


def _settle(row: DomainEvent, values: dict) -> None:
    """Store the outcome of the claimed event."""
    db.session.execute(
        update(DomainEvent)
        .where(DomainEvent.id == row.id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )


def process_all() -> int:
    """Run the reactions of every due event now, in the caller's transaction, as the
    worker would seconds later (`flask demo`, and tests). Returns how many."""
    total = 0
    while done := process_batch(commit=False):
        total += done
    return total


def prune(worker: str = "", stop=None) -> int:
    """Delete events processed more than KEEP ago (hourly: a scan of the table, which no
    index on processed_at slows every answer for); those given up stay, with their
    error, for someone to look at."""
    before = utcnow() - KEEP
    deleted = db.session.execute(
        delete(DomainEvent).where(
            DomainEvent.processed_at < before, DomainEvent.attempts < MAX_ATTEMPTS
        )
    ).rowcount
    db.session.commit()
    return deleted
