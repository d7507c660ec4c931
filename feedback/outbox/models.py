"""Outgoing mail, kept as rows until the worker has delivered it."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Enum, Index, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from feedback.extensions import db
from feedback.timeutil import UTCDateTime, utcnow


class OutboxStatus(enum.Enum):
    PENDING = "pending"  #: waiting for its next attempt
    SENDING = "sending"  #: claimed by a worker right now
    SENT = "sent"
    FAILED = "failed"  #: gave up after the last allowed attempt
    #: never to be sent: its recipient was erased (feedback.customers.erasure)
    CANCELLED = "cancelled"


STATUS_LABELS = {
    OutboxStatus.PENDING: _l("Waiting"),
    OutboxStatus.SENDING: _l("Sending"),
    OutboxStatus.SENT: _l("Sent"),
    OutboxStatus.FAILED: _l("Failed"),
    OutboxStatus.CANCELLED: _l("Cancelled"),
}


def status_label(status: OutboxStatus) -> str:
    return str(STATUS_LABELS[status])


class OutboxMessage(db.Model):
    __tablename__ = "outbox_messages"
    __table_args__ = (
        Index("ix_outbox_messages_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    #: extra headers such as List-Unsubscribe, as a {name: value} object
    headers: Mapped[dict] = mapped_column(JSON, default=dict)
    #: what caused the message ("invitation", "escalation", ...) for the admin list
    kind: Mapped[str] = mapped_column(String(40), default="general")
    status: Mapped[OutboxStatus] = mapped_column(
        Enum(OutboxStatus, name="outbox_status", values_callable=lambda e: [m.value for m in e]),
        default=OutboxStatus.PENDING,
    )
    attempts: Mapped[int] = mapped_column(default=0)
    #: the worker leaves it alone until then (grows after each failure)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    #: set while a worker holds the message; an old claim means that worker died
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: holds a secret (a personal survey link): its bodies and headers are removed once sent
    sensitive: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: the Message-ID header, fixed at creation so that a retry is recognisably the same mail
    message_id: Mapped[str] = mapped_column(String(200), unique=True)

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.status.value} to {self.to_address}>"
