"""Surveys, the touchpoints that trigger them, invitations and responses."""

from __future__ import annotations

import enum
from datetime import date, datetime, timedelta
from decimal import Decimal

from babel.dates import format_timedelta
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    Date,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from feedback.customers.models import Customer
from feedback.extensions import db
from feedback.timeutil import UTCDateTime, utcnow


def _enum(cls, name):
    return Enum(cls, name=name, values_callable=lambda e: [m.value for m in e])


class SurveyKind(enum.Enum):
    NPS = "nps"
    CSAT = "csat"
    CES = "ces"

    @property
    def scale(self) -> range:
        """The scores a customer can give."""
        return {"nps": range(0, 11), "csat": range(1, 6), "ces": range(1, 8)}[self.value]


class SurveyStatus(enum.Enum):
    ACTIVE = "active"
    PAUSED = "paused"


class InvitationStatus(enum.Enum):
    SCHEDULED = "scheduled"
    SUPPRESSED = "suppressed"
    SENT = "sent"
    FAILED = "failed"
    ANSWERED = "answered"
    EXPIRED = "expired"


class SentimentLabel(enum.Enum):
    POSITIVE = "positive"
    NEUTRAL = "neutral"
    NEGATIVE = "negative"


class SuppressionReason(enum.Enum):
    UNSUBSCRIBED = "unsubscribed"
    COOLDOWN = "cooldown"
    INVALID_ADDRESS = "invalid_address"
    SURVEY_PAUSED = "survey_paused"


class EventSource(enum.Enum):
    API = "api"
    CSV = "csv"
    STAFF = "staff"
    DEMO = "demo"
    #: the event an imported past answer hangs on (feedback.loyalty.definitions: never a
    #: purchase). Five letters at most: SQLite's column is VARCHAR(5)
    PAST = "past"


INVITATION_LABELS = {
    InvitationStatus.SCHEDULED: _l("Scheduled"),
    InvitationStatus.SUPPRESSED: _l("Not sent"),
    InvitationStatus.SENT: _l("Sent"),
    InvitationStatus.FAILED: _l("Delivery failed"),
    InvitationStatus.ANSWERED: _l("Answered"),
    InvitationStatus.EXPIRED: _l("Expired unanswered"),
}
SUPPRESSION_LABELS = {
    SuppressionReason.UNSUBSCRIBED: _l("the customer unsubscribed"),
    SuppressionReason.COOLDOWN: _l("invited recently (cooldown)"),
    SuppressionReason.INVALID_ADDRESS: _l("no valid email address"),
    SuppressionReason.SURVEY_PAUSED: _l("the survey was paused"),
}
SENTIMENT_LABELS = {
    SentimentLabel.POSITIVE: _l("Positive"),
    SentimentLabel.NEUTRAL: _l("Neutral"),
    SentimentLabel.NEGATIVE: _l("Negative"),
}
#: the languages comment analysis names (feedback.analysis)
LANGUAGE_LABELS = {"en": _l("English"), "zh": _l("Chinese"), "other": _l("Other language")}


def invitation_label(invitation) -> str:
    """Status of an invitation, with the reason when it was held back."""
    label = str(INVITATION_LABELS[invitation.status])
    if invitation.suppression_reason is not None:
        return f"{label}: {SUPPRESSION_LABELS[invitation.suppression_reason]}"
    return label


def sentiment_label(label: SentimentLabel) -> str:
    return str(SENTIMENT_LABELS[label])


def language_label(code: str) -> str:
    return str(LANGUAGE_LABELS.get(code, code))


def delay_label(minutes: int) -> str:
    """A survey's delay as people say it, in the viewer's language: 45 min, 2 hr, 3 days."""
    if minutes == 0:
        return "0"
    return format_timedelta(
        timedelta(minutes=minutes), threshold=1.0, format="short", locale=get_locale()
    )


class TouchpointType(db.Model):
    """A kind of moment after which customers are asked: delivery, purchase, support call."""

    __tablename__ = "touchpoint_types"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the name systems send in "touchpoint", e.g. "delivery"
    key: Mapped[str] = mapped_column(String(40), unique=True)
    name_en: Mapped[str] = mapped_column(String(100))
    name_zh: Mapped[str] = mapped_column(String(100))
    #: days without another invitation after this one; None uses the global setting
    cooldown_days: Mapped[int | None] = mapped_column(Integer)
    #: a touchpoint of this type is a purchase (loyalty counts them)
    counts_as_purchase: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: a touchpoint of this type is a refund: its value subtracts from the customer's
    counts_as_refund: Mapped[bool] = mapped_column(default=False, server_default=false())

    def name(self, locale: str) -> str:
        return self.name_zh if locale == "zh" else self.name_en


