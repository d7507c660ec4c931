"""Signed-in devices in a real browser (Debian's Chromium through Playwright): a laptop
signs out a phone, and a copied remember cookie stops working after signing out."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD

expect = pytest.importorskip("playwright.sync_api").expect

PHONE = {"width": 390, "height": 844}
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1"
)


def _sign_in(context, base, user, remember=False):
    page = context.new_page()
    page.goto(f"{base}/login")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    if remember:
        page.get_by_label("Keep me signed in on this device").check()
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/")
    return page


def test_a_laptop_signs_out_the_phone(live_server, browser, make_user):
    user = make_user(name="Lee")
    laptop = _sign_in(browser.new_context(locale="en-US"), live_server, user)
    phone = _sign_in(
        browser.new_context(viewport=PHONE, user_agent=IPHONE, locale="en-US"), live_server, user
    )

    laptop.goto(f"{live_server}/account")
    laptop.get_by_role("link", name="Signed-in devices").click()
    laptop.wait_for_url(f"{live_server}/account/sessions")
    expect(laptop.get_by_text("This device")).to_be_visible()
    laptop.get_by_role("button", name="Sign out Mobile Safari 17 on iOS").click()
    expect(laptop.get_by_text("That device is signed out.")).to_be_visible()
    expect(laptop.get_by_text("Mobile Safari 17 on iOS")).to_have_count(0)

    phone.goto(f"{live_server}/account")
    assert phone.url.startswith(f"{live_server}/login")


def test_a_copied_remember_cookie_is_useless_after_signing_out(live_server, browser, make_user):
    user = make_user()
    context = browser.new_context(locale="en-US")
    page = _sign_in(context, live_server, user, remember=True)
    remember = next(c for c in context.cookies() if c["name"] == "remember_token")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{live_server}/login")

    thief = browser.new_context(locale="en-US")
    thief.add_cookies([remember])
    stolen = thief.new_page()
    stolen.goto(f"{live_server}/account")
    assert stolen.url.startswith(f"{live_server}/login")
