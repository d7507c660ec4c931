"""Past answers in: POST /api/v1/responses/import and `flask responses import FILE.csv`.

Imported answers count in scores, not in response rates; they are tagged by the worker and
open no case, send no mail, post no webhook and tell no member of staff.
"""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from feedback.accounts.models import Role
from feedback.accounts.services import create_api_key
from feedback.complaints.models import Case
from feedback.customers.models import Customer
from feedback.dashboard.answers import Filters
from feedback.dashboard.periods import Period
from feedback.events import DomainEvent
from feedback.extensions import db
from feedback.loyalty.answers import latest_answers, with_return
from feedback.notify import webhooks
from feedback.notify.staff_models import StaffNotice
from feedback.notify.webhook_models import EVENT_TYPES, HookDelivery, HookKind
from feedback.outbox.models import OutboxMessage
from feedback.surveys import import_cli
from feedback.surveys.models import (
    EventSource,
    Invitation,
    InvitationStatus,
    Response,
    SentimentLabel,
    Survey,
    SurveyKind,
    TouchpointEvent,
    TouchpointType,
)
from tests.complaints_helpers import work
from tests.hooks_helpers import send, serve
from tests.surveys_helpers import event

pytestmark = pytest.mark.usefixtures("surveys")

URL = "/api/v1/responses/import"
FURIOUS = "Terrible, rude and slow. I am furious and very disappointed, the worst service ever."


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def days_ago(days: float) -> str:
    return _iso(datetime.now(UTC) - timedelta(days=days))


def row(external_id: str, score: int = 9, **fields) -> dict:
    """An answer to the default NPS survey, three days old."""
    return {
        "external_id": external_id,
        "customer_external_id": fields.pop("customer", "c-1"),
        "survey": fields.pop("survey", "NPS after purchase"),
        "score": score,
        "answered_at": fields.pop("answered_at", days_ago(3)),
        **fields,
    }


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def summary(client, api_key, **query) -> dict:
    headers = {"Authorization": f"Bearer {api_key}"}
    reply = client.get("/api/v1/summary", query_string=query, headers=headers)
    assert reply.status_code == 200, reply.get_data(as_text=True)
    return reply.get_json()


# --- what is stored -----------------------------------------------------------------------


def test_imported_answers_are_stored_with_a_past_event_and_an_unsent_invitation(app, api):
    db.session.add(Customer(external_id="c-known", name="Bo", tier="gold", locale="zh"))
    db.session.commit()
    answered_at = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)
    reply = api(
        URL,
        {
            "responses": [
                row("old-1", 10, customer="c-known", answered_at="2025-03-01T17:30:00+08:00"),
                row("old-2", 2, customer="c-new", survey="CSAT after delivery", comment=" ok "),
            ]
        },
    )
    assert reply.status_code == 200, reply.get_data(as_text=True)
    body = reply.get_json()
    assert (body["created"], body["existing"], body["rejected"]) == (2, 0, 0)
    first, second = body["results"]
    assert first["status"] == "created" and first["errors"] == {}
    assert first["response"]["external_id"] == "old-1"
    assert first["response"]["answered_at"] == "2025-03-01T09:30:00Z"
    # no touchpoint given: the survey's first trigger's
    assert first["response"]["touchpoint"] == "purchase"
    assert second["response"]["touchpoint"] == "delivery"
    assert second["response"]["kind"] == "csat"
    assert second["response"]["customer"]["external_id"] == "c-new"

    stored = db.session.scalar(select(Response).where(Response.external_id == "old-1"))
    assert stored.imported and stored.score == 10 and stored.kind is SurveyKind.NPS
    assert stored.answered_at == answered_at
    assert (stored.tier, stored.locale) == ("gold", "zh")  # the customer's
    assert stored.report_day.isoformat() == "2025-03-01"
    invitation = stored.invitation
    assert invitation.status is InvitationStatus.ANSWERED
    assert invitation.sent_at is None and invitation.sent_day is None
    event = invitation.event
    assert event.external_id == "past-answer:old-1"
    assert event.source is EventSource.PAST and event.history
    assert event.occurred_at == answered_at
    assert event.touchpoint_type.key == "purchase"

    new = db.session.scalar(select(Customer).where(Customer.external_id == "c-new"))
    assert (new.email, new.name, new.tier, new.locale) == (None, "", None, None)
    other = db.session.scalar(select(Response).where(Response.external_id == "old-2"))
    assert (other.comment, other.locale, other.tier) == ("ok", "en", "")


