"""Default touchpoint types and surveys, and a few weeks of demo touchpoints and answers."""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from feedback.extensions import db
from feedback.surveys.answers import Link, record_answer
from feedback.surveys.demo_comments import demo_comment
from feedback.surveys.ingest import ingest_events
from feedback.surveys.inputs import CustomerInput, EventInput
from feedback.surveys.models import (
    EventSource,
    Invitation,
    InvitationStatus,
    Survey,
    SurveyKind,
    SurveyTrigger,
    TouchpointEvent,
    TouchpointType,
)
from feedback.timeutil import report_day, utcnow

TOUCHPOINT_TYPES = [
    # key, English, Chinese, own cooldown in days (None: the global setting)
    ("purchase", "Purchase", "购买", None),
    ("delivery", "Delivery", "配送", None),
    ("support_call", "Support call closed", "客服来电结束", 7),
    ("onboarding", "Onboarding", "新客户入门", None),
]

SURVEYS = [
    {
        "name": "NPS after purchase",
        "kind": SurveyKind.NPS,
        "question_en": "How likely are you to recommend Acme to a friend or colleague?",
        "question_zh": "您有多大可能向朋友或同事推荐 Acme？",
        "followup_en": "What is the main reason for your score?",
        "followup_zh": "您给出这个分数的主要原因是什么？",
        "email_subject_en": "One quick question about Acme",
        "email_subject_zh": "关于 Acme 的一个小问题",
        "triggers": [("purchase", 24 * 60), ("onboarding", 7 * 24 * 60)],
    },
    {
        "name": "CSAT after delivery",
        "kind": SurveyKind.CSAT,
        "question_en": "How satisfied are you with your delivery?",
        "question_zh": "您对本次配送满意吗？",
        "followup_en": "What could we have done better?",
        "followup_zh": "我们还有哪些地方可以做得更好？",
        "email_subject_en": "How was your delivery?",
        "email_subject_zh": "您的配送体验如何？",
        "triggers": [("delivery", 120)],
    },
    {
        "name": "CES after a support call",
        "kind": SurveyKind.CES,
        "question_en": "Acme made it easy for me to handle my issue.",
        "question_zh": "Acme 让我轻松地解决了问题。",
        "followup_en": "How could we have made it easier?",
        "followup_zh": "我们怎样做能让它更轻松？",
        "email_subject_en": "Was it easy to get help from Acme?",
        "email_subject_zh": "从 Acme 获得帮助容易吗？",
        "triggers": [("support_call", 60)],
    },
]

NAMES = {
    "en": [
        "Ann Lee",
        "Bo Chen",
        "Sam Patel",
        "Maria Garcia",
        "Tom Walker",
        "Priya Shah",
        "Lucas Martin",
        "Emma Brown",
        "Omar Haddad",
        "Grace Kim",
        "Jack Wilson",
        "Nina Rossi",
    ],
    "zh": [
        "王伟",
        "李娜",
        "张敏",
        "陈杰",
        "刘洋",
        "杨静",
        "赵磊",
        "黄丽",
        "周涛",
        "吴芳",
        "徐强",
        "孙悦",
    ],
}
TIERS = ["gold", "silver", None, None, None]
DEMO_CUSTOMERS = 48


def ensure_touchpoint_types() -> dict[str, TouchpointType]:
    """The default touchpoint types, created if missing."""
    existing = {t.key: t for t in db.session.scalars(select(TouchpointType))}
    for key, name_en, name_zh, cooldown in TOUCHPOINT_TYPES:
        if key not in existing:
            existing[key] = TouchpointType(
                key=key,
                name_en=name_en,
                name_zh=name_zh,
                cooldown_days=cooldown,
                counts_as_purchase=key == "purchase",
            )
            db.session.add(existing[key])
    db.session.flush()
    return existing


def ensure_default_surveys() -> list[str]:
    """A sensible survey per touchpoint type, created if missing; returns what was made."""
    types = ensure_touchpoint_types()
    created = []
    names = set(db.session.scalars(select(Survey.name)))
    for spec in SURVEYS:
        if spec["name"] in names:
            continue
        fields = {k: v for k, v in spec.items() if k != "triggers"}
        survey = Survey(**fields)
        for key, delay in spec["triggers"]:
            survey.triggers.append(SurveyTrigger(touchpoint_type=types[key], delay_minutes=delay))
        db.session.add(survey)
        created.append(f"survey {spec['name']}")
    db.session.flush()
    return created


