"""Signed-in devices: signing out ends the session (a copied cookie stops working), a
password change or deactivation ends the others, and users see and end their own."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path

import time_machine
from sqlalchemy import select

from feedback.accounts.models import Role, UserSession
from feedback.extensions import db
from tests.conftest import PASSWORD, sign_in

CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36"
)
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1"
)


def _signed_in(app, user, user_agent=CHROME, remember=False):
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = user_agent
    data = {"email": user.email, "password": PASSWORD}
    if remember:
        data["remember"] = "y"
    response = client.submit("/login", data)
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def _sessions(user):
    db.session.expire_all()
    return db.session.scalars(select(UserSession).where(UserSession.user_id == user.id)).all()


def test_a_copied_session_cookie_is_signed_out_after_logout(app, make_user):
    user = make_user()
    client = _signed_in(app, user)
    stolen = client.get_cookie("session").value
    assert client.submit("/logout").status_code == 302

    thief = app.test_client()
    thief.set_cookie("session", stolen)
    response = thief.get("/account")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_a_copied_remember_cookie_is_signed_out_after_logout(app, make_user):
    user = make_user()
    client = _signed_in(app, user, remember=True)
    stolen = client.get_cookie("remember_token").value
    # The remember cookie alone signs a fresh browser in, before logout ...
    before = app.test_client()
    before.set_cookie("remember_token", stolen)
    assert before.get("/account").status_code == 200
    assert client.submit("/logout").status_code == 302

    # ... and no longer after it.
    thief = app.test_client()
    thief.set_cookie("remember_token", stolen)
    response = thief.get("/account")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_logout_ends_only_that_device(app, make_user):
    user = make_user()
    laptop = _signed_in(app, user)
    phone = _signed_in(app, user, IPHONE)
    laptop.submit("/logout")
    assert laptop.get("/account").status_code == 302
    assert phone.get("/account").status_code == 200
    assert sorted(s.ended_at is None for s in _sessions(user)) == [False, True]


def test_changing_the_password_signs_out_the_other_devices(app, make_user):
    user = make_user()
    laptop = _signed_in(app, user)
    phone = _signed_in(app, user, IPHONE, remember=True)
    remembered = phone.get_cookie("remember_token").value
    response = laptop.submit(
        "/account/password",
        {
            "pw-current_password": PASSWORD,
            "pw-new_password": "a-brand-new-secret",
            "pw-confirm": "a-brand-new-secret",
        },
    )
    assert response.status_code == 302
    assert laptop.get("/account").status_code == 200  # the device that asked stays
    assert phone.get("/account").status_code == 302
    replay = app.test_client()
    replay.set_cookie("remember_token", remembered)
    assert replay.get("/account").status_code == 302


def test_deactivation_ends_every_session(app, admin_client, make_user):
    user = make_user()
    _signed_in(app, user)
    _signed_in(app, user, IPHONE)
    response = admin_client.submit(f"/admin/users/{user.id}", {"role": "agent", "name": ""})
    assert response.status_code == 302
    assert [s.ended_at is not None for s in _sessions(user)] == [True, True]


def test_admin_password_reset_ends_every_session(app, admin_client, make_user):
    user = make_user()
    _signed_in(app, user)
    admin_client.submit(f"/admin/users/{user.id}/password", {"reset-new_password": "set-by-admin"})
    assert [s.ended_at is not None for s in _sessions(user)] == [True]


def test_the_sessions_page_lists_own_devices_and_ends_another(app, make_user):
    user = make_user()
    other_user = make_user()
    laptop = _signed_in(app, user)
    phone = _signed_in(app, user, IPHONE)
    _signed_in(app, other_user)

    page = laptop.get("/account/sessions").get_data(as_text=True)
    assert "Chrome 120 on Windows" in page
    assert "Mobile Safari 17 on iOS" in page
    assert page.count("This device") == 1
    assert page.count('action="/account/sessions/') == 2  # the phone's button, and "all"

    phone_row = next(s for s in _sessions(user) if "iOS" in s.device)
    response = laptop.submit(f"/account/sessions/{phone_row.id}/end")
    assert response.status_code == 302
    # A second click (or a second tab) changes nothing, and is no error.
    assert laptop.submit(f"/account/sessions/{phone_row.id}/end").status_code == 302
    assert phone.get("/account").status_code == 302
    assert laptop.get("/account").status_code == 200
    assert "Mobile Safari" not in laptop.get("/account/sessions").get_data(as_text=True)


def test_nobody_ends_another_users_session_or_their_own_by_mistake(app, make_user):
    user = make_user()
    other = make_user()
    client = _signed_in(app, user)
    other_client = _signed_in(app, other)
    others_row = _sessions(other)[0]
    own_row = _sessions(user)[0]
    assert client.submit(f"/account/sessions/{others_row.id}/end").status_code == 404
    assert client.submit("/account/sessions/99999999999999999999/end").status_code == 404
    assert client.post(f"/account/sessions/{own_row.id}/end").status_code == 400  # no token
    response = client.submit(f"/account/sessions/{own_row.id}/end")
    assert response.status_code == 400
    assert "sign out" in response.get_data(as_text=True)
    assert other_client.get("/account").status_code == 200
    assert client.get("/account").status_code == 200


def test_sign_out_every_other_device(app, make_user):
    user = make_user()
    laptop = _signed_in(app, user)
    phone = _signed_in(app, user, IPHONE)
    tablet = _signed_in(app, user, IPHONE)
    assert laptop.submit("/account/sessions/end-others").status_code == 302
    assert phone.get("/").status_code == 302
    assert tablet.get("/").status_code == 302
    assert laptop.get("/").status_code == 200


def test_last_seen_is_written_every_few_minutes_and_shown_in_the_viewers_zone(app, make_user):
    user = make_user(timezone="Asia/Shanghai")
    with time_machine.travel(datetime(2026, 3, 1, 2, 0, tzinfo=UTC), tick=False) as clock:
        client = _signed_in(app, user)
        clock.shift(timedelta(minutes=2))
        client.get("/")
        assert _sessions(user)[0].last_seen_at == datetime(2026, 3, 1, 2, 0, tzinfo=UTC)
        clock.shift(timedelta(minutes=4))
        client.get("/")
        assert _sessions(user)[0].last_seen_at == datetime(2026, 3, 1, 2, 6, tzinfo=UTC)
        page = client.get("/account/sessions").get_data(as_text=True).replace("\u202f", " ")
    assert "Mar 1, 2026, 10:06:00 AM" in page  # 02:06 UTC in Shanghai


def test_a_device_unseen_for_the_remember_duration_is_signed_out(app, make_user):
    user = make_user()
    with time_machine.travel(datetime(2026, 3, 1, tzinfo=UTC), tick=False) as clock:
        client = _signed_in(app, user, remember=True)
        clock.shift(timedelta(days=29))
        assert client.get("/account").status_code == 200
        clock.shift(timedelta(days=30, seconds=1))
        assert client.get("/account").status_code == 302


def test_the_remember_cookie_lasts_30_days(app, make_user):
    user = make_user()
    client = app.test_client()
    response = client.submit("/login", {"email": user.email, "password": PASSWORD, "remember": "y"})
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if "remember_token" in c)
    expires = parsedate_to_datetime(cookie.split("Expires=")[1].split(";")[0])
    assert abs(expires - datetime.now(UTC) - timedelta(days=30)) < timedelta(minutes=5)


def test_the_remember_duration_is_a_setting():
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "REMEMBER_COOKIE_DAYS": "7"}
    out = subprocess.run(
        [sys.executable, "-c", "import config; print(config.Config.REMEMBER_COOKIE_DURATION)"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert out.stdout.strip() == "7 days, 0:00:00"


def test_every_role_signs_in_and_out(app, make_user):
    for role in Role:
        client = app.test_client()
        assert sign_in(client, make_user(role)).status_code == 302
        assert client.submit("/logout").status_code == 302
        assert client.get("/").status_code == 302


def test_an_admin_resetting_their_own_password_stays_signed_in_here(app, make_user):
    admin = make_user(Role.ADMIN)
    here = _signed_in(app, admin)
    elsewhere = _signed_in(app, admin, IPHONE)
    response = here.submit(
        f"/admin/users/{admin.id}/password", {"reset-new_password": "set-by-myself"}
    )
    assert response.status_code == 302
    assert here.get("/admin/users").status_code == 200
    assert elsewhere.get("/admin/users").status_code == 302  # to the sign-in page


def test_the_worker_deletes_sessions_no_cookie_can_name(app, make_user):
    from feedback.accounts import sessions

    user = make_user()
    start = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False) as clock:
        signed_out = _signed_in(app, user)
        signed_out.get("/logout")
        _signed_in(app, user, IPHONE)  # never seen again
        clock.shift(timedelta(days=29))
        kept = _signed_in(app, user)
        clock.shift(timedelta(days=2))
        assert sessions.prune() == 2
        assert kept.get("/account").status_code == 200
    assert [s.device for s in _sessions(user)] == ["Chrome 120 on Windows"]


def test_users_compare_without_being_signed_in(make_user):
    ann, bob = make_user(), make_user()
    assert ann != bob
    assert ann == ann
    assert bob in {ann, bob}
