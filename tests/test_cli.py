"""The commands of DESIGN.md: users, apikeys, demo."""

from __future__ import annotations

import hashlib

from sqlalchemy import func, select

from feedback.accounts.models import ApiKey, Role, User
from feedback.accounts.services import authenticate_api_key
from feedback.extensions import db


def test_users_create_reads_the_password_from_stdin(runner, app):
    result = runner.invoke(
        args=["users", "create", "Lead@Example.com", "--role", "manager"],
        input="a-long-password\n",
    )
    assert result.exit_code == 0, result.output
    assert "Created lead@example.com (manager)" in result.output
    user = db.session.scalar(select(User).where(User.email == "lead@example.com"))
    assert user.role is Role.MANAGER
    assert user.check_password("a-long-password")


def test_users_create_refuses_a_weak_password_and_a_bad_role(runner):
    weak = runner.invoke(args=["users", "create", "a@example.com", "--role", "agent"], input="x\n")
    assert weak.exit_code != 0
    assert "at least 10 characters" in weak.output
    bad_role = runner.invoke(args=["users", "create", "a@example.com", "--role", "boss"])
    assert bad_role.exit_code == 2
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_users_create_refuses_an_address_nobody_could_sign_in_with(runner):
    result = runner.invoke(
        args=["users", "create", "ops@localhost", "--role", "admin"], input="a-long-password\n"
    )
    assert result.exit_code != 0
    assert "not a valid email address" in result.output
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_apikeys_create_prints_the_key_once_and_stores_only_its_hash(runner):
    result = runner.invoke(args=["apikeys", "create", "web shop"])
    assert result.exit_code == 0, result.output
    key = result.stdout.strip().splitlines()[0]
    assert key.startswith("fbk_") and len(key) > 40
    row = db.session.scalar(select(ApiKey))
    assert row.name == "web shop"
    assert row.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in (row.key_hash, row.prefix)
    assert authenticate_api_key(key).id == row.id
    db.session.commit()
    assert row.last_used_at is not None

    revoked = runner.invoke(args=["apikeys", "revoke", str(row.id)])
    assert revoked.exit_code == 0
    assert authenticate_api_key(key) is None


def test_admin_page_creates_a_key_shown_once_and_revokes_it(admin_client):
    response = admin_client.submit("/admin/api-keys", {"name": "CRM", "scopes": ["ingest", "read"]})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    key = page.split('<code class="secret" tabindex="0">')[1].split("<")[0]
    assert authenticate_api_key(key) is not None
    assert key not in admin_client.get("/admin/api-keys").get_data(as_text=True)
    row = db.session.scalar(select(ApiKey))
    admin_client.submit(f"/admin/api-keys/{row.id}/revoke")
    assert authenticate_api_key(key) is None


def test_demo_is_idempotent_and_prints_sign_ins(runner):
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    assert "admin@example.com" in first.output and "demo-admin-pass" in first.output
    count = db.session.scalar(select(func.count()).select_from(User))
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0
    assert "0 created" in second.output
    assert db.session.scalar(select(func.count()).select_from(User)) == count == 4


def test_demo_refuses_production(runner, app):
    app.config["ENV_NAME"] = "production"
    result = runner.invoke(args=["demo"])
    assert result.exit_code != 0
    assert "refusing" in result.output
