"""A manager erases a customer through their page in a real browser (Debian's Chromium):
the form is folded away, asks for a reason and the confirmation, and the page then says
the customer was erased."""

from __future__ import annotations

from sqlalchemy import select

from feedback.accounts.models import Role
from feedback.customers.models import AuditEntry, Customer
from feedback.extensions import db
from tests.complaints_helpers import answer
from tests.conftest import PASSWORD


def test_a_manager_erases_a_customer_through_the_page(
    app, surveys, live_server, browser, make_user, tmp_path
):
    response = answer("nps", 3, "Zhang from the Pudong store was rude", name="Zhang Min")
    customer_id = response.customer_id
    manager = make_user(Role.MANAGER, name="Mei")
    page = browser.new_page(locale="en-US")
    page.goto(f"{live_server}/login")
    page.get_by_label("Email").fill(manager.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server}/")

    page.goto(f"{live_server}/customers/{customer_id}")
    assert page.get_by_role("heading", name="Zhang Min").is_visible()
    erase = page.get_by_role("button", name="Erase for good")
    assert not erase.is_visible()  # folded until asked for
    page.get_by_text("Erase this customer").click()
    page.get_by_label("Reason").fill("Asked on the phone, ticket 5521")
    erase.click()  # the box is not ticked: the browser keeps the form
    assert page.url == f"{live_server}/customers/{customer_id}"
    db.session.expire_all()
    assert db.session.get(Customer, customer_id).erased_at is None

    page.get_by_label("I understand:").check()
    erase.click()
    page.wait_for_load_state()
    flash = "The customer was erased. Their scores stay in every figure."
    assert page.get_by_text(flash).is_visible()
    assert page.get_by_role("heading", name="Erased", exact=True).is_visible()
    assert page.get_by_text("This customer was erased on").is_visible()
    assert page.get_by_text("Zhang Min").count() == 0
    assert page.get_by_text("was rude").count() == 0
    assert page.get_by_text("Comment erased").is_visible()  # the score stays, its text not
    page.screenshot(path=str(tmp_path / "erased.png"), full_page=True)

    db.session.expire_all()
    assert db.session.get(Customer, customer_id).erased_at is not None
    reason = db.session.scalar(
        select(AuditEntry.detail).where(AuditEntry.action == "customer.erase")
    )
    assert reason == "Asked on the phone, ticket 5521"
