"""Hooks (signed webhooks and work-chat robots) and their deliveries, kept as rows until
the worker has posted them."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Enum, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from feedback import events
from feedback.extensions import db
from feedback.timeutil import UTCDateTime, utcnow


class HookKind(enum.Enum):
    WEBHOOK = "webhook"  #: our own signed JSON, for other systems
    WECOM = "wecom"  #: 企业微信 group robot
    DINGTALK = "dingtalk"  #: 钉钉 custom robot
    FEISHU = "feishu"  #: 飞书 custom bot
    SLACK = "slack"  #: Slack incoming webhook

    @property
    def is_chat(self) -> bool:
        """Work chat gets a message in words; a webhook gets the event as data."""
        return self is not HookKind.WEBHOOK


KIND_LABELS = {
    HookKind.WEBHOOK: _l("Webhook (signed JSON)"),
    HookKind.WECOM: _l("WeCom (企业微信)"),
    HookKind.DINGTALK: _l("DingTalk (钉钉)"),
    HookKind.FEISHU: _l("Feishu (飞书)"),
    HookKind.SLACK: _l("Slack"),
}


class DeliveryStatus(enum.Enum):
    PENDING = "pending"  #: waiting for its next attempt
    SENDING = "sending"  #: claimed by a worker right now
    SENT = "sent"
    FAILED = "failed"  #: gave up after the last attempt, or refused (a private address)


DELIVERY_STATUS_LABELS = {
    DeliveryStatus.PENDING: _l("Waiting"),
    DeliveryStatus.SENDING: _l("Sending"),
    DeliveryStatus.SENT: _l("Sent"),
    DeliveryStatus.FAILED: _l("Failed"),
}


def delivery_status_label(status: DeliveryStatus) -> str:
    """A delivery's status in the viewer's language."""
    return str(DELIVERY_STATUS_LABELS[status])


#: the events a hook may ask for, by their public name
EVENT_TYPES: dict[str, type[events.Event]] = {
    "response.created": events.AnswerRecorded,
    "response.tagged": events.CommentTagged,
    "case.opened": events.CaseOpened,
    "case.first_response": events.FirstResponse,
    "case.resolved": events.CaseResolved,
    "case.reopened": events.CaseReopened,
    "case.breached": events.CaseBreached,
    "customer.replied": events.CustomerReplied,
    "customer.erased": events.CustomerErased,
}
#: the public name of each domain event type a hook may hear of
PUBLIC_NAMES = {cls.type: name for name, cls in EVENT_TYPES.items()}

EVENT_LABELS = {
    "response.created": _l("An answer is recorded"),
    "response.tagged": _l("An answer's comment is tagged"),
    "case.opened": _l("A case opens"),
    "case.first_response": _l("A case gets its first response"),
    "case.resolved": _l("A case is resolved"),
    "case.reopened": _l("A case is reopened"),
    "case.breached": _l("A case misses a deadline"),
    "customer.replied": _l("A customer replies on a case"),
    "customer.erased": _l("A customer is erased (their external id, sent once)"),
}
#: events whose body names a person (an erased customer's external id): blanked once the
#: delivery is sent or given up, so the service keeps no copy
ONCE_ONLY = frozenset({"customer.erased"})


def _enum(cls, length: int = 20):
    # stored as plain strings: a new kind needs no ALTER TYPE on PostgreSQL
    return Enum(
        cls, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e]
    )


class Hook(db.Model):
    """Where events go: another system's URL (signed) or a work-chat group's robot."""

    __tablename__ = "hooks"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[HookKind] = mapped_column(_enum(HookKind))
    url: Mapped[str] = mapped_column(String(2000))
    #: signs deliveries: generated for a webhook (shown once), pasted for DingTalk or
    #: Feishu (optional there); kept, since every delivery needs it
    secret: Mapped[str | None] = mapped_column(String(200))
    #: the public event names it wants ("case.opened", ...)
    events: Mapped[list] = mapped_column(JSON, default=list)
    #: the language of chat messages ("en" or "zh")
    language: Mapped[str] = mapped_column(String(10), default="en")
    paused: Mapped[bool] = mapped_column(default=False)
    #: deliveries given up in a row; at WEBHOOK_PAUSE_AFTER the hook is paused
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    deliveries: Mapped[list[HookDelivery]] = relationship(
        back_populates="hook", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def shown_url(self) -> str:
        """The URL without its query string, where chat services put their access tokens."""
        return self.url.split("?", 1)[0].split("#", 1)[0]


class HookDelivery(db.Model):
    """One event for one hook: the body is fixed when queued, so each retry sends the same."""

    __tablename__ = "hook_deliveries"
    __table_args__ = (
        # an event is queued once per hook, even if its reaction runs twice
        UniqueConstraint("hook_id", "event_id", name="uq_hook_deliveries_hook_event"),
        Index("ix_hook_deliveries_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    hook_id: Mapped[int] = mapped_column(ForeignKey("hooks.id", ondelete="CASCADE"), index=True)
    #: the domain_events row id: X-Feedback-Delivery, the same on every retry
    event_id: Mapped[int] = mapped_column(Integer)
    #: the public event name ("case.opened")
    event_type: Mapped[str] = mapped_column(String(40))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[DeliveryStatus] = mapped_column(
        _enum(DeliveryStatus), default=DeliveryStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: set while a worker holds it; an old claim means that worker died
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    last_status_code: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    hook: Mapped[Hook] = relationship(back_populates="deliveries")
