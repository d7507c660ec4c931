"""DELETE /api/v1/customers/<external_id>: erases with the `admin` scope (403 without it),
answers {"status": "erased"} then {"status": "already"}, 404 for an id never seen; the
audit log names the key and the reason; the OpenAPI document describes it."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from sqlalchemy import select

from feedback.accounts.services import create_api_key
from feedback.customers.models import AuditEntry, Customer
from feedback.extensions import db
from tests.complaints_helpers import answer

pytestmark = pytest.mark.usefixtures("surveys")


def _key(*scopes: str) -> tuple[int, str]:
    row, key = create_api_key("crm", scopes=scopes)
    db.session.commit()
    return row.id, key


def _delete(client, external_id: str, key: str, query: str = ""):
    path = "/api/v1/customers/" + quote(external_id, safe="") + query
    return client.delete(path, headers={"Authorization": f"Bearer {key}"})


def _customer(external_id: str) -> Customer:
    response = answer("csat", 4, "Fine", customer=external_id, name="Li Na")
    return db.session.get(Customer, response.customer_id)


def _reload(customer_id: int) -> Customer:
    db.session.expire_all()
    return db.session.get(Customer, customer_id)


def test_an_admin_key_erases_then_hears_already(client):
    customer = _customer("shop/42")
    key_id, key = _key("admin")
    erased = _delete(client, "shop/42", key, "?reason=ticket%20981")
    assert erased.status_code == 200, erased.get_json()
    assert erased.get_json() == {"status": "erased"}
    row = _reload(customer.id)
    assert row.erased_at is not None and row.external_id.startswith("erased-")
    assert row.name == "" and row.email is None
    (entry,) = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "customer.erase"))
    assert (entry.api_key_id, entry.detail, entry.customer_id) == (key_id, "ticket 981", row.id)

    again = _delete(client, "shop/42", key)
    assert again.status_code == 200 and again.get_json() == {"status": "already"}
    assert _reload(customer.id).external_id == row.external_id


def test_the_reason_defaults_and_is_checked(client):
    _customer("c-1")
    _, key = _key("admin")
    for query in ("?reason=" + "x" * 501, "?reason=", "?reason=a%00b"):
        refused = _delete(client, "c-1", key, query)
        assert refused.status_code == 422, query
        assert refused.get_json()["error"]["fields"]["reason"]
    assert db.session.scalar(select(Customer.erased_at)) is None
    assert _delete(client, "c-1", key).get_json() == {"status": "erased"}
    detail = db.session.scalar(select(AuditEntry.detail))
    assert detail == "erased through the API"


def test_an_unknown_id_is_a_404_in_the_error_shape(client):
    _, key = _key("admin")
    for external_id in ("nobody", "a\x00b"):
        missing = _delete(client, external_id, key)
        assert missing.status_code == 404
        error = missing.get_json()["error"]
        assert error["code"] == "not_found"
        assert error["message"] == "No customer has that external id."


@pytest.mark.parametrize("scopes", [("ingest", "read"), ("read",), ("ingest",)])
def test_a_key_without_the_admin_scope_gets_403_and_nothing_changes(client, scopes):
    customer = _customer("c-2")
    _, key = _key(*scopes)
    refused = _delete(client, "c-2", key)
    assert refused.status_code == 403
    error = refused.get_json()["error"]
    assert error["code"] == "insufficient_scope" and "'admin'" in error["message"]
    assert _reload(customer.id).erased_at is None
    assert db.session.scalar(select(AuditEntry.id)) is None


def test_without_a_key_it_is_401(client):
    _customer("c-3")
    assert client.delete("/api/v1/customers/c-3").status_code == 401
    assert db.session.scalar(select(Customer.erased_at)) is None


def test_the_openapi_document_describes_it_beside_the_get(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    path = spec["paths"]["/api/v1/customers/{external_id}"]
    assert {"get", "delete"} <= set(path)
    delete = path["delete"]
    assert {"200", "401", "403", "404", "422"} <= set(delete["responses"])
    assert "reason" in [p["name"] for p in delete["parameters"]]
    assert "already" in str(delete["responses"]["200"]) or "already" in str(spec["components"])
