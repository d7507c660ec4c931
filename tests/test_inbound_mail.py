"""Customers' emails back to their cases: the reply address on case mail, each way a
message finds its case, what it does to the case, what is kept, and what is ignored."""

from __future__ import annotations

import email
import threading
from email import policy
from pathlib import Path

import pytest
from sqlalchemy import select

from feedback.complaints import cases as actions
from feedback.complaints.inbound import receive
from feedback.complaints.inbound_models import InboundAttachment, InboundMessage, InboundStatus
from feedback.complaints.models import Case, CaseEvent, CaseSource, CaseStatus, ResolutionCode
from feedback.complaints.reply_address import case_id_from, reply_address
from feedback.events import DomainEvent
from feedback.extensions import db
from feedback.outbox.delivery import deliver_due
from feedback.outbox.models import OutboxMessage
from tests.complaints_helpers import answer, case_of
from tests.inbound_helpers import mail

REPLY_BASE = "support@example.com"


@pytest.fixture
def case(app, surveys, make_user):
    """Ann's case, answered by an agent's reply (sent through the outbox)."""
    app.config["MAIL_REPLY_ADDRESS"] = REPLY_BASE
    found = case_of(answer("csat", 1))
    agent = make_user(name="Li Wei")
    actions.reply(found, agent, "About your delivery", "When may we call you?", "en")
    db.session.commit()
    return found


def sent_reply(case_id: int) -> OutboxMessage:
    return db.session.scalar(
        select(OutboxMessage)
        .join(CaseEvent, CaseEvent.outbox_message_id == OutboxMessage.id)
        .where(CaseEvent.case_id == case_id)
    )


def replies_on(case_id: int) -> list[CaseEvent]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(CaseEvent).where(
                CaseEvent.case_id == case_id, CaseEvent.kind == "customer_reply"
            )
        )
    )


def published(type_name: str) -> list[dict]:
    return [
        row.data
        for row in db.session.scalars(select(DomainEvent).where(DomainEvent.type == type_name))
    ]


def deliver(raw: bytes):
    result = receive(raw)
    db.session.commit()
    return result


# --- the reply address -------------------------------------------------------------


def test_case_mail_carries_a_signed_reply_address_and_a_remembered_message_id(case, app):
    message = sent_reply(case.id)
    address = message.headers["Reply-To"]
    local, domain = address.split("@")
    assert domain == "example.com" and local.startswith(f"support+c{case.id}.")
    assert case_id_from(address) == case.id
    # another case's number with this token, or a guessed token, leads nowhere
    assert case_id_from(address.replace(f"+c{case.id}.", f"+c{case.id + 1}.")) is None
    assert case_id_from(f"support+c{case.id}.aaaaaaaaaa@example.com") is None
    deliver_due("test")
    [eml] = Path(app.config["MAIL_CAPTURE_DIR"]).glob("*.eml")
    sent = email.message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert sent["Reply-To"] == address
    assert sent["Message-ID"] == message.message_id


def test_without_a_reply_address_setting_no_reply_to_is_added(app, surveys, make_user):
    app.config["MAIL_REPLY_ADDRESS"] = None
    found = case_of(answer("csat", 1))
    actions.reply(found, make_user(), "Hello", "Hello again", "en")
    db.session.commit()
    assert "Reply-To" not in sent_reply(found.id).headers
    assert reply_address(found.id) is None


# --- matching -------------------------------------------------------------------------


@pytest.mark.parametrize("header", ["To", "Cc", "Delivered-To", "X-Original-To"])
def test_the_reply_address_finds_the_case_in_any_address_header(case, header):
    address = reply_address(case.id)
    headers = {} if header == "To" else {header: address}
    to = address if header == "To" else "someone@example.org"
    # from an address the customer never gave us: the reply address alone decides
    result = deliver(mail(to=to, sender="ann.home@example.net", headers=headers))
    assert (result.outcome, result.case_id) == ("matched", case.id)
    [event] = replies_on(case.id)
    assert event.body == "Please call me tomorrow at 3." and event.actor_id is None
    assert event.detail == "Re: Your feedback [Case #1]"
    assert event.inbound_message.matched_by == "address"


def test_in_reply_to_finds_the_case_of_the_mail_it_answers(case):
    sent = sent_reply(case.id).message_id
    raw = mail(sender="other@example.net", headers={"In-Reply-To": sent})
    assert deliver(raw).case_id == case.id
    assert replies_on(case.id)[0].inbound_message.matched_by == "thread"
    # and References alone, with ids the service does not know around it
    raw = mail(sender="other@example.net", headers={"References": f"<x@y> {sent} <z@w>"})
    assert deliver(raw).case_id == case.id


