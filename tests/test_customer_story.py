"""The customer page as the customer's whole story, and the loyalty fields of
GET /api/v1/customers/<external_id>."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from feedback.accounts.models import Role
from feedback.extensions import db
from feedback.loyalty.models import CustomerRfm
from feedback.surveys.ingest import ingest_events
from feedback.surveys.inputs import CustomerInput, EventInput
from feedback.surveys.models import EventSource, TouchpointEvent
from feedback.timeutil import utcnow
from tests import types_helpers
from tests.conftest import sign_in
from tests.types_helpers import customer_id, purchase, signed_in_page

loyalty_world = types_helpers.loyalty_world  # the fixture, used here
SHOTS = Path("/tmp/shots")  # noqa: S108 - where the brief asks for the screenshots


def _rfm(external_id: str) -> CustomerRfm:
    row = CustomerRfm(
        customer_id=customer_id(external_id),
        recency_days=120,
        frequency=3,
        monetary=Decimal("1234.50"),
        r=2,
        f=4,
        m=5,
        segment="cant_lose",
        computed_tier="platinum",
        computed_at=utcnow() - timedelta(hours=3),
    )
    row = db.session.merge(row)  # over what the worker computed from the purchases
    db.session.commit()
    return row


def _history(external_id: str) -> None:
    """A purchase of 30.00 sent as history, with properties, 20 days ago."""
    when = utcnow() - timedelta(days=20)
    data = EventInput(
        "past-1",
        "purchase",
        when,
        CustomerInput(external_id=external_id),
        properties={"store": "Shanghai West", "channel": "app"},
    )
    ingest_events([(0, data)], EventSource.API)
    event = db.session.scalar(select(TouchpointEvent).filter_by(external_id="past-1"))
    event.value, event.history = Decimal("30.00"), True
    db.session.commit()


def _page(client, external_id: str, query: str = "") -> str:
    response = client.get(f"/customers/{customer_id(external_id)}{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_customer_page_tells_the_whole_story(loyalty_world, agent_client):
    _rfm("emo")
    _history("emo")
    # emo bought for 250.00 thirty days after the answer, 120 days ago: in the last 12
    # months; with the history purchase of 30.00, 280.00
    html = _page(agent_client, "emo")
    assert "Emma Oak" in html and "ann@example.com" in html
    assert "Subscribed: surveys may be sent." in html
    assert "Emotional loyalty" in html and "Happy with us and buying again." in html
    assert "Value in the last 12 months" in html and "CN¥280.00" in html
    assert "lose them" in html and "platinum" in html
    assert "120 days since the last purchase" in html and "R 2" in html
    assert "3 purchases in 12 months" in html and "F 4" in html
    assert "CN¥1,234.50" in html and "M 5" in html
    # the score history, drawn on the server
    assert re.search(r'<svg[^>]*aria-label="NPS answers \(0-10\)"', html)
    assert html.count('class="chart-dot"') == 1
    # the touchpoints: value, history flag, properties
    assert "CN¥250.00" in html and "CN¥30.00" in html
    assert ">history<" in html and "Shanghai West" in html


def test_answers_tags_and_cases_link_to_each_other(loyalty_world, agent_client):
    html = _page(agent_client, "fol")
    # the unhappy answer, the follow-up and the case they share
    case_links = set(re.findall(r'href="(/cases/\d+)"', html))
    assert len(case_links) == 1
    assert "Resolved" in html or "Closed" in html
    assert html.count("<strong>1</strong>") == 1 and html.count("<strong>5</strong>") == 1


def test_a_customer_with_no_answer_and_no_rfm(app, surveys, agent_client):
    purchase("quiet", utcnow() - timedelta(days=400), "99.00")  # more than 12 months ago
    html = _page(agent_client, "quiet")
    assert "No NPS or CSAT answer yet." in html
    assert "No RFM figures yet" in html
    assert "CN¥0.00" in html
    assert "<svg" not in html


def test_hundreds_of_touchpoints_show_fifty_and_a_link_to_all(app, surveys, agent_client):
    start = utcnow() - timedelta(days=300)
    events = [
        (i, EventInput(f"p-{i}", "purchase", start + timedelta(days=i), CustomerInput("busy")))
        for i in range(120)
    ]
    ingest_events(events, EventSource.API)
    db.session.commit()
    html = _page(agent_client, "busy")
    assert html.count('<code class="ref">p-') == 50
    assert "Show all 120 touchpoints" in html
    html = _page(agent_client, "busy", "?touchpoints=all")
    assert html.count('<code class="ref">p-') == 120
    assert "Show all" not in html


def test_the_customer_page_in_chinese(loyalty_world, app, make_user, client):
    _rfm("emo")
    sign_in(client, make_user(Role.AGENT, locale="zh"))
    html = _page(client, "emo")
    # money as Chinese readers write it; the page's existing words in Chinese
    assert "¥1,234.50" in html and "CN¥" not in html
    assert "客户" in html


def test_the_api_gives_rfm_segment_and_loyalty_type(loyalty_world, client, api_key):
    def get(external_id):
        response = client.get(
            f"/api/v1/customers/{external_id}", headers={"Authorization": f"Bearer {api_key}"}
        )
        assert response.status_code == 200
        return response.get_json()

    body = get("lat")
    assert (body["rfm"], body["segment"], body["loyalty_type"]) == (None, None, "latent")
    assert get("ces")["loyalty_type"] is None
    rfm = _rfm("emo")
    body = get("emo")
    assert body["loyalty_type"] == "emotional" and body["segment"] == "cant_lose"
    assert body["rfm"] == {
        "recency_days": 120,
        "frequency": 3,
        "monetary": 1234.5,
        "r": 2,
        "f": 4,
        "m": 5,
        "computed_tier": "platinum",
        "computed_at": rfm.computed_at.isoformat(),
    }


@pytest.mark.parametrize("locale", ["en", "zh"])
def test_the_customer_page_on_a_phone_and_a_desktop(
    loyalty_world, make_user, live_server, browser, locale
):
    _rfm("emo")
    _history("emo")
    user = make_user(Role.AGENT, locale=locale)
    SHOTS.mkdir(exist_ok=True)
    for width in (1280, 375):
        page = signed_in_page(browser, live_server, user, width)
        page.goto(f"{live_server}/customers/{customer_id('emo')}")
        page.screenshot(path=str(SHOTS / f"customer-{width}-{locale}.png"), full_page=True)
        assert page.locator("svg[role=img]").count() == 1
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        page.context.close()
