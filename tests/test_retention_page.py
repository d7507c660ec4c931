"""The admin's retention page: the settings, their consequences, and what the policy will
touch next, in the viewer's time zone."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
import time_machine

from feedback.accounts.models import Role
from feedback.customers.models import RetentionSettings
from feedback.customers.retention import apply_retention
from feedback.extensions import db
from tests.complaints_helpers import answer
from tests.conftest import PASSWORD, sign_in

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
#: 20:00 UTC: already the next day in Shanghai
OLD_COMMENT = datetime(2024, 5, 22, 20, 0, tzinfo=UTC)
URL = "/admin/retention"
EMPTY = {"comments_months": "", "contacts_months": "", "inbound_months": "", "outbox_months": ""}


def settings() -> RetentionSettings | None:
    db.session.expire_all()
    return db.session.get(RetentionSettings, 1)


def row(page: str, key: str) -> str:
    """The text of the preview's row for ``key``, tags removed."""
    found = re.search(rf'<tr id="due-{key}">(.*?)</tr>', page, re.S)
    assert found, f"no row {key}"
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split())


def test_the_page_says_the_policy_is_off_and_what_each_setting_does(admin_client):
    page = admin_client.get(URL).get_data(as_text=True)
    assert "Off by default" in page
    assert "Comments older than this are erased from answers" in page
    assert "scores, tags and the cases themselves stay" in page
    assert "anonymised, not tombstoned" in page
    assert "mail still waiting to go out is never touched" in page
    assert "Nothing: every kind of data is kept for ever." in page
    assert "The worker has not applied the policy yet." in page
    assert 'href="/admin/retention"' in page  # in the admin's navigation


@pytest.mark.parametrize("fixture", ["agent_client", "manager_client"])
def test_only_admins_open_it(request, fixture):
    client = request.getfixturevalue(fixture)
    assert client.get(URL).status_code == 403
    assert client.submit(URL, {**EMPTY, "comments_months": "1"}).status_code == 403
    assert settings() is None


def test_an_admin_saves_months_and_empty_fields_keep_for_ever(admin_client):
    response = admin_client.submit(URL, {**EMPTY, "comments_months": "24", "outbox_months": "6"})
    assert response.status_code == 302
    saved = settings()
    assert (saved.comments_months, saved.contacts_months) == (24, None)
    assert (saved.inbound_months, saved.outbox_months) == (None, 6)
    assert saved.updated_by_id == admin_client.user.id
    page = admin_client.get(URL).get_data(as_text=True)
    assert "The retention policy is saved." in page
    assert re.search(r'<input[^>]*id="comments_months"[^>]*value="24"', page)
    # clearing a field turns that kind off again
    assert admin_client.submit(URL, {**EMPTY, "outbox_months": "6"}).status_code == 302
    assert settings().comments_months is None


@pytest.mark.parametrize(
    "value, message",
    [
        ("0", "Enter a whole number of months from 1 to 240"),
        ("241", "Enter a whole number of months from 1 to 240"),
        ("-3", "Enter a whole number of months from 1 to 240"),
        ("abc", "Not a valid integer value."),
        ("12.5", "Not a valid integer value."),
    ],
)
def test_a_bad_value_is_refused_and_nothing_is_lost(admin_client, value, message):
    admin_client.submit(URL, {**EMPTY, "comments_months": "24", "inbound_months": "12"})
    response = admin_client.submit(URL, {**EMPTY, "comments_months": "36", "inbound_months": value})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page
    assert 'aria-invalid="true"' in page
    saved = settings()
    assert (saved.comments_months, saved.inbound_months) == (24, 12)


def test_the_preview_counts_and_dates_in_the_viewers_zone(app, surveys, make_user, client):
    with time_machine.travel(OLD_COMMENT, tick=False) as clock:
        answer("nps", 9, "Quick, thanks to Mei", customer="m-1", name="Mei")
        clock.move_to(NOW)
        answer("nps", 10, "Great", customer="m-2", name="Max")
        admin = make_user(Role.ADMIN, timezone="Asia/Shanghai")
        sign_in(client, admin)
        client.submit(URL, {**EMPTY, "comments_months": "24", "contacts_months": "24"})

        page = client.get(URL).get_data(as_text=True)
        comments = row(page, "comments")
        assert "Comments of answers" in comments and " 1 " in f" {comments} "
        assert "May 23, 2024" in comments  # 04:00 on the 23rd in Shanghai
        assert "Nov 23, 2024, 10:00:00" in comments  # the cutoff: 24 months before now
        assert "Contact details of customers" in row(page, "contacts")
        assert "May 23, 2024" in row(page, "contacts")
        assert "(last active)" in row(page, "contacts")
        assert "inbound" not in page.split("due-title", 1)[1].split("last-run")[0].lower()

        assert apply_retention("w") == 2  # Mei's comment and contact details
        page = client.get(URL).get_data(as_text=True)
        assert "The worker last applied the policy at Nov 23, 2026, 10:00:00" in page
        assert "Records anonymised by that run: 2." in page
        assert " 0 " in f" {row(page, 'comments')} " and "—" in row(page, "comments")


def test_an_admin_sets_the_policy_in_the_browser(app, surveys, make_user, live_server, browser):
    with time_machine.travel(OLD_COMMENT, tick=False) as clock:
        answer("nps", 9, "Quick, thanks to Mei", customer="m-1", name="Mei")
        clock.move_to(NOW)
    admin = make_user(Role.ADMIN, timezone="Asia/Shanghai")
    db.session.commit()
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    page.goto(f"{live_server}/login")
    page.get_by_label("Email").fill(admin.email)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Retention").click()
    page.get_by_label("Comments and case conversations (months)").fill("300")
    page.get_by_role("button", name="Save").click()
    assert page.get_by_text("Enter a whole number of months from 1 to 240").is_visible()
    page.get_by_label("Comments and case conversations (months)").fill("24")
    page.get_by_role("button", name="Save").click()
    assert page.get_by_text("The retention policy is saved.").is_visible()
    due = page.locator("#due-comments")
    assert "Comments of answers" in due.inner_text() and "May 23, 2024" in due.inner_text()
    context.close()
    assert settings().comments_months == 24
