"""Export for a person (the right of access, issue #23): everything held about one
customer as one JSON document, from the command line, the API (admin scope) and the
customer page (admins and managers); each export in the audit log."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import select

from feedback.accounts.models import Role
from feedback.accounts.services import create_api_key
from feedback.complaints import cases as actions
from feedback.complaints.inbound import receive
from feedback.complaints.models import CallOutcome, CaseEvent
from feedback.customers.models import AuditEntry, ConsentEvent, Customer
from feedback.customers.person_export import record_count
from feedback.customers.tombstones import add_tombstone
from feedback.extensions import db
from feedback.surveys.models import PropertyKey, TouchpointEvent
from feedback.timeutil import utcnow
from tests.complaints_helpers import answer, case_of, work
from tests.conftest import PASSWORD, sign_in
from tests.inbound_helpers import mail
from tests.surveys_helpers import event

OTHER = {
    "external_id": "other-77",
    "name": "Bob Stranger",
    "email": "bob@example.org",
    "comment": "Bob's private complaint about the courier",
}


@pytest.fixture
def admin_get(client):
    """get(path) with a key that has the admin scope."""
    key = create_api_key("privacy", scopes=["admin"])[1]
    db.session.commit()

    def get(path: str):
        return client.get(path, headers={"Authorization": f"Bearer {key}"})

    return get


def _export_path(external_id: str) -> str:
    return f"/api/v1/customers/{quote(external_id, safe='')}/export"


def _person(make_user, api) -> dict:
    """Ann (c-1) with three answers, a case with a reply, a call, a note and her email
    with an attachment, a touchpoint with properties and consent history; and Bob, whom
    her export must not show."""
    agent = make_user(Role.AGENT, email="agent.smith@example.com", name="Agent Smith")
    unhappy = answer("csat", 1, "The parcel arrived crushed", customer="c-1", name="Ann Lee")
    answer("nps", 9, "Friendly driver", customer="c-1", name="Ann Lee")
    answer("ces", 6, None, customer="c-1", name="Ann Lee")
    case = case_of(unhappy)
    actions.reply(case, agent, "About your parcel", "We are sending a new one today.", "en")
    actions.log_call(case, agent, CallOutcome.REACHED, "She wants a refund instead")
    actions.add_note(case, agent, "Ann sounded upset; offer a voucher")
    db.session.commit()
    raw = mail(
        "A refund please. Photo attached.",
        sender="Ann Lee <ann@example.com>",
        subject=f"Re: About your parcel [Case #{case.id}]",
        attachments=[("crushed-box.jpg", "image/jpeg", b"\xff\xd8 not really a jpeg")],
    )
    receive(raw)
    db.session.commit()
    body = event("order-555", customer_id="c-1", name="Ann Lee")
    body["properties"] = {"store": "Shanghai", "card": "8888-1234"}
    assert api("/api/v1/touchpoints", body).status_code == 201
    db.session.scalar(select(PropertyKey).where(PropertyKey.key == "card")).label = "Loyalty card"
    ann = db.session.scalar(select(Customer).where(Customer.external_id == "c-1"))
    db.session.add(ConsentEvent(customer_id=ann.id, change="given", source="api", detail="form v3"))
    db.session.add(ConsentEvent(customer_id=ann.id, change="unsubscribed", source="link"))
    db.session.commit()
    bob = answer(
        "csat",
        2,
        OTHER["comment"],
        customer=OTHER["external_id"],
        name=OTHER["name"],
        email=OTHER["email"],
    )
    bob_case = case_of(bob)
    actions.add_note(bob_case, agent, "Bob's note: call his wife")
    db.session.add(ConsentEvent(customer_id=bob.customer_id, change="withdrawn", source="staff"))
    db.session.commit()
    work()
    return {"ann": ann, "case": case, "agent": agent}


def _everything_of_ann(document: dict, world: dict) -> None:
    """The document holds each of Ann's records, and nothing of Bob's nor staff names."""
    ann = world["ann"]
    assert document["customer"]["external_id"] == "c-1"
    assert document["customer"]["name"] == "Ann Lee"
    assert document["customer"]["email"] == "ann@example.com"
    assert document["customer"]["created_at"].endswith("+00:00")
    answers = {(a["kind"], a["score"], a["comment"]) for a in document["answers"]}
    assert answers == {
        ("csat", 1, "The parcel arrived crushed"),
        ("nps", 9, "Friendly driver"),
        ("ces", 6, None),
    }
    crushed = next(a for a in document["answers"] if a["score"] == 1)
    assert crushed["sentiment"] == "negative"
    assert crushed["touchpoint"] == "Delivery"
    (case,) = document["cases"]
    assert case["id"] == world["case"].id
    said = {(m["kind"], m["from"], m["text"]) for m in case["messages"]}
    assert said == {
        ("reply", "staff", "We are sending a new one today."),
        ("call", "staff", "She wants a refund instead"),
        ("note", "staff", "Ann sounded upset; offer a voucher"),
        ("customer_reply", "you", "A refund please. Photo attached."),
    }
    in_db = db.session.scalars(
        select(CaseEvent.kind).where(
            CaseEvent.case_id == world["case"].id, CaseEvent.body.is_not(None)
        )
    ).all()
    assert len(case["messages"]) == len(in_db)
    (received,) = document["emails_received_from_you"]
    assert received["attachments"] == ["crushed-box.jpg"]
    assert received["text"].startswith("A refund please.")
    touchpoints = db.session.scalar(
        select(db.func.count()).where(TouchpointEvent.customer_id == ann.id)
    )
    assert len(document["touchpoints"]) == touchpoints == 4
    order = next(t for t in document["touchpoints"] if t["reference"] == "order-555")
    assert order["properties"] == {"Loyalty card": "8888-1234", "store": "Shanghai"}
    assert len(document["invitations"]) == 4
    held_back = next(i for i in document["invitations"] if i["touchpoint_reference"] == "order-555")
    assert held_back["status"] == "suppressed"
    assert held_back["not_sent_because"] == "invited recently (cooldown)"
    assert [(c["change"], c["source"], c["detail"]) for c in document["consent"]] == [
        ("given", "api", "form v3"),
        ("unsubscribed", "link", ""),
    ]
    assert any("About your parcel" in m["subject"] for m in document["emails_sent_to_you"])
    text = json.dumps(document, ensure_ascii=False)
    for value in (*OTHER.values(), "Bob's note", "Agent Smith", "agent.smith@example.com"):
        assert value not in text


def test_the_api_export_holds_everything_of_that_customer_and_nothing_of_another(
    surveys, make_user, api, admin_get
):
    world = _person(make_user, api)
    response = admin_get(_export_path("c-1"))
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    document = response.get_json()
    _everything_of_ann(document, world)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "customer.export"))
    assert entry.customer_id == world["ann"].id
    assert entry.detail == "json via api"
    assert entry.api_key_id is not None
    assert entry.count == record_count(document) > 15


def test_the_command_writes_the_same_document_and_records_it(
    surveys, make_user, api, runner, tmp_path
):
    world = _person(make_user, api)
    out = runner.invoke(args=["customers", "export", "c-1"])
    assert out.exit_code == 0, out.output
    _everything_of_ann(json.loads(out.stdout_bytes.decode("utf-8")), world)
    target = tmp_path / "ann.json"
    out = runner.invoke(args=["customers", "export", "c-1", "--output", str(target)])
    assert out.exit_code == 0, out.output
    _everything_of_ann(json.loads(target.read_text(encoding="utf-8")), world)
    entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [(e.action, e.detail, e.actor) for e in entries] == [
        ("customer.export", "json via cli", "command line")
    ] * 2


def test_chinese_text_round_trips_as_chinese(surveys, runner, admin_get):
    answer("csat", 2, "快递太慢了，包装也坏了。", customer="客户-8", name="张三", locale="zh")
    out = runner.invoke(args=["customers", "export", "客户-8"])
    assert out.exit_code == 0, out.output
    raw = out.stdout_bytes.decode("utf-8")
    # readable as it is: Chinese characters, not \\u escapes
    assert "快递太慢了，包装也坏了。" in raw and '"张三"' in raw
    document = json.loads(raw)
    assert document["customer"]["name"] == "张三"
    assert document["answers"][0]["comment"] == "快递太慢了，包装也坏了。"
    assert document["answers"][0]["touchpoint"] == "配送"
    api_document = admin_get(_export_path("客户-8")).get_json()
    assert api_document["answers"][0]["comment"] == "快递太慢了，包装也坏了。"


def test_the_command_says_so_for_an_unknown_or_erased_customer(app, runner):
    out = runner.invoke(args=["customers", "export", "nobody-1"])
    assert out.exit_code == 1
    assert "No customer has the external id 'nobody-1'" in out.output
    add_tombstone("gone-2", "gone@example.com")
    db.session.commit()
    out = runner.invoke(args=["customers", "export", "gone-2"])
    assert out.exit_code == 1
    assert "was erased" in out.output
    assert db.session.scalars(select(AuditEntry)).all() == []


def test_the_api_needs_the_admin_scope(surveys, client, api_key):
    answer("csat", 5, customer="c-1")
    response = client.get(_export_path("c-1"), headers={"Authorization": f"Bearer {api_key}"})
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "insufficient_scope"
    assert db.session.scalars(select(AuditEntry)).all() == []


def test_the_api_answers_404_for_unknown_and_erased_customers(surveys, admin_get):
    response = admin_get(_export_path("nobody-1"))
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"
    add_tombstone("gone-2", "gone@example.com")
    # an erased row keeps its place, under a random "erased-..." id
    customer = answer("csat", 5, customer="erased-0123456789abcdef01234567").customer
    customer.erased_at = utcnow()
    db.session.commit()
    for external_id in ("gone-2", "erased-0123456789abcdef01234567"):
        response = admin_get(_export_path(external_id))
        assert response.status_code == 404
        error = response.get_json()["error"]
        assert error["code"] == "erased"
        assert "erased" in error["message"]
    assert db.session.scalars(select(AuditEntry)).all() == []


def test_an_external_id_with_slashes_is_exported(surveys, admin_get):
    answer("csat", 4, "ok", customer="shop/42/export")
    response = admin_get(_export_path("shop/42/export"))
    assert response.status_code == 200
    assert response.get_json()["customer"]["external_id"] == "shop/42/export"


@pytest.mark.parametrize("role", [Role.MANAGER, Role.ADMIN])
def test_managers_and_admins_download_it_from_the_customer_page(surveys, make_user, api, role, app):
    world = _person(make_user, api)
    client = app.test_client()
    user = make_user(role)

    sign_in(client, user)
    page = client.get(f"/customers/{world['ann'].id}").get_data(as_text=True)
    link = f"/customers/{world['ann'].id}/export.json"
    assert f'href="{link}"' in page and "Download data (JSON)" in page
    response = client.get(link)
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Cache-Control"] == "no-store"
    _everything_of_ann(json.loads(response.get_data(as_text=True)), world)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "customer.export"))
    assert (entry.user_id, entry.detail, entry.customer_id) == (
        user.id,
        "json via page",
        world["ann"].id,
    )


def test_agents_get_no_link_and_403(surveys, agent_client):
    customer = answer("csat", 5, "fine", customer="c-1").customer
    page = agent_client.get(f"/customers/{customer.id}").get_data(as_text=True)
    assert "Download data (JSON)" not in page
    assert agent_client.get(f"/customers/{customer.id}/export.json").status_code == 403
    actions = db.session.scalars(select(AuditEntry.action)).all()
    assert actions == ["customer.view"]  # the page's view; no export


def test_an_erased_customer_has_no_download(surveys, manager_client):
    customer = answer("csat", 5, customer="c-1").customer
    customer.erased_at = utcnow()
    db.session.commit()
    page = manager_client.get(f"/customers/{customer.id}").get_data(as_text=True)
    assert "Download data (JSON)" not in page
    assert manager_client.get(f"/customers/{customer.id}/export.json").status_code == 404


def test_a_manager_clicks_the_link_in_chromium_and_gets_the_file(
    surveys, make_user, live_server, browser
):
    customer = answer("csat", 2, "包装破了", customer="客户-9", name="李四", locale="zh").customer
    manager = make_user(Role.MANAGER)
    context = browser.new_context(locale="en-US", accept_downloads=True)
    page = context.new_page()
    page.goto(f"{live_server}/login")
    page.get_by_label("Email").fill(manager.email)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server}/customers/{customer.id}")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download data (JSON)").click()
    assert download.value.suggested_filename == f"customer-{customer.id}.json"
    document = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert document["customer"]["name"] == "李四"
    assert document["answers"][0]["comment"] == "包装破了"
    context.close()
    db.session.expire_all()
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "customer.export"))
    assert (entry.user_id, entry.detail) == (manager.id, "json via page")
