"""GET /api/v1/customers/<external_id>: the customer with their answers and cases, found by
the external id URL-encoded, whatever it holds."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import quote

import pytest

from feedback.api import reads
from feedback.extensions import db
from feedback.timeutil import utcnow
from tests.complaints_helpers import answer, case_of


@pytest.fixture
def get(client, api_key):
    def get(path: str):
        return client.get(path, headers={"Authorization": f"Bearer {api_key}"})

    return get


def _path(external_id: str) -> str:
    return "/api/v1/customers/" + quote(external_id, safe="")


@pytest.mark.parametrize(
    "external_id",
    ["shop/42", "/leading", "a//b", "trailing/", "with space", "张三-7", "100%", "a?b#c", "..x"],
)
def test_a_customer_by_any_external_id_url_encoded(surveys, get, external_id):
    answer("csat", 5, customer=external_id, name="Zhang San", tier="gold", locale="zh")
    response = get(_path(external_id))
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["external_id"] == external_id
    assert (body["name"], body["tier"], body["language"]) == ("Zhang San", "gold", "zh")
    assert body["email"] == "ann@example.com"
    assert body["unsubscribed"] is False
    assert body["created_at"].endswith("+00:00")
    assert [a["score"] for a in body["answers"]] == [5]


def test_answers_newest_first_and_cases(surveys, get):
    now = utcnow()
    first = answer("nps", 2, "Rude staff", customer="c-9", answered_at=now - timedelta(days=3))
    second = answer("csat", 4, "Better", customer="c-9", answered_at=now - timedelta(days=1))
    case = case_of(first)
    body = get(_path("c-9")).get_json()
    assert [(a["id"], a["kind"], a["score"]) for a in body["answers"]] == [
        (second.id, "csat", 4),
        (first.id, "nps", 2),
    ]
    latest = body["answers"][0]
    assert latest["comment"] == "Better"
    assert latest["touchpoint"] == "delivery"
    assert latest["survey"]
    assert latest["answered_at"] == second.answered_at.isoformat()
    assert body["cases"] == [
        {
            "id": case.id,
            "status": "new",
            "priority": case.priority.value,
            "opened_at": case.opened_at.isoformat(),
        }
    ]


def test_answers_are_bounded_to_the_newest(surveys, get, monkeypatch):
    now = utcnow()
    ids = [
        answer("csat", 5, customer="c-3", answered_at=now - timedelta(hours=h)).id
        for h in (3, 2, 1)
    ]
    monkeypatch.setattr(reads, "MAX_ANSWERS", 2)
    body = get(_path("c-3")).get_json()
    assert [a["id"] for a in body["answers"]] == [ids[2], ids[1]]


@pytest.mark.parametrize("external_id", ["nobody", "c-1/", "c-", "%00", "c-1\x00"])
def test_an_unknown_customer_is_404_in_the_error_shape(surveys, get, external_id):
    answer("csat", 5, customer="c-1")
    response = get(_path(external_id))
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"
    db.session.rollback()


def test_no_external_id_is_404(app, get):
    assert get("/api/v1/customers/").status_code == 404


def test_the_customer_carries_their_phone_in_e164(surveys, api, get):
    created = api(
        "/api/v1/touchpoints",
        {
            "external_id": "call-7",
            "touchpoint": "support_call",
            "occurred_at": "2026-11-20T10:00:00Z",
            "customer": {
                "external_id": "c-phone",
                "email": "li@example.com",
                "phone": "+86 138 0013 8000",
            },
        },
    )
    assert created.status_code == 201, created.get_json()
    assert get(_path("c-phone")).get_json()["phone"] == "+8613800138000"
    answer("csat", 5, customer="c-nophone")
    assert get(_path("c-nophone")).get_json()["phone"] is None
