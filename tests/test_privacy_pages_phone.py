"""Issue #23's pages on a phone (375 px) in English and Chinese: the customer page with
its erase form, consent history, Download data and Recent access, the audit log and the
retention page scroll no sideways, and the CSP refuses nothing on them."""

from __future__ import annotations

import pytest

from feedback.accounts.models import Role
from feedback.customers import audit
from feedback.customers.consent import record_consent
from feedback.customers.models import Customer
from feedback.extensions import db
from tests.complaints_helpers import answer
from tests.types_helpers import signed_in_page

pytestmark = pytest.mark.usefixtures("surveys")

LONG = "order-" + "9" * 60


@pytest.mark.parametrize("locale", ["en", "zh"])
def test_the_privacy_pages_fit_a_phone(app, make_user, live_server, browser, locale):
    response = answer("csat", 2, "Slow " * 40, customer=LONG, email=f"{'a' * 60}@example.com")
    customer = db.session.get(Customer, response.customer_id)
    record_consent(customer, "unsubscribed", "link", detail="x" * 200)
    for _ in range(3):
        audit.record("customer.export", customer=customer, detail="json via " + "y" * 120)
    db.session.commit()
    admin = make_user(Role.ADMIN, locale=locale)
    page = signed_in_page(browser, live_server, admin, 375)
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security" in m.text else None)
    for path in (f"/customers/{customer.id}", "/admin/audit", "/admin/retention"):
        page.goto(live_server + path)
        if path.startswith("/customers"):
            page.locator("details.erase summary").click()
            assert page.locator("form[action$='/resubscribe']").count() == 1
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), path
        if locale == "zh":
            assert "Recent access" not in page.inner_text("body")
    assert refused == []
    page.context.close()
