"""Consent sent with touchpoints (API, batch, CSV): recorded with its time and source,
applied to the opt-out unless a later change is recorded, and an erased person who comes
back is opted out (issue #23)."""

from __future__ import annotations

import json
import threading
import urllib.request
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from feedback.customers.models import ConsentEvent, Customer
from feedback.customers.tombstones import add_tombstone
from feedback.extensions import db
from feedback.surveys.cli import import_touchpoints
from feedback.surveys.models import Invitation
from tests.surveys_helpers import event


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _with_consent(event_id: str, state: str, at: datetime | None = None, **customer) -> dict:
    body = event(event_id, **customer)
    body["consent"] = {"state": state, "source": "checkout form"}
    if at is not None:
        body["consent"]["at"] = _iso(at)
    return body


def _customer(external_id: str = "c-42") -> Customer:
    db.session.expire_all()
    return db.session.scalar(select(Customer).where(Customer.external_id == external_id))


def _history(external_id: str = "c-42") -> list[tuple]:
    customer = _customer(external_id)
    rows = db.session.scalars(
        select(ConsentEvent)
        .where(ConsentEvent.customer_id == customer.id)
        .order_by(ConsentEvent.at, ConsentEvent.id)
    )
    return [(e.change, e.source, e.detail) for e in rows]


def _invitation_states(event_external_id: str) -> list[tuple]:
    rows = db.session.execute(
        select(Invitation.status, Invitation.suppression_reason)
        .join(Invitation.event)
        .where(Invitation.event.has(external_id=event_external_id))
    )
    return [(s.value, r.value if r else None) for s, r in rows]


def test_a_withdrawn_consent_opts_the_customer_out_and_holds_the_invitation_back(surveys, api):
    response = api("/api/v1/touchpoints", _with_consent("e-1", "withdrawn"))
    assert response.status_code == 201, response.json
    assert response.json["invitations"][0]["suppression_reason"] == "unsubscribed"
    assert _customer().unsubscribed_at is not None
    assert _history() == [("withdrawn", "touchpoint", "checkout form")]


def test_a_given_consent_clears_an_earlier_opt_out_and_the_survey_is_scheduled(surveys, api):
    earlier = datetime.now(UTC) - timedelta(days=2)
    api("/api/v1/touchpoints", _with_consent("e-1", "withdrawn", at=earlier))
    response = api("/api/v1/touchpoints", _with_consent("e-2", "given"))
    assert response.status_code == 201, response.json
    assert response.json["invitations"][0]["status"] == "scheduled"
    assert _customer().unsubscribed_at is None
    assert [change for change, *_ in _history()] == ["withdrawn", "given"]


def test_an_older_consent_sent_late_does_not_override_a_newer_change(surveys, api):
    now = datetime.now(UTC)
    api("/api/v1/touchpoints", _with_consent("e-new", "withdrawn", at=now - timedelta(days=1)))
    # last month's consent arrives after it (a history import, a retried call)
    old = _with_consent("e-old", "given", at=now - timedelta(days=30))
    response = api("/api/v1/touchpoints", old)
    assert response.status_code == 201
    assert response.json["invitations"][0]["suppression_reason"] == "unsubscribed"
    assert _customer().unsubscribed_at is not None
    assert [change for change, *_ in _history()] == ["given", "withdrawn"]  # both kept


def test_a_touchpoint_without_consent_changes_nothing(surveys, api):
    api("/api/v1/touchpoints", _with_consent("e-1", "withdrawn"))
    response = api("/api/v1/touchpoints", event("e-2"))
    assert response.json["invitations"][0]["suppression_reason"] == "unsubscribed"
    assert len(_history()) == 1


def test_a_replayed_touchpoint_records_its_consent_once(surveys, api):
    body = _with_consent("e-1", "withdrawn")
    api("/api/v1/touchpoints", body)
    assert api("/api/v1/touchpoints", body).status_code == 200
    assert len(_history()) == 1


