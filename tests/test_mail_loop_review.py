"""The mail loop as the parts fit together after the merge: mail sent from a case (the
promise, the follow-up) leads the customer's answer back to it, a reply through the real
path (receive -> reactions -> outbox) reaches the owner once, and automatic mail that
staff attach to a case moves nothing and tells nobody."""

from __future__ import annotations

from collections import defaultdict
from email.header import decode_header, make_header

import pytest
from sqlalchemy import select

from feedback.brand.services import save_brand
from feedback.complaints import cases as actions
from feedback.complaints.inbound import receive
from feedback.complaints.inbound_models import InboundAttachment, InboundMessage, InboundStatus
from feedback.complaints.models import Case, CaseStatus, ResolutionCode
from feedback.complaints.reply_address import case_id_from, reply_address
from feedback.extensions import db
from feedback.outbox.delivery import deliver_due
from feedback.surveys.invitations import send_due_invitations
from tests.complaints_helpers import answer, case_of, work
from tests.inbound_helpers import mail

REPLY_BASE = "support@example.com"


@pytest.fixture
def replies_back(app):
    app.config["MAIL_REPLY_ADDRESS"] = REPLY_BASE


def delivered(smtp_server) -> dict[str, list]:
    """Deliver the outbox; what each address received since the last call."""
    deliver_due("test")
    received = defaultdict(list)
    for message in smtp_server.handler_obj.messages:
        received[message["To"]].append(message)
    smtp_server.handler_obj.messages.clear()
    return received


def subjects(messages) -> list[str]:
    return [str(make_header(decode_header(m["Subject"]))) for m in messages]


def test_the_promise_email_leads_an_answer_back_to_its_case(
    app, surveys, replies_back, smtp_server
):
    save_brand({"promise_email": True})
    db.session.commit()
    case = case_of(answer("csat", 1))
    work()  # the worker queues the promise
    (promise,) = delivered(smtp_server)[case.customer.email]
    assert case_id_from(promise["Reply-To"]) == case.id


def test_the_follow_up_survey_leads_an_answer_back_to_its_case(
    app, surveys, make_user, replies_back, smtp_server
):
    agent = make_user(name="Li Wei")
    case = case_of(answer("csat", 1))
    actions.claim(case, agent)
    actions.reply(case, agent, "Sorry", "We fixed it.", "en")
    actions.resolve(case, agent, ResolutionCode.SOLVED)
    db.session.commit()
    send_due_invitations("test")
    messages = delivered(smtp_server)[case.customer.email]
    followup = [m for m in messages if "Case #" not in str(m["Subject"])]
    assert followup, subjects(messages)
    assert case_id_from(followup[-1]["Reply-To"]) == case.id


def test_a_reply_that_reopens_a_case_tells_the_owner_once(
    app, surveys, make_user, replies_back, smtp_server
):
    owner = make_user(name="Li Wei")
    case = case_of(answer("csat", 1))
    actions.claim(case, owner)
    actions.reply(case, owner, "Sorry", "We fixed it.", "en")
    actions.resolve(case, owner, ResolutionCode.SOLVED)
    db.session.commit()
    work()
    delivered(smtp_server)

    # the customer answers the agent's mail, through the real path
    received = receive(mail(to=reply_address(case.id), body="It broke again."))
    db.session.commit()
    assert received.outcome == "matched"
    work()
    db.session.expire_all()
    assert db.session.get(Case, case.id).status is CaseStatus.OPEN
    told = delivered(smtp_server)[owner.email]
    assert len(told) == 1, subjects(told)


def test_staff_attaching_a_bounce_reopens_nothing_and_tell_nobody(
    app, surveys, make_user, agent_client, replies_back, smtp_server
):
    owner = agent_client.user
    case = case_of(answer("csat", 1))
    actions.claim(case, owner)
    actions.reply(case, owner, "Sorry", "We fixed it.", "en")
    actions.resolve(case, owner, ResolutionCode.SOLVED)
    db.session.commit()
    work()
    delivered(smtp_server)
    bounce = receive(
        mail(
            sender="MAILER-DAEMON@mx.example.com",
            to="support@example.com",
            subject="Undelivered Mail Returned to Sender",
            body="Your message could not be delivered.",
        )
    )
    db.session.commit()
    assert bounce.outcome == "auto"

    response = agent_client.submit(
        f"/mail/{bounce.inbound_message_id}/attach", data={"case_number": case.id}
    )
    assert response.status_code == 303
    work()
    db.session.expire_all()
    row = db.session.get(InboundMessage, bounce.inbound_message_id)
    assert row.case_id == case.id and row.status is InboundStatus.MATCHED
    assert db.session.get(Case, case.id).status is CaseStatus.RESOLVED
    assert delivered(smtp_server) == {}
    assert db.session.scalar(select(Case.id).where(Case.previous_case_id == case.id)) is None


def test_two_emails_before_the_worker_runs_are_two_notices(
    app, surveys, make_user, replies_back, smtp_server
):
    owner = make_user(name="Li Wei")
    case = case_of(answer("csat", 1))
    actions.claim(case, owner)
    actions.reply(case, owner, "Sorry", "When may we call?", "en")
    db.session.commit()
    work()
    delivered(smtp_server)

    for body in ("At 3, please.", "Or at 5."):
        receive(mail(to=reply_address(case.id), body=body))
        db.session.commit()
    work()
    told = delivered(smtp_server)[owner.email]
    assert subjects(told) == [f"The customer replied on case #{case.id}"] * 2


def test_the_case_page_shows_a_received_emails_attachments_and_original(
    app, surveys, agent_client, replies_back
):
    case = case_of(answer("csat", 1))
    result = receive(
        mail(
            to=reply_address(case.id),
            body="The receipt is attached.",
            attachments=[("receipt.pdf", "application/pdf", b"%PDF-1.4 receipt")],
        )
    )
    db.session.commit()
    page = agent_client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "The receipt is attached." in page
    assert ">receipt.pdf</a>" in page
    assert f'href="/mail/{result.inbound_message_id}/original"' in page


@pytest.mark.parametrize(
    ("encoded", "stored"),
    [
        ("a%00b.pdf", "ab.pdf"),  # PostgreSQL text refuses NUL: the message was never stored
        ("a%0D%0AX-Evil%3A%201.pdf", "a X-Evil: 1.pdf"),  # CR LF broke the download: a 500
    ],
)
def test_an_attachment_with_control_characters_in_its_name_is_kept_and_downloads(
    app, surveys, agent_client, replies_back, encoded, stored
):
    case = case_of(answer("csat", 1))
    raw = (
        f"From: Ann Lee <ann@example.com>\r\nTo: {reply_address(case.id)}\r\n"
        "Subject: My receipt\r\nMessage-ID: <odd-name@mail.example.com>\r\n"
        "Content-Type: multipart/mixed; boundary=XX\r\n\r\n"
        "--XX\r\nContent-Type: text/plain\r\n\r\nThe receipt.\r\n"
        "--XX\r\nContent-Type: application/pdf\r\n"
        f"Content-Disposition: attachment; filename*=utf-8''{encoded}\r\n\r\n"
        "%PDF-1.4\r\n--XX--\r\n"
    ).encode()
    result = receive(raw)
    db.session.commit()
    assert result.outcome == "matched"
    (attachment,) = db.session.scalars(select(InboundAttachment))
    assert attachment.filename == stored
    download = agent_client.get(f"/mail/attachments/{attachment.id}")
    assert download.status_code == 200 and download.data.startswith(b"%PDF-1.4")
