"""Mail that customers send back: each message as received, and its attachments."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from feedback.accounts.models import User
from feedback.extensions import db
from feedback.surveys.models import _enum
from feedback.timeutil import UTCDateTime, utcnow


class InboundStatus(enum.Enum):
    MATCHED = "matched"  #: on a case
    UNMATCHED = "unmatched"  #: waiting for staff to attach or discard it
    DISCARDED = "discarded"  #: staff threw it away (the row stays, for the record)
    AUTO = "auto"  #: a bounce or an auto-reply: it reopens nothing and tells nobody


INBOUND_STATUS_LABELS = {
    InboundStatus.MATCHED: _l("On a case"),
    InboundStatus.UNMATCHED: _l("Unmatched"),
    InboundStatus.DISCARDED: _l("Discarded"),
    InboundStatus.AUTO: _l("Automatic"),
}


class InboundMessage(db.Model):
    """One email received (piped by the MTA or fetched over IMAP), kept whole."""

    __tablename__ = "inbound_messages"
    __table_args__ = (Index("ix_inbound_messages_status_received_at", "status", "received_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the Message-ID, else "sha256:" and the raw bytes' digest: one row per message,
    #: however often the MTA or the IMAP fetch hands it over
    dedup_key: Mapped[str] = mapped_column(String(300), unique=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    from_address: Mapped[str] = mapped_column(String(320), default="")
    from_name: Mapped[str] = mapped_column(String(200), default="")
    #: To, Cc, Delivered-To and X-Original-To, comma separated
    to_addresses: Mapped[str] = mapped_column(Text, default="")
    subject: Mapped[str] = mapped_column(String(300), default="")
    message_id_header: Mapped[str | None] = mapped_column(String(300))
    in_reply_to: Mapped[str | None] = mapped_column(Text)
    references: Mapped[str | None] = mapped_column(Text)
    #: the message exactly as received
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    body_text: Mapped[str] = mapped_column(Text, default="")
    #: body_text without the quoted mail and the signature, for display
    trimmed_text: Mapped[str] = mapped_column(Text, default="")
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"))
    status: Mapped[InboundStatus] = mapped_column(_enum(InboundStatus, "inbound_status"))
    #: how it found its case: "address", "thread", "sender" or "staff"
    matched_by: Mapped[str | None] = mapped_column(String(20))
    #: the staff member who attached or discarded it, and when
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    handled_by: Mapped[User | None] = relationship()
    attachments: Mapped[list[InboundAttachment]] = relationship(
        back_populates="message", order_by="InboundAttachment.id", cascade="all, delete-orphan"
    )


class InboundAttachment(db.Model):
    """A file sent with a message, in the database so that every app server has it."""

    __tablename__ = "inbound_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(
        ForeignKey("inbound_messages.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(200))
    size: Mapped[int] = mapped_column(Integer)
    #: False when it was larger than MAIL_ATTACHMENT_MAX_BYTES (the original still has it)
    kept: Mapped[bool] = mapped_column(default=True)
    #: loaded only when downloaded: lists of attachments need not read the files
    data: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)

    message: Mapped[InboundMessage] = relationship(back_populates="attachments")
