"""Loyalty types: counts by hand for a small set, the pages that show them and link to
their customers, and one customer's type."""

from __future__ import annotations

import re
from datetime import date, timedelta
from html import unescape

import pytest
from sqlalchemy import select

from feedback.accounts.models import Role
from feedback.complaints.configuration.settings import queue_config
from feedback.dashboard.answers import Filters
from feedback.dashboard.periods import Period
from feedback.extensions import db
from feedback.loyalty.models import CustomerRfm
from feedback.loyalty.types import customer_loyalty_type, type_counts
from feedback.surveys.models import TouchpointType
from tests import types_helpers
from tests.types_helpers import customer_id, signed_in_page

loyalty_world = types_helpers.loyalty_world  # the fixture, used here

NONE4 = {"emotional": 0, "latent": 0, "inertia": 0, "none": 0}


def _counts(world, **filters):
    period = Period(date(2000, 1, 1), world.now.date(), "UTC")
    followup = queue_config().followup_survey_id
    return type_counts(period, Filters(followup_survey_id=followup, **filters), 90, world.now)


def test_each_customer_counts_once_by_type(loyalty_world):
    found = _counts(loyalty_world)
    ids = dict(db.session.execute(select(TouchpointType.key, TouchpointType.id)).all())

    # emo, lat, ine, non, both, fol: 6 (new is too early, ces has no NPS or CSAT answer)
    assert found["total"] == 6
    # none: non (CSAT 2), both (CSAT 1 after NPS 10), fol (CSAT 1; its follow-up 5 ignored)
    assert found["counts"] == {"emotional": 1, "latent": 1, "inertia": 1, "none": 3}
    # gold: emo, lat, both; no tier: ine, non, fol
    assert found["by_tier"] == {
        "gold": NONE4 | {"emotional": 1, "latent": 1, "none": 1},
        "": NONE4 | {"inertia": 1, "none": 2},
    }
    # NPS answers come from purchases (emo, ine), CSAT ones from deliveries (the rest)
    assert found["by_touchpoint"] == {
        ids["purchase"]: NONE4 | {"emotional": 1, "inertia": 1},
        ids["delivery"]: NONE4 | {"latent": 1, "none": 3},
    }


def test_the_filters_narrow_the_counts(loyalty_world):
    # gold only: emo, lat, both
    assert _counts(loyalty_world, tier="gold")["counts"] == NONE4 | {
        "emotional": 1,
        "latent": 1,
        "none": 1,
    }


def test_one_customers_type(loyalty_world):
    now = loyalty_world.now
    assert customer_loyalty_type(customer_id("emo"), now) == "emotional"
    assert customer_loyalty_type(customer_id("lat"), now) == "latent"
    assert customer_loyalty_type(customer_id("ine"), now) == "inertia"
    assert customer_loyalty_type(customer_id("both"), now) == "none"
    # the follow-up CSAT 5 would make fol latent; it does not count
    assert customer_loyalty_type(customer_id("fol"), now) == "none"
    assert customer_loyalty_type(customer_id("ces"), now) is None
    # buying often counts as behaviour for one customer's standing
    rfm = dict(recency_days=20, frequency=2, monetary=100, r=3, f=2, m=2, segment="potential")
    db.session.merge(CustomerRfm(customer_id=customer_id("lat"), **rfm))
    db.session.commit()
    assert customer_loyalty_type(customer_id("lat"), now) == "emotional"


def _period_args(world, window=90):
    start = (world.long_ago - timedelta(days=30)).date().isoformat()
    return f"range=custom&start={start}&end={world.now.date().isoformat()}&window={window}"


def _links(page: str) -> dict[str, str]:
    """Each link's text: its address."""
    return {
        unescape(re.sub(r"<[^>]+>", "", text)).strip(): unescape(href)
        for href, text in re.findall(r'<a href="([^"]+)">(.*?)</a>', page)
    }


def test_the_types_page_links_each_count_to_its_customers(loyalty_world, manager_client):
    page = manager_client.get(f"/loyalty?{_period_args(loyalty_world)}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Latent loyalty" in html and "Happy with us, but not buying again (yet)." in html
    links = [unescape(h) for h in re.findall(r'href="(/loyalty/customers[^"]+)"', html)]
    # the latent count in the gold row
    gold_latent = next(h for h in links if "type=latent" in h and "tier=gold" in h)
    listed = manager_client.get(gold_latent).get_data(as_text=True)
    assert "Liam Tan" in listed and "Emma Oak" not in listed
    # the none count of the answers given with no tier: non and fol, not both (gold)
    untiered_none = next(h for h in links if "type=none" in h and "untiered=y" in h)
    listed = manager_client.get(untiered_none).get_data(as_text=True)
    assert "Noah Li" in listed and "Fay Ho" in listed and "both" not in listed
    # the emotional count of purchases: emo, with the value of their 90 days
    bought = next(h for h in links if "type=emotional" in h and "touchpoint=purchase" in h)
    listed = manager_client.get(bought).get_data(as_text=True)
    assert "Emma Oak" in listed and "250.00" in listed


def test_the_types_page_in_chinese(loyalty_world, manager_client):
    page = manager_client.get(
        f"/loyalty?{_period_args(loyalty_world)}", headers={"Accept-Language": "zh"}
    )
    assert page.status_code == 200


def test_bad_filters_are_a_400_not_a_500(loyalty_world, manager_client):
    base = _period_args(loyalty_world)
    zero = _period_args(loyalty_world, window=0)
    assert manager_client.get(f"/loyalty?{zero}").status_code == 400
    assert manager_client.get("/loyalty?window=x").status_code == 400
    assert manager_client.get(f"/loyalty/customers?{base}").status_code == 400
    page = manager_client.get(f"/loyalty/customers?{base}&type=bogus")
    assert page.status_code == 400 and "Not a valid choice" in page.get_data(as_text=True)
    assert manager_client.get(f"/loyalty/customers?{base}&type=none&page=0").status_code == 400


def test_agents_may_not_see_the_types(loyalty_world, agent_client):
    assert agent_client.get("/loyalty").status_code == 403
    assert agent_client.get("/loyalty/customers?type=none").status_code == 403


@pytest.mark.parametrize("locale", ["en", "zh"])
def test_the_types_fit_a_phone(loyalty_world, make_user, live_server, browser, locale):
    user = make_user(Role.MANAGER, locale=locale)
    page = signed_in_page(browser, live_server, user, 375)
    page.goto(f"{live_server}/loyalty?{_period_args(loyalty_world)}")
    page.screenshot(path=f"/tmp/shots/loyalty-types-375-{locale}.png", full_page=True)  # noqa: S108
    # three of none: overall, and among deliveries
    assert page.get_by_role("link", name="3", exact=True).count() == 2
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.context.close()
