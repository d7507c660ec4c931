"""Bad input at every door of the API, the CSV import and the staff pages: a 4xx in our
error shape, never a 500, and the valid events of a batch stored beside a bad one."""

from __future__ import annotations

import json
import os

import pytest
from sqlalchemy import func, select

from feedback.customers.models import Customer
from feedback.extensions import db
from feedback.surveys import inputs
from feedback.surveys.models import TouchpointEvent
from tests.surveys_helpers import event

ON_POSTGRES = bool(os.environ.get("TEST_DATABASE_URL"))


def _events() -> list[str]:
    return list(db.session.scalars(select(TouchpointEvent.external_id).order_by("id")))


def _nul_event(event_id: str, where: str, value: str = "a\x00b") -> dict:
    body = event(event_id, customer_id=f"c-{event_id}")
    if where.startswith("customer."):
        body["customer"][where.split(".", 1)[1]] = value
    elif where == "property":
        body["properties"] = {"store": value}
    elif where == "property key":
        body["properties"] = {value: "Shanghai"}
    else:
        body[where] = value
    return body


STRING_FIELDS = [
    ("external_id", "external_id"),
    ("touchpoint", "touchpoint"),
    ("customer.external_id", "customer"),
    ("customer.name", "customer"),
    ("customer.tier", "customer"),
    ("customer.locale", "customer"),
    ("property", "properties"),
    ("property key", "properties"),
]


@pytest.mark.parametrize(("where", "field"), STRING_FIELDS)
@pytest.mark.parametrize("value", ["a\x00b", "a\ud800b", "bell\x07"])
def test_nul_or_control_character_in_any_string_is_422_with_the_field(
    surveys, api, where, field, value
):
    response = api("/api/v1/touchpoints", _nul_event("e-1", where, value))
    assert response.status_code == 422, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert error["code"] == "validation_error"
    assert field in error["fields"], error
    assert _events() == []


def test_tab_and_newline_are_still_text(surveys, api):
    body = event("e-1", name="Ann\tLee\r\nthe second")
    assert api("/api/v1/touchpoints", body).status_code == 201


@pytest.mark.parametrize(("where", "field"), STRING_FIELDS)
def test_batch_with_a_nul_event_stores_the_valid_ones(surveys, api, where, field):
    batch = [event("b-1", customer_id="c-1"), _nul_event("b-2", where), event("b-3")]
    response = api("/api/v1/touchpoints/batch", {"events": batch})
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert [r["status"] for r in body["results"]] == ["created", "rejected", "created"]
    assert field in body["results"][1]["errors"]
    assert _events() == ["b-1", "b-3"]
    assert db.session.scalar(select(func.count()).select_from(Customer)) == 2


@pytest.mark.skipif(not ON_POSTGRES, reason="SQLite stores NUL: nothing for it to refuse")
def test_batch_keeps_the_valid_events_when_the_database_refuses_one(surveys, api, monkeypatch):
    # Should a value ever pass the checks and still be refused by PostgreSQL, the batch
    # falls back to one savepoint per event. Let NUL through the checks to show it.
    monkeypatch.setattr(inputs.text, "is_clean", lambda value: True)
    monkeypatch.setattr(inputs.text, "dirty_strings", lambda value: False)
    batch = [event("b-1", customer_id="c-1"), _nul_event("b-2", "customer.name"), event("b-3")]
    response = api("/api/v1/touchpoints/batch", {"events": batch})
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert [r["status"] for r in body["results"]] == ["created", "rejected", "created"]
    assert "_schema" in body["results"][1]["errors"]
    assert _events() == ["b-1", "b-3"]
    single = api("/api/v1/touchpoints", _nul_event("s-1", "customer.name"))
    assert single.status_code == 422
    assert _events() == ["b-1", "b-3"]


def _nested(depth: int) -> str:
    return '{"a":' * depth + "1" + "}" * depth


@pytest.mark.parametrize("path", ["/api/v1/touchpoints", "/api/v1/touchpoints/batch"])
@pytest.mark.parametrize(
    "body",
    [
        _nested(2000),  # past Python's recursion limit
        _nested(100),  # parses, but deeper than anything we keep
        '{"events": [], "external_id": NaN}',  # Python reads NaN; JSON has none
        '{"events": [], "external_id": ' + "1" * 5000 + "}",  # past int_max_str_digits
    ],
)
def test_deep_or_non_json_body_is_400_in_the_error_shape(surveys, client, api_key, path, body):
    response = client.post(
        path,
        data=body,
        headers={"Authorization": f"Bearer {api_key}", "Content-Type": "application/json"},
    )
    assert response.status_code == 400, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert error["code"] == "bad_request"
    assert error["fields"]["_body"]


