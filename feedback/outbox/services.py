"""Writing mail to the outbox. Called inside the transaction of the change that causes it."""

from __future__ import annotations

from datetime import datetime
from email.utils import make_msgid

from feedback.extensions import db
from feedback.outbox.models import OutboxMessage, OutboxStatus
from feedback.timeutil import utcnow


def queue_email(
    to: str,
    subject: str,
    body_text: str,
    body_html: str | None = None,
    *,
    headers: dict[str, str] | None = None,
    kind: str = "general",
    send_at: datetime | None = None,
) -> OutboxMessage:
    """Add a message for the worker to deliver once the caller commits."""
    # A newline in a header would let a value inject headers of its own.
    subject = " ".join(subject.split())
    message = OutboxMessage(
        to_address=to.strip(),
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        headers=dict(headers or {}),
        kind=kind,
        next_attempt_at=send_at or utcnow(),
        message_id=make_msgid(domain="feedback.local"),
    )
    db.session.add(message)
    db.session.flush()
    return message


def retry_now(message: OutboxMessage) -> None:
    """An admin sends a failed message again: it gets a fresh set of attempts."""
    if message.status is not OutboxStatus.FAILED:
        raise ValueError("only a failed message can be retried")
    message.status = OutboxStatus.PENDING
    message.attempts = 0
    message.next_attempt_at = utcnow()
    db.session.flush()
