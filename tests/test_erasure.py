"""Erasing a customer (issue #23's "done when"): afterwards no table, no captured mail
holds their email, name, phone, external id or what they wrote, and every figure of the
dashboard and the Loyalty page is what it was. Runs on both databases."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from sqlalchemy import MetaData, select

from feedback.accounts.models import Role
from feedback.complaints import cases as actions
from feedback.complaints.enums import CallOutcome
from feedback.complaints.inbound import receive
from feedback.customers.erasure import erase_by_external_id, erase_customer
from feedback.customers.models import AuditEntry, ConsentEvent, Customer, Tombstone
from feedback.events import DomainEvent
from feedback.extensions import db
from feedback.notify.webhook_models import EVENT_TYPES, DeliveryStatus, HookDelivery, HookKind
from feedback.notify.webhooks import create_hook
from feedback.outbox.delivery import deliver_due
from feedback.outbox.models import OutboxMessage, OutboxStatus
from feedback.surveys.models import PropertyKey, Response
from tests.complaints_helpers import answer, case_of, work
from tests.inbound_helpers import mail
from tests.surveys_helpers import event

ANN = {"customer": "crm-ann-7731", "email": "ann.lee@example.com", "name": "Ann Lee"}
COMMENTS = [
    "Ann Lee here: the courier lost my parcel twice and nobody called back",
    "Delivery was slow again, my neighbour Zhou Min had to sign for it",
]
NOTE = "She prefers calls after six, flat 12 at Nanjing Road"
REPLY = "We are very sorry, the courier will bring the parcel tomorrow morning"
CALL = "Spoke to her about the refund for order 88123"
CUSTOMER_MAIL = "Please call me back, my spare number is 139 1111 2222"
ATTACHMENT = ("receipt-ann-lee.pdf", "application/pdf", b"%PDF passport E99887766")
ADDRESS = "12 Nanjing Road West, Jing'an"
#: Chinese text is escaped in JSON and MIME-encoded in mail: the search must decode both
ADDRESS_ZH = "静安区南京西路12号"
#: everything that identifies Ann, as she or the staff wrote it
NEEDLES = [
    ANN["customer"],
    ANN["email"],
    ANN["name"],
    "+8613800138000",
    "+86 138 0013 8000",
    "13800138000",
    *COMMENTS,
    NOTE,
    REPLY,
    CALL,
    CUSTOMER_MAIL,
    ATTACHMENT[0],
    "E99887766",
    ADDRESS,
    ADDRESS_ZH,
    "order-ann-1",
    "import-ann-9",
]


@pytest.fixture
def topics(app):
    from tests.topic_helpers import ensure_default_topics

    ensure_default_topics()
    db.session.commit()


def _others() -> None:
    """Other customers' answers: the figures must keep counting them, and Ann's."""
    scores = [("nps", 10), ("nps", 9), ("nps", 3), ("nps", 7), ("csat", 5), ("csat", 2)]
    scores += [("ces", 6), ("ces", 2), ("nps", 10), ("nps", 0), ("csat", 4), ("nps", 8)]
    comments = ["Fast delivery, friendly courier", "The app kept crashing at checkout", None]
    for n, (kind, score) in enumerate(scores):
        answer(
            kind,
            score,
            comments[n % 3],
            customer=f"other-{n}",
            email=f"other{n}@example.com",
            name=f"Customer {n}",
            tier="gold",
        )


def _ann(app, api, make_user):
    """Ann: answers with comments, a case with a whole conversation (a reply, a note, a
    call, her email with an attachment), a webhook with deliveries waiting, mail sent
    (captured) and waiting, staff notices. Returns her case."""
    db.session.add(PropertyKey(key="address", personal=True))
    app.config.update(WEBHOOK_ALLOW_PRIVATE=True, MAIL_REPLY_ADDRESS="support@example.com")
    # not customer.erased: that one carries her external id until it is sent or given up
    # (tests/test_erasure_webhook.py), and this hook's address never takes a delivery
    names = [name for name in EVENT_TYPES if name != "customer.erased"]
    create_hook(HookKind.WEBHOOK, "http://127.0.0.1:9/hook", names)
    make_user(Role.MANAGER, email="boss@example.com")
    agent = make_user(Role.AGENT, email="agent@example.com", name="Li Wei")
    db.session.commit()
    body = event("order-ann-1", touchpoint="purchase", customer_id=ANN["customer"])
    body["customer"].update(email=ANN["email"], name=ANN["name"], phone="+86 138 0013 8000")
    body["customer"]["tier"] = "vip"
    body["properties"] = {"store": "Shanghai", "address": ADDRESS}
    assert api("/api/v1/touchpoints", body).status_code in (200, 201, 202)
    unhappy = answer("nps", 2, COMMENTS[0], tier="vip", **ANN)
    answer("csat", 3, COMMENTS[1], tier="vip", **ANN)
    answer("ces", 6, None, tier="vip", **ANN)
    case = case_of(unhappy)
    actions.reply(case, agent, "About your parcel, Ann Lee", f"Dear Ann Lee, {REPLY}.", "en")
    actions.add_note(case, agent, NOTE)
    actions.log_call(case, agent, CallOutcome.REACHED, CALL)
    db.session.commit()
    work()
    deliver_due("test")  # the notices and the reply, sent: captured as .eml files
    raw = mail(
        f"{CUSTOMER_MAIL}\n{ADDRESS_ZH}\n\nAnn Lee\n+86 138 0013 8000",
        sender=f"Ann Lee <{ANN['email']}>",
        subject=f"Re: About your parcel, Ann Lee [Case #{case.id}]",
        attachments=[ATTACHMENT],
        charset="gb18030",  # as many Chinese mail clients send: not readable undecoded
    )
    assert receive(raw).outcome == "matched"
    db.session.commit()
    work()  # the owner's notice "the customer replied", waiting in the outbox
    actions.reply(case, agent, "Your refund", "Dear Ann Lee, the refund is on its way.", "en")
    db.session.commit()
    return case


def _figures(client, manager_client, api_key) -> dict:
    headers = {"Authorization": f"Bearer {api_key}"}
    figures = {}
    for path in ("/api/v1/summary", "/api/v1/loyalty", "/api/v1/drivers?kind=nps"):
        response = client.get(path, headers=headers)
        assert response.status_code == 200, path
        figures[path] = response.get_json()
    for path in ("/dashboard", "/loyalty"):
        page = manager_client.get(path)
        assert page.status_code == 200, path
        main = page.get_data(as_text=True).split("<main", 1)[-1].split("</main>", 1)[0]
        main = re.sub(r'name="csrf_token"[^>]*>', "", main)
        figures[path] = re.findall(r"-?\d+(?:[.,]\d+)?%?", re.sub(r"<[^>]+>", " ", main))
    return figures


def _mail_text(data: bytes) -> str:
    """An email's decoded headers and parts (base64, quoted-printable, RFC 2047 words)."""
    from email import policy
    from email.parser import BytesParser

    message = BytesParser(policy=policy.default).parsebytes(data)
    texts = [str(v) for v in message.values()]
    for part in message.walk():
        payload = part.get_payload(decode=True)
        if payload:
            texts.append(payload.decode(part.get_content_charset() or "utf-8", "replace"))
    return "\n".join(texts)


