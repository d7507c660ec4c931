"""Customers' phone numbers: in by the API and CSV (E.164, warnings), shown as tel: links,
found by the staff search, offered when logging a call."""

from __future__ import annotations

import random

import pytest
from flask_migrate import downgrade, upgrade
from marshmallow import ValidationError
from sqlalchemy import func, select

from config import ConfigError, ProductionConfig
from feedback import create_app
from feedback.customers.models import Customer
from feedback.customers.phones import read_phone
from feedback.extensions import db
from feedback.surveys.demo import DEMO_CUSTOMERS, demo_customer
from feedback.surveys.inputs import TouchpointSchema, quick_parse
from feedback.surveys.models import TouchpointEvent
from tests.complaints_helpers import answer, case_of
from tests.conftest import scratch_app
from tests.surveys_helpers import event


def _with_phone(event_id: str, phone, customer_id: str = "c-42") -> dict:
    body = event(event_id, customer_id=customer_id)
    body["customer"]["phone"] = phone
    return body


def _customer(external_id: str = "c-42") -> Customer:
    db.session.expire_all()
    return db.session.scalar(select(Customer).where(Customer.external_id == external_id))


def _events() -> int:
    return db.session.scalar(select(func.count()).select_from(TouchpointEvent))


# --- reading numbers ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "region", "e164"),
    [
        ("+86 138 0013 8000", None, "+8613800138000"),
        ("+86 138 0013 8000", "US", "+8613800138000"),  # a country code beats the region
        ("(415) 555-0132", "US", "+14155550132"),
        ("138 0013 8000", "CN", "+8613800138000"),
        ("＋８６ １３８ ００１３ ８０００", None, "+8613800138000"),  # full-width, from an IME
        ("+86-10-6552-9988", None, "+861065529988"),  # a Beijing landline
        ("+1 415 555 0132 ext. 7", None, "+14155550132"),  # E.164 has no extension
        ("+44 20 7946 0958", "CN", "+442079460958"),
    ],
)
def test_numbers_are_read_as_people_write_them(raw, region, e164):
    assert read_phone(raw, region).e164 == e164


@pytest.mark.parametrize(
    ("raw", "region", "problem"),
    [
        ("(415) 555-0132", None, "No country code"),  # no region set: cannot be placed
        ("+1 200 555 0100", None, "Not a valid phone number"),  # possible, not valid
        ("+86 138 0013", None, "Not a valid phone number"),
        ("call me", "US", "Not a phone number"),
        ("+999 1234 5678", None, "Unknown country code"),
        ("1" * 65, "US", "Longer than 64"),
    ],
)
def test_numbers_that_cannot_be_dialled_are_refused_with_a_reason(raw, region, problem):
    reading = read_phone(raw, region)
    assert reading.e164 is None
    assert problem in reading.problem


@pytest.mark.parametrize(
    "phone",
    ["+86 138 0013 8000", "(415) 555-0132", "nonsense", "", "   ", None, 4155550132, "x" * 80],
)
def test_quick_path_reads_the_phone_as_the_schema_does(app, phone):
    app.config["PHONE_DEFAULT_REGION"] = "US"
    raw = _with_phone("e-1", phone)
    try:
        expected = TouchpointSchema().load(raw)
    except ValidationError:
        expected = None
    quick = quick_parse(raw)
    if quick is not None:
        assert quick == expected
    if isinstance(phone, str) and len(phone) < 64:
        assert quick is not None  # the common event keeps the fast path


def test_a_misspelt_default_region_refuses_to_start():
    with pytest.raises(ConfigError, match="PHONE_DEFAULT_REGION='CHINA'"):
        create_app(
            ProductionConfig,
            {
                "SECRET_KEY": "k" * 40,
                "BASE_URL": "https://fb.example.com",
                "SQLALCHEMY_DATABASE_URI": "sqlite://",
                "PHONE_DEFAULT_REGION": "CHINA",
            },
        )


# --- the API ----------------------------------------------------------------------------


def test_api_stores_the_number_in_e164(surveys, api):
    response = api("/api/v1/touchpoints", _with_phone("e-1", "+86 138 0013 8000"))
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["warnings"] == []
    assert _customer().phone == "+8613800138000"


