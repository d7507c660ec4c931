"""A touchpoint's value and currency, refunds, and history that invites nobody (issue #22),
through the API and the batch, as a sending system sees them."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from marshmallow import ValidationError
from sqlalchemy import func, select

from feedback.customers.models import Customer
from feedback.events import DomainEvent
from feedback.extensions import db
from feedback.outbox.models import OutboxMessage
from feedback.surveys import invitations
from feedback.surveys.inputs import TouchpointSchema, quick_parse
from feedback.surveys.models import Invitation, TouchpointEvent, TouchpointType
from tests.surveys_helpers import event


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _stored(external_id: str) -> TouchpointEvent | None:
    db.session.expire_all()
    return db.session.scalar(select(TouchpointEvent).filter_by(external_id=external_id))


def _purchase(event_id: str, days_ago: float = 400, **fields) -> dict:
    """A purchase long past: live, its survey (24 h after) would be due at once."""
    body = event(event_id, touchpoint="purchase", hours_ago=days_ago * 24)
    body.update(fields)
    return body


def _refund_type() -> TouchpointType:
    refund = TouchpointType(key="refund", name_en="Refund", name_zh="退款", counts_as_refund=True)
    db.session.add(refund)
    db.session.commit()
    return refund


def _purchase_events() -> list[int]:
    rows = db.session.scalars(select(DomainEvent).filter_by(type="purchase.recorded"))
    return sorted(row.data["touchpoint_event_id"] for row in rows)


# --- value and currency ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("sent", "stored", "shown"),
    [
        ("129.90", Decimal("129.90"), "129.90"),
        (129.9, Decimal("129.90"), "129.90"),
        (0, Decimal("0"), "0.00"),
        ("0.07", Decimal("0.07"), "0.07"),
        (0.57, Decimal("0.57"), "0.57"),  # 57 * 0.01 is 0.5700000000000001 as a float
        ("999999999999.99", Decimal("999999999999.99"), "999999999999.99"),
        (1e11, Decimal("100000000000"), "100000000000.00"),
    ],
)
def test_a_value_is_stored_exactly_and_shown_with_two_decimals(surveys, api, sent, stored, shown):
    response = api("/api/v1/touchpoints", _purchase("order-1", value=sent, currency="CNY"))

    assert response.status_code == 201, response.get_json()
    assert response.get_json()["value"] == shown
    saved = _stored("order-1")
    assert isinstance(saved.value, Decimal)
    assert saved.value == stored


def test_no_value_is_stored_as_none_and_shown_as_null(surveys, api):
    response = api("/api/v1/touchpoints", _purchase("order-1"))

    assert response.get_json()["value"] is None
    assert _stored("order-1").value is None


@pytest.mark.parametrize(
    ("sent", "words"),
    [
        (-1, "0 or more"),
        ("-0.01", "0 or more"),
        ("12.345", "2 decimal places"),
        (12.345, "2 decimal places"),
        ("1000000000000", "12 digits"),
        (1e12, "12 digits"),
        (1e300, "12 digits"),  # found by the fuzz test: a 500 once
        (10**40 + 1, "12 digits"),
        ("9" * 40 + ".5", "12 digits"),
        ("1,299.00", "129.90"),
        ("1e3", "129.90"),
        ("12.", "129.90"),
        ("", "129.90"),
        ("¥129", "129.90"),
        ("١٢٣", "129.90"),  # Arabic-Indic digits: Decimal reads them, we do not
        (True, "number"),
        ({"amount": 1}, "number"),
    ],
)
def test_a_bad_value_is_a_field_error_and_nothing_is_stored(surveys, api, sent, words):
    response = api("/api/v1/touchpoints", _purchase("order-1", value=sent))

    assert response.status_code == 422
    messages = response.get_json()["error"]["fields"]["value"]
    assert words in " ".join(messages)
    assert _count(TouchpointEvent) == 0
    assert _count(Customer) == 0


def test_another_currency_is_refused_naming_ours_and_nothing_is_stored(surveys, api):
    response = api("/api/v1/touchpoints", _purchase("order-1", value="10", currency="USD"))

    assert response.status_code == 422
    assert response.get_json()["error"]["fields"]["currency"] == [
        "This service counts money in CNY only: send the value in CNY."
    ]
    assert _count(TouchpointEvent) == 0


def test_the_currency_is_read_in_any_case_and_set_by_the_installation(app, surveys, api):
    assert (
        api("/api/v1/touchpoints", _purchase("o-1", value="1", currency="cny")).status_code == 201
    )
    app.config["CURRENCY"] = "EUR"
    refused = api("/api/v1/touchpoints", _purchase("o-2", value="1", currency="CNY"))
    taken = api("/api/v1/touchpoints", _purchase("o-3", value="1", currency="Eur"))

    assert "EUR only" in refused.get_json()["error"]["fields"]["currency"][0]
    assert taken.status_code == 201


@pytest.mark.parametrize("currency", ["RMB1", "C", "元元元", 156])
def test_a_currency_that_is_not_a_code_is_a_field_error(surveys, api, currency):
    response = api("/api/v1/touchpoints", _purchase("order-1", value="1", currency=currency))

    assert response.status_code == 422
    assert "currency" in response.get_json()["error"]["fields"]


def test_a_currency_without_a_value_is_refused_saying_why(surveys, api):
    response = api("/api/v1/touchpoints", _purchase("order-1", currency="CNY"))

    assert response.status_code == 422
    (message,) = response.get_json()["error"]["fields"]["currency"]
    assert "without a value" in message
    assert _count(TouchpointEvent) == 0


# --- refunds ---------------------------------------------------------------------------


def test_a_refund_is_stored_positive_and_announced_like_a_purchase(surveys, api):
    _refund_type()
    bought = api("/api/v1/touchpoints", _purchase("order-1", days_ago=3, value="200.00"))
    refunded = api(
        "/api/v1/touchpoints",
        event("order-1-refund", touchpoint="refund", hours_ago=1) | {"value": "50.5"},
    )
    delivered = api("/api/v1/touchpoints", event("order-1-delivered"))

    assert refunded.status_code == 201
    assert refunded.get_json()["value"] == "50.50"
    assert _stored("order-1-refund").value == Decimal("50.50")
    # the purchase and the refund are announced for loyalty's reactions; a delivery is not
    assert _purchase_events() == sorted([bought.get_json()["id"], refunded.get_json()["id"]])
    assert delivered.get_json()["id"] not in _purchase_events()


# --- history ---------------------------------------------------------------------------


def test_a_live_purchase_long_past_is_still_invited_at_once(surveys, api, app):
    """What history changes: without it an old purchase gets a survey now."""
    response = api("/api/v1/touchpoints", _purchase("order-1", value="10"))

    assert response.get_json()["history"] is False
    assert len(response.get_json()["invitations"]) == 1
    assert invitations.send_due_invitations() == 1
    assert _count(OutboxMessage) == 1


def test_history_is_stored_for_loyalty_and_invites_nobody(surveys, api):
    response = api("/api/v1/touchpoints", _purchase("order-1", value="10", history=True))

    assert response.status_code == 201
    body = response.get_json()
    assert body["history"] is True
    assert body["invitations"] == []
    assert _stored("order-1").history is True
    assert _count(Invitation) == 0
    invitations.send_due_invitations()
    assert _count(OutboxMessage) == 0
    assert _purchase_events() == [body["id"]]  # loyalty still hears of the purchase


def test_history_sent_again_answers_as_before(surveys, api):
    api("/api/v1/touchpoints", _purchase("order-1", value="10", history=True))
    again = api("/api/v1/touchpoints", _purchase("order-1", value="99", history=False))

    assert again.status_code == 200
    assert again.get_json()["history"] is True
    assert again.get_json()["value"] == "10.00"
    assert _count(Invitation) == 0


def test_history_fills_in_a_customer_but_never_replaces_what_we_know(surveys, api):
    now = api("/api/v1/touchpoints", event("today", email="new@example.com", tier="gold"))
    old = _purchase("last-year", history=True)
    old["customer"].update(email="old@example.com", tier="silver", name="Ann Old")
    old["customer"]["phone"] = "+86 138 0013 8000"
    api("/api/v1/touchpoints", old)
    newcomer = _purchase("long-ago", history=True)
    newcomer["customer"].update(external_id="c-7", email="bo@example.com", tier="silver")
    api("/api/v1/touchpoints", newcomer)

    db.session.expire_all()
    ann = db.session.get(Customer, now.get_json()["customer"]["id"])
    assert (ann.email, ann.tier, ann.name) == ("new@example.com", "gold", "Ann")
    assert ann.phone == "+8613800138000"  # unknown until the history told us
    bo = db.session.scalar(select(Customer).filter_by(external_id="c-7"))
    assert (bo.email, bo.tier) == ("bo@example.com", "silver")


def test_a_batch_mixes_history_and_live_events_and_a_bad_one_costs_only_itself(surveys, api):
    events = [
        _purchase("past-1", value="80", history=True),
        event("live-1", touchpoint="delivery") | {"value": 5},
        _purchase("past-2", value="20.25", history=True, currency="CNY"),
        _purchase("bad-currency", value="20", currency="USD", history=True),
        _purchase("bad-value", value="-3"),
    ]
    # later in the batch than the live event, but history: it must not replace Ann's email
    events[2]["customer"]["email"] = "old@example.com"

    response = api("/api/v1/touchpoints/batch", {"events": events})

    body = response.get_json()
    assert response.status_code == 200
    assert (body["created"], body["existing"], body["rejected"]) == (3, 0, 2)
    results = body["results"]
    assert [r["event"]["history"] for r in results[:3]] == [True, False, True]
    assert [r["event"]["value"] for r in results[:3]] == ["80.00", "5.00", "20.25"]
    assert [len(r["event"]["invitations"]) for r in results[:3]] == [0, 1, 0]
    assert "CNY only" in results[3]["errors"]["currency"][0]
    assert "0 or more" in results[4]["errors"]["value"][0]
    assert db.session.scalars(select(Invitation.event_id)).all() == [results[1]["event"]["id"]]
    assert _purchase_events() == sorted(r["event"]["id"] for r in (results[0], results[2]))
    db.session.expire_all()
    assert db.session.scalar(select(Customer.email)) == "ann@example.com"


def test_a_big_batch_of_history_takes_the_quick_path_the_same_way(surveys, api):
    start = datetime(2025, 1, 1, tzinfo=UTC)
    events = [
        {
            "external_id": f"past-{i}",
            "touchpoint": "purchase",
            "occurred_at": (start + timedelta(days=i)).isoformat(),
            "customer": {"external_id": f"c-{i % 7}", "email": f"c{i % 7}@example.com"},
            "value": f"{i}.{i % 100:02d}",
            "currency": "CNY",
            "history": True,
        }
        for i in range(300)
    ]

    body = api("/api/v1/touchpoints/batch", {"events": events}).get_json()

    assert body["created"] == 300
    assert _count(Invitation) == 0
    # sum of i for i < 300 is 44850; of (i % 100) / 100 three times over 0..99 is 3 * 49.5
    total = db.session.scalar(select(func.sum(TouchpointEvent.value)))
    assert Decimal(total).quantize(Decimal("0.01")) == Decimal("44998.50")
    assert len(_purchase_events()) == 300


# --- the quick path reads the new fields as the schema does -------------------------------

BASE = {
    "external_id": "order-1",
    "touchpoint": "purchase",
    "occurred_at": "2026-11-20T10:00:00Z",
    "customer": {"external_id": "c-42", "email": "ann@example.com"},
}
#: each with whether the quick path must take it (True) or may leave it to the schema
NEW_FIELDS = [
    ({"value": "129.90"}, True),
    ({"value": 129.9}, True),
    ({"value": 0}, True),
    ({"value": None}, True),
    ({"value": "129.90", "currency": "CNY"}, True),
    ({"value": "129.90", "currency": "cny"}, True),
    ({"value": "129.90", "currency": None}, True),
    ({"value": "129.90", "currency": "USD"}, False),
    ({"value": None, "currency": "CNY"}, False),
    ({"currency": "CNY"}, False),
    ({"value": -1}, False),
    ({"value": "1.234"}, False),
    ({"value": 1e12}, False),
    ({"value": "12,5"}, False),
    ({"value": True}, False),
    ({"value": [1]}, False),
    ({"value": float("nan")}, False),
    ({"value": " 12.50 "}, False),
    ({"history": True}, True),
    ({"history": False}, True),
    ({"history": "true"}, False),
    ({"history": 1}, False),
    ({"history": None}, False),
    ({"history": True, "value": "5", "currency": "CNY"}, True),
]


@pytest.mark.parametrize(("fields", "plain"), NEW_FIELDS)
def test_the_quick_path_reads_value_currency_and_history_as_the_schema_does(app, fields, plain):
    raw = copy.deepcopy(BASE) | fields
    quick = quick_parse(raw)
    try:
        expected = TouchpointSchema().load(raw)
    except ValidationError:
        expected = None
    if quick is not None:
        assert quick == expected  # never accepts what the schema refuses; same result
        assert (quick.value, quick.history) == (expected.value, expected.history)
    else:
        assert not plain  # a plain value, currency or history does take the quick path


def test_the_api_document_describes_value_currency_and_history(client):
    document = client.get("/api/v1/openapi.json").get_json()
    sent = document["components"]["schemas"]["Touchpoint"]["properties"]
    shown = document["components"]["schemas"]["EventOut"]["properties"]

    for name, example in (("value", "129.90"), ("currency", "CNY"), ("history", False)):
        assert sent[name]["example"] == example
        assert sent[name]["description"]
    assert "2 decimal places" in sent["value"]["description"]
    assert {"value", "history"} <= set(shown)
