"""API keys carry scopes: ingest, read, admin. A key without an operation's scope gets
403; the CLI and the admin page make keys with scopes; keys from before keep working."""

from __future__ import annotations

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import func, inspect, select, text

from feedback.accounts.models import ApiKey
from feedback.accounts.services import create_api_key
from feedback.extensions import db
from feedback.surveys.models import TouchpointEvent
from tests.conftest import scratch_app
from tests.surveys_helpers import event

#: (method, path, the scope it needs)
OPERATIONS = [
    ("POST", "/api/v1/touchpoints", "ingest"),
    ("POST", "/api/v1/touchpoints/batch", "ingest"),
    ("GET", "/api/v1/summary", "read"),
    ("GET", "/api/v1/responses", "read"),
    ("GET", "/api/v1/cases", "read"),
    ("GET", "/api/v1/cases/1", "read"),
    ("GET", "/api/v1/customers/c-1", "read"),
]


def _key(*scopes: str) -> str:
    key = create_api_key("scoped", scopes=scopes)[1]
    db.session.commit()
    return key


def _call(client, method: str, path: str, key: str):
    body = {"events": [event()]} if path.endswith("batch") else event()
    return client.open(
        path,
        method=method,
        json=body if method == "POST" else None,
        headers={"Authorization": f"Bearer {key}"},
    )


@pytest.mark.parametrize(("method", "path", "scope"), OPERATIONS)
def test_a_key_without_the_scope_gets_403_naming_it_and_nothing_is_stored(
    client, surveys, method, path, scope
):
    # admin alone does not include read (nor ingest)
    others = [s for s in ("ingest", "read", "admin") if s != scope]
    for scopes in (others, ["admin"]):
        response = _call(client, method, path, _key(*scopes))
        assert response.status_code == 403, response.get_json()
        error = response.get_json()["error"]
        assert error["code"] == "insufficient_scope"
        assert repr(scope) in error["message"]
        assert error["fields"] == {}
    assert db.session.scalar(select(func.count()).select_from(TouchpointEvent)) == 0


@pytest.mark.parametrize(("method", "path", "scope"), OPERATIONS)
def test_a_key_with_the_scope_gets_past_the_check(client, surveys, method, path, scope):
    response = _call(client, method, path, _key(scope))
    assert response.status_code in (200, 201, 404), response.get_json()


def test_scopes_are_checked_before_the_arguments(client):
    response = client.get(
        "/api/v1/cases?limit=0", headers={"Authorization": f"Bearer {_key('ingest')}"}
    )
    assert response.status_code == 403


def test_an_existing_key_gets_ingest_and_read_with_the_migration(database_url, tmp_path):
    with scratch_app(database_url, tmp_path, "scopes_migration") as app, app.app_context():
        upgrade(revision="d4c6e8f0a2b3")
        db.session.execute(
            text(
                "INSERT INTO api_keys (name, prefix, key_hash, created_at) "
                "VALUES ('old shop', 'fbk_old', 'abc', CURRENT_TIMESTAMP)"
            )
        )
        db.session.commit()
        upgrade(revision="21c2d3e4f5a6")
        assert db.session.scalar(text("SELECT scopes FROM api_keys")) == "ingest,read"
        db.session.commit()
        downgrade(revision="d4c6e8f0a2b3")
        columns = {c["name"] for c in inspect(db.engine).get_columns("api_keys")}
        assert "scopes" not in columns and "key_hash" in columns
        assert db.session.scalar(text("SELECT name FROM api_keys")) == "old shop"
        db.session.remove()
        db.engine.dispose()


@pytest.mark.parametrize(
    ("args", "scopes"),
    [
        ([], "ingest,read"),
        (["--scope", "read"], "read"),
        (["--scope", "admin,ingest"], "ingest,admin"),
    ],
)
def test_cli_creates_a_key_with_its_scopes(runner, args, scopes):
    result = runner.invoke(args=["apikeys", "create", "crm", *args])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(ApiKey.scopes)) == scopes
    listed = runner.invoke(args=["apikeys", "list"])
    assert f"\t{scopes}\t" in listed.output


@pytest.mark.parametrize("scope", ["read,teleport", "", ","])
def test_cli_refuses_an_unknown_or_empty_scope(runner, scope):
    result = runner.invoke(args=["apikeys", "create", "crm", "--scope", scope])
    assert result.exit_code != 0
    assert "teleport" in result.output if "teleport" in scope else "scope" in result.output
    assert db.session.scalar(select(func.count()).select_from(ApiKey)) == 0


def test_admin_page_offers_scopes_ingest_and_read_checked(admin_client):
    page = admin_client.get("/admin/api-keys").get_data(as_text=True)
    for scope, checked in (("ingest", True), ("read", True), ("admin", False)):
        tag = (
            page.split(f'value="{scope}"')[0].rsplit("<input", 1)[1]
            + page.split(f'value="{scope}"')[1].split(">")[0]
        )
        assert ("checked" in tag) is checked, (scope, tag)


def test_admin_page_creates_a_key_with_the_scopes_checked_and_lists_them(admin_client):
    response = admin_client.submit("/admin/api-keys", {"name": "BI", "scopes": ["read"]})
    assert response.status_code == 200
    assert db.session.scalar(select(ApiKey.scopes)) == "read"
    page = admin_client.get("/admin/api-keys").get_data(as_text=True)
    assert '<td data-label="Scopes" class="key-scopes"><code>read</code></td>' in page


def test_admin_page_refuses_a_key_without_scopes_or_with_an_unknown_one(admin_client):
    none = admin_client.submit("/admin/api-keys", {"name": "BI"})
    assert none.status_code == 400
    assert "Choose at least one scope." in none.get_data(as_text=True)
    unknown = admin_client.submit("/admin/api-keys", {"name": "BI", "scopes": ["root"]})
    assert unknown.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(ApiKey)) == 0
