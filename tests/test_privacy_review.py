"""Issue #23 reviewed as its users meet it: odd input on the privacy pages and API is a
4xx, never a 500, and a re-subscribe racing an erasure never puts the erased person
back on the survey list."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from sqlalchemy import func, select

from feedback.accounts.models import Role
from feedback.accounts.services import create_api_key
from feedback.customers.consent import resubscribe
from feedback.customers.erasure import erase_customer
from feedback.customers.models import ConsentEvent, Customer
from feedback.extensions import db
from feedback.surveys.ingest_consent import ERASED_ROW
from feedback.surveys.models import Response, TouchpointEvent
from tests.complaints_helpers import answer
from tests.conftest import sign_in
from tests.surveys_helpers import event

pytestmark = pytest.mark.usefixtures("surveys")


@pytest.mark.parametrize("value", ["²", "١٢٣", "9" * 40, "\x00", "x" * 120])
def test_an_odd_customer_filter_on_the_audit_log_is_never_a_500(admin_client, value):
    answer("csat", 4, "Fine", customer="c-1")
    page = admin_client.get("/admin/audit?customer=" + quote(value, safe=""))
    assert page.status_code in (200, 400)
    if page.status_code == 400:
        assert "No customer has that number or external id." in page.get_data(as_text=True)


def test_a_re_subscribe_racing_an_erasure_leaves_the_person_opted_out(app, make_user):
    customer_id = answer("csat", 4, "Fine", customer="c-1").customer_id
    staff = make_user(Role.AGENT)
    customer = db.session.get(Customer, customer_id)
    customer.unsubscribed_at = customer.created_at
    db.session.commit()
    # the staff member's request read the customer before a manager's erasure committed
    seen = db.session.get(Customer, customer_id)
    with app.app_context():  # another request, its own session
        assert erase_customer(db.session.get(Customer, customer_id), reason="ticket 7")
        db.session.commit()

    assert resubscribe(seen, "the caller's name and number", staff) is None
    db.session.commit()
    db.session.expire_all()
    erased = db.session.get(Customer, customer_id)
    assert erased.erased_at is not None and erased.unsubscribed_at is not None
    changes = db.session.scalars(
        select(ConsentEvent.change).where(ConsentEvent.customer_id == customer_id)
    )
    assert "resubscribed" not in list(changes)


def _erased_row() -> Customer:
    """A customer erased after a first touchpoint; their row keeps its "erased-..." id."""
    customer = db.session.get(Customer, answer("csat", 4, "Fine", customer="c-1").customer_id)
    assert erase_customer(customer, reason="ticket 7")
    db.session.commit()
    db.session.expire_all()
    return db.session.get(Customer, customer.id)


def _still_erased(customer_id: int) -> None:
    db.session.expire_all()
    row = db.session.get(Customer, customer_id)
    assert (row.email, row.name, row.phone) == (None, "", None)
    assert row.unsubscribed_at is not None
    their_touchpoints = select(func.count()).where(TouchpointEvent.customer_id == customer_id)
    assert db.session.scalar(their_touchpoints) == 1  # the one from before the erasure


def test_a_touchpoint_for_an_erased_row_is_refused_and_brings_no_one_back(api):
    row = _erased_row()
    body = event("e-9", customer_id=row.external_id, email="new@example.com", name="New")
    body["consent"] = {"state": "given"}
    refused = api("/api/v1/touchpoints", body)
    assert refused.status_code == 422
    assert refused.json["error"]["fields"]["customer"]["external_id"] == [ERASED_ROW]
    batch = api("/api/v1/touchpoints/batch", {"events": [body, event("e-10", customer_id="c-2")]})
    assert [r["status"] for r in batch.json["results"]] == ["rejected", "created"]
    _still_erased(row.id)


def test_an_import_for_an_erased_row_is_refused(api):
    row = _erased_row()
    imported = {
        "external_id": "a-9",
        "customer_external_id": row.external_id,
        "customer_email": "new@example.com",
        "survey": "NPS after purchase",
        "score": 9,
        "answered_at": "2026-01-01T00:00:00Z",
        "consent": {"state": "given"},
    }
    response = api("/api/v1/responses/import", {"responses": [imported]})
    (result,) = response.json["results"]
    assert result["status"] == "rejected" and "customer_external_id" in result["errors"]
    _still_erased(row.id)
    assert db.session.scalar(select(Response.id).where(Response.customer_id == row.id)) is not None
    assert db.session.scalar(select(func.count()).select_from(Response)) == 1


def test_the_staff_form_is_gone_from_an_erased_customers_page_and_refused(manager_client):
    row = _erased_row()
    page = manager_client.get(f"/customers/{row.id}")
    assert "Record a touchpoint" not in page.get_data(as_text=True)
    posted = manager_client.submit(
        f"/customers/{row.id}",
        {
            "touchpoint": "delivery",
            "occurred_at": "2026-12-01T10:00",
            "external_id": "e-9",
            "consent": "given",
        },
    )
    assert posted.status_code == 409
    assert "nothing more is recorded for them" in posted.get_data(as_text=True)
    _still_erased(row.id)


def test_the_log_names_an_api_key_in_the_readers_language(client, make_user):
    customer_id = answer("csat", 4, "Fine", customer="c-1").customer_id
    _row, key = create_api_key("crm", scopes=("admin",))
    db.session.commit()
    exported = client.get(
        "/api/v1/customers/c-1/export", headers={"Authorization": f"Bearer {key}"}
    )
    assert exported.status_code == 200
    admin = make_user(Role.ADMIN, locale="zh")
    sign_in(client, admin)
    for path in ("/admin/audit", f"/customers/{customer_id}"):
        text = client.get(path).get_data(as_text=True)
        assert "API 密钥 crm" in text, path
        assert "API key" not in text, path


def test_a_blank_reason_to_the_erase_api_is_a_422_and_nothing_is_erased(client):
    answer("csat", 4, "Fine", customer="c-1")
    _row, key = create_api_key("crm", scopes=("admin",))
    db.session.commit()
    auth = {"Authorization": f"Bearer {key}"}
    refused = client.delete("/api/v1/customers/c-1?reason=%20%20%09", headers=auth)
    assert refused.status_code == 422
    assert refused.get_json()["error"]["fields"]["reason"]
    assert db.session.scalar(select(Customer.erased_at)) is None
