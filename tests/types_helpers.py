"""Loyalty data for the loyalty-type and customer-story tests: a small set whose types are
worked out by hand (see ``loyalty_world``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from feedback.accounts.models import Role
from feedback.complaints import cases as actions
from feedback.complaints.models import CallOutcome, ResolutionCode
from feedback.customers.models import Customer
from feedback.extensions import db
from feedback.surveys.answers import Link, record_answer
from feedback.surveys.ingest import ingest_events
from feedback.surveys.inputs import CustomerInput, EventInput
from feedback.surveys.models import EventSource, TouchpointEvent
from feedback.timeutil import utcnow
from tests.complaints_helpers import answer, case_of, work


def purchase(customer: str, when: datetime, value: str | None, touchpoint="purchase") -> None:
    """A purchase of ``customer`` at ``when`` with ``value``, committed (as
    tests/test_loyalty_answers.py; the value goes in by the model until ingest takes it)."""
    external_id = f"buy-{customer}-{when.isoformat()}"
    data = EventInput(external_id, touchpoint, when, CustomerInput(external_id=customer))
    ingest_events([(0, data)], EventSource.API)
    event = db.session.scalar(select(TouchpointEvent).filter_by(external_id=external_id))
    event.value = Decimal(value) if value is not None else None
    db.session.commit()


def customer_id(external_id: str) -> int:
    return db.session.scalar(select(Customer.id).where(Customer.external_id == external_id))


@dataclass
class World:
    now: datetime
    #: when the counted answers were given: 150 days ago, long past W = 90
    long_ago: datetime


@pytest.fixture
def loyalty_world(app, surveys, make_user) -> World:
    """Seven customers whose loyalty types are known by hand (W = 90 days):

    - emo  (gold): NPS 10, bought 30 days later             -> emotional
    - lat  (gold): CSAT 5, never bought again               -> latent
    - ine  (no tier): NPS 3, bought 10 days later           -> inertia
    - non  (no tier): CSAT 2, nothing                       -> none
    - both (gold): NPS 10, then CSAT 1 two days later       -> none (the later answer decides)
    - fol  (no tier): CSAT 1, then the follow-up CSAT 5     -> none (the follow-up does not count)
    - new  (gold): NPS 10 ten days ago                      -> too early: left out
    - ces  (gold): CES 7 only                               -> not counted (no attitude kind)
    """
    now = utcnow()
    long_ago = now - timedelta(days=150)
    answer("nps", 10, customer="emo", tier="gold", name="Emma Oak", answered_at=long_ago)
    purchase("emo", long_ago + timedelta(days=30), "250.00")
    answer("csat", 5, customer="lat", tier="gold", name="Liam Tan", answered_at=long_ago)
    answer("nps", 3, customer="ine", name="Ines Wu", answered_at=long_ago)
    purchase("ine", long_ago + timedelta(days=10), "80.00")
    answer("csat", 2, customer="non", name="Noah Li", answered_at=long_ago)
    answer("nps", 10, customer="both", tier="gold", answered_at=long_ago - timedelta(days=2))
    answer("csat", 1, customer="both", tier="gold", answered_at=long_ago)
    unhappy = answer("csat", 1, customer="fol", name="Fay Ho", answered_at=long_ago)
    case = case_of(unhappy)
    agent = make_user(Role.AGENT)
    actions.log_call(case, agent, CallOutcome.REACHED, "")
    actions.resolve(case, agent, ResolutionCode.SOLVED)
    db.session.commit()
    followup_at = long_ago + timedelta(days=1)
    record_answer(Link.of(case.followup_invitation, "en"), 5, None, "en", followup_at)
    db.session.commit()
    work()
    answer("nps", 10, customer="new", tier="gold", answered_at=now - timedelta(days=10))
    answer("ces", 7, customer="ces", tier="gold", answered_at=long_ago)
    return World(now, long_ago)


def signed_in_page(browser, live_server: str, user, width: int):
    """A Chromium page signed in as ``user``, ``width`` px wide (a phone below 600)."""
    from tests.conftest import PASSWORD

    phone = width < 600
    context = browser.new_context(
        viewport={"width": width, "height": 900}, is_mobile=phone, has_touch=phone
    )
    page = context.new_page()
    page.goto(f"{live_server}/login")
    page.locator("input[name=email]").fill(user.email)
    page.locator("input[name=password]").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("button.primary[type=submit]").click()
    return page
