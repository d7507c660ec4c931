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
import re
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app
from flask_mail import BadHeaderError, Message
from sqlalchemy import and_, bindparam, case, or_, select, update
from sqlalchemy.orm import aliased

from feedback.brand.services import current_brand, sender
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


@dataclass
class Claimed:
    """What the worker needs of a claimed row, read once: no reload after each commit."""

    id: int
    kind: str
    sensitive: bool
    #: attempts before this one, counting one for each worker that died while sending it
    attempts: int
    message: Message


def claim_due(limit: int, worker: str, now: datetime | None = None) -> tuple[str, list[Claimed]]:
    """Claim up to ``limit`` due messages for this worker, commit, and return them with the
    claim's token."""
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
    abandoned = OutboxMessage.status == OutboxStatus.SENDING  # SET sees the old values
    db.session.execute(
        update(OutboxMessage)
        .where(chosen, _due_condition(OutboxMessage, now, claim_timeout))
        .values(
            status=OutboxStatus.SENDING,
            claimed_at=now,
            claimed_by=token,
            # A worker died holding it: that counts as an attempt, so a message that
            # kills its worker every time is given up on like any other failure.
            attempts=case((abandoned, OutboxMessage.attempts + 1), else_=OutboxMessage.attempts),
            last_error=case(
                (abandoned, "the worker sending it stopped"), else_=OutboxMessage.last_error
            ),
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    rows = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.claimed_by == token, OutboxMessage.status == OutboxStatus.SENDING)
        .order_by(OutboxMessage.id)
    )
    from_ = sender(current_brand())  # read once a batch: a change shows in the next
    batch = [
        Claimed(row.id, row.kind, row.sensitive, row.attempts, build_message(row, from_))
        for row in rows
    ]
    db.session.commit()
    return token, batch


class UnfoldedHeader(str):
    """A header value the email package writes as it is, one list entry per line.

    The email package folds a header at 78 columns, and a URL too long for one line can
    only be folded by RFC 2047-encoding it (``=?utf-8?q?=3Chttp...``). RFC 2369 wants
    List-Unsubscribe's ``<https://...>`` as is, and Gmail and Yahoo read it for one-click
    unsubscribe. RFC 5322 allows lines of 998 characters. The email policy calls ``fold()``
    on a value that has a ``name``, instead of refolding it (email.policy.EmailPolicy.fold).
    """

    def __new__(cls, name: str, value: str):
        header = super().__new__(cls, value)
        header.name = name
        return header

    def fold(self, *, policy) -> str:
        """``Name: <a>,`` then each further entry on a continuation line."""
        entries = re.split(r",\s*(?=<)", self.strip())
        return f"{self.name}: " + f",{policy.linesep} ".join(entries) + policy.linesep


#: headers whose values are lists of URLs in angle brackets (RFC 2369)
URL_LIST_HEADERS = frozenset({"List-Unsubscribe"})