def test_api_reads_a_national_number_in_the_default_region(app, surveys, api):
    app.config["PHONE_DEFAULT_REGION"] = "US"
    response = api("/api/v1/touchpoints", _with_phone("e-1", "(415) 555-0132"))
    assert response.status_code == 201
    assert _customer().phone == "+14155550132"


def test_api_stores_the_event_and_warns_when_the_number_is_invalid(surveys, api):
    response = api("/api/v1/touchpoints", _with_phone("e-1", "(415) 555-0132"))
    assert response.status_code == 201
    body = response.get_json()
    assert body["external_id"] == "e-1" and len(body["invitations"]) == 1
    (warning,) = body["warnings"]
    assert warning["field"] == "customer.phone"
    assert "No country code" in warning["message"]
    assert _events() == 1
    customer = _customer()
    assert customer.phone is None
    assert customer.email == "ann@example.com"  # the rest of the customer is kept


def test_api_a_phone_that_is_not_a_string_is_a_422(surveys, api):
    response = api("/api/v1/touchpoints", _with_phone("e-1", 8613800138000))
    assert response.status_code == 422
    assert "customer" in response.get_json()["error"]["fields"]


def test_batch_results_carry_each_events_warnings(surveys, api):
    events = [
        _with_phone("e-1", "+86 138 0013 8000", customer_id="c-1"),
        _with_phone("e-2", "555", customer_id="c-2"),
        {**_with_phone("e-3", "555", customer_id="c-3"), "touchpoint": "teleport"},
        _with_phone("e-4", None, customer_id="c-4"),
    ]
    response = api("/api/v1/touchpoints/batch", {"events": events})
    assert response.status_code == 200
    body = response.get_json()
    assert (body["created"], body["rejected"]) == (3, 1)
    results = body["results"]
    assert results[0]["warnings"] == []
    assert [w["field"] for w in results[1]["warnings"]] == ["customer.phone"]
    assert results[1]["status"] == "created"
    assert results[2]["status"] == "rejected" and results[2]["warnings"] == []
    assert results[3]["warnings"] == []
    assert _customer("c-1").phone == "+8613800138000"
    assert _customer("c-2").phone is None
    assert _customer("c-4").phone is None


def test_a_later_event_updates_the_number_and_one_without_keeps_it(surveys, api):
    api("/api/v1/touchpoints", _with_phone("e-1", "+86 138 0013 8000"))
    api("/api/v1/touchpoints", _with_phone("e-2", "+86 139 0000 1111"))
    assert _customer().phone == "+8613900001111"
    api("/api/v1/touchpoints", _with_phone("e-3", None))
    api("/api/v1/touchpoints", event("e-4"))  # no phone key at all
    assert _customer().phone == "+8613900001111"
    warned = api("/api/v1/touchpoints", _with_phone("e-5", "not a number"))
    assert warned.status_code == 201 and warned.get_json()["warnings"]
    assert _customer().phone == "+8613900001111"  # a typo does not erase the good number
    assert _events() == 5


def test_in_one_batch_a_later_event_without_a_phone_keeps_the_earlier_ones(surveys, api):
    events = [_with_phone("e-1", "+86 138 0013 8000"), _with_phone("e-2", None)]
    response = api("/api/v1/touchpoints/batch", {"events": events})
    assert response.get_json()["created"] == 2
    assert _customer().phone == "+8613800138000"


def test_the_openapi_document_describes_the_phone_and_the_warnings(client):
    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    assert "E.164" in schemas["Customer"]["properties"]["phone"]["description"]
    assert schemas["TouchpointOut"]["properties"]["warnings"]["items"] == {
        "$ref": "#/components/schemas/WarningOut"
    }
    assert "warnings" in schemas["BatchResultOut"]["properties"]


# --- the CSV import ---------------------------------------------------------------------

HEADER = (
    "external_id,touchpoint,occurred_at,customer_external_id,customer_email,"
    "customer_name,customer_locale,customer_tier,customer_phone\n"
)


