"""RFM: scores, segments and computed tiers of a small known set, worked by hand; the
thresholds managers edit; the tier source; the worker's runs and `flask customers rfm`."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from feedback.complaints.models import CasePriority
from feedback.customers.models import Customer
from feedback.extensions import db
from feedback.loyalty import rfm
from feedback.loyalty.models import CustomerRfm
from feedback.loyalty.rfm_settings import settings_row
from feedback.timeutil import utcnow
from tests.complaints_helpers import answer, case_of, work
from tests.rfm_helpers import buy, refund_type, rfm_rows

DAY = timedelta(days=1)
DEFAULT_FORM = {
    **{f"r_{n}": v for n, v in enumerate((30, 60, 120, 240), 1)},
    **{f"f_{n}": v for n, v in enumerate((2, 3, 4, 6), 1)},
    **{f"m_{n}": v for n, v in enumerate(("500", "1000", "2000", "5000"), 1)},
    "tier_source": "sent",
}
TIERS = {
    "tiers-0-key": "silver",
    "tiers-0-name_en": "Silver",
    "tiers-0-name_zh": "银卡",
    "tiers-0-min_value": "1000",
    "tiers-0-min_frequency": "2",
    "tiers-1-key": "gold",
    "tiers-1-name_en": "Gold",
    "tiers-1-name_zh": "金卡",
    "tiers-1-min_value": "5000",
    "tiers-1-min_frequency": "4",
}


def known_set(now) -> None:
    """Six customers whose RFM is worked by hand in test_rfm_of_a_known_set."""
    refund_type()
    for days, value in ((5, "1000"), (40, "2000"), (100, "1500"), (200, "500"), (300, "1000")):
        buy("champ", now - days * DAY, value)
    buy("champ", now - 400 * DAY, "9999")  # over 12 months ago: not in F nor M
    buy("champ", now - 10 * DAY, "300", touchpoint="refund")
    for days, value in ((150, "800"), (180, "700"), (250, "100"), (370, "5000")):
        buy("slipping", now - days * DAY, value)
    buy("slipping", now - 20 * DAY, None)  # a purchase without a value: in R and F only
    buy("slipping", now - DAY, "99", touchpoint="delivery")  # not a purchase: in nothing
    buy("newbie", now - 2 * DAY, "450")
    buy("edge", now - 30 * DAY, "500")
    buy("gone", now - 500 * DAY, "300")
    buy("never", now - 3 * DAY, None, touchpoint="delivery")


def test_rfm_of_a_known_set(surveys, manager_client):
    now = utcnow()
    manager_client.submit("/loyalty/rfm", {**DEFAULT_FORM, **TIERS})
    known_set(now)

    assert rfm.compute(now=now) == 6

    # Defaults: R 5 up to 30 days, 4 up to 60, 3 up to 120, 2 up to 240, else 1;
    # F 2 from 2 purchases in 12 months, 3 from 3, 4 from 4, 5 from 6;
    # M 2 from 500, 3 from 1,000, 4 from 2,000, 5 from 5,000.
    # Tiers: silver from 1,000 and 2 purchases, gold from 5,000 and 4.
    assert rfm_rows() == {
        # last 5 days ago: R 5; purchases at 5, 40, 100, 200, 300 days: F 4 (5 < 6);
        # 1000 + 2000 + 1500 + 500 + 1000 - 300 (refund) = 5700: M 5; R 5 F 4: champions;
        # 5700 >= 5000 and 5 >= 4: gold
        "champ": (5, 5, Decimal("5700.00"), 5, 4, 5, "champions", "gold"),
        # last 20 days ago (no value): R 5; 20, 150, 180, 250 days: F 4;
        # 800 + 700 + 100 = 1600 (370 days is too old): M 3; R 5 F 4: champions;
        # 1600 < 5000, 1600 >= 1000 and 4 >= 2: silver
        "slipping": (20, 4, Decimal("1600.00"), 5, 4, 3, "champions", "silver"),
        # 2 days: R 5; 1 purchase: F 1; 450 < 500: M 1; R 5 F 1: new; no tier
        "newbie": (2, 1, Decimal("450.00"), 5, 1, 1, "new", None),
        # exactly 30 days: still R 5; 500 reaches the first M cut: M 2
        "edge": (30, 1, Decimal("500.00"), 5, 1, 2, "new", None),
        # 500 days: R 1; nothing in 12 months: F 1, M 1 (0); R 1 F 1: lost
        "gone": (500, 0, Decimal("0.00"), 1, 1, 1, "lost", None),
        # a delivery is no purchase
        "never": (None, 0, Decimal("0.00"), 1, 1, 1, "never_bought", None),
    }


def test_a_customer_who_stopped_buying_is_at_risk(surveys):
    now = utcnow()
    for days, value in ((150, "800"), (180, "700"), (250, "100"), (370, "5000")):
        buy("slipping", now - days * DAY, value)
    for days in (300, 310, 320):
        buy("faded", now - days * DAY, "100")

    rfm.compute(now=now)

    # last 150 days ago: R 2 (120 < 150 <= 240); 3 purchases in 12 months: F 3;
    # 800 + 700 + 100 = 1600: M 3 (>= 1000, < 2000); R 2 F 3: at risk; no tiers set
    assert rfm_rows()["slipping"] == (150, 3, Decimal("1600.00"), 2, 3, 3, "at_risk", None)
    # 300 days: R 1 (> 240); 3 purchases: F 3; 300 < 500: M 1; R 1 F 3: at risk
    assert rfm_rows()["faded"] == (300, 3, Decimal("300.00"), 1, 3, 1, "at_risk", None)


def test_editing_the_thresholds_computes_again(surveys, manager_client):
    now = utcnow()
    buy("ann", now - 45 * DAY, "800")
    rfm.compute(now=now)
    assert rfm_rows()["ann"][3:7] == (4, 1, 2, "promising")  # 45 days: R 4

    stricter = {**DEFAULT_FORM, "r_1": 50, "r_2": 70, "r_3": 90, "r_4": 100, "m_1": "900"}
    page = manager_client.submit("/loyalty/rfm", stricter, follow_redirects=True)

    assert page.status_code == 200
    assert "Saved. Customers computed again: 1." in page.get_data(as_text=True)
    # 45 <= 50: R 5; 800 < 900: M 1; R 5 F 1: new
    assert rfm_rows()["ann"][3:7] == (5, 1, 1, "new")
    assert settings_row().current().r == (50, 70, 90, 100)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"r_2": "30"}, "Each cut point must be greater than the one before it."),
        ({"f_1": "5"}, "Each cut point must be greater than the one before it."),
        ({"m_1": "-1"}, "Number must be between 0 and 999999999999.99."),
        ({"m_3": "lots"}, "Not a valid decimal value."),
        ({"m_3": "NaN"}, "Enter a number."),
        ({"r_4": ""}, "This field is required."),
        ({"tier_source": "mine"}, "Not a valid choice."),
        ({"tiers-0-key": ""}, "A tier needs a key, such as gold."),
        ({"tiers-0-key": "Gold Card"}, "Use lower-case letters, digits, - and _"),
        ({"tiers-1-key": "silver"}, "Two tiers cannot have the same key."),
        ({"tiers-1-min_frequency": ""}, "Enter the least number of purchases, 0 for none."),
    ],
)
def test_bad_thresholds_are_refused_and_nothing_is_saved(manager_client, change, message):
    before = settings_row().thresholds

    page = manager_client.submit("/loyalty/rfm", {**DEFAULT_FORM, **TIERS, **change})

    assert page.status_code == 400
    text = page.get_data(as_text=True)
    assert "Nothing was saved" in text
    assert message in text
    db.session.expire_all()
    assert settings_row().thresholds == before
    assert settings_row().tiers == []


def test_the_tier_source_decides_what_routing_and_answers_use(surveys, manager_client):
    vip = {
        **DEFAULT_FORM,
        "tiers-0-key": "vip",  # the queue's default top tier
        "tiers-0-name_en": "VIP",
        "tiers-0-name_zh": "贵宾",
        "tiers-0-min_value": "1000",
        "tiers-0-min_frequency": "1",
    }
    manager_client.submit("/loyalty/rfm", vip)
    buy("c-1", utcnow() - 3 * DAY, "2000", tier="bronze")
    work()  # the purchase's reaction: computed tier vip

    sent = answer("csat", 2, customer="c-1", tier="bronze")
    assert (sent.tier, case_of(sent).priority) == ("bronze", CasePriority.NORMAL)

    page = manager_client.submit("/loyalty/rfm", {**vip, "tier_source": "computed"})
    assert page.status_code == 302
    computed = answer("csat", 2, customer="c-1", tier="bronze")
    # the top tier's case is one step higher (CSAT 2: normal -> high)
    assert (computed.tier, case_of(computed).priority) == ("vip", CasePriority.HIGH)
    customer = db.session.scalar(select(Customer).filter_by(external_id="c-1"))
    assert (customer.tier, customer.sent_tier) == ("vip", "bronze")

    manager_client.submit("/loyalty/rfm", {**vip, "tier_source": "sent"})
    db.session.expire_all()
    assert (customer.tier, customer.sent_tier) == ("bronze", "bronze")
    assert db.session.get(type(sent), sent.id).tier == "bronze"  # answers keep theirs
    assert db.session.get(type(computed), computed.id).tier == "vip"


def test_a_purchase_computes_that_customer_in_the_worker(surveys, api):
    event = {
        "external_id": "order-1",
        "touchpoint": "purchase",
        "occurred_at": (utcnow() - 4 * DAY).isoformat(),
        "customer": {"external_id": "c-9"},
    }
    assert api("/api/v1/touchpoints", event).status_code == 201
    assert rfm_rows() == {}

    work()

    # 4 days ago: R 5; 1 purchase: F 1; no value: M 1; R 5 F 1: new
    assert rfm_rows()["c-9"] == (4, 1, Decimal("0.00"), 5, 1, 1, "new", None)


def test_flask_customers_rfm_computes_on_demand(surveys, runner):
    buy("c-1", utcnow() - DAY, "10")
    buy("c-2", utcnow() - DAY, "10")

    one = runner.invoke(args=["customers", "rfm", "c-2"])
    assert (one.exit_code, one.output) == (0, "Computed RFM for 1 customers.\n")
    assert set(rfm_rows()) == {"c-2"}

    every = runner.invoke(args=["customers", "rfm"])
    assert every.output == "Computed RFM for 2 customers.\n"
    assert set(rfm_rows()) == {"c-1", "c-2"}

    unknown = runner.invoke(args=["customers", "rfm", "c-404"])
    assert unknown.exit_code == 2
    assert "No customer with the external id: c-404" in unknown.output


def test_the_worker_computes_everyone_once_a_day_and_after_a_change(surveys):
    buy("c-1", utcnow() - DAY, "10")

    assert rfm.rfm_job() == 1
    assert rfm.rfm_job() == 0  # done today

    settings_row().version += 1  # a manager saved new thresholds
    db.session.commit()
    assert rfm.rfm_job() == 1
    assert rfm.rfm_job() == 0

    settings_row().rfm_run_at = utcnow() - timedelta(hours=24, minutes=1)
    db.session.commit()
    assert rfm.rfm_job() == 1


def test_under_computed_tiers_the_api_changes_only_the_sent_tier(surveys, manager_client):
    manager_client.submit("/loyalty/rfm", {**DEFAULT_FORM, "tier_source": "computed"})

    buy("c-1", utcnow() - DAY, "10", tier="gold")

    customer = db.session.scalar(select(Customer).filter_by(external_id="c-1"))
    assert (customer.tier, customer.sent_tier) == (None, "gold")
    work()
    db.session.refresh(customer)
    assert (customer.tier, customer.sent_tier) == (None, "gold")  # no tier is reached
    assert db.session.get(CustomerRfm, customer.id).segment == "new"

    buy("c-1", utcnow(), "10", tier="platinum")  # a customer we know: an UPDATE
    db.session.refresh(customer)
    assert (customer.tier, customer.sent_tier) == (None, "platinum")


def test_the_page_shows_segments_and_definitions(surveys, manager_client, agent_client):
    buy("c-1", utcnow() - DAY, "10")
    rfm.compute()

    page = manager_client.get("/loyalty/rfm").get_data(as_text=True)
    assert "RFM and tiers" in page
    assert "1 of 1 customers computed" in page
    assert "Bought very recently, for the first time in a year (R 5, F 1)." in page
    assert "Answers and invitations already recorded keep the tier they were given." in page
    zh = manager_client.get("/loyalty/rfm", headers={"Accept-Language": "zh-CN"})
    assert zh.status_code == 200
    assert agent_client.get("/loyalty/rfm").status_code == 403


def test_the_page_on_a_phone_in_english_and_chinese(
    surveys, live_server, browser, make_user, tmp_path
):
    from feedback.accounts.models import Role
    from tests.conftest import PASSWORD

    buy("c-1", utcnow() - DAY, "10")
    rfm.compute()
    manager = make_user(Role.MANAGER)
    page = browser.new_page(viewport={"width": 375, "height": 812}, locale="en-US")
    page.goto(f"{live_server}/login")
    page.get_by_label("Email").fill(manager.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server}/loyalty/rfm")

    assert page.get_by_role("heading", name="RFM and tiers").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=str(tmp_path / "rfm-en.png"), full_page=True)
    page.locator("#r_2").fill("10")  # not above 30
    page.get_by_role("button", name="Save and compute again").click()
    assert page.get_by_text("Each cut point must be greater than the one before it.").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    page.goto(f"{live_server}/loyalty/rfm")
    page.get_by_role("button", name="中文").click()
    page.wait_for_load_state()
    assert page.get_by_role("button", name="退出登录").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=str(tmp_path / "rfm-zh.png"), full_page=True)
