"""Complaint cases, the rules that open them, their deadlines and their timeline."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import (
    JSON,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    and_,
    case,
    or_,
    text,
)
from sqlalchemy.ext.hybrid import hybrid_method, hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from feedback.accounts.models import User
from feedback.complaints.enums import (  # noqa: F401 - the enums are the models' too
    ACTIVE_SQL,
    ACTIVE_STATUSES,
    TRANSITIONS,
    CallOutcome,
    CaseActionError,
    CasePriority,
    CaseSource,
    CaseStatus,
    CaseTransitionError,
    ResolutionCode,
    case_status_label,
)
from feedback.complaints.inbound_models import InboundMessage
from feedback.customers.models import Customer
from feedback.extensions import db
from feedback.surveys.models import (
    Invitation,
    Response,
    SentimentLabel,
    SurveyKind,
    TouchpointType,
    _enum,
)
from feedback.tagging.models import Topic
from feedback.timeutil import UTCDateTime, utcnow


class RoutingRule(db.Model):
    """An answer that meets every condition set on a rule opens (or joins) a case with
    the rule's priority. Empty conditions match anything. Where several rules match, the
    most pressing priority wins."""

    __tablename__ = "routing_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    active: Mapped[bool] = mapped_column(default=True)
    survey_kind: Mapped[SurveyKind | None] = mapped_column(_enum(SurveyKind, "survey_kind"))
    score_min: Mapped[int | None] = mapped_column(Integer)
    score_max: Mapped[int | None] = mapped_column(Integer)
    sentiment: Mapped[SentimentLabel | None] = mapped_column(
        _enum(SentimentLabel, "sentiment_label")
    )
    #: a deleted topic takes its rules with it: the rule would otherwise widen to all
    topic_id: Mapped[int | None] = mapped_column(ForeignKey("topics.id", ondelete="CASCADE"))
    #: the customer's tier as the sending system spells it ("gold"); compared ignoring case
    tier: Mapped[str | None] = mapped_column(String(40))
    priority: Mapped[CasePriority] = mapped_column(_enum(CasePriority, "case_priority"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    topic: Mapped[Topic | None] = relationship()


class SlaPolicy(db.Model):
    """Targets in business minutes for one priority."""

    __tablename__ = "sla_policies"

    priority: Mapped[CasePriority] = mapped_column(
        _enum(CasePriority, "case_priority"), primary_key=True
    )
    first_response_minutes: Mapped[int] = mapped_column(Integer)
    resolution_minutes: Mapped[int] = mapped_column(Integer)


class QueueSettings(db.Model):
    """One row: the business calendar and the top tier. Created with the default rules,
    SLA policies and reply templates the first time the queue is used."""

    __tablename__ = "queue_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: goes up with every change of rules, targets or calendar; processes reload then
    version: Mapped[int] = mapped_column(Integer, default=1)
    #: an IANA zone; the working hours and closed dates are in it
    timezone: Mapped[str] = mapped_column(String(64))
    #: {"0": [[540, 1080]], ...}: weekday (0 Monday) -> [start, end) minutes of local time
    weekly_hours: Mapped[dict] = mapped_column(JSON)
    #: public holidays of this country (ISO code) are closed days; None for none
    holiday_country: Mapped[str | None] = mapped_column(String(8))
    holiday_subdivision: Mapped[str | None] = mapped_column(String(16))
    #: customers of this tier get their cases one priority step higher
    top_tier: Mapped[str | None] = mapped_column(String(40))
    #: the CSAT sent after a case is resolved; made on the first resolve
    followup_survey_id: Mapped[int | None] = mapped_column(
        ForeignKey("surveys.id", ondelete="SET NULL")
    )
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class ClosedDate(db.Model):
    """A day a manager closed the service desk (besides public holidays)."""

    __tablename__ = "closed_dates"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    name: Mapped[str] = mapped_column(String(120), default="")


class ReplyTemplate(db.Model):
    """A reply an agent starts from, in both languages. {name} and {case} are filled in."""

    __tablename__ = "reply_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    subject_en: Mapped[str] = mapped_column(String(200))
    body_en: Mapped[str] = mapped_column(Text)
    subject_zh: Mapped[str] = mapped_column(String(200))
    body_zh: Mapped[str] = mapped_column(Text)


class Case(db.Model):
    """One unhappy customer's complaint, from the answer that opened it to its resolution."""

    __tablename__ = "cases"
    __table_args__ = (
        # One case in the queue per customer, enforced by the database: two answers of
        # one customer recorded at once cannot open two cases.
        Index(
            "uq_cases_customer_active",
            "customer_id",
            unique=True,
            sqlite_where=text(ACTIVE_SQL),
            postgresql_where=text(ACTIVE_SQL),
        ),
        # The sweep's overdue cases (status, first-response deadline), and everything
        # queue health counts of the cases in the queue, so that it reads the index alone.
        Index(
            "ix_cases_queue",
            "status",
            "first_response_due_at",
            "priority",
            "owner_id",
            "first_responded_at",
            "resolution_due_at",
            "opened_at",
        ),
        Index("ix_cases_owner_id_status", "owner_id", "status"),
        # the dashboard's queue health: cases opened in a period
        Index("ix_cases_opened_at", "opened_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    status: Mapped[CaseStatus] = mapped_column(
        _enum(CaseStatus, "case_status"), default=CaseStatus.NEW
    )
    priority: Mapped[CasePriority] = mapped_column(_enum(CasePriority, "case_priority"))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: the rule that opened the case; None once that rule is deleted
    rule_id: Mapped[int | None] = mapped_column(ForeignKey("routing_rules.id", ondelete="SET NULL"))
    #: the touchpoint of the answer that opened it, for the queue's filter
    touchpoint_type_id: Mapped[int | None] = mapped_column(
        ForeignKey("touchpoint_types.id", ondelete="SET NULL")
    )
    #: the customer's tier when it opened ("" for none), for the dashboard
    tier: Mapped[str] = mapped_column(String(40), default="", server_default="")
    source: Mapped[CaseSource] = mapped_column(
        _enum(CaseSource, "case_source"), default=CaseSource.SURVEY, server_default="survey"
    )
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: the day it opened in REPORT_TIMEZONE, for the dashboard's summary (see feedback.dashboard)
    report_day: Mapped[date | None] = mapped_column(Date)
    #: opened_at plus the priority's first-response target in business time
    first_response_due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: when 20% of the first-response target is left: the owner is warned then
    first_response_warn_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: the first reply sent or call logged; notes never count
    first_responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    warned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: the first-response due time, once it passed without a response
    breached_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: None while pending: the resolution clock is paused
    resolution_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolution_breached_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: business seconds spent pending so far; they move the resolution due time on
    paused_seconds: Mapped[float] = mapped_column(Float, default=0.0)
    pending_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolution_code: Mapped[ResolutionCode | None] = mapped_column(
        _enum(ResolutionCode, "resolution_code")
    )
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: the CSAT follow-up sent on resolve (the latest, if it was resolved twice)
    followup_invitation_id: Mapped[int | None] = mapped_column(
        ForeignKey("invitations.id", ondelete="SET NULL"), unique=True
    )
    #: the closed case whose customer wrote again by email, opening this one
    previous_case_id: Mapped[int | None] = mapped_column(
        ForeignKey("cases.id", ondelete="SET NULL")
    )
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    customer: Mapped[Customer] = relationship()
    owner: Mapped[User | None] = relationship()
    touchpoint_type: Mapped[TouchpointType | None] = relationship()
    followup_invitation: Mapped[Invitation | None] = relationship()
    links: Mapped[list[CaseResponse]] = relationship(
        back_populates="case", order_by="CaseResponse.response_id"
    )
    events: Mapped[list[CaseEvent]] = relationship(
        back_populates="case", order_by="CaseEvent.id", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Case {self.id} {self.status.value} {self.priority.value}>"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @hybrid_property
    def due_at(self) -> datetime | None:
        """The next deadline: the first response until there is one, then resolution."""
        if self.status not in ACTIVE_STATUSES:
            return None
        if self.first_responded_at is None:
            return self.first_response_due_at
        return self.resolution_due_at

    @due_at.inplace.expression
    @classmethod
    def _due_at_expression(cls):
        return case(
            (cls.status.not_in(ACTIVE_STATUSES), None),
            (cls.first_responded_at.is_(None), cls.first_response_due_at),
            else_=cls.resolution_due_at,
        )

    @hybrid_method
    def is_overdue(self, now: datetime) -> bool:
        """In the queue and past a deadline that is running (the Overdue view)."""
        due = self.due_at
        return due is not None and due <= now

    @is_overdue.expression
    @classmethod
    def _is_overdue_expression(cls, now: datetime):
        return and_(cls.status.in_(ACTIVE_STATUSES), cls.deadline_passed(now))

    @classmethod
    def deadline_passed(cls, now):
        """SQL: the deadline that is running (first response, then resolution) is past."""
        return or_(
            and_(cls.first_responded_at.is_(None), cls.first_response_due_at <= now),
            and_(cls.first_responded_at.is_not(None), cls.resolution_due_at <= now),
        )

    @classmethod
    def in_queue(cls):
        """SQL: new, open or pending."""
        return cls.status.in_(ACTIVE_STATUSES)

    @property
    def responded_on_time(self) -> bool | None:
        """The first response came by its due time (None: not yet). on_time_sql() says the
        same in SQL, for the dashboard's summaries; a test holds the two together."""
        if self.first_responded_at is None:
            return None
        return self.first_responded_at <= self.first_response_due_at

    @staticmethod
    def on_time_sql(row: str) -> str:
        """responded_on_time, as an SQL condition on the case ``row``."""
        return (
            f"{row}.first_responded_at IS NOT NULL"
            f" AND {row}.first_responded_at <= {row}.first_response_due_at"
        )

    def move_to(self, status: CaseStatus) -> CaseStatus:
        """Change status if the lifecycle allows it; returns the old status."""
        if status not in TRANSITIONS[self.status]:
            raise CaseTransitionError(
                _(
                    "A case that is %(before)s cannot become %(after)s.",
                    before=case_status_label(self.status),
                    after=case_status_label(status),
                )
            )
        if status is CaseStatus.RESOLVED and self.first_responded_at is None:
            raise CaseTransitionError(
                _("Reply to the customer or log a call before resolving the case.")
            )
        old, self.status = self.status, status
        return old


class CaseResponse(db.Model):
    """An answer on a case: the one that opened it, and any later unhappy answer of the
    same customer while it was in the queue."""

    __tablename__ = "case_responses"

    case_id: Mapped[int] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    #: unique: an answer belongs to one case at most
    response_id: Mapped[int] = mapped_column(
        ForeignKey("responses.id", ondelete="CASCADE"), primary_key=True, unique=True
    )
    attached_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    case: Mapped[Case] = relationship(back_populates="links")
    response: Mapped[Response] = relationship()


class CaseEvent(db.Model):
    """A line of a case's timeline: who (None: the service itself), when, what, and the
    value before and after where something changed."""

    __tablename__ = "case_events"
    __table_args__ = (Index("ix_case_events_case_id", "case_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: opened, attached, claimed, assigned, priority, status, reply, call, note, warned,
    #: breached, escalated, resolved, reopened, followup_sent, followup_answered, closed,
    #: customer_reply (their email), opened_by_email, continued (in a case opened by email)
    kind: Mapped[str] = mapped_column(String(30))
    before: Mapped[str | None] = mapped_column(String(200))
    after: Mapped[str | None] = mapped_column(String(200))
    #: the reply's text, the note, the reason of a priority change, the call's notes
    body: Mapped[str | None] = mapped_column(Text)
    #: the reply's subject, or the call's outcome
    detail: Mapped[str | None] = mapped_column(String(300))
    response_id: Mapped[int | None] = mapped_column(ForeignKey("responses.id", ondelete="SET NULL"))
    outbox_message_id: Mapped[int | None] = mapped_column(
        ForeignKey("outbox_messages.id", ondelete="SET NULL")
    )
    #: the customer's email, for a "customer_reply"
    inbound_message_id: Mapped[int | None] = mapped_column(
        ForeignKey("inbound_messages.id", ondelete="SET NULL")
    )

    case: Mapped[Case] = relationship(back_populates="events")
    inbound_message: Mapped[InboundMessage | None] = relationship()
    actor: Mapped[User | None] = relationship()