def test_nan_in_a_batch_property_is_400_and_stores_nothing(surveys, client, api_key):
    body = json.dumps({"events": [event("b-1")]}).replace('"Shanghai"', "NaN")
    response = client.post(
        "/api/v1/touchpoints/batch",
        data=body,
        headers={"Authorization": f"Bearer {api_key}", "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert _events() == []


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/summary?survey=2147483648", "survey"),
        ("/api/v1/summary?survey=99999999999999999999", "survey"),
        ("/api/v1/responses?after=2147483648", "after"),
        ("/api/v1/responses?survey=-1", "survey"),
        ("/api/v1/summary?tier=%00", "tier"),
        ("/api/v1/responses?tier=gold%00", "tier"),
        ("/api/v1/summary?touchpoint=%00", "touchpoint"),
        ("/api/v1/summary?timezone=Asia/Shanghai%00", "timezone"),
    ],
)
def test_bad_query_arguments_are_422_with_the_field(surveys, client, api_key, url, field):
    response = client.get(url, headers={"Authorization": f"Bearer {api_key}"})
    assert response.status_code == 422, response.get_data(as_text=True)
    assert field in response.get_json()["error"]["fields"]


def test_largest_id_in_query_arguments_is_fine(surveys, client, api_key):
    headers = {"Authorization": f"Bearer {api_key}"}
    assert client.get("/api/v1/summary?survey=2147483647", headers=headers).status_code == 200
    page = client.get("/api/v1/responses?after=2147483647", headers=headers)
    assert page.status_code == 200
    assert page.get_json()["items"] == []


def test_staff_search_with_nul_finds_as_without(surveys, api, agent_client):
    api("/api/v1/touchpoints", event(name="Ann Lee"))
    response = agent_client.get("/customers?q=Ann%00")
    assert response.status_code == 200
    assert "Ann Lee" in response.get_data(as_text=True)


def test_staff_record_touchpoint_with_nul_reference_is_stored_without_it(
    surveys, api, agent_client
):
    api("/api/v1/touchpoints", event("e-1"))
    customer_id = db.session.scalar(select(Customer.id))
    response = agent_client.submit(
        f"/customers/{customer_id}",
        {"touchpoint": "delivery", "occurred_at": "2026-11-21T09:30", "external_id": "T-\x007"},
    )
    assert response.status_code == 302
    assert "staff-T-7" in _events()


def test_csv_import_rejects_the_nul_line_and_keeps_the_others(surveys, runner, tmp_path):
    path = tmp_path / "events.csv"
    path.write_text(
        "external_id,touchpoint,occurred_at,customer_external_id,customer_name,property_store\n"
        "o-1,delivery,2026-11-20T10:00:00Z,c-1,Ann,Shanghai\n"
        "o-2,delivery,2026-11-20T10:00:00Z,c-2,B\x00o,Shanghai\n"
        "o-3,delivery,2026-11-20T10:00:00Z,c-3,Cy,Bei\x00jing\n"
        "o-4,delivery,2026-11-20T10:00:00Z,c-4,Di,Shanghai\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["touchpoints", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "Imported 2, already known 0, rejected 2." in result.output
    assert "line 3: customer.name: Must not contain NUL" in result.output
    assert "line 4: properties: Must not contain NUL" in result.output
    assert _events() == ["o-1", "o-4"]


@pytest.mark.parametrize(
    "url",
    [
        "/customers?q=%00",
        "/customers?page=99999999999999999999",
        "/cases?tier=%00&touchpoint=%00&topic=%00&priority=%00&view=%00",
        "/cases?page=99999999999999999999",
        "/dashboard?tier=%00&survey=%00&touchpoint=%00&by=%00",
        "/dashboard?survey=2147483648",
        "/dashboard/export.csv?tier=%00",
        "/answers?tier=%00&survey=%00&q=%00&page=99999999999999999999",
        "/admin/outbox?status=%00&page=-3",
        "/login?next=%00",
    ],
)
def test_staff_pages_never_answer_500_to_nul_or_huge_arguments(surveys, admin_client, url):
    response = admin_client.get(url)
    assert response.status_code < 500, url