def _as_text(value) -> str:
    """A stored value as text to search; bytes also as the email they may be."""
    if isinstance(value, bytes | memoryview):
        data = bytes(value)
        return data.decode("utf-8", "replace") + "\n" + _mail_text(data)
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False)
    return "" if value is None else str(value)


def found_in_database(needles: list[str]) -> list[tuple[str, str, str]]:
    """(table, column, needle) for every stored value holding a needle, in every table
    of the database (reflected, so tables the models do not name count too)."""
    tables = MetaData()
    tables.reflect(bind=db.session.connection())
    found = []
    for table in tables.sorted_tables:
        for row in db.session.execute(select(table)).mappings():
            for column, value in row.items():
                text = _as_text(value).lower()
                found += [
                    (table.name, column, n)
                    for n in needles
                    # JSON kept in a text column may hold "\u9759" for "静"
                    if n.lower() in text or json.dumps(n)[1:-1].lower() in text
                ]
    return found


def found_in_mail(app, needles: list[str]) -> list[tuple[str, str]]:
    from email import policy
    from email.parser import BytesParser

    found = []
    for path in Path(app.config["MAIL_CAPTURE_DIR"]).glob("*.eml"):
        data = path.read_bytes()
        message = BytesParser(policy=policy.default).parsebytes(data)
        texts = [data.decode("utf-8", "replace"), *(str(v) for v in message.values())]
        texts += [p.get_content() for p in message.walk() if p.get_content_maintype() == "text"]
        texts.append(_mail_text(data))
        text = "\n".join(texts).lower()
        found += [(path.name, n) for n in needles if n.lower() in text]
    return found


