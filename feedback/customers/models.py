"""Customers, as known from the touchpoints that other systems send."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from feedback.customers.phones import readable
from feedback.extensions import db
from feedback.timeutil import UTCDateTime, utcnow


class Customer(db.Model):
    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the customer's id in the system that sends touchpoints (CRM, shop)
    external_id: Mapped[str] = mapped_column(String(120), unique=True)
    #: None when the sender has no address; invitations are then suppressed
    email: Mapped[str | None] = mapped_column(String(254))
    name: Mapped[str] = mapped_column(String(200), default="")
    #: E.164 ("+8613800138000"), read from what the sender gave; None when unknown
    phone: Mapped[str | None] = mapped_column(String(32))
    #: "en" or "zh"; None means the service default
    locale: Mapped[str | None] = mapped_column(String(10))
    #: the tier the service uses (routing, invitations, answers, breakdowns): the one the
    #: sender gave, or the one computed from purchases, as the loyalty settings say
    tier: Mapped[str | None] = mapped_column(String(40), index=True)
    #: free text from the sender ("gold", "vip" ...), as last sent
    sent_tier: Mapped[str | None] = mapped_column(String(40))
    #: set when the customer unsubscribed; no invitation is sent after that
    unsubscribed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"<Customer {self.external_id}>"

    @property
    def display_name(self) -> str:
        return self.name or self.email or self.external_id

    @property
    def phone_display(self) -> str | None:
        """The phone number as people read it ("+86 138 0013 8000"), or None."""
        return readable(self.phone) if self.phone else None
