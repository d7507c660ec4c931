"""The queue's configuration as managers edit it: routing rules, SLA targets, the business
calendar and the top tier; and the defaults a fresh installation starts with.

Routing runs on the answer page, so the whole configuration is read once and cached per
process. Every change bumps queue_settings.version in its own transaction; each process
checks that number at most every VERSION_CHECK_SECONDS.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from feedback import scoring
from feedback.complaints.calendar import DEFAULT_WEEKLY, BusinessCalendar
from feedback.complaints.models import (
    CasePriority,
    ClosedDate,
    QueueSettings,
    ReplyTemplate,
    RoutingRule,
    SlaPolicy,
)
from feedback.extensions import db
from feedback.surveys.models import SentimentLabel, SurveyKind

VERSION_CHECK_SECONDS = 2.0
_SETTINGS_ID = 1
#: a case is "due soon", and its owner warned, with this share of its target left
DUE_SOON_SHARE = 0.2

U, H, N, L = CasePriority.URGENT, CasePriority.HIGH, CasePriority.NORMAL, CasePriority.LOW
NPS, CSAT, CES = SurveyKind.NPS, SurveyKind.CSAT, SurveyKind.CES

_UNHAPPY = {kind: scoring.MOOD_BOUNDS[kind.value][0] for kind in SurveyKind}
#: name, kind, lowest score, highest score, sentiment, priority: every unhappy score
#: (feedback.scoring) opens a case, the worst ones high
DEFAULT_RULES = [
    ("NPS detractor, 0-3", NPS, 0, 3, None, H),
    (f"NPS detractor, 4-{_UNHAPPY[NPS]}", NPS, 4, _UNHAPPY[NPS], None, N),
    ("CSAT very dissatisfied (1)", CSAT, 1, 1, None, H),
    (f"CSAT dissatisfied ({_UNHAPPY[CSAT]})", CSAT, 2, _UNHAPPY[CSAT], None, N),
    ("CES hard, 1-2", CES, 1, 2, None, H),
    (f"CES somewhat hard ({_UNHAPPY[CES]})", CES, 3, _UNHAPPY[CES], None, N),
    ("Negative comment on any score", None, None, None, SentimentLabel.NEGATIVE, L),
]
#: business minutes: first response, resolution
DEFAULT_SLA = {U: (60, 8 * 60), H: (4 * 60, 16 * 60), N: (8 * 60, 40 * 60), L: (24 * 60, 80 * 60)}
DEFAULT_TIMEZONE = "Asia/Shanghai"
DEFAULT_COUNTRY = "CN"
DEFAULT_TOP_TIER = "vip"

DEFAULT_TEMPLATES = [
    {
        "name": "Apology, we are looking into it",
        "subject_en": "About your feedback (case {case})",
        "body_en": (
            "Dear {name},\n\nThank you for telling us about your experience, and I am sorry "
            "it fell short. I am looking into what happened and will come back to you "
            "within one working day.\n\nIf you would rather talk, reply with a good time "
            "to call you."
        ),
        "subject_zh": "关于您的反馈（工单 {case}）",
        "body_zh": (
            "{name}，您好：\n\n感谢您告诉我们您的体验，给您带来不便，我们深表歉意。"
            "我正在核查情况，将在一个工作日内回复您。\n\n如果您更愿意电话沟通，"
            "请回复方便接听的时间。"
        ),
    },
    {
        "name": "We need a detail from you",
        "subject_en": "A question about your feedback (case {case})",
        "body_en": (
            "Dear {name},\n\nThank you for your feedback. To sort this out, could you tell "
            "us your order number and when the problem happened?"
        ),
        "subject_zh": "关于您的反馈，想向您确认一个细节（工单 {case}）",
        "body_zh": (
            "{name}，您好：\n\n感谢您的反馈。为了尽快解决，请告诉我们您的订单号以及问题发生的时间。"
        ),
    },
    {
        "name": "Resolved: refund issued",
        "subject_en": "Your refund is on its way (case {case})",
        "body_en": (
            "Dear {name},\n\nWe have issued a full refund; it should reach your account "
            "within 3 to 5 working days. Thank you for your patience."
        ),
        "subject_zh": "您的退款已发出（工单 {case}）",
        "body_zh": (
            "{name}，您好：\n\n我们已为您办理全额退款，预计 3 到 5 个工作日到账。感谢您的耐心。"
        ),
    },
]


@dataclass(frozen=True)
class RuleSpec:
    """A routing rule as routing reads it."""

    id: int
    name: str
    survey_kind: SurveyKind | None
    score_min: int | None
    score_max: int | None
    sentiment: SentimentLabel | None
    topic_id: int | None
    tier: str | None
    priority: CasePriority

    def matches_answer(
        self, kind: SurveyKind, score: int, sentiment: SentimentLabel | None, topic_ids
    ) -> bool:
        """Every condition but the tier (which needs the customer)."""
        return (
            (self.survey_kind is None or self.survey_kind is kind)
            and (self.score_min is None or score >= self.score_min)
            and (self.score_max is None or score <= self.score_max)
            and (self.sentiment is None or self.sentiment is sentiment)
            and (self.topic_id is None or self.topic_id in topic_ids)
        )

    @property
    def on_comment(self) -> bool:
        """A rule on the comment waits for the worker to tag it (see routing.py)."""
        return self.sentiment is not None or self.topic_id is not None

    def matches_tier(self, tier: str | None) -> bool:
        return self.tier is None or (tier or "").casefold() == self.tier.casefold()


@dataclass(frozen=True)
class QueueConfig:
    version: int
    calendar: BusinessCalendar
    rules: tuple[RuleSpec, ...]
    #: business minutes (first response, resolution) by priority
    targets: dict[CasePriority, tuple[int, int]]
    top_tier: str | None
    followup_survey_id: int | None

    def first_response_target(self, priority: CasePriority) -> timedelta:
        return timedelta(minutes=self.targets[priority][0])

    def resolution_target(self, priority: CasePriority) -> timedelta:
        return timedelta(minutes=self.targets[priority][1])

    def is_top_tier(self, tier: str | None) -> bool:
        return bool(self.top_tier and tier and tier.casefold() == self.top_tier.casefold())


def settings_row() -> QueueSettings:
    """The settings row; the first call of a fresh installation creates it together with
    the default rules, SLA policies and reply templates. Deleting every rule later does
    not bring the defaults back."""
    settings = db.session.get(QueueSettings, _SETTINGS_ID)
    if settings is not None:
        return settings
    try:
        with db.session.begin_nested():
            _install_defaults()
    except IntegrityError:  # another process installed them first
        pass
    return db.session.get(QueueSettings, _SETTINGS_ID)


def _install_defaults() -> None:
    db.session.add(
        QueueSettings(
            id=_SETTINGS_ID,
            version=1,
            timezone=current_app.config.get("QUEUE_TIMEZONE") or DEFAULT_TIMEZONE,
            weekly_hours=weekly_to_json(DEFAULT_WEEKLY),
            holiday_country=DEFAULT_COUNTRY,
            top_tier=DEFAULT_TOP_TIER,
        )
    )
    db.session.flush()  # the settings row first: it is what a racing process collides on
    for name, kind, low, high, sentiment, priority in DEFAULT_RULES:
        db.session.add(
            RoutingRule(
                name=name,
                survey_kind=kind,
                score_min=low,
                score_max=high,
                sentiment=sentiment,
                priority=priority,
            )
        )
    existing = set(db.session.scalars(select(SlaPolicy.priority)))
    for priority, (first, resolution) in DEFAULT_SLA.items():
        if priority not in existing:
            db.session.add(
                SlaPolicy(
                    priority=priority, first_response_minutes=first, resolution_minutes=resolution
                )
            )
    if not db.session.scalar(select(ReplyTemplate.id).limit(1)):
        db.session.add_all(ReplyTemplate(**template) for template in DEFAULT_TEMPLATES)
    db.session.flush()


def weekly_to_json(weekly) -> dict:
    return {str(day): [list(span) for span in weekly.get(day, ())] for day in range(7)}


def weekly_from_json(data: dict) -> dict[int, list[tuple[int, int]]]:
    return {int(day): [tuple(span) for span in spans] for day, spans in (data or {}).items()}


def _load() -> QueueConfig:
    settings = settings_row()
    rules = db.session.scalars(
        select(RoutingRule).where(RoutingRule.active.is_(True)).order_by(RoutingRule.id)
    ).all()
    targets = dict(DEFAULT_SLA)
    for policy in db.session.scalars(select(SlaPolicy)):
        targets[policy.priority] = (policy.first_response_minutes, policy.resolution_minutes)
    calendar = BusinessCalendar(
        settings.timezone,
        weekly_from_json(settings.weekly_hours),
        closed_dates=db.session.scalars(select(ClosedDate.day)).all(),
        country=settings.holiday_country,
        subdivision=settings.holiday_subdivision,
    )
    return QueueConfig(
        version=settings.version,
        calendar=calendar,
        rules=tuple(
            RuleSpec(
                r.id,
                r.name,
                r.survey_kind,
                r.score_min,
                r.score_max,
                r.sentiment,
                r.topic_id,
                r.tier,
                r.priority,
            )
            for r in rules
        ),
        targets=targets,
        top_tier=settings.top_tier,
        followup_survey_id=settings.followup_survey_id,
    )


@dataclass
class _Cached:
    config: QueueConfig
    checked_at: float


def queue_config() -> QueueConfig:
    """The current configuration, from this process's cache while it is current."""
    cached: _Cached | None = current_app.extensions.get("complaints.config")
    now = time.monotonic()
    if cached is not None and now - cached.checked_at < VERSION_CHECK_SECONDS:
        return cached.config
    if cached is not None:
        version = db.session.scalar(
            select(QueueSettings.version).where(QueueSettings.id == _SETTINGS_ID)
        )
        if version == cached.config.version:
            cached.checked_at = now
            return cached.config
    config = _load()
    current_app.extensions["complaints.config"] = _Cached(config, now)
    return config


def changed() -> None:
    """Call in the transaction of any change to rules, targets or calendar: other
    processes pick it up by the version, this one at once."""
    settings = db.session.get(QueueSettings, _SETTINGS_ID, with_for_update=True) or settings_row()
    settings.version += 1
    db.session.flush()
    current_app.extensions.pop("complaints.config", None)
