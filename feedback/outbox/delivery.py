"""Delivering the outbox: claim due rows atomically, send each once, record the outcome.

Several workers may run at once, on one machine or many. A batch is claimed with
SELECT ... FOR UPDATE SKIP LOCKED and an UPDATE in one transaction on PostgreSQL; on
SQLite, by one UPDATE whose subquery picks the rows, serialised by the database lock,
with the due condition checked again on each updated row. Each claim is tagged with a
fresh token, so a worker reads back exactly the rows that it won.
"""

from __future__ import annotations

import logging
import os
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app
from flask_mail import BadHeaderError, Message
from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import aliased

from feedback.extensions import db, mail
from feedback.outbox.models import OutboxMessage, OutboxStatus
from feedback.timeutil import utcnow

log = logging.getLogger("feedback.outbox")


def retry_delay(attempts: int, base_seconds: int, max_seconds: int) -> timedelta:
    """Wait before the next try: base, 2x base, 4x base ... capped at max."""
    seconds = base_seconds * (2 ** max(attempts - 1, 0))
    return timedelta(seconds=min(seconds, max_seconds))


def _due_condition(model, now: datetime, claim_timeout: timedelta):
    return or_(
        and_(model.status == OutboxStatus.PENDING, model.next_attempt_at <= now),
        and_(model.status == OutboxStatus.SENDING, model.claimed_at < now - claim_timeout),
    )


def claim_due(limit: int, worker: str, now: datetime | None = None) -> list[OutboxMessage]:
    """Claim up to ``limit`` due messages for this worker and commit the claim."""
    now = now or utcnow()
    claim_timeout = timedelta(seconds=current_app.config["OUTBOX_CLAIM_TIMEOUT_SECONDS"])
    token = f"{worker}/{uuid.uuid4().hex[:12]}"
    candidate = aliased(OutboxMessage)
    candidates = (
        select(candidate.id)
        .where(_due_condition(candidate, now, claim_timeout))
        .order_by(candidate.next_attempt_at, candidate.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    if db.session.get_bind().dialect.name == "postgresql":
        # Lock the rows first; they stay locked, and skipped by others, until the commit.
        # (As a subquery of the UPDATE, PostgreSQL may rescan it and claim past the limit.)
        chosen = OutboxMessage.id.in_(db.session.scalars(candidates).all())
    else:
        # SQLite has no row locks: one statement takes the database write lock at once.
        chosen = OutboxMessage.id.in_(candidates.scalar_subquery())
    db.session.execute(
        update(OutboxMessage)
        .where(chosen, _due_condition(OutboxMessage, now, claim_timeout))
        .values(status=OutboxStatus.SENDING, claimed_at=now, claimed_by=token)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.claimed_by == token, OutboxMessage.status == OutboxStatus.SENDING)
            .order_by(OutboxMessage.id)
        )
    )


def build_message(row: OutboxMessage) -> Message:
    """The Flask-Mail message for an outbox row."""
    message = Message(
        subject=row.subject,
        recipients=[row.to_address],
        body=row.body_text,
        html=row.body_html,
        sender=current_app.config["MAIL_DEFAULT_SENDER"],
        extra_headers=dict(row.headers or {}),
    )
    message.msgId = row.message_id
    return message


class CaptureTransport:
    """Writes each message as an .eml file: the default when no MAIL_SERVER is set."""

    def __init__(self, directory: str):
        self.directory = Path(directory)

    def open(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)

    def close(self) -> None:
        pass

    def send(self, message_id: int, message: Message) -> None:
        stamp = utcnow().strftime("%Y%m%dT%H%M%S")
        path = self.directory / f"{stamp}-{message_id:06d}.eml"
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(message.as_bytes())
        os.replace(tmp, path)


class SmtpTransport:
    """Sends through Flask-Mail over one SMTP connection per batch."""

    def open(self) -> None:
        self.connection = mail.connect()
        self.connection.__enter__()

    def close(self) -> None:
        try:
            self.connection.__exit__(None, None, None)
        except Exception:  # noqa: BLE001 - the QUIT after a broken connection may fail too
            log.debug("smtp quit failed", exc_info=True)

    def send(self, message_id: int, message: Message) -> None:
        self.connection.send(message)


