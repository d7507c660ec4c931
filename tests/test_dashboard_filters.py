"""The dashboard's filter form: the dates a range stands for are shown in full, the tier is
chosen from the tiers that exist, and a browser shows every date whole."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import update

from feedback.accounts.models import Role
from feedback.extensions import db
from tests.complaints_helpers import answer
from tests.conftest import PASSWORD

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def _today(app) -> date:
    from zoneinfo import ZoneInfo

    from feedback.timeutil import utcnow

    return utcnow().astimezone(ZoneInfo(app.config["BABEL_DEFAULT_TIMEZONE"])).date()


def test_a_range_shows_the_days_it_stands_for_in_the_date_fields(app, manager_client, surveys):
    today = _today(app)
    page = manager_client.get("/dashboard?range=7d").get_data(as_text=True)
    start = (today - timedelta(days=6)).isoformat()
    assert f'id="start" name="start" type="date" value="{start}"' in page
    assert f'id="end" name="end" type="date" value="{today.isoformat()}"' in page
    year = manager_client.get("/dashboard?range=year").get_data(as_text=True)
    assert f'name="start" type="date" value="{today.year}-01-01"' in year
    # Shared links still follow the range, not the days it meant when they were made.
    assert "export.csv?range=year&amp;start" not in year


def test_the_tier_is_chosen_from_the_tiers_customers_have(manager_client, surveys):
    for n in range(10):  # the fewest answers a figure is shown for
        answer("csat", 5, customer=f"a{n}", tier="gold", worker=False)
    answer("csat", 1, customer="b", tier="silver", worker=False)
    answer("csat", 3, customer="c", worker=False)
    page = manager_client.get("/dashboard").get_data(as_text=True)
    assert '<select id="tier" name="tier">' in page
    assert '<option value="">Any</option><option value="gold">gold</option>' in page
    assert '<option value="silver">silver</option>' in page
    gold = manager_client.get("/dashboard?tier=gold&range=7d").get_data(as_text=True)
    assert '<p class="tile-value">100.0%' in gold


def test_a_tier_no_customer_holds_any_more_still_filters_its_answers(manager_client, surveys):
    from feedback.customers.models import Customer

    answer("csat", 5, customer="a", tier="gold", worker=False)
    db.session.execute(update(Customer).values(tier="silver"))
    db.session.commit()
    page = manager_client.get("/dashboard").get_data(as_text=True)
    assert '<option value="gold">gold</option>' in page
    assert manager_client.get("/dashboard?tier=gold").status_code == 200


def test_an_unknown_tier_in_the_url_gets_a_form_error(manager_client, surveys):
    answer("csat", 5, customer="a", tier="gold")
    response = manager_client.get("/dashboard?tier=platinum")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "These filters are not valid" in page
    assert 'id="tier-error"' in page
    export = manager_client.get("/dashboard/export.csv?tier=platinum")
    assert export.status_code == 400


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_date_fields_show_whole_dates_in_a_browser(
    app, surveys, make_user, live_server, browser, tmp_path, viewport
):
    manager = make_user(Role.MANAGER, name="Mia")
    page = browser.new_page(viewport=viewport, locale="en-US")
    page.goto(f"{live_server}/login")
    page.get_by_label("Email").fill(manager.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server}/")
    page.goto(f"{live_server}/dashboard?range=90d")
    for name in ("start", "end"):
        field = page.locator(f"input[name={name}]")
        assert field.input_value()  # filled in with the days of the range
        # the text of the date (mm/dd/yyyy and the picker's icon) fits in the box
        fits = field.evaluate("e => e.scrollWidth <= e.clientWidth && e.clientWidth >= 130")
        assert fits, name
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=str(tmp_path / f"filters-{viewport['width']}.png"), full_page=False)
    # changing a date means custom dates
    page.locator("input[name=start]").fill("2026-01-05")
    assert page.locator("select[name=range]").input_value() == "custom"
