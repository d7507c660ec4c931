"""History imports (POST /api/v1/responses/import, `flask responses import`): consent
carried with past answers, applied in the order it was given; the rows of an erased
person are refused with a reason (issue #23)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from feedback.customers.models import ConsentEvent, Customer
from feedback.customers.tombstones import add_tombstone
from feedback.extensions import db
from feedback.surveys.models import Response
from tests.surveys_helpers import event

pytestmark = pytest.mark.usefixtures("surveys")

URL = "/api/v1/responses/import"
ERASED = "This customer was erased: their history cannot be imported."


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _row(external_id: str, days_ago: float = 3, customer="c-42", **fields) -> dict:
    return {
        "external_id": external_id,
        "customer_external_id": customer,
        "survey": "NPS after purchase",
        "score": 9,
        "answered_at": _iso(datetime.now(UTC) - timedelta(days=days_ago)),
        **fields,
    }


def _customer(external_id: str = "c-42") -> Customer:
    db.session.expire_all()
    return db.session.scalar(select(Customer).where(Customer.external_id == external_id))


def _changes(external_id: str = "c-42") -> list[tuple]:
    rows = db.session.scalars(
        select(ConsentEvent)
        .where(ConsentEvent.customer_id == _customer(external_id).id)
        .order_by(ConsentEvent.at, ConsentEvent.id)
    )
    return [(e.change, e.source, e.detail, e.at) for e in rows]


def test_imported_answers_carry_consent_applied_in_the_order_it_was_given(api):
    now = datetime.now(UTC)
    rows = [
        # sent newest first, as an export from another system may be
        _row("a-2", days_ago=5, consent={"state": "withdrawn", "source": "CRM"}),
        _row("a-1", days_ago=40, consent={"state": "given"}),
    ]
    response = api(URL, {"responses": rows})
    assert response.status_code == 200, response.json
    assert response.json["created"] == 2
    changes = _changes()
    assert [(c, s, d) for c, s, d, _ in changes] == [
        ("given", "import", ""),
        ("withdrawn", "import", "CRM"),
    ]
    # without its own time, a consent is as of its answer
    assert abs(changes[0][3] - (now - timedelta(days=40))) < timedelta(seconds=5)
    assert _customer().unsubscribed_at is not None


def test_an_old_imported_consent_does_not_undo_a_newer_opt_out(api):
    body = event("e-1")
    body["consent"] = {"state": "withdrawn"}
    assert api("/api/v1/touchpoints", body).status_code == 201
    response = api(URL, {"responses": [_row("a-1", days_ago=30, consent={"state": "given"})]})
    assert response.json["created"] == 1
    assert _customer().unsubscribed_at is not None
    assert [c for c, *_ in _changes()] == ["given", "withdrawn"]


def test_a_bad_consent_on_an_imported_answer_rejects_only_that_row(api):
    rows = [_row("a-1", consent={"state": "later"}), _row("a-2", customer="c-2")]
    response = api(URL, {"responses": rows})
    assert [r["status"] for r in response.json["results"]] == ["rejected", "created"]
    assert (
        "Must be one of: given, withdrawn"
        in response.json["results"][0]["errors"]["consent"]["state"][0]
    )


def _erased(external_id="c-42", email="ann@example.com"):
    add_tombstone(external_id, email)
    db.session.commit()


@pytest.mark.parametrize(
    ("row", "field"),
    [
        (_row("a-1"), "customer_external_id"),
        (_row("a-1", customer="c-new", customer_email="Ann@Example.com"), "customer_email"),
    ],
)
def test_the_answers_of_an_erased_person_are_refused_with_the_reason(api, row, field):
    _erased()
    ok = _row("a-2", customer="c-2")
    response = api(URL, {"responses": [row, ok]})
    assert response.status_code == 200
    first, second = response.json["results"]
    assert first["status"] == "rejected"
    assert first["errors"] == {field: [ERASED]}
    assert second["status"] == "created"
    assert db.session.scalar(select(func.count()).select_from(Response)) == 1
    assert _customer(row["customer_external_id"]) is None  # nobody was brought back


def test_the_csv_import_refuses_an_erased_person_and_reads_consent(runner, tmp_path):
    _erased()
    when = _iso(datetime.now(UTC) - timedelta(days=2))
    path = tmp_path / "answers.csv"
    path.write_text(
        "external_id,customer_external_id,customer_email,survey,score,answered_at,"
        "consent,consent_at,consent_source\n"
        f"a-1,c-42,,NPS after purchase,9,{when},,,\n"
        f"a-2,c-7,ann@example.com,NPS after purchase,9,{when},,,\n"
        f"a-3,c-8,bo@example.com,NPS after purchase,9,{when},withdrawn,,paper\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["responses", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "Imported 1, already known 0, rejected 2." in result.output
    assert f"line 2: customer_external_id: {ERASED}" in result.output
    assert f"line 3: customer_email: {ERASED}" in result.output
    assert [(c, s, d) for c, s, d, _ in _changes("c-8")] == [("withdrawn", "import", "paper")]
    assert _customer("c-8").email is None  # the address only recognises; it is not kept
