"""A real browser (Debian's Chromium through Playwright) on a phone-sized screen."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.conftest import PASSWORD, _free_port

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    if os.environ.get("CI"):
        raise RuntimeError("CI must have Debian's chromium at /usr/bin/chromium")
    pytest.skip("Debian's chromium is not installed", allow_module_level=True)

sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def live_server(app):
    port = _free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


def _no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_admin_signs_in_on_a_phone_and_switches_to_chinese(
    live_server, browser, make_user, tmp_path
):
    from feedback.accounts.models import Role

    admin = make_user(Role.ADMIN, name="Ada")
    page = browser.new_page(viewport=PHONE, locale="en-US")
    page.goto(f"{live_server}/admin/users")
    assert page.url.startswith(f"{live_server}/login")
    assert page.get_by_text("Please sign in to open that page.").is_visible()
    page.get_by_label("Email").fill(admin.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.wait_for_url(f"{live_server}/admin/users")
    assert page.get_by_role("heading", name="Users", exact=True).is_visible()
    assert _no_sideways_scroll(page)
    page.screenshot(path=str(tmp_path / "users-en.png"), full_page=True)

    page.get_by_role("button", name="中文").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="用户", exact=True).is_visible()
    assert page.get_by_role("button", name="退出登录").is_visible()
    assert _no_sideways_scroll(page)
    page.screenshot(path=str(tmp_path / "users-zh.png"), full_page=True)


def test_keyboard_alone_can_sign_in(live_server, browser, make_user):
    user = make_user(name="Kim")
    page = browser.new_page(viewport=PHONE, locale="en-US")
    page.goto(f"{live_server}/login")
    skip = page.get_by_role("link", name="Skip to content")
    skip.focus()
    box = skip.bounding_box()
    assert box and box["x"] >= 0  # moved on screen when focused
    page.get_by_label("Email").focus()
    page.keyboard.type(user.email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server}/")
    assert page.get_by_text("Hello, Kim").is_visible()