def test_the_touchpoint_and_the_survey_by_id_are_taken_as_given(app, api):
    survey_id = db.session.scalar(
        select(Survey.id).where(Survey.name == "CES after a support call")
    )
    reply = api(URL, {"responses": [row("x-1", 6, survey=survey_id, touchpoint="delivery")]})
    result = reply.get_json()["results"][0]
    assert result["status"] == "created", result
    assert result["response"]["survey"]["id"] == survey_id
    assert result["response"]["touchpoint"] == "delivery"
    # a CSV cell is text: digits that name no survey are its id
    reply = api(URL, {"responses": [row("x-2", 6, survey=str(survey_id))]})
    assert reply.get_json()["results"][0]["response"]["kind"] == "ces"


# --- the figures --------------------------------------------------------------------------


def test_imported_answers_count_in_scores_and_not_in_the_response_rate(
    app, client, api, api_key, link
):
    # ``link`` delivered one live CSAT invitation today, unanswered: 0 of 1.
    before = summary(client, api_key)["response_rate"]
    assert (before["delivered"], before["answered"]) == (1, 0)
    rows = [
        row(f"csat-{n}", score, survey="CSAT after delivery", answered_at=days_ago(days))
        for n, (score, days) in enumerate([(5, 3), (4, 3), (1, 2), (5, 0.01)])
    ] + [row(f"nps-{n}", score) for n, score in enumerate([10, 9, 0])]
    assert api(URL, {"responses": rows}).get_json()["created"] == 7
    figures = summary(client, api_key)
    # every imported answer counts (the scores themselves are hidden below 30 answers)
    assert figures["csat"]["n"] == 4
    assert (figures["nps"]["n"], figures["nps"]["promoters"], figures["nps"]["detractors"]) == (
        3,
        2,
        1,
    )
    # still 0 of 1 delivered invitation answered: the imported ones were never delivered
    rate = figures["response_rate"]
    assert (rate["delivered"], rate["answered"]) == (1, 0)
    # the summary tables: scores counted, no delivery or answer among the invitations'
    answers = db.session.execute(select(func.sum(_column("score_days", "answers")))).scalar()
    assert answers == 7
    delivered, answered = db.session.execute(
        select(
            func.coalesce(func.sum(_column("invitation_days", "delivered")), 0),
            func.coalesce(func.sum(_column("invitation_days", "answered")), 0),
        )
    ).one()
    assert (delivered, answered) == (1, 0)


def _column(table: str, name: str):
    return db.metadata.tables[table].c[name]


def _history_purchase(customer_external_id: str, when: datetime) -> None:
    """A past purchase as a history touchpoint (stored for loyalty, invited nobody)."""
    customer = db.session.scalar(
        select(Customer).where(Customer.external_id == customer_external_id)
    )
    purchase = db.session.scalar(select(TouchpointType).where(TouchpointType.key == "purchase"))
    db.session.add(
        TouchpointEvent(
            external_id=f"buy-{customer_external_id}",
            touchpoint_type=purchase,
            customer=customer,
            occurred_at=when,
            properties={},
            source=EventSource.CSV,
            history=True,
        )
    )
    db.session.commit()