def demo_customer_id(number: int) -> str:
    """The external id of demo customer ``number``."""
    return f"c-{1000 + number}"


def demo_customer(number: int, rng: random.Random) -> CustomerInput:
    """Demo customer ``number``: a name, an address and a language, sometimes a tier."""
    locale = "zh" if number % 2 else "en"
    name = NAMES[locale][number // 2 % len(NAMES[locale])]
    domain = "example.cn" if locale == "zh" else "example.com"
    return CustomerInput(
        external_id=demo_customer_id(number),
        email=f"customer{1000 + number}@{domain}",
        name=name,
        locale=locale,
        tier=rng.choice(TIERS),
        phone=_demo_phone(number, locale),
    )


def _demo_phone(number: int, locale: str) -> str | None:
    """A mobile in Beijing's style or a US number from the 555-01xx range kept for
    fiction, in E.164; every fourth customer has none, as in life."""
    if number % 4 == 3:
        return None
    if locale == "zh":
        return f"+861380013{8000 + number}"
    return f"+14155550{100 + number:03d}"


def load_demo_touchpoints() -> list[str]:
    """Six weeks of touchpoints for the demo customers, most of them answered; the last
    few are recent, so the worker sends their invitations while the demo runs."""
    rng = random.Random(42)  # the same demo every time  # noqa: S311
    now = utcnow()
    kinds = ("purchase", "delivery", "support_call", "onboarding")
    inputs = []
    for number in range(DEMO_CUSTOMERS):
        recent = number >= DEMO_CUSTOMERS - 4
        age = (
            timedelta(hours=rng.randrange(1, 3))
            if recent
            else timedelta(days=rng.randrange(2, 42), hours=rng.randrange(0, 24))
        )
        inputs.append(
            EventInput(
                external_id=f"demo-{1000 + number}",
                touchpoint=kinds[number % len(kinds)] if not recent else "delivery",
                occurred_at=now - age,
                customer=demo_customer(number, rng),
                properties={"store": rng.choice(["Shanghai", "London", "Beijing"])},
            )
        )
    results = ingest_events(list(enumerate(inputs)), EventSource.DEMO)
    created = [r.event_id for r in results if r.outcome == "created"]
    events = db.session.scalars(
        select(TouchpointEvent)
        .where(TouchpointEvent.id.in_(created))
        .options(selectinload(TouchpointEvent.invitations).selectinload(Invitation.survey))
    )
    answered = 0
    for event in events:
        for invitation in event.invitations:
            if invitation.status is not InvitationStatus.SCHEDULED:
                continue
            if event.occurred_at > now - timedelta(days=1):
                continue  # left for the worker
            _pretend_sent(invitation, event.occurred_at + timedelta(hours=2))
            if rng.random() < 0.7:
                locale = invitation.customer.locale or "en"
                score = _plausible_score(rng, invitation.survey.kind)
                link = Link.of(invitation, locale)
                comment = demo_comment(rng, invitation.survey.kind.value, score, locale)
                answered_at = invitation.sent_at + timedelta(hours=3)
                db.session.flush()  # the invitation's demo history first
                record_answer(link, score, comment, locale, answered_at)
                answered += 1
    db.session.flush()
    return [f"{len(created)} touchpoints", f"{answered} answers"] if created else []


def _pretend_sent(invitation: Invitation, when) -> None:
    """Demo history: these were emailed in the past, not by this run's worker."""
    invitation.status = InvitationStatus.SENT
    invitation.send_at = invitation.sent_at = when
    invitation.sent_day = report_day(when)
    invitation.locale = invitation.customer.locale or "en"
    invitation.tier = invitation.customer.tier or ""
    invitation.expires_at = invitation.send_at + timedelta(days=30)


def _plausible_score(rng: random.Random, kind: SurveyKind) -> int:
    scale = list(kind.scale)
    # Skewed towards the happy end, with a tail of unhappy customers.
    weights = [1 + i * i for i in range(len(scale))]
    return rng.choices(scale, weights=weights)[0]