def test_the_sender_finds_their_one_case_in_the_queue(case):
    result = deliver(mail(sender="ANN@example.com"))
    assert (result.outcome, result.case_id) == ("matched", case.id)
    assert published("case.customer_replied") == [
        {"case_id": case.id, "inbound_message_id": result.inbound_message_id}
    ]


def test_a_message_that_matches_nothing_or_several_is_kept_unmatched(case):
    result = deliver(mail(sender="stranger@example.net"))
    assert (result.outcome, result.case_id) == ("unmatched", None)
    # two customers with one address, each with a case in the queue: nobody can tell
    case_of(answer("csat", 1, customer="c-2", email="ann@example.com"))
    result = deliver(mail(sender="ann@example.com"))
    assert result.outcome == "unmatched"
    stored = db.session.scalars(select(InboundMessage).order_by(InboundMessage.id)).all()
    assert [m.status for m in stored] == [InboundStatus.UNMATCHED] * 2
    assert published("case.customer_replied") == []


# --- what a reply does to the case --------------------------------------------------


def test_a_reply_to_a_pending_case_opens_it_and_runs_the_resolution_clock(case):
    case = db.session.get(Case, case.id)
    actions.set_pending(case, case.owner)
    db.session.commit()
    assert case.resolution_due_at is None
    deliver(mail(to=reply_address(case.id)))
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    assert case.status is CaseStatus.OPEN
    assert case.resolution_due_at is not None and case.pending_since is None


def test_a_reply_to_a_resolved_case_reopens_it(case):
    case = db.session.get(Case, case.id)
    actions.resolve(case, case.owner, ResolutionCode.SOLVED)
    db.session.commit()
    deliver(mail(to=reply_address(case.id), body="It broke again."))
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    assert case.status is CaseStatus.OPEN and case.resolved_at is None
    assert published("case.reopened") == [{"case_id": case.id}]
    assert replies_on(case.id)[0].body == "It broke again."


def test_a_reply_to_a_closed_case_opens_a_new_case_linked_to_it(case):
    case = db.session.get(Case, case.id)
    actions.resolve(case, case.owner, ResolutionCode.SOLVED)
    actions.close(case, None)
    db.session.commit()
    result = deliver(mail(to=reply_address(case.id), body="Still not fixed."))
    new = db.session.get(Case, result.case_id)
    assert new.id != case.id and new.previous_case_id == case.id
    assert new.source is CaseSource.EMAIL and new.status is CaseStatus.NEW
    assert new.priority.value == "normal" and new.first_response_due_at > new.opened_at
    assert replies_on(new.id)[0].body == "Still not fixed."
    assert published("case.opened")[-1] == {"case_id": new.id, "response_id": None}
    # the next message to the old address goes to the new case, not to a third one
    again = deliver(mail(to=reply_address(case.id), body="Hello?"))
    assert again.case_id == new.id
    assert db.session.scalar(select(db.func.count()).select_from(Case)) == 2


# --- what is kept, and what is not acted on ---------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {"Auto-Submitted": "auto-replied"},
        {"Precedence": "bulk"},
        {"X-Autoreply": "yes"},
        {"X-Autorespond": "Out of office"},
    ],
)
def test_auto_replies_are_kept_but_reopen_nothing(case, headers):
    case = db.session.get(Case, case.id)
    actions.resolve(case, case.owner, ResolutionCode.SOLVED)
    db.session.commit()
    result = deliver(mail(to=reply_address(case.id), headers=headers, body="I am away."))
    assert (result.outcome, result.case_id) == ("auto", None)
    db.session.expire_all()
    assert db.session.get(Case, case.id).status is CaseStatus.RESOLVED
    assert replies_on(case.id) == [] and published("case.customer_replied") == []


@pytest.mark.parametrize("sender", ["MAILER-DAEMON@mx.example.com", "bounces@mx.example.com"])
@pytest.mark.parametrize("dsn", [True, False])
def test_bounces_are_automatic(case, sender, dsn):
    """A delivery status notification, whoever sends it; and anything from the mailer
    daemon."""
    report = email.message.EmailMessage()
    report["From"] = sender
    report["To"] = reply_address(case.id)
    report["Subject"] = "Undelivered Mail Returned to Sender"
    report.set_content("The mail could not be delivered.")
    if dsn:
        status = email.message.EmailMessage()
        status.set_content("Status: 5.1.1\n")
        report.make_mixed()
        report.attach(status)
        report.replace_header("Content-Type", "multipart/report; report-type=delivery-status")
    expected = "auto" if dsn or sender.startswith("MAILER") else "matched"
    assert deliver(report.as_bytes()).outcome == expected


