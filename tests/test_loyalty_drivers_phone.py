"""The Drivers tab on a phone (375 px, English and Chinese): nothing scrolls sideways."""

from __future__ import annotations

import pytest

from feedback.accounts.models import Role
from feedback.extensions import db
from tests.complaints_helpers import answer
from tests.topic_helpers import ensure_default_topics


@pytest.mark.parametrize("locale", ["en", "zh"])
def test_a_manager_reads_the_drivers_on_a_phone(
    app, live_server, browser, surveys, make_user, locale, tmp_path
):
    from tests.conftest import PASSWORD

    ensure_default_topics()
    db.session.commit()
    for n in range(12):
        answer("nps", 2, "The delivery was late again and the staff were rude", customer=f"d{n}")
        answer("nps", 10, "Friendly staff, quick delivery", customer=f"p{n}")
    manager = make_user(Role.MANAGER, locale=locale)
    page = browser.new_page(viewport={"width": 375, "height": 812})
    page.goto(f"{live_server}/login")
    page.locator("input[name=email]").fill(manager.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("button.primary[type=submit]").click()
    page.wait_for_url(f"{live_server}/")
    page.goto(f"{live_server}/loyalty/drivers")
    assert page.locator("td[data-label]").first.is_visible()
    page.screenshot(path=str(tmp_path / f"drivers-{locale}-375.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.close()