def test_an_erased_customer_is_nowhere_and_the_figures_stay(
    app, client, surveys, topics, api, api_key, make_user, manager_client
):
    _others()
    case = _ann(app, api, make_user)
    ann = db.session.scalar(select(Customer).where(Customer.external_id == ANN["customer"]))
    assert ann.phone == "+8613800138000"
    # the scene is as the test means it: Ann is everywhere, mail sent and waiting
    assert {t for t, _c, _n in found_in_database(NEEDLES)} >= {
        "customers",
        "responses",
        "case_events",
        "inbound_messages",
        "inbound_attachments",
        "outbox_messages",
        "hook_deliveries",
        "touchpoint_events",
    }
    assert found_in_mail(app, NEEDLES)
    # the search reads the received email's MIME-encoded text too
    assert ("inbound_messages", "raw", ADDRESS_ZH) in found_in_database([ADDRESS_ZH])
    statuses = set(db.session.scalars(select(OutboxMessage.status)))
    assert {OutboxStatus.SENT, OutboxStatus.PENDING} <= statuses
    assert db.session.scalar(
        select(HookDelivery.id).where(HookDelivery.status == DeliveryStatus.PENDING).limit(1)
    )
    tagged = db.session.execute(
        select(Response.id, Response.language, Response.sentiment, Response.polarity)
        .where(Response.customer_id == ann.id)
        .order_by(Response.id)
    ).all()
    before = _figures(client, manager_client, api_key)

    assert erase_by_external_id(ANN["customer"], reason="request 2026-118") == "erased"
    db.session.commit()
    work()  # the worker's reactions after the erasure change nothing back
    deliver_due("test")  # mail still waiting: the staff notice goes, without her

    assert found_in_database(NEEDLES) == []
    assert found_in_mail(app, NEEDLES) == []
    assert _figures(client, manager_client, api_key) == before

    db.session.expire_all()
    ann = db.session.get(Customer, ann.id)
    assert ann.erased_at is not None and ann.unsubscribed_at is not None
    assert ann.tier == "vip"  # what the figures group by stays
    assert (
        db.session.execute(
            select(Response.id, Response.language, Response.sentiment, Response.polarity)
            .where(Response.customer_id == ann.id)
            .order_by(Response.id)
        ).all()
        == tagged
    )
    assert set(
        db.session.scalars(select(Response.comment).where(Response.customer_id == ann.id))
    ) <= {"", None}
    # the waiting notice about her case still reached the agent, without her name
    notice = db.session.scalar(
        select(OutboxMessage).where(
            OutboxMessage.kind == "staff_notice",
            OutboxMessage.to_address == "agent@example.com",
            OutboxMessage.subject.contains(f"#{case.id}"),
        )
    )
    assert notice.status is OutboxStatus.SENT and "[erased]" in notice.body_text
    # the reply to her that waited was never sent
    assert OutboxStatus.CANCELLED in set(db.session.scalars(select(OutboxMessage.status)))
    # the webhook deliveries waiting still go, without her external id
    waiting = db.session.scalars(
        select(HookDelivery.body).where(HookDelivery.status == DeliveryStatus.PENDING)
    ).all()
    assert any('"customer_external_id": "[erased]"' in body for body in waiting)
    assert db.session.scalar(select(Tombstone.id)) is not None
    assert (
        db.session.scalar(select(ConsentEvent.change).where(ConsentEvent.customer_id == ann.id))
        == "withdrawn"
    )
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "customer.erase"))
    assert (entry.customer_id, entry.detail, entry.actor) == (
        ann.id,
        "request 2026-118",
        "command line",
    )
    erased = db.session.scalar(select(DomainEvent).where(DomainEvent.type == "customer.erased"))
    assert erased.data["customer_id"] == ann.id


