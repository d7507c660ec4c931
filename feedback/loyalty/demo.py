"""Demo loyalty history: a year of purchases (and a few refunds) for the demo customers,
and their past answers, imported as a business would on its first day, so that every
Loyalty view shows something real. The same seed gives the same rows; a second run adds
nothing."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from feedback.extensions import db
from feedback.scoring import mood
from feedback.surveys.demo import DEMO_CUSTOMERS, demo_customer, demo_customer_id
from feedback.surveys.demo_comments import demo_comment
from feedback.surveys.imports import import_answers
from feedback.surveys.ingest import ingest_events
from feedback.surveys.inputs import CustomerInput, EventInput
from feedback.surveys.models import EventSource, Response, TouchpointType

#: the share of customers buying again within the window after their answer, by mood:
#: promoters mostly do, detractors mostly do not (as the literature on NPS finds)
RETURNS = {1: 0.75, 0: 0.5, -1: 0.3}
#: customers known only from the past (bought and answered months ago), beside the demo's
#: recent ones, so that each quarter has enough answers for the Loyalty figures to show
PAST_CUSTOMERS = 400
#: the past surveys answered, with the touchpoint each hangs on
PAST_SURVEYS = (
    ("NPS after purchase", "purchase", "nps"),
    ("CSAT after delivery", "delivery", "csat"),
)


def load_demo_history(now: datetime) -> list[str]:
    """Past purchases, refunds and answers of the demo customers; [] when already there."""
    if db.session.scalar(select(Response.id).where(Response.imported.is_(True)).limit(1)):
        return []
    _ensure_refund_type()
    rng = random.Random(2026)  # noqa: S311 - demo data, the same every time
    events: list[EventInput] = []
    answers: list[dict] = []
    for number in range(DEMO_CUSTOMERS + PAST_CUSTOMERS):
        customer = demo_customer_id(number)
        known = demo_customer(number, rng) if number >= DEMO_CUSTOMERS else None
        language = "zh" if number % 2 else "en"
        survey, touchpoint, kind = PAST_SURVEYS[number % 3 == 2]
        answered_at = now - timedelta(days=rng.randrange(95, 420), hours=rng.randrange(24))
        score = _past_score(rng, kind)
        answers.append(
            {
                "external_id": f"demo-past-{number}",
                "customer_external_id": customer,
                "survey": survey,
                "touchpoint": touchpoint,
                "score": score,
                "comment": demo_comment(rng, kind, score, language) or None,
                "answered_at": answered_at.isoformat(),
            }
        )
        bought = [answered_at - timedelta(days=rng.randrange(2, 120))]  # what they answered on
        if rng.random() < RETURNS[mood(kind, score)]:
            bought.append(answered_at + timedelta(days=rng.randrange(3, 85)))
            while rng.random() < 0.5:
                later = bought[-1] + timedelta(days=rng.randrange(20, 90))
                if later >= now:  # the demo's past ends today
                    break
                bought.append(later)
        for index, when in enumerate(bought):
            value = Decimal(rng.randrange(8_000, 150_000)) / 100
            who = known if index == 0 and known else CustomerInput(external_id=customer)
            events.append(_event(f"demo-buy-{number}-{index}", "purchase", when, who, value))
            if rng.random() < 0.08:  # sent back a few days later
                refund = when + timedelta(days=rng.randrange(2, 10))
                events.append(_event(f"demo-refund-{number}-{index}", "refund", refund, who, value))
    ingest_events(list(enumerate(events)), EventSource.DEMO)
    results = import_answers(list(enumerate(answers)))
    rejected = [result.errors for result in results if result.status == "rejected"]
    if rejected:  # the demo's own rows: a rejection is a bug here
        raise RuntimeError(f"demo answers rejected: {rejected}")
    imported = sum(result.status == "created" for result in results)
    return [f"{len(events)} past purchases and refunds", f"{imported} past answers"]


def _ensure_refund_type() -> None:
    """A refund touchpoint type for the demo (an installation names its own)."""
    if db.session.scalar(select(TouchpointType).filter_by(key="refund")) is None:
        db.session.add(
            TouchpointType(key="refund", name_en="Refund", name_zh="退款", counts_as_refund=True)
        )
        db.session.flush()


def _event(external_id: str, touchpoint: str, when, customer: CustomerInput, value) -> EventInput:
    return EventInput(
        external_id=external_id,
        touchpoint=touchpoint,
        occurred_at=when,
        customer=customer,
        value=value,
        history=True,
    )


def _past_score(rng: random.Random, kind: str) -> int:
    if kind == "nps":
        return rng.choices(range(11), weights=[2, 1, 1, 2, 2, 3, 4, 6, 8, 10, 9])[0]
    return rng.choices(range(1, 6), weights=[2, 2, 3, 6, 7])[0]
