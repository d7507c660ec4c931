"""Answers on touchpoints with event properties and a tier, for the heat map's tests."""

from __future__ import annotations

import itertools

from sqlalchemy import select

from feedback.extensions import db
from feedback.surveys.answers import Link, record_answer
from feedback.surveys.ingest import ingest_events
from feedback.surveys.inputs import CustomerInput, EventInput
from feedback.surveys.models import EventSource, Invitation
from feedback.timeutil import utcnow
from tests.complaints_helpers import TOUCHPOINT_OF

_events = itertools.count(1)


def answer(kind: str, score: int, tier: str | None = None, **properties) -> None:
    """A touchpoint of the survey of ``kind`` with ``properties``, and its answer."""
    n = next(_events)
    data = EventInput(
        external_id=f"heat-{n}",
        touchpoint=TOUCHPOINT_OF[kind],
        occurred_at=utcnow(),
        customer=CustomerInput(external_id=f"heat-c{n}", email=f"c{n}@example.com", tier=tier),
        properties=properties,
    )
    ingest_events([(0, data)], EventSource.API)
    invitation = db.session.scalar(
        select(Invitation).where(Invitation.event.has(external_id=f"heat-{n}"))
    )
    record_answer(Link.of(invitation, "en"), score, None, "en", None)
    db.session.commit()
