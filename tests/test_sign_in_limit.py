"""The limit on wrong passwords: counted in the database, per account and per address,
over a sliding window; the right password works again once the window has passed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from config import TestingConfig
from feedback import create_app
from feedback.accounts import sign_in_limit
from feedback.accounts.models import SignInFailure
from feedback.extensions import db
from tests.conftest import PASSWORD, Client

START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
WRONG = "wrong-password"


def _try(client, email, password=WRONG, ip="203.0.113.1", **kwargs):
    return client.submit(
        "/login",
        {"email": email, "password": password},
        environ_base={"REMOTE_ADDR": ip},
        **kwargs,
    )


def _failures() -> int:
    return db.session.scalar(select(func.count()).select_from(SignInFailure))


def test_after_five_wrong_passwords_even_the_right_one_waits(client, make_user):
    user = make_user()
    with time_machine.travel(START, tick=False):
        for _ in range(5):
            assert _try(client, user.email).status_code == 401
        blocked = _try(client, user.email, PASSWORD)
    assert blocked.status_code == 429
    assert "Too many attempts to sign in. Try again in 15 minutes." in blocked.get_data(
        as_text=True
    )
    assert blocked.headers["Retry-After"] == "900"
    assert client.get("/").status_code == 302  # not signed in
    assert _failures() == 5  # the refused attempt is not kept


def test_the_right_password_works_again_once_the_window_has_passed(client, make_user):
    user = make_user()
    with time_machine.travel(START, tick=False) as clock:
        for _ in range(5):
            _try(client, user.email)
        # Knocking during the lockout does not prolong it.
        clock.shift(timedelta(minutes=10))
        for _ in range(3):
            assert _try(client, user.email).status_code == 429
        page = _try(client, user.email, PASSWORD).get_data(as_text=True)
        assert "Try again in 5 minutes." in page
        clock.shift(timedelta(minutes=5, seconds=1))
        assert _try(client, user.email, PASSWORD).status_code == 302


def test_the_window_slides(client, make_user):
    user = make_user()
    with time_machine.travel(START, tick=False) as clock:
        for minute in range(5):
            clock.move_to(START + timedelta(minutes=minute))
            _try(client, user.email)
        # At 9:15 the first failure has left the window: one more try, then 9:16.
        clock.move_to(START + timedelta(minutes=15, seconds=1))
        assert _try(client, user.email).status_code == 401
        response = _try(client, user.email, PASSWORD)
        assert response.status_code == 429
        assert response.headers["Retry-After"] == "59"


def test_the_account_limit_holds_across_addresses(client, make_user):
    user = make_user()
    for n in range(5):
        assert _try(client, user.email, ip=f"198.51.100.{n}").status_code == 401
    assert _try(client, user.email, PASSWORD, ip="192.0.2.77").status_code == 429


def test_unknown_emails_are_limited_like_real_ones(client):
    for _ in range(5):
        assert _try(client, "nobody@example.com").status_code == 401
    assert _try(client, "nobody@example.com").status_code == 429


def test_one_address_failing_often_does_not_lock_out_everyone(app, client, make_user):
    app.config["SIGN_IN_FAILURES_PER_ADDRESS"] = 8
    user = make_user()
    for n in range(8):  # eight different accounts, two tries each, from one proxy
        email = f"guess{n // 2}@example.com"
        assert _try(client, email, ip="10.0.0.1").status_code == 401
    # That address now waits, for every account ...
    assert _try(client, user.email, PASSWORD, ip="10.0.0.1").status_code == 429
    # ... and other addresses, and the account itself, do not.
    assert _try(client, user.email, PASSWORD, ip="10.0.0.2").status_code == 302


def test_an_ipv6_network_counts_as_one_address(app, client, make_user):
    app.config["SIGN_IN_FAILURES_PER_ADDRESS"] = 4
    user = make_user()
    for n in range(4):  # a fresh address of one /64 for every guess, each at another account
        assert (
            _try(client, f"guess{n}@example.com", ip=f"2001:db8:1:2::{n + 1:x}").status_code == 401
        )
    assert _try(client, user.email, PASSWORD, ip="2001:db8:1:2::ff").status_code == 429
    assert _try(client, user.email, PASSWORD, ip="2001:db8:1:3::1").status_code == 302


def test_a_successful_sign_in_forgets_the_accounts_typos(app, make_user):
    user = make_user()
    client = app.test_client()
    for _ in range(4):
        _try(client, user.email)
    assert _try(client, user.email, PASSWORD).status_code == 302
    client = app.test_client()
    for _ in range(4):
        assert _try(client, user.email).status_code == 401
    assert _try(client, user.email, PASSWORD).status_code == 302


def test_the_address_behind_the_proxy_is_counted(database_url, make_user, tmp_path):
    """With PROXY_COUNT=1 the address is X-Forwarded-For's, as ProxyFix gives it."""
    app = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": database_url, "PROXY_COUNT": 1})
    app.config["SIGN_IN_FAILURES_PER_ADDRESS"] = 3
    app.test_client_class = Client
    with app.app_context():
        client = app.test_client()
        for n in range(3):
            headers = {"X-Forwarded-For": "198.51.100.9"}
            assert _try(client, f"x{n}@example.com", headers=headers).status_code == 401
        assert db.session.scalars(select(SignInFailure.ip)).all() == ["198.51.100.9"] * 3
        other = {"X-Forwarded-For": "198.51.100.10"}
        assert _try(client, "x9@example.com", headers=other).status_code == 401
        same = {"X-Forwarded-For": "198.51.100.9"}
        assert _try(client, "x9@example.com", headers=same).status_code == 429
        db.session.remove()
        db.engine.dispose()


def test_a_malformed_form_is_refused_without_counting(client):
    response = client.submit("/login", {"email": "not-an-email", "password": "x"})
    assert response.status_code == 401
    assert _failures() == 0


def test_the_worker_prunes_failures_that_left_the_window(app, client):
    with time_machine.travel(START, tick=False) as clock:
        _try(client, "a@example.com")
        clock.shift(timedelta(minutes=10))
        _try(client, "b@example.com")
        clock.shift(timedelta(minutes=6))
        assert sign_in_limit.prune() == 1
    assert db.session.scalars(select(SignInFailure.email)).all() == ["b@example.com"]


@pytest.mark.parametrize("email", ["A@Example.com", "a@EXAMPLE.COM"])
def test_the_account_is_counted_whatever_the_case_of_the_email(client, email):
    for _ in range(5):
        _try(client, "a@example.com")
    assert _try(client, email).status_code == 429


def test_an_unknown_address_is_not_one_lock_for_everyone(app, client, make_user):
    """Served on a Unix socket with no proxy, every client has no address: the account
    limit still holds, but one shared "address" must not lock everyone out."""
    app.config["SIGN_IN_FAILURES_PER_ADDRESS"] = 3
    user = make_user()
    for n in range(4):
        assert _try(client, f"guess{n}@example.com", ip="").status_code == 401
    assert _try(client, user.email, PASSWORD, ip="").status_code == 302