def test_csv_import_reads_customer_phone_and_reports_bad_numbers(app, surveys, runner, tmp_path):
    app.config["PHONE_DEFAULT_REGION"] = "CN"
    path = tmp_path / "events.csv"
    path.write_text(
        HEADER
        + "o-1,delivery,2026-11-20T10:00:00Z,c-1,a@example.com,A,zh,,138 0013 8000\n"
        + "o-2,delivery,2026-11-20T10:00:00Z,c-2,b@example.com,B,en,,+1 (415) 555-0132\n"
        + "o-3,delivery,2026-11-20T10:00:00Z,c-3,c@example.com,C,zh,,12345\n"
        + "o-4,delivery,2026-11-20T10:00:00Z,c-4,d@example.com,D,zh,,\n",
        encoding="utf-8",
    )
    result = app.test_cli_runner().invoke(args=["touchpoints", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "Imported 4, already known 0, rejected 0." in result.output
    assert "Warnings 1" in result.output
    assert "line 4: customer.phone: Not a valid phone number" in result.output
    assert _customer("c-1").phone == "+8613800138000"
    assert _customer("c-2").phone == "+14155550132"
    assert _customer("c-3").phone is None
    assert _customer("c-4").phone is None


# --- the pages ---------------------------------------------------------------------------


def test_customer_page_links_the_number_for_calling(surveys, api, agent_client):
    api("/api/v1/touchpoints", _with_phone("e-1", "+86 138 0013 8000"))
    api("/api/v1/touchpoints", _with_phone("e-2", None, customer_id="c-7"))
    page = agent_client.get(f"/customers/{_customer().id}").get_data(as_text=True)
    assert '<a class="phone" href="tel:+8613800138000">+86 138 0013 8000</a>' in page
    other = agent_client.get(f"/customers/{_customer('c-7').id}").get_data(as_text=True)
    assert "tel:" not in other
    assert "no phone number" in other


@pytest.mark.parametrize(
    "query", ["138 0013", "13800138000", "+86 138-0013-8000", "１３８００１３"]
)
def test_staff_find_a_customer_by_phone_digits(surveys, api, agent_client, query):
    api("/api/v1/touchpoints", _with_phone("e-1", "+86 138 0013 8000", customer_id="c-1"))
    api("/api/v1/touchpoints", _with_phone("e-2", "+1 415 555 0132", customer_id="c-2"))
    page = agent_client.get("/customers", query_string={"q": query}).get_data(as_text=True)
    assert "c-1" in page
    assert "c-2" not in page


def test_a_short_number_in_a_search_does_not_match_phones(surveys, api, agent_client):
    api("/api/v1/touchpoints", _with_phone("e-1", "+86 138 0013 8000", customer_id="c-1"))
    api("/api/v1/touchpoints", _with_phone("e-2", None, customer_id="c-1380"))
    page = agent_client.get("/customers", query_string={"q": "c-1380"}).get_data(as_text=True)
    assert "c-1380" in page
    assert ">c-1<" not in page


def test_logging_a_call_offers_the_customers_number(surveys, agent_client):
    response = answer("csat", 1, customer="c-1")
    case = case_of(response)
    customer = _customer("c-1")
    page = agent_client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "No phone number is known for this customer." in page
    customer.phone = "+8613800138000"
    db.session.commit()
    page = agent_client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Call +86 138 0013 8000, then log how it went." in page


def test_demo_customers_have_numbers_of_both_countries_and_some_none():
    rng = random.Random(1)  # noqa: S311 - demo data
    phones = [demo_customer(number, rng).phone for number in range(DEMO_CUSTOMERS)]
    given = [phone for phone in phones if phone]
    assert all(read_phone(phone, None).e164 == phone for phone in given)
    assert {phone[:3] for phone in given} == {"+86", "+14"}
    assert None in phones


# --- the migration -------------------------------------------------------------------------


def test_the_migration_adds_the_column_and_takes_it_away(database_url, tmp_path):
    with scratch_app(database_url, tmp_path, "before_phone") as other, other.app_context():
        upgrade(revision="21c1d2e3f4a5")
        columns = {c["name"]: c for c in db.inspect(db.engine).get_columns("customers")}
        assert columns["phone"]["nullable"]
        downgrade(revision="-1")
        assert "phone" not in {c["name"] for c in db.inspect(db.engine).get_columns("customers")}
        db.session.remove()
        db.engine.dispose()
