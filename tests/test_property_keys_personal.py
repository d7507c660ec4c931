"""The "personal" flag on the property keys page: a manager marks a key whose values
identify someone (erasure clears it from the customer's touchpoints); the key stays
offered for breakdowns, and the page says what the flag does."""

from __future__ import annotations

from sqlalchemy import select

from feedback.extensions import db
from feedback.surveys.models import PropertyKey
from tests.surveys_helpers import event


def _flags(key: str) -> tuple[str, bool, bool]:
    db.session.expire_all()
    row = db.session.scalar(select(PropertyKey).where(PropertyKey.key == key))
    return row.label, row.internal, row.personal


def test_a_manager_marks_a_key_personal_and_it_stays_a_breakdown(manager_client, api, surveys):
    body = event("e-1")
    body["properties"] = {"address": "1 High St", "store": "London"}
    assert api("/api/v1/touchpoints", body).status_code == 201
    key = db.session.scalar(select(PropertyKey).where(PropertyKey.key == "address"))
    page = manager_client.get("/dashboard/properties").get_data(as_text=True)
    assert "Personal: cleared from an erased customer" in page
    assert "erasing a customer removes that key from their touchpoints" in page

    url = f"/dashboard/properties/{key.id}"
    saved = manager_client.submit(url, {f"k{key.id}-label": "Address", f"k{key.id}-personal": "y"})
    assert saved.status_code == 302
    assert _flags("address") == ("Address", False, True)
    assert _flags("store") == ("", False, False)
    page = manager_client.get("/dashboard/properties").get_data(as_text=True)
    assert f'<input checked id="k{key.id}-personal" name="k{key.id}-personal"' in page
    dashboard = manager_client.get("/dashboard").get_data(as_text=True)
    assert '<option value="address">Address</option>' in dashboard

    # unticked: no longer personal; the label and the internal flag as sent
    cleared = manager_client.submit(url, {f"k{key.id}-label": "Address"})
    assert cleared.status_code == 302
    assert _flags("address") == ("Address", False, False)


def test_an_agent_cannot_mark_a_key_personal(agent_client, api, surveys):
    body = event("e-1")
    body["properties"] = {"address": "1 High St"}
    api("/api/v1/touchpoints", body)
    key = db.session.scalar(select(PropertyKey))
    url = f"/dashboard/properties/{key.id}"
    assert agent_client.submit(url, {f"k{key.id}-personal": "y"}).status_code == 403
    assert _flags("address") == ("", False, False)