class Survey(db.Model):
    __tablename__ = "surveys"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[SurveyKind] = mapped_column(_enum(SurveyKind, "survey_kind"))
    status: Mapped[SurveyStatus] = mapped_column(
        _enum(SurveyStatus, "survey_status"), default=SurveyStatus.ACTIVE
    )
    question_en: Mapped[str] = mapped_column(Text)
    question_zh: Mapped[str] = mapped_column(Text)
    #: the optional free-text question after the score
    followup_en: Mapped[str | None] = mapped_column(Text)
    followup_zh: Mapped[str | None] = mapped_column(Text)
    email_subject_en: Mapped[str] = mapped_column(String(200))
    email_subject_zh: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    triggers: Mapped[list[SurveyTrigger]] = relationship(
        back_populates="survey", cascade="all, delete-orphan"
    )

    def text(self, field: str, locale: str) -> str | None:
        """A text in the customer's language, falling back to English."""
        value = getattr(self, f"{field}_{'zh' if locale == 'zh' else 'en'}")
        return value or getattr(self, f"{field}_en")

    @property
    def is_active(self) -> bool:
        return self.status is SurveyStatus.ACTIVE


class SurveyTrigger(db.Model):
    """Sends a survey a set time after each touchpoint of a type."""

    __tablename__ = "survey_triggers"
    __table_args__ = (UniqueConstraint("survey_id", "touchpoint_type_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    touchpoint_type_id: Mapped[int] = mapped_column(
        ForeignKey("touchpoint_types.id", ondelete="CASCADE")
    )
    #: minutes between the touchpoint and the email
    delay_minutes: Mapped[int] = mapped_column(default=0)

    survey: Mapped[Survey] = relationship(back_populates="triggers")
    touchpoint_type: Mapped[TouchpointType] = relationship()


class TouchpointEvent(db.Model):
    """One meeting of a customer with the business, as another system reported it."""

    __tablename__ = "touchpoint_events"
    __table_args__ = (
        # a customer's purchases after a date (feedback.loyalty)
        Index("ix_touchpoint_events_customer_id_occurred_at", "customer_id", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the sender's id for the event; the same id again creates nothing
    external_id: Mapped[str] = mapped_column(String(200), unique=True)
    touchpoint_type_id: Mapped[int] = mapped_column(ForeignKey("touchpoint_types.id"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    properties: Mapped[dict] = mapped_column(JSON, default=dict)
    #: money of a purchase or refund in the installation's CURRENCY; None when not given
    value: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    #: sent as history (a past event): stored for loyalty, invited nobody
    history: Mapped[bool] = mapped_column(default=False, server_default=false())
    source: Mapped[EventSource] = mapped_column(_enum(EventSource, "event_source"))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    touchpoint_type: Mapped[TouchpointType] = relationship()
    customer: Mapped[Customer] = relationship()
    invitations: Mapped[list[Invitation]] = relationship(back_populates="event")


class PropertyKey(db.Model):
    """A key seen in touchpoint events' properties, offered for the dashboard's breakdown
    unless it is internal (the service's own, such as ``case_id``)."""

    __tablename__ = "property_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(100), unique=True)
    #: what managers read in place of the key; empty shows the key
    label: Mapped[str] = mapped_column(String(100), default="", server_default="")
    #: hidden from breakdowns: the service's bookkeeping, or a key a manager hid
    internal: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: holds personal data (a delivery address, a loyalty card number): cleared from the
    #: events of an erased customer (feedback.customers.erasure)
    personal: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    @property
    def shown(self) -> str:
        """The label, or the key where there is none."""
        return self.label or self.key


class Invitation(db.Model):
    """One survey emailed (or held back) for one touchpoint event."""

    __tablename__ = "invitations"
    __table_args__ = (
        UniqueConstraint("customer_id", "event_id", "survey_id"),
        Index("ix_invitations_status_send_at", "status", "send_at"),
        Index("ix_invitations_customer_id_send_at", "customer_id", "send_at"),
        # the dashboard's deliveries of a period, where the summary cannot answer
        Index("ix_invitations_sent_at", "sent_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    event_id: Mapped[int] = mapped_column(ForeignKey("touchpoint_events.id", ondelete="CASCADE"))
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    status: Mapped[InvitationStatus] = mapped_column(
        _enum(InvitationStatus, "invitation_status"), default=InvitationStatus.SCHEDULED
    )
    suppression_reason: Mapped[SuppressionReason | None] = mapped_column(
        _enum(SuppressionReason, "suppression_reason")
    )
    #: when the worker sends it: the touchpoint's time plus the survey's delay
    send_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reminder_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: the links stop working then (410)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: the language the email went out in
    locale: Mapped[str | None] = mapped_column(String(10))
    #: the customer's tier when it was sent ("" for none; see feedback.dashboard)
    tier: Mapped[str | None] = mapped_column(String(40))
    error: Mapped[str | None] = mapped_column(Text)
    #: Reply-To of its emails: a case's follow-up carries the case's reply address
    reply_to: Mapped[str | None] = mapped_column(String(320))
    #: the day it was delivered, in REPORT_TIMEZONE (see feedback.dashboard)
    sent_day: Mapped[date | None] = mapped_column(Date)
    #: the first email's row in the outbox, to learn whether delivery failed
    outbox_message_id: Mapped[int | None] = mapped_column(
        ForeignKey("outbox_messages.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    customer: Mapped[Customer] = relationship()
    event: Mapped[TouchpointEvent] = relationship(back_populates="invitations")
    survey: Mapped[Survey] = relationship()
    response: Mapped[Response | None] = relationship(back_populates="invitation")


class InvitationToken(db.Model):
    """A link token, stored only as its SHA-256. The reminder gets a token of its own."""

    __tablename__ = "invitation_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int] = mapped_column(
        ForeignKey("invitations.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    invitation: Mapped[Invitation] = relationship()


class Response(db.Model):
    """A customer's answer. One per invitation, enforced by the database, whose trigger
    (see the migration "a response marks its invitation answered") sets the invitation's
    status to answered when a response is inserted."""

    __tablename__ = "responses"
    __table_args__ = (
        Index("ix_responses_answered_at", "answered_at"),
        Index("ix_responses_customer_id", "customer_id"),
        # finds comments tagged with an older taxonomy (see feedback/tagging)
        Index("ix_responses_tagged_version", "tagged_version"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int] = mapped_column(
        ForeignKey("invitations.id", ondelete="CASCADE"), unique=True
    )
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    #: copied from the survey so that scores aggregate by kind without a join
    kind: Mapped[SurveyKind] = mapped_column(_enum(SurveyKind, "survey_kind"))
    score: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text)
    locale: Mapped[str] = mapped_column(String(10))
    #: the importer's id of a past answer (feedback.surveys imports); None for live answers
    external_id: Mapped[str | None] = mapped_column(String(200), unique=True, index=True)
    #: came from a history import: counts in scores and loyalty, not in response rates,
    #: and opened no case, told nobody
    imported: Mapped[bool] = mapped_column(default=False, server_default=false())
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    comment_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: tags of the comment (feedback.analysis): None while there is no comment
    language: Mapped[str | None] = mapped_column(String(8))
    polarity: Mapped[float | None] = mapped_column(Float)
    sentiment: Mapped[SentimentLabel | None] = mapped_column(
        _enum(SentimentLabel, "sentiment_label")
    )
    #: the taxonomy version the topics were matched with; lower ones are tagged again; 0
    #: until the worker has tagged a new answer
    tagged_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    #: when the worker tagged the comment; None until then, for no comment, and for the
    #: answers stored before the worker tagged comments
    tagged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: set when the comment was erased (the customer's erasure, or retention): the text
    #: is then "" and its tags stay as they were; the worker never tags it again
    comment_erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: copies taken when the answer is stored, for the dashboard's summary tables (which
    #: database triggers keep, see feedback.dashboard): the event's touchpoint type, the
    #: customer's tier then ("" for none) and the day in REPORT_TIMEZONE
    touchpoint_type_id: Mapped[int] = mapped_column(Integer)
    tier: Mapped[str] = mapped_column(String(40), default="", server_default="")
    report_day: Mapped[date] = mapped_column(Date)

    invitation: Mapped[Invitation] = relationship(back_populates="response")
    survey: Mapped[Survey] = relationship()
    customer: Mapped[Customer] = relationship()