def test_quoted_text_and_signature_are_trimmed_and_the_original_kept(case):
    body = (
        "Tuesday after 2 pm suits me.\n\n-- \nAnn Lee\nSent from my phone\n\n"
        "On Mon, 23 Nov 2026 at 10:00, Support <support@example.com> wrote:\n"
        "> When may we call you?\n"
    )
    raw = mail(to=reply_address(case.id), body=body)
    result = deliver(raw)
    stored = db.session.get(InboundMessage, result.inbound_message_id)
    assert stored.trimmed_text == "Tuesday after 2 pm suits me."
    assert "When may we call you?" in stored.body_text
    assert stored.raw == raw
    assert replies_on(case.id)[0].body == "Tuesday after 2 pm suits me."


@pytest.mark.parametrize("charset", ["gb18030", "utf-8"])
def test_chinese_subjects_and_bodies_decode(case, charset):
    body = "请明天下午三点给我打电话。\n\n在 2026年11月23日 10:00，客服 写道：\n> 什么时候方便？\n"
    raw = mail(to=reply_address(case.id), subject="回复：关于您的反馈", body=body, charset=charset)
    stored = db.session.get(InboundMessage, deliver(raw).inbound_message_id)
    assert stored.subject == "回复：关于您的反馈"
    assert stored.trimmed_text == "请明天下午三点给我打电话。"


def test_attachments_are_stored_up_to_the_size_limit(case, app):
    app.config["MAIL_ATTACHMENT_MAX_BYTES"] = 1000
    raw = mail(
        to=reply_address(case.id),
        attachments=[
            ("receipt.pdf", "application/pdf", b"%PDF-1.4 small"),
            ("../../photo.jpg", "image/jpeg", b"x" * 5000),
        ],
    )
    result = deliver(raw)
    small, large = db.session.scalars(
        select(InboundAttachment)
        .where(InboundAttachment.message_id == result.inbound_message_id)
        .order_by(InboundAttachment.id)
    ).all()
    assert (small.filename, small.content_type, small.data) == (
        "receipt.pdf",
        "application/pdf",
        b"%PDF-1.4 small",
    )
    assert (large.filename, large.size, large.data) == ("photo.jpg", 5000, None)


def test_the_same_message_received_twice_is_stored_once(case):
    raw = mail(to=reply_address(case.id))
    first, second = deliver(raw), deliver(raw)
    assert second.outcome == "duplicate"
    assert second.inbound_message_id == first.inbound_message_id
    no_id = mail(to=reply_address(case.id), message_id=None, body="No id.")
    assert deliver(no_id).inbound_message_id == deliver(no_id).inbound_message_id
    assert len(replies_on(case.id)) == 2
    assert db.session.scalar(select(db.func.count()).select_from(InboundMessage)) == 2


def test_two_deliveries_of_one_message_at_once_store_it_once(case, app):
    raw = mail(to=reply_address(case.id))
    barrier, outcomes = threading.Barrier(2), []

    def deliver_in_thread():
        with app.app_context():
            barrier.wait()
            outcomes.append(deliver(raw).outcome)
            db.session.remove()

    threads = [threading.Thread(target=deliver_in_thread) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["duplicate", "matched"]
    assert len(replies_on(case.id)) == 1


def test_an_answer_to_the_follow_up_survey_email_finds_its_case(case):
    from feedback.surveys import invitations
    from feedback.surveys.models import Invitation

    case = db.session.get(Case, case.id)
    actions.resolve(case, case.owner, ResolutionCode.SOLVED)
    db.session.commit()
    assert invitations.send_due_invitations() == 1
    followup = db.session.get(Invitation, case.followup_invitation_id)
    sent = db.session.get(OutboxMessage, followup.outbox_message_id).message_id
    # written from another address, so only the thread can tell
    raw = mail(sender="ann.work@example.org", headers={"In-Reply-To": sent}, body="Not happy.")
    assert deliver(raw).case_id == case.id
    db.session.expire_all()
    assert db.session.get(Case, case.id).status is CaseStatus.OPEN


def test_the_reply_email_tells_the_customer_they_may_answer_it(case):
    expected = (Path(__file__).parent / "expected" / "case_reply_en.txt").read_text()
    message = sent_reply(case.id)
    shown = f"Subject: {message.subject}\n\n{message.body_text}"
    assert shown == expected.replace("{id}", str(case.id))


def test_a_message_with_nul_characters_and_broken_headers_is_stored(case):
    raw = (
        b"From: Ann Lee <ann@example.com>\r\nTo: <<<not an address\r\n"
        b"Subject: Hello\x00there\r\nMessage-ID: <nul@example.com>\r\n\r\n"
        b"Call me\x00 at 3.\r\n"
    )
    result = deliver(raw)
    stored = db.session.get(InboundMessage, result.inbound_message_id)
    assert (stored.subject, stored.body_text) == ("Hellothere", "Call me at 3.")
    assert stored.raw == raw and result.case_id == case.id  # by its sender