def test_a_second_erase_says_already(app, surveys):
    response = answer("csat", 2, "The driver was rude to me", **ANN)
    customer = response.customer
    assert erase_customer(customer, reason="ticket 1") is True
    db.session.commit()
    assert erase_customer(customer, reason="ticket 1") is False
    assert erase_by_external_id(ANN["customer"], reason="ticket 1") == "already"
    assert erase_by_external_id("nobody-at-all", reason="ticket 1") == "unknown"
    db.session.commit()
    assert db.session.query(AuditEntry).count() == 1


def test_the_erased_customers_survey_link_stops_working(app, link):
    assert app.test_client().get(link).status_code == 200
    assert erase_by_external_id("c-42", reason="ticket 2") == "erased"
    db.session.commit()
    for path in (link, link + "?score=5", link + "/unsubscribe"):
        assert app.test_client().get(path).status_code in (404, 410), path
    page = app.test_client().post(link, data={"score": "5"})
    assert page.status_code in (400, 404, 410)


def test_the_command_erases_asks_first_and_says_already(app, surveys, runner):
    answer("csat", 2, "The driver was rude to me", **ANN)
    asked = runner.invoke(
        args=["customers", "erase", ANN["customer"], "--reason", "t 3"], input="n\n"
    )
    assert asked.exit_code != 0 and "cannot be undone" in asked.output
    assert db.session.scalar(select(Customer.erased_at)) is None

    done = runner.invoke(args=["customers", "erase", ANN["customer"], "--reason", "t 3", "--yes"])
    assert done.exit_code == 0, done.output
    assert "Erased customer crm-ann-7731" in done.output
    again = runner.invoke(args=["customers", "erase", ANN["customer"], "--reason", "t 3", "--yes"])
    assert again.exit_code == 0 and "erased already" in again.output
    unknown = runner.invoke(args=["customers", "erase", "nobody", "--reason", "t 3", "--yes"])
    assert unknown.exit_code != 0 and "No customer" in unknown.output
    no_reason = runner.invoke(args=["customers", "erase", "nobody", "--reason", " ", "--yes"])
    assert no_reason.exit_code != 0 and "reason" in no_reason.output


def test_the_worker_never_tags_an_erased_comment_again(app, surveys, topics):
    from feedback import events
    from feedback.tagging.services import bump_taxonomy_version, retag, tag_comment

    response = answer("nps", 2, "Slow delivery and a rude courier", **ANN)
    tags = (response.language, response.sentiment, response.polarity)
    assert tags[1] is not None
    erase_customer(response.customer, reason="ticket 4")
    db.session.commit()
    # delivery is at least once: the answer's event handed to a worker again
    row = db.session.scalar(select(DomainEvent).where(DomainEvent.type == "answer.recorded"))
    tag_comment(events.TYPES[row.type].from_data(row.data))
    db.session.commit()
    # and a change of the topics has every comment tagged again
    bump_taxonomy_version()
    db.session.commit()
    for _done in retag():
        db.session.commit()
    for _done in retag(stale_only=True):
        db.session.commit()
    db.session.expire_all()
    again = db.session.get(Response, response.id)
    assert (again.language, again.sentiment, again.polarity) == tags
    assert again.comment == "" and again.comment_erased_at is not None


def test_pages_say_comment_erased(app, surveys, manager_client):
    response = answer("csat", 1, "The driver was rude to me", **ANN)
    case = case_of(response)
    erase_customer(response.customer, reason="ticket 6")
    db.session.commit()
    for path in (
        f"/customers/{response.customer_id}",
        f"/cases/{case.id}",
        "/answers",
        "/dashboard",
    ):
        page = manager_client.get(path)
        assert page.status_code == 200, path
        text = page.get_data(as_text=True)
        assert "Comment erased" in text, path
        assert "rude" not in text and ANN["name"] not in text, path