def test_loyalty_counts_imported_answers_on_day_one(app, api, staff):
    answered = datetime.now(UTC) - timedelta(days=200)
    rows = [
        row(f"p-{n}", 9 + n % 2, customer=f"p-{n}", answered_at=_iso(answered)) for n in range(8)
    ]
    rows += [row(f"d-{n}", n % 7, customer=f"d-{n}", answered_at=_iso(answered)) for n in range(8)]
    assert api(URL, {"responses": rows}).get_json()["created"] == 16
    # 6 of 8 promoters and 2 of 8 detractors bought again 30 days after answering
    for who in [f"p-{n}" for n in range(6)] + ["d-0", "d-1"]:
        _history_purchase(who, answered + timedelta(days=30))
    work()
    now = datetime.now(UTC)
    period = Period(date(2000, 1, 1), now.date(), "UTC")
    found = db.session.execute(with_return(latest_answers(period, Filters()), 90, now)).all()
    returned = {"promoters": [0, 0], "detractors": [0, 0]}
    for answer in found:
        assert not answer.too_early
        group = "promoters" if answer.score >= 9 else "detractors"
        returned[group][0] += answer.returned
        returned[group][1] += 1
    # shares by hand: 6 / 8 = 0.75 and 2 / 8 = 0.25
    assert returned == {"promoters": [6, 8], "detractors": [2, 8]}
    assert count(Case) == 0 and count(OutboxMessage) == 0 and count(StaffNotice) == 0
    assert db.session.scalar(select(func.count()).where(Invitation.sent_at.is_not(None))) == 0


# --- no side effects ----------------------------------------------------------------------


@pytest.fixture
def staff(make_user):
    """An agent and a manager who would hear of every new case at once."""
    make_user(Role.AGENT)
    make_user(Role.MANAGER)


@pytest.fixture
def receiver(app):
    """A real HTTP receiver on 127.0.0.1 that hooks may post to."""
    yield from serve(app)


def _hook_for_everything(url: str):
    hook = webhooks.create_hook(HookKind.WEBHOOK, url, list(EVENT_TYPES))
    db.session.commit()
    return hook


def test_a_furious_zero_opens_no_case_mails_nobody_and_tells_no_hook(app, api, staff, receiver):
    _hook_for_everything(receiver.url)
    rows = [row("angry-0", 0, comment=FURIOUS), row("angry-10", 10, comment=FURIOUS)]
    assert api(URL, {"responses": rows}).get_json()["created"] == 2
    assert work() >= 2  # the worker's reactions ran
    send()
    tagged = db.session.scalar(select(Response).where(Response.external_id == "angry-10"))
    assert tagged.tagged_at is not None and tagged.sentiment is SentimentLabel.NEGATIVE
    assert count(Case) == 0
    assert count(OutboxMessage) == 0
    assert count(HookDelivery) == 0 and receiver.received == []
    assert count(StaffNotice) == 0
    assert db.session.scalar(select(func.count()).where(Invitation.sent_at.is_not(None))) == 0
    # nothing left for the worker
    assert db.session.scalar(select(func.count()).where(DomainEvent.processed_at.is_(None))) == 0


def test_the_comment_rules_leave_an_imported_answer_alone(app, api):
    """A happy score with a furious comment: the comment rules would open a case for a
    live answer once the worker has tagged it (route_by_comment)."""
    api(URL, {"responses": [row("happy-angry", 10, comment=FURIOUS)]})
    work()
    assert count(Case) == 0


def test_no_webhook_hears_of_an_imported_answers_tags(app, api, receiver):
    _hook_for_everything(receiver.url)
    api(URL, {"responses": [row("tagged", 8, comment="Fine delivery, friendly driver.")]})
    work()
    assert count(HookDelivery) == 0


# --- idempotency --------------------------------------------------------------------------


def test_the_same_external_id_again_changes_nothing(app, api):
    first = api(URL, {"responses": [row("same", 9, comment="good")]}).get_json()["results"][0]
    again = api(URL, {"responses": [row("same", 1, comment="other", customer="c-2")]}).get_json()
    assert (again["created"], again["existing"], again["rejected"]) == (0, 1, 0)
    assert again["results"][0]["status"] == "existing"
    assert again["results"][0]["response"] == first["response"]
    assert count(Response) == 1 and count(TouchpointEvent) == 1 and count(Invitation) == 1
    stored = db.session.scalar(select(Response))
    assert (stored.score, stored.comment) == (9, "good")
    assert db.session.scalar(select(func.count()).where(Customer.external_id == "c-2")) == 0