def _transport():
    if current_app.config.get("MAIL_SERVER"):
        return SmtpTransport()
    return CaptureTransport(current_app.config["MAIL_CAPTURE_DIR"])


@dataclass
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0

    def __bool__(self) -> bool:
        return bool(self.sent or self.retried or self.failed)

    def __add__(self, other: DeliveryReport) -> DeliveryReport:
        return DeliveryReport(
            self.sent + other.sent, self.retried + other.retried, self.failed + other.failed
        )


@dataclass
class Claimed:
    """What the worker needs of a claimed row, read once: no reload after each commit."""

    id: int
    kind: str
    attempts: int
    message: Message


def _failure_values(claimed: Claimed, error: str, permanent: bool = False) -> dict:
    config = current_app.config
    attempts = claimed.attempts + 1
    values = {"attempts": attempts, "last_error": error[:2000], "claimed_at": None}
    if permanent or attempts >= config["OUTBOX_MAX_ATTEMPTS"]:
        values["status"] = OutboxStatus.FAILED
    else:
        values["status"] = OutboxStatus.PENDING
        values["next_attempt_at"] = utcnow() + retry_delay(
            attempts, config["OUTBOX_RETRY_BASE_SECONDS"], config["OUTBOX_RETRY_MAX_SECONDS"]
        )
    return values


def _record(claimed: Claimed, values: dict, report: DeliveryReport) -> None:
    """Store one outcome and commit it at once: a sent message is never sent again."""
    db.session.execute(update(OutboxMessage).where(OutboxMessage.id == claimed.id).values(**values))
    db.session.commit()
    status = values["status"]
    if status is OutboxStatus.SENT:
        report.sent += 1
    elif status is OutboxStatus.FAILED:
        report.failed += 1
    else:
        report.retried += 1


def deliver_batch(worker: str) -> DeliveryReport | None:
    """Claim one batch and try each message once; None when nothing was due."""
    rows = claim_due(current_app.config["OUTBOX_BATCH_SIZE"], worker)
    if not rows:
        return None
    batch = [Claimed(row.id, row.kind, row.attempts, build_message(row)) for row in rows]
    report = DeliveryReport()
    transport = _transport()
    try:
        transport.open()
    except Exception as exc:  # noqa: BLE001 - refused, timed out, TLS or login failure
        # Nothing could be sent: every claimed message has had (and failed) its attempt.
        error = f"{type(exc).__name__}: {exc}"
        for claimed in batch:
            _record(claimed, _failure_values(claimed, error), report)
        log.warning("outbox.connect_failed messages=%s error=%r", len(batch), error)
        return report
    try:
        for claimed in batch:
            _deliver_one(transport, claimed, report)
    finally:
        transport.close()
    return report


def _deliver_one(transport, claimed: Claimed, report: DeliveryReport) -> None:
    started = time.perf_counter()
    try:
        transport.send(claimed.id, claimed.message)
    except BadHeaderError as exc:
        values = _failure_values(claimed, f"BadHeaderError: {exc}", permanent=True)
    except Exception as exc:  # noqa: BLE001 - any SMTP error is a failed attempt
        values = _failure_values(claimed, f"{type(exc).__name__}: {exc}")
    else:
        values = {
            "status": OutboxStatus.SENT,
            "sent_at": utcnow(),
            "claimed_at": None,
            "last_error": None,
            "attempts": claimed.attempts + 1,
        }
    _record(claimed, values, report)
    ms = (time.perf_counter() - started) * 1000
    status = values["status"]
    if status is OutboxStatus.SENT:
        log.info(
            "outbox.sent id=%s kind=%s attempts=%s ms=%.1f",
            claimed.id,
            claimed.kind,
            values["attempts"],
            ms,
        )
    else:
        log.warning(
            "outbox.%s id=%s kind=%s attempts=%s ms=%.1f error=%r",
            "failed" if status is OutboxStatus.FAILED else "retry",
            claimed.id,
            claimed.kind,
            values["attempts"],
            ms,
            values["last_error"],
        )


def deliver_due(worker: str) -> DeliveryReport:
    """Deliver everything due now, batch after batch, until nothing is left."""
    total = DeliveryReport()
    while (report := deliver_batch(worker)) is not None:
        total += report
    return total
