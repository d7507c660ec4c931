"""Customers, as known from the touchpoints that other systems send."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
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
    #: set when the customer was erased (anonymised): external_id is then a random
    #: "erased-..." and nothing else identifies them (feedback.customers.erasure)
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
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


class Tombstone(db.Model):
    """What stays of an erased person: keyed hashes (feedback.customers.tombstones) of
    their external id and email address, enough to answer a second erase, keep their
    opt-out and refuse a history import that would bring them back; never the values."""

    __tablename__ = "tombstones"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: HMAC-SHA256 with SECRET_KEY of the external id (tombstones.fingerprint)
    external_id_hash: Mapped[str] = mapped_column(String(64), index=True)
    #: the same of the email address, lower-cased; None when they had none
    email_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    erased_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ConsentEvent(db.Model):
    """One change of a customer's consent to be surveyed, with its time and source."""

    __tablename__ = "consent_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    #: one of CONSENT_CHANGES: "given", "withdrawn", "unsubscribed", "resubscribed"
    change: Mapped[str] = mapped_column(String(20))
    #: one of CONSENT_SOURCES: where it came from ("touchpoint", "import", "link",
    #: "staff", "api", "erasure")
    source: Mapped[str] = mapped_column(String(20))
    #: free text the sender gave (e.g. "checkout form v3"); never a comment
    detail: Mapped[str] = mapped_column(String(200), default="", server_default="")
    #: when it happened, as the sender said (or when it was recorded)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: the staff member who recorded it by hand; None otherwise
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


CONSENT_CHANGES = ("given", "withdrawn", "unsubscribed", "resubscribed")
CONSENT_SOURCES = ("touchpoint", "import", "link", "staff", "api", "erasure")


class AuditEntry(db.Model):
    """Who looked at or took a customer's data: page views, exports, erasures. It holds
    no comment text; after an erasure, the customer is only its (anonymised) row id."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    #: one of AUDIT_ACTIONS
    action: Mapped[str] = mapped_column(String(40), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    api_key_id: Mapped[int | None] = mapped_column(ForeignKey("api_keys.id", ondelete="SET NULL"))
    #: who, as read when it happened ("ann@example.com", "API key 3 'crm'", "command line")
    actor: Mapped[str] = mapped_column(String(200), default="", server_default="")
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customers.id", ondelete="SET NULL"), index=True
    )
    #: what else: the erasure's reason, the export's format and filters; no comment text
    detail: Mapped[str] = mapped_column(String(500), default="", server_default="")
    #: how many records an export held
    count: Mapped[int | None] = mapped_column(Integer)


#: "customer.view" (staff opened a customer page), "customer.export" (a person export),
#: "customer.erase", "answers.export" (the dashboard's CSV), "cases.export"
AUDIT_ACTIONS = (
    "customer.view",
    "customer.export",
    "customer.erase",
    "answers.export",
    "cases.export",
)


class RetentionSettings(db.Model):
    """How long each kind of personal data is kept, in months; None keeps it for ever
    (the default). One row; the worker anonymises what is older (feedback.customers)."""

    __tablename__ = "retention_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: answers' comments and the conversation texts of cases (replies, notes, emails)
    comments_months: Mapped[int | None] = mapped_column(Integer)
    #: name, email, phone and external id of customers with no activity for that long
    contacts_months: Mapped[int | None] = mapped_column(Integer)
    #: inbound mail (raw message, texts, attachments)
    inbound_months: Mapped[int | None] = mapped_column(Integer)
    #: the bodies of sent mail in the outbox
    outbox_months: Mapped[int | None] = mapped_column(Integer)
    #: when a worker last claimed the hourly run (feedback.customers.retention), and how
    #: many records that run anonymised
    last_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_run_count: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
