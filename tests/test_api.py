"""POST /api/v1/touchpoints and /batch: replay, bad input, keys, the OpenAPI document."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from feedback.accounts.models import ApiKey
from feedback.accounts.services import revoke_api_key
from feedback.customers.models import Customer
from feedback.extensions import db
from feedback.surveys.models import Invitation, TouchpointEvent
from tests.surveys_helpers import event


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_replaying_an_event_creates_nothing_and_answers_the_same(surveys, api):
    first = api("/api/v1/touchpoints", event())
    again = api("/api/v1/touchpoints", event())
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json() == first.get_json()
    assert (_count(TouchpointEvent), _count(Invitation), _count(Customer)) == (1, 1, 1)


def test_customer_is_created_then_updated_by_external_id(surveys, api):
    api("/api/v1/touchpoints", event("e-1", name="Ann", tier="gold"))
    api("/api/v1/touchpoints", event("e-2", touchpoint="purchase", name="Ann Lee", tier=None))
    customer = db.session.scalar(select(Customer))
    assert _count(Customer) == 1
    assert customer.name == "Ann Lee"
    assert customer.tier == "gold"  # a missing field does not erase what we know


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"touchpoint": "teleport"}, "touchpoint"),
        ({"occurred_at": "yesterday"}, "occurred_at"),
        ({"occurred_at": "2026-11-20T10:00:00"}, "occurred_at"),  # no time zone
        ({"occurred_at": "9999-12-31T23:30:00Z"}, "occurred_at"),  # would overflow
        ({"occurred_at": "0001-01-01T00:30:00+05:00"}, "occurred_at"),
        ({"external_id": 42}, "external_id"),
        ({"external_id": None}, "external_id"),
        ({"customer": {"external_id": "c-1", "email": "not-an-email"}}, "customer"),
        ({"customer": "c-1"}, "customer"),
    ],
)
def test_bad_events_get_422_with_the_field(surveys, api, change, field):
    body = {**event(), **change}
    response = api("/api/v1/touchpoints", body)
    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == "validation_error"
    assert field in error["fields"], error
    assert _count(TouchpointEvent) == 0


def test_unknown_touchpoint_type_lists_the_known_ones(surveys, api):
    response = api("/api/v1/touchpoints", event(touchpoint="teleport"))
    message = response.get_json()["error"]["fields"]["touchpoint"][0]
    assert "teleport" in message and "delivery" in message


def test_missing_field_is_named(surveys, api):
    body = event()
    del body["occurred_at"]
    response = api("/api/v1/touchpoints", body)
    assert response.status_code == 422
    assert "occurred_at" in response.get_json()["error"]["fields"]


def test_not_json_is_a_4xx_in_the_error_shape(surveys, client, api_key):
    response = client.post(
        "/api/v1/touchpoints",
        data="{not json",
        headers={"Authorization": f"Bearer {api_key}", "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_request"


def test_body_over_one_megabyte_is_413(surveys, api):
    body = event()
    body["properties"] = {"blob": "x" * (1024 * 1024 + 10)}
    response = api("/api/v1/touchpoints", body)
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "payload_too_large"


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer fbk_wrong", "Basic abc", "fbk_x"])
def test_missing_or_wrong_key_is_401(surveys, client, header):
    headers = {"Authorization": header} if header else {}
    response = client.post("/api/v1/touchpoints", json=event(), headers=headers)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


def test_revoked_key_is_401(surveys, api):
    revoke_api_key(db.session.scalar(select(ApiKey)))
    db.session.commit()
    response = api("/api/v1/touchpoints", event())
    assert response.status_code == 401
    assert "revoked" in response.get_json()["error"]["message"]


def test_batch_stores_the_valid_events_and_reports_each(surveys, api):
    events = [event("b-1"), {**event("b-2"), "touchpoint": "teleport"}, "junk", event("b-3")]
    events.append(event("b-1"))  # the same id twice in one batch
    response = api("/api/v1/touchpoints/batch", {"events": events})
    assert response.status_code == 200
    body = response.get_json()
    assert [r["status"] for r in body["results"]] == [
        "created",
        "rejected",
        "rejected",
        "created",
        "existing",
    ]
    assert (body["created"], body["existing"], body["rejected"]) == (2, 1, 2)
    assert "touchpoint" in body["results"][1]["errors"]
    assert body["results"][4]["event"]["id"] == body["results"][0]["event"]["id"]
    assert _count(TouchpointEvent) == 2


def test_batch_over_1000_events_is_refused(surveys, api):
    response = api("/api/v1/touchpoints/batch", {"events": [event()] * 1001})
    assert response.status_code == 422
    assert "events" in response.get_json()["error"]["fields"]


def test_openapi_document_describes_the_endpoints(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    assert "/api/v1/touchpoints" in spec["paths"]
    assert "/api/v1/touchpoints/batch" in spec["paths"]
    for path in ("/api/v1/cases", "/api/v1/cases/{case_id}", "/api/v1/customers/{external_id}"):
        assert "403" in spec["paths"][path]["get"]["responses"]
    post = spec["paths"]["/api/v1/touchpoints"]["post"]
    assert {"201", "200", "422"} <= set(post["responses"])