def build_message(row: OutboxMessage, from_: str | None = None) -> Message:
    """The Flask-Mail message for an outbox row, from ``from_`` (default: the brand's
    sender, else MAIL_DEFAULT_SENDER)."""
    headers = {
        name: UnfoldedHeader(name, value) if name in URL_LIST_HEADERS else value
        for name, value in (row.headers or {}).items()
    }
    message = Message(
        subject=row.subject,
        recipients=[row.to_address],
        body=row.body_text,
        html=row.body_html,
        sender=from_ or sender(),
        extra_headers=headers,
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
        try:
            tmp.write_bytes(message.as_bytes())
            os.replace(tmp, path)
        except OSError:
            # A full disk leaves a partial file behind; the message is retried later.
            tmp.unlink(missing_ok=True)
            raise


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
    #: claims that another worker took over (ours had aged out) and that we left alone
    skipped: int = 0

    def __bool__(self) -> bool:
        return bool(self.sent or self.retried or self.failed or self.skipped)

    def __add__(self, other: DeliveryReport) -> DeliveryReport:
        return DeliveryReport(
            self.sent + other.sent,
            self.retried + other.retried,
            self.failed + other.failed,
            self.skipped + other.skipped,
        )

    def count(self, status: OutboxStatus) -> None:
        if status is OutboxStatus.SENT:
            self.sent += 1
        elif status is OutboxStatus.FAILED:
            self.failed += 1
        else:
            self.retried += 1


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


_table = OutboxMessage.__table__
#: the row is still ours: claimed by this worker's token and not yet settled
_OURS = and_(
    _table.c.id == bindparam("b_id"),
    _table.c.claimed_by == bindparam("b_token"),
    _table.c.status == OutboxStatus.SENDING,
)
# Built once: composing statements per message cost more than running them.
_RENEW = update(_table).where(_OURS).values(claimed_at=bindparam("b_now"))
_MARK_SENT = (
    update(_table)
    .where(_OURS)
    .values(
        status=OutboxStatus.SENT,
        sent_at=bindparam("b_now"),
        claimed_at=None,
        last_error=None,
        attempts=bindparam("b_attempts"),
    )
)
REDACTED = "(Removed after delivery: this message held a personal link.)"
#: for sensitive messages: the link is only ever needed until the message is out
_MARK_SENT_AND_REDACT = _MARK_SENT.values(body_text=REDACTED, body_html=None, headers={})


def _record(token: str, claimed: Claimed, values: dict, renew: Claimed | None) -> bool:
    """Store one outcome and commit it at once, so a sent message is never sent again.

    In the same transaction, renew the claim on the next message of the batch, so that it
    cannot age out and be taken by another worker while this one is still busy. Returns
    whether the next message is still ours.
    """
    connection = db.session.connection()
    ours = {"b_id": claimed.id, "b_token": token}
    if values["status"] is OutboxStatus.SENT:
        statement = _MARK_SENT_AND_REDACT if claimed.sensitive else _MARK_SENT
        connection.execute(
            statement, {**ours, "b_now": values["sent_at"], "b_attempts": values["attempts"]}
        )
    else:
        connection.execute(update(_table).where(_OURS).values(**values), ours)
    return _renew(token, renew)


def _renew(token: str, claimed: Claimed | None) -> bool:
    """Refresh our claim on a message and commit; False when another worker has it now."""
    still_ours = True
    if claimed is not None:
        result = db.session.connection().execute(
            _RENEW, {"b_id": claimed.id, "b_token": token, "b_now": utcnow()}
        )
        still_ours = result.rowcount == 1
    db.session.commit()
    return still_ours


def _attempt(transport, claimed: Claimed) -> dict:
    """Send one message; return the column values that record how it went."""
    if claimed.attempts >= current_app.config["OUTBOX_MAX_ATTEMPTS"]:
        return _failure_values(claimed, "gave up: the workers sending it kept stopping", True)
    try:
        transport.send(claimed.id, claimed.message)
    except BadHeaderError as exc:
        return _failure_values(claimed, f"BadHeaderError: {exc}", permanent=True)
    except Exception as exc:  # noqa: BLE001 - any SMTP error is a failed attempt
        return _failure_values(claimed, f"{type(exc).__name__}: {exc}")
    return {
        "status": OutboxStatus.SENT,
        "sent_at": utcnow(),
        "claimed_at": None,
        "last_error": None,
        "attempts": claimed.attempts + 1,
    }


def send_claimed(token: str, batch: list[Claimed]) -> DeliveryReport:
    """Try each claimed message once, over one connection, recording each outcome."""
    report = DeliveryReport()
    transport = _transport()
    try:
        transport.open()
    except Exception as exc:  # noqa: BLE001 - refused, timed out, TLS or login failure
        # Nothing could be sent: every claimed message has had (and failed) its attempt.
        error = f"{type(exc).__name__}: {exc}"
        for claimed in batch:
            values = _failure_values(claimed, error)
            _record(token, claimed, values, renew=None)
            report.count(values["status"])
        log.warning("outbox.connect_failed messages=%s error=%r", len(batch), error)
        return report
    try:
        # Even the first claim may have aged out if this worker stalled since claiming.
        ours = _renew(token, batch[0])
        for position, claimed in enumerate(batch):
            following = batch[position + 1] if position + 1 < len(batch) else None
            if not ours:
                report.skipped += 1
                log.warning("outbox.claim_lost id=%s", claimed.id)
                ours = _renew(token, following)
                continue
            started = time.perf_counter()
            values = _attempt(transport, claimed)
            ours = _record(token, claimed, values, following)
            report.count(values["status"])
            _log_outcome(claimed, values, (time.perf_counter() - started) * 1000)
    finally:
        transport.close()
    return report


def _log_outcome(claimed: Claimed, values: dict, ms: float) -> None:
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


def deliver_due(worker: str, stop: threading.Event | None = None) -> DeliveryReport:
    """Deliver everything due now, batch after batch, until nothing is left or ``stop``."""
    total = DeliveryReport()
    batch_size = current_app.config["OUTBOX_BATCH_SIZE"]
    while not (stop and stop.is_set()):
        token, batch = claim_due(batch_size, worker)
        if not batch:
            break
        total += send_claimed(token, batch)
    return total
