"""Helpers for the complaint tests: answers recorded as the answer page records them."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

from sqlalchemy import select

from feedback import reactions
from feedback.complaints.models import Case, CaseResponse
from feedback.extensions import db
from feedback.surveys.answers import Link, record_answer
from feedback.surveys.ingest import ingest_events
from feedback.surveys.inputs import CustomerInput, EventInput
from feedback.surveys.models import EventSource, Invitation, Response, SurveyKind
from feedback.timeutil import utcnow

TOUCHPOINT_OF = {"nps": "purchase", "csat": "delivery", "ces": "support_call"}
_events = itertools.count(1)


def answer(
    kind: str = "csat",
    score: int = 1,
    comment: str | None = None,
    customer: str = "c-1",
    tier: str | None = None,
    email: str | None = "ann@example.com",
    locale: str = "en",
    name: str = "Ann Lee",
    answered_at: datetime | None = None,
    worker: bool = True,
) -> Response:
    """A touchpoint for the survey of ``kind``, its invitation and the customer's answer,
    committed; the default surveys must exist (the ``surveys`` fixture). With ``worker``,
    the worker's reactions follow (the comment tagged, the comment rules applied)."""
    event_id = f"evt-{next(_events)}"
    data = EventInput(
        external_id=event_id,
        touchpoint=TOUCHPOINT_OF[kind],
        occurred_at=(answered_at or utcnow()) - timedelta(minutes=5),
        customer=CustomerInput(
            external_id=customer, email=email, name=name, locale=locale, tier=tier
        ),
    )
    ingest_events([(0, data)], EventSource.API)
    invitation = db.session.scalar(
        select(Invitation).join(Invitation.event).where(Invitation.event.has(external_id=event_id))
    )
    assert invitation.survey.kind is SurveyKind(kind)
    link = Link.of(invitation, locale)
    response_id = record_answer(link, score, comment, locale, answered_at).response_id
    db.session.commit()
    if worker:
        work()
    return db.session.get(Response, response_id)


def work() -> int:
    """What the worker does within seconds of a commit: the domain events' reactions."""
    done = reactions.process_due()
    db.session.expire_all()
    return done


def cases() -> list[Case]:
    db.session.expire_all()
    return list(db.session.scalars(select(Case).order_by(Case.id)))


def case_of(response: Response) -> Case | None:
    return db.session.scalar(
        select(Case).join(CaseResponse).where(CaseResponse.response_id == response.id)
    )