@pytest.mark.parametrize(
    ("consent", "field", "message"),
    [
        ({"state": "maybe"}, "state", "Must be one of: given, withdrawn"),
        ({}, "state", "Missing data for required field."),
        ({"state": "given", "at": "yesterday"}, "at", "Not a valid datetime."),
        ({"state": "given", "at": "2026-01-01T10:00:00"}, "at", "Not a valid aware datetime."),
        ({"state": "given", "at": "2999-01-01T10:00:00Z"}, "at", "Must not be in the future"),
        ({"state": "given", "source": "s" * 201}, "source", "Longer than maximum length 200."),
        ({"state": "given", "source": "a\x00b"}, "source", "Must not contain NUL"),
        ("given", "_schema", "Invalid input type."),
    ],
)
def test_a_bad_consent_is_a_422_naming_the_field_and_stores_nothing(
    surveys, api, consent, field, message
):
    body = event("e-1")
    body["consent"] = consent
    response = api("/api/v1/touchpoints", body)
    assert response.status_code == 422
    errors = response.json["error"]["fields"]["consent"]
    assert message in " ".join(errors[field] if isinstance(errors, dict) else errors)
    assert _customer() is None


def test_a_batch_rejects_only_the_event_with_a_bad_consent(surveys, api):
    bad = event("e-bad", customer_id="c-1")
    bad["consent"] = {"state": "nope"}
    good = _with_consent("e-good", "withdrawn", customer_id="c-2")
    response = api("/api/v1/touchpoints/batch", {"events": [bad, good]})
    assert response.status_code == 200
    assert [r["status"] for r in response.json["results"]] == ["rejected", "created"]
    assert "state" in response.json["results"][0]["errors"]["consent"]
    assert _customer("c-1") is None
    assert _history("c-2") == [("withdrawn", "touchpoint", "checkout form")]


def test_a_batch_applies_its_consents_in_the_order_they_were_given(surveys, api):
    now = datetime.now(UTC)
    newer = _with_consent("e-1", "given", at=now - timedelta(hours=1))
    older = _with_consent("e-2", "withdrawn", at=now - timedelta(days=3))
    response = api("/api/v1/touchpoints/batch", {"events": [newer, older]})
    assert response.json["created"] == 2
    assert _customer().unsubscribed_at is None
    assert [change for change, *_ in _history()] == ["withdrawn", "given"]


def _csv(tmp_path, rows: list[str]) -> str:
    path = tmp_path / "touchpoints.csv"
    header = (
        "external_id,touchpoint,occurred_at,customer_external_id,customer_email,"
        "consent,consent_at,consent_source"
    )
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return str(path)


def test_the_csv_import_reads_consent_columns(surveys, runner, tmp_path):
    now = datetime.now(UTC)
    when = _iso(now - timedelta(hours=2))
    path = _csv(
        tmp_path,
        [
            f"e-1,delivery,{when},c-1,a@example.com,withdrawn,{_iso(now - timedelta(hours=1))},"
            "paper form",
            f"e-2,delivery,{when},c-2,b@example.com,given,,",
            f"e-3,delivery,{when},c-3,c@example.com,,,",
            f"e-4,delivery,{when},c-4,d@example.com,perhaps,,",
            f"e-5,delivery,{when},c-5,e@example.com,,{when},kiosk",
        ],
    )
    result = runner.invoke(import_touchpoints, [path])
    assert result.exit_code == 0, result.output
    assert "Imported 3, already known 0, rejected 2." in result.output
    assert "line 5: consent.state: Must be one of: given, withdrawn" in result.output
    assert "line 6: consent.state: Missing data for required field." in result.output
    assert _history("c-1") == [("withdrawn", "touchpoint", "paper form")]
    assert _customer("c-1").unsubscribed_at == now - timedelta(hours=1)
    assert _history("c-2") == [("given", "touchpoint", "")]
    assert _history("c-3") == []


def test_history_touchpoints_default_their_consent_to_the_touchpoints_time(surveys, api):
    now = datetime.now(UTC)
    api("/api/v1/touchpoints", _with_consent("e-now", "withdrawn", at=now - timedelta(days=1)))
    past = _with_consent("e-past", "given")
    past["history"] = True
    past["occurred_at"] = _iso(now - timedelta(days=400))
    assert api("/api/v1/touchpoints", past).status_code == 201
    assert _customer().unsubscribed_at is not None  # last year's consent overrides nothing
    at = db.session.scalar(select(ConsentEvent.at).where(ConsentEvent.change == "given"))
    assert at == now - timedelta(days=400)


