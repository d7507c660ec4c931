"""What each member of staff wants to hear of, and the notices written for them."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from feedback.extensions import db
from feedback.timeutil import UTCDateTime, utcnow


class When(enum.Enum):
    """When a notice reaches its reader."""

    NOW = "now"  #: an email at once
    DIGEST = "digest"  #: a line in the next digest email
    OFF = "off"  #: nothing (new cases in the queue only: never for one's own cases)


class Kind(enum.Enum):
    """What a notice is about."""

    QUEUE = "queue"  #: a new case nobody owns (to agents)
    ASSIGNED = "assigned"  #: someone else gave the reader a case
    REPLIED = "replied"  #: the customer wrote to the reader's case
    REOPENED = "reopened"  #: the reader's case is back in the queue
    SERIOUS = "serious"  #: an urgent or top-tier case opened (to managers)


class NotifyPreference(db.Model):
    """One user's choices; a user without a row gets the defaults (at once for both)."""

    __tablename__ = "notify_preferences"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    #: new cases nobody owns (agents): "now" (urgent and high at once, the rest in the
    #: digest), "digest" or "off"
    queue: Mapped[str] = mapped_column(String(10), default=When.NOW.value)
    #: the reader's own cases (assigned, replied, reopened): "now" or "digest", never off
    mine: Mapped[str] = mapped_column(String(10), default=When.NOW.value)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class StaffNotice(db.Model):
    """A notice for one reader about one case: sent at once (sent_at set when written) or
    waiting for the digest (sent_at None). Its unique key makes a reaction that runs twice
    write, and send, it once."""

    __tablename__ = "staff_notices"
    __table_args__ = (
        UniqueConstraint("user_id", "case_id", "kind", "stamp", name="uq_staff_notices_once"),
        # the digest's pending rows
        Index(
            "ix_staff_notices_pending",
            "user_id",
            sqlite_where=text("sent_at IS NULL"),
            postgresql_where=text("sent_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    #: the timeline row (case_events.id) that caused it, 0 for the case's opening: a
    #: second assignment or reply is a new notice, the same one run twice is not
    stamp: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: None while it waits for the digest
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
