"""Signing in, roles, CSRF, the sign-in limit and account management."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from feedback.accounts.models import Role, User
from feedback.extensions import db
from tests.conftest import PASSWORD, sign_in


def test_sign_in_with_right_password_opens_home(client, make_user):
    user = make_user(Role.AGENT, name="Ann Agent")
    response = sign_in(client, user)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    page = client.get("/").get_data(as_text=True)
    assert "Hello, Ann Agent" in page
    assert db.session.get(User, user.id).last_login_at is not None


@pytest.mark.parametrize(
    ("role", "sees_surveys"), [(Role.AGENT, False), (Role.MANAGER, True), (Role.ADMIN, True)]
)
def test_home_page_leads_each_role_to_its_work(app, make_user, role, sees_surveys):
    client = app.test_client()
    sign_in(client, make_user(role))
    page = client.get("/").get_data(as_text=True)
    assert 'href="/customers"' in page
    assert ('href="/surveys"' in page) is sees_surveys


def test_sign_in_ignores_case_of_email(client, make_user):
    user = make_user(email="Mixed.Case@Example.com")
    response = client.submit("/login", {"email": "MIXED.case@example.COM", "password": PASSWORD})
    assert response.status_code == 302
    assert user.email == "mixed.case@example.com"


def test_wrong_password_is_refused_with_message(client, make_user):
    user = make_user()
    response = sign_in(client, user, password="not-the-password")
    assert response.status_code == 401
    assert "Wrong email or password." in response.get_data(as_text=True)
    assert client.get("/").status_code == 302  # still anonymous


def test_unknown_email_gets_the_same_message(client):
    response = client.submit("/login", {"email": "nobody@example.com", "password": "whatever12"})
    assert response.status_code == 401
    assert "Wrong email or password." in response.get_data(as_text=True)


def test_deactivated_user_cannot_sign_in(client, make_user):
    user = make_user(active=False)
    assert sign_in(client, user).status_code == 401


def test_five_failed_sign_ins_in_a_minute_get_429(client, make_user):
    user = make_user()
    for _ in range(5):
        assert sign_in(client, user, password="wrong-password").status_code == 401
    blocked = sign_in(client, user)  # even the right password waits now
    assert blocked.status_code == 429
    assert "Too many attempts" in blocked.get_data(as_text=True)
    assert "Retry-After" in blocked.headers


def test_successful_sign_ins_do_not_count_towards_the_limit(app, make_user):
    user = make_user()
    for _ in range(7):
        client = app.test_client()
        assert sign_in(client, user).status_code == 302


def test_form_without_csrf_token_is_rejected(client, make_user):
    user = make_user()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "This form has expired" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_logout_needs_a_post_with_token(agent_client):
    assert agent_client.get("/logout").status_code == 405
    assert agent_client.post("/logout").status_code == 400
    assert agent_client.get("/").status_code == 200
    response = agent_client.submit("/logout")
    assert response.status_code == 302
    assert agent_client.get("/").status_code == 302


def test_anonymous_is_sent_to_sign_in_with_next(client):
    response = client.get("/admin/users")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "/%09/evil.example/",  # a tab, which browsers drop: //evil.example
        "/%0d%0aSet-Cookie:x=1",
        "//[",
    ],
)
def test_next_cannot_leave_the_site_or_break_the_redirect(app, make_user, next_url):
    user = make_user()
    client = app.test_client()
    response = client.submit(f"/login?next={next_url}", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    # Signed in already, the same link redirects at once, and just as safely.
    again = client.get(f"/login?next={next_url}")
    assert again.status_code == 302
    assert again.headers["Location"] == "/"


def test_next_within_the_site_is_followed(client, make_user):
    user = make_user()
    response = client.submit(
        "/login?next=/account?tab=1", {"email": user.email, "password": PASSWORD}
    )
    assert response.headers["Location"] == "/account?tab=1"


@pytest.mark.parametrize(
    ("role", "url", "status"),
    [
        (Role.AGENT, "/", 200),
        (Role.AGENT, "/account", 200),
        (Role.AGENT, "/admin/users", 403),
        (Role.AGENT, "/admin/api-keys", 403),
        (Role.AGENT, "/admin/outbox", 403),
        (Role.MANAGER, "/admin/users", 403),
        (Role.MANAGER, "/admin/api-keys", 403),
        (Role.ADMIN, "/admin/users", 200),
        (Role.ADMIN, "/admin/api-keys", 200),
        (Role.ADMIN, "/admin/outbox", 200),
    ],
)
def test_each_role_reaches_only_its_pages(app, make_user, role, url, status):
    client = app.test_client()
    sign_in(client, make_user(role))
    response = client.get(url)
    assert response.status_code == status
    if status == 403:
        assert "You do not have access to this page" in response.get_data(as_text=True)


def test_session_cookie_is_httponly_and_lax(client, make_user):
    response = sign_in(client, make_user())
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # BASE_URL is http in tests


def test_session_cookie_is_secure_behind_https(database_url, make_user):
    from config import TestingConfig
    from feedback import create_app
    from tests.conftest import Client

    app = create_app(
        TestingConfig,
        {"SQLALCHEMY_DATABASE_URI": database_url, "BASE_URL": "https://feedback.example.com"},
    )
    app.test_client_class = Client
    with app.app_context():
        client = app.test_client()
        response = sign_in(client, make_user())
        assert "Secure" in response.headers["Set-Cookie"]
        db.session.remove()
        db.engine.dispose()


def test_change_own_password(agent_client):
    response = agent_client.submit(
        "/account/password",
        {
            "pw-current_password": PASSWORD,
            "pw-new_password": "a-brand-new-secret",
            "pw-confirm": "a-brand-new-secret",
        },
    )
    assert response.status_code == 302
    user = db.session.get(User, agent_client.user.id)
    assert user.check_password("a-brand-new-secret")
    assert agent_client.get("/").status_code == 200  # this session stays signed in


def test_change_password_needs_the_current_one(agent_client):
    response = agent_client.submit(
        "/account/password",
        {
            "pw-current_password": "wrong-current",
            "pw-new_password": "a-brand-new-secret",
            "pw-confirm": "a-brand-new-secret",
        },
    )
    assert response.status_code == 400
    assert "The current password is not right." in response.get_data(as_text=True)
    assert db.session.get(User, agent_client.user.id).check_password(PASSWORD)


def test_short_new_password_is_refused(agent_client):
    response = agent_client.submit(
        "/account/password",
        {"pw-current_password": PASSWORD, "pw-new_password": "short", "pw-confirm": "short"},
    )
    assert response.status_code == 400
    assert "The password needs 10 to 200 characters." in response.get_data(as_text=True)


def test_admin_creates_a_user_who_can_sign_in(app, admin_client):
    response = admin_client.submit(
        "/admin/users",
        {
            "email": "new@example.com",
            "name": "New",
            "role": "manager",
            "password": "first-password",
        },
    )
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "new@example.com"))
    assert user.role is Role.MANAGER
    assert user.password_hash.startswith("scrypt:")
    assert sign_in(app.test_client(), user, "first-password").status_code == 302


def test_admin_cannot_create_a_duplicate_email(admin_client, make_user):
    make_user(email="taken@example.com")
    response = admin_client.submit(
        "/admin/users",
        {"email": "Taken@example.com", "role": "agent", "password": "first-password"},
    )
    assert response.status_code == 400
    assert "already exists" in response.get_data(as_text=True)


def test_admin_reset_password_ends_the_users_sessions(app, admin_client, make_user):
    user = make_user()
    user_client = app.test_client()
    sign_in(user_client, user)
    assert user_client.get("/").status_code == 200
    response = admin_client.submit(
        f"/admin/users/{user.id}/password", {"reset-new_password": "set-by-admin-1"}
    )
    assert response.status_code == 302
    assert user_client.get("/").status_code == 302  # signed out
    assert sign_in(app.test_client(), user, "set-by-admin-1").status_code == 302


def test_admin_deactivates_a_user_who_is_signed_out_at_once(app, admin_client, make_user):
    user = make_user()
    user_client = app.test_client()
    sign_in(user_client, user)
    response = admin_client.submit(f"/admin/users/{user.id}", {"role": "agent", "name": ""})
    assert response.status_code == 302
    assert db.session.get(User, user.id).active is False
    assert user_client.get("/").status_code == 302
    assert sign_in(app.test_client(), user).status_code == 401


def test_failed_password_reset_keeps_the_users_role_in_the_form(admin_client, make_user):
    manager = make_user(Role.MANAGER)
    response = admin_client.submit(
        f"/admin/users/{manager.id}/password", {"reset-new_password": "short"}
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert '<option selected value="manager">' in page
    assert "The password needs 10 to 200 characters." in page


def test_edit_page_shows_the_current_role(admin_client, make_user):
    manager = make_user(Role.MANAGER)
    page = admin_client.get(f"/admin/users/{manager.id}").get_data(as_text=True)
    assert '<option selected value="manager">' in page


@pytest.mark.parametrize(
    "url", ["/admin/users/99999999999999999999", "/admin/users/0", "/admin/users/12"]
)
def test_unknown_or_absurd_user_ids_are_404(admin_client, url):
    assert admin_client.get(url).status_code == 404


def test_huge_page_number_is_not_an_error(admin_client):
    assert admin_client.get("/admin/outbox?page=99999999999999999999").status_code == 200


def test_language_chosen_before_signing_in_is_kept(client, make_user):
    user = make_user(name="Lin")
    client.submit("/language/zh", {"next": "/login"})
    sign_in(client, user)
    assert "您好" in client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)


def test_last_admin_cannot_be_demoted(admin_client):
    admin = admin_client.user
    response = admin_client.submit(
        f"/admin/users/{admin.id}", {"role": "agent", "active": "y", "name": ""}
    )
    assert response.status_code == 400
    assert "last active admin" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, admin.id).role is Role.ADMIN