def test_the_same_id_twice_in_one_request_is_stored_once(app, api):
    body = api(URL, {"responses": [row("twice", 9), row("twice", 3)]}).get_json()
    assert [r["status"] for r in body["results"]] == ["created", "existing"]
    assert body["results"][1]["response"]["score"] == 9
    assert count(Response) == 1


def _post(url: str, key: str, body: dict) -> tuple[int, dict]:
    request = urllib.request.Request(  # noqa: S310 - our own server
        url,
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - ours
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def test_concurrent_imports_of_the_same_answers_store_each_once(app, api_key, live_server):
    body = {"responses": [row(f"race-{n}", n % 11, customer=f"c-race-{n % 7}") for n in range(60)]}
    replies: list[tuple[int, dict]] = []
    threads = [
        threading.Thread(target=lambda: replies.append(_post(f"{live_server}{URL}", api_key, body)))
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(status for status, _ in replies) == [200] * 4
    assert sum(reply["created"] for _, reply in replies) == 60
    assert sum(reply["existing"] for _, reply in replies) == 3 * 60
    assert count(Response) == 60
    assert db.session.scalar(select(func.count()).where(Customer.external_id.like("c-race-%"))) == 7


# --- bad input ----------------------------------------------------------------------------


def test_bad_rows_are_rejected_alone_with_clear_messages(app, api):
    db.session.add(
        Survey(
            name="No trigger",
            kind=SurveyKind.CSAT,
            question_en="?",
            question_zh="?",
            email_subject_en="s",
            email_subject_zh="s",
        )
    )
    db.session.commit()
    future = _iso(datetime.now(UTC) + timedelta(days=1))
    rows = [
        row("ok", 7),
        row("bad-survey", survey="Nope"),
        row("bad-score", 11),
        row("bad-csat", 0, survey="CSAT after delivery"),
        row("bad-time", answered_at=future),
        row("naive-time", answered_at="2025-01-01T10:00:00"),
        row("bad-touchpoint", touchpoint="teleport"),
        row("no-trigger", 3, survey="No trigger"),
        row("x" * 151),
        {"external_id": "missing"},
        "not an object",
        row("long-comment", comment="x" * 2001),
        row("nul", comment="a\x00b"),
        row("huge-survey-id", survey=2**40),
    ]
    reply = api(URL, {"responses": rows})
    assert reply.status_code == 200
    body = reply.get_json()
    assert (body["created"], body["rejected"]) == (1, len(rows) - 1)
    errors = {r["index"]: r["errors"] for r in body["results"]}
    assert errors[0] == {}
    assert "Unknown survey 'Nope'" in errors[1]["survey"][0]
    assert "NPS after purchase" in errors[1]["survey"][0]
    assert errors[2] == {"score": ["Must be between 0 and 10 for a NPS survey."]}
    assert errors[3] == {"score": ["Must be between 1 and 5 for a CSAT survey."]}
    assert "future" in errors[4]["answered_at"][0]
    assert "answered_at" in errors[5]
    assert "Unknown touchpoint type 'teleport'" in errors[6]["touchpoint"][0]
    assert "give the touchpoint" in errors[7]["touchpoint"][0]
    assert "external_id" in errors[8]
    assert set(errors[9]) == {"customer_external_id", "survey", "score", "answered_at"}
    assert errors[10] == {"_schema": ["Each answer must be a JSON object."]}
    assert "comment" in errors[11] and "comment" in errors[12]
    assert "survey" in errors[13]
    assert count(Response) == 1


def test_an_id_whose_event_id_a_touchpoint_holds_is_rejected_alone(app, api):
    """Another system may have sent a touchpoint "past-answer:clash": the answer "clash"
    cannot have its event, and only it is refused."""
    assert api("/api/v1/touchpoints", event("past-answer:clash")).status_code == 201
    body = api(URL, {"responses": [row("clash"), row("fine")]}).get_json()
    assert [r["status"] for r in body["results"]] == ["rejected", "created"]
    assert body["results"][0]["errors"] == {
        "external_id": ["A touchpoint event already has the id past-answer:clash."]
    }
    assert count(Response) == 1


def test_more_than_a_thousand_answers_is_a_422_and_stores_nothing(app, api):
    reply = api(URL, {"responses": [row(f"r-{n}") for n in range(1001)]})
    assert reply.status_code == 422
    assert "responses" in reply.get_json()["error"]["fields"]
    assert count(Response) == 0


def test_a_key_without_the_ingest_scope_is_refused(app, client):
    key = create_api_key("reader", scopes=["read"])[1]
    db.session.commit()
    reply = client.post(
        URL, json={"responses": [row("r")]}, headers={"Authorization": f"Bearer {key}"}
    )
    assert reply.status_code == 403
    assert reply.get_json()["error"]["code"] == "insufficient_scope"
    assert count(Response) == 0


def test_the_import_is_in_the_openapi_document(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    operation = document["paths"]["/api/v1/responses/import"]["post"]
    assert "ingest" in json.dumps(operation) or "403" in operation["responses"]
    assert set(document["components"]["schemas"]["PastAnswer"]["properties"]) == {
        "external_id",
        "customer_external_id",
        "survey",
        "touchpoint",
        "score",
        "comment",
        "answered_at",
        "customer_email",
        "consent",
    }


# --- the command --------------------------------------------------------------------------

HEADER = "external_id,customer_external_id,survey,touchpoint,score,comment,answered_at\n"


def test_the_command_imports_a_file_and_reports_rejected_lines(app, runner, tmp_path):
    path = tmp_path / "answers.csv"
    path.write_text(
        HEADER
        + f"a-1,c-1,NPS after purchase,,10,Great,{days_ago(5)}\n"
        + f'a-2,c-2,CSAT after delivery,delivery,4,"Fast, friendly",{days_ago(4)}\n'
        + f"a-3,c-3,NPS after purchase,,12,,{days_ago(4)}\n"
        + f"a-4,c-3,Nope,,1,,{days_ago(4)}\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["responses", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "Imported 2, already known 0, rejected 2." in result.output
    assert "line 4: score: Must be between 0 and 10 for a NPS survey." in result.output
    assert "line 5: survey: Unknown survey 'Nope'" in result.output
    stored = db.session.scalar(select(Response).where(Response.external_id == "a-2"))
    assert stored.imported and stored.comment == "Fast, friendly" and stored.score == 4
    work()
    assert count(Case) == 0 and count(OutboxMessage) == 0

    again = runner.invoke(args=["responses", "import", str(path)])
    assert "Imported 0, already known 2, rejected 2." in again.output
    assert count(Response) == 2


def test_the_command_commits_chunk_by_chunk(app, runner, tmp_path, monkeypatch):
    monkeypatch.setattr(import_cli, "CHUNK", 2)
    path = tmp_path / "answers.csv"
    lines = [f"b-{n},c-{n},NPS after purchase,,{n % 11},,{days_ago(2)}\n" for n in range(5)]
    path.write_text(HEADER + "".join(lines), encoding="utf-8")
    result = runner.invoke(args=["responses", "import", str(path)])
    assert "Imported 5, already known 0, rejected 0." in result.output, result.output
    assert count(Response) == 5


def test_the_command_refuses_a_file_without_the_needed_columns(app, runner, tmp_path):
    path = tmp_path / "answers.csv"
    path.write_text("external_id,score\nz,1\n", encoding="utf-8")
    result = runner.invoke(args=["responses", "import", str(path)])
    assert result.exit_code != 0
    assert "answered_at, customer_external_id, survey" in result.output