# --- an erased person comes back ----------------------------------------------------------


def _erased(external_id="c-42", email="ann@example.com", days_ago=10):
    tombstone = add_tombstone(external_id, email)
    tombstone.erased_at = datetime.now(UTC) - timedelta(days=days_ago)
    db.session.commit()


@pytest.mark.parametrize(
    "customer",
    [
        {"customer_id": "c-42", "email": "new@example.com"},  # by the external id
        {"customer_id": "c-77", "email": "ANN@example.com"},  # by the email address
    ],
)
def test_a_touchpoint_for_an_erased_person_creates_them_opted_out(surveys, api, customer):
    _erased()
    response = api("/api/v1/touchpoints", event("e-1", **customer))
    assert response.status_code == 201, response.json
    assert response.json["invitations"][0]["suppression_reason"] == "unsubscribed"
    assert _customer(customer["customer_id"]).unsubscribed_at is not None
    assert _history(customer["customer_id"]) == [("withdrawn", "erasure", "erased before")]


def test_an_erased_person_who_gives_consent_again_is_surveyed(surveys, api):
    _erased()
    response = api("/api/v1/touchpoints", _with_consent("e-1", "given"))
    assert response.json["invitations"][0]["status"] == "scheduled"
    assert _customer().unsubscribed_at is None
    assert _history() == [
        ("withdrawn", "erasure", "erased before"),
        ("given", "touchpoint", "checkout form"),
    ]


def test_a_consent_given_before_the_erasure_does_not_bring_them_back(surveys, api):
    _erased(days_ago=10)
    old = _with_consent("e-1", "given", at=datetime.now(UTC) - timedelta(days=20))
    response = api("/api/v1/touchpoints", old)
    assert response.json["invitations"][0]["suppression_reason"] == "unsubscribed"
    assert _customer().unsubscribed_at is not None


def test_someone_else_is_not_taken_for_an_erased_person(surveys, api):
    _erased()
    response = api("/api/v1/touchpoints", event("e-1", customer_id="c-1", email="bo@example.com"))
    assert response.json["invitations"][0]["status"] == "scheduled"
    assert _history("c-1") == []


# --- two senders at once -------------------------------------------------------------------


def _post(url: str, key: str, body: dict) -> int:
    request = urllib.request.Request(  # noqa: S310 - our own server
        url,
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - our own server
        return response.status


def test_two_senders_at_once_leave_the_newest_consent_standing(surveys, api, api_key, live_server):
    """Customers who withdrew last week withdraw again; a consent from before that second
    withdrawal comes at the same moment from another system. Whichever commits last, the
    newest change stands: they stay opted out."""
    customers = [f"c-{n}" for n in range(20)]
    now = datetime.now(UTC)
    seed = [
        _with_consent(f"seed-{c}", "withdrawn", at=now - timedelta(days=7), customer_id=c)
        for c in customers
    ]
    api("/api/v1/touchpoints/batch", {"events": seed})
    newer = [
        _with_consent(f"new-{c}", "withdrawn", at=now - timedelta(hours=1), customer_id=c)
        for c in customers
    ]
    older = [
        _with_consent(f"old-{c}", "given", at=now - timedelta(days=2), customer_id=c)
        for c in customers
    ]
    barrier = threading.Barrier(2)
    statuses = []

    def send(events):
        barrier.wait()
        statuses.append(
            _post(f"{live_server}/api/v1/touchpoints/batch", api_key, {"events": events})
        )

    threads = [threading.Thread(target=send, args=(batch,)) for batch in (newer, older)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    assert statuses == [200, 200]
    db.session.expire_all()
    subscribed = db.session.scalars(
        select(Customer.external_id).where(Customer.unsubscribed_at.is_(None))
    ).all()
    assert subscribed == []
