"""Writing mail to the outbox. Called inside the transaction of the change that causes it."""

from __future__ import annotations

from datetime import datetime
from email.utils import make_msgid

from sqlalchemy import insert

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
    sensitive: bool = False,
) -> OutboxMessage:
    """Add a message for the worker to deliver once the caller commits.

    ``sensitive`` messages carry a secret, such as a personal link: once delivered, their
    bodies and headers are removed from the outbox.
    """
    # A newline in a header would let a value inject headers of its own.
    subject = " ".join(subject.split())
    message = OutboxMessage(
        to_address=to.strip(),
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        headers=dict(headers or {}),
        kind=kind,
        sensitive=sensitive,
        next_attempt_at=send_at or utcnow(),
        message_id=make_msgid(domain="feedback.local"),
    )
    db.session.add(message)
    db.session.flush()
    return message


def queue_many(messages: list[dict]) -> list[int]:
    """Add many messages in one multi-row INSERT; returns their ids in the given order.

    Each dict has to, subject, body_text, body_html, headers, kind and sensitive, as for
    ``queue_email``.
    """
    if not messages:
        return []
    now = utcnow()
    rows = [
        {
            "to_address": m["to"].strip(),
            "subject": " ".join(m["subject"].split()),
            "body_text": m["body_text"],
            "body_html": m.get("body_html"),
            "headers": dict(m.get("headers") or {}),
            "kind": m.get("kind", "general"),
            "sensitive": bool(m.get("sensitive")),
            "status": OutboxStatus.PENDING,
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
            "message_id": make_msgid(domain="feedback.local"),
        }
        for m in messages
    ]
    table = OutboxMessage.__table__
    result = db.session.connection().execute(
        insert(table).returning(table.c.id, table.c.message_id), rows
    )
    ids = {message_id: message_pk for message_pk, message_id in result}
    return [ids[row["message_id"]] for row in rows]


def retry_now(message: OutboxMessage) -> None:
    """An admin sends a failed message again: it gets a fresh set of attempts."""
    if message.status is not OutboxStatus.FAILED:
        raise ValueError("only a failed message can be retried")
    message.status = OutboxStatus.PENDING
    message.attempts = 0
    message.next_attempt_at = utcnow()
    db.session.flush()
