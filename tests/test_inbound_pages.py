"""The staff side of inbound mail: the unmatched list (attach, discard, both recorded),
the whole original and the attachments as safe downloads, and who may see them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from flask import render_template
from sqlalchemy import select

from feedback.complaints.inbound import receive
from feedback.complaints.inbound_models import InboundAttachment, InboundMessage, InboundStatus
from feedback.complaints.models import Case, CaseEvent, CaseStatus
from feedback.extensions import db
from tests.complaints_helpers import answer, case_of
from tests.inbound_helpers import mail

MONDAY_10 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


@pytest.fixture
def stranger(app, surveys):
    """An email from an address no customer has, with a PDF and an HTML file; and Ann's
    case, to attach it to."""
    with time_machine.travel(MONDAY_10, tick=False):
        raw = mail(
            "Order 5521 never came.\n\n-- \nBob",
            sender="Bob Wu <bob@elsewhere.example>",
            subject="Where is my order?",
            attachments=[
                ("receipt.pdf", "application/pdf", b"%PDF-1.4 receipt"),
                ("page.html", "text/html", b"<script>alert(1)</script>"),
            ],
        )
        result = receive(raw)
        db.session.commit()
    row = db.session.get(InboundMessage, result.inbound_message_id)
    row.case = case_of(answer("csat", 1))
    return row


def message(row_id: int) -> InboundMessage:
    db.session.expire_all()
    return db.session.get(InboundMessage, row_id)


def test_the_list_shows_sender_subject_trimmed_text_and_time_in_the_viewers_zone(
    stranger, agent_client
):
    agent_client.user.timezone = "Asia/Shanghai"
    db.session.commit()
    page = agent_client.get("/mail/unmatched").get_data(as_text=True)
    assert "Bob Wu &lt;bob@elsewhere.example&gt;" in page
    assert "Where is my order?" in page and "Order 5521 never came." in page
    assert "-- \nBob" not in page  # the signature is trimmed
    assert ">Nov 23, 2026, 10:00:00" in page  # 02:00 UTC, in Shanghai
    assert "receipt.pdf" in page and f"/mail/{stranger.id}/original" in page
    queue = agent_client.get("/cases").get_data(as_text=True)
    assert 'href="/mail/unmatched"' in queue and '<span class="count">1</span>' in queue


def test_staff_attach_a_message_to_a_case_and_it_is_recorded(stranger, agent_client):
    case = stranger.case
    response = agent_client.submit(f"/mail/{stranger.id}/attach", {"case_number": case.id})
    assert response.status_code == 303
    row = message(stranger.id)
    assert (row.status, row.case_id, row.matched_by) == (InboundStatus.MATCHED, case.id, "staff")
    assert row.handled_by_id == agent_client.user.id and row.handled_at is not None
    [event] = db.session.scalars(
        select(CaseEvent).where(CaseEvent.case_id == case.id, CaseEvent.kind == "customer_reply")
    ).all()
    assert event.body == "Order 5521 never came."
    page = agent_client.get(f"/cases/{case.id}").get_data(as_text=True)
    # in the conversation: the customer's words under their subject
    assert "replied by email" in page
    assert '<p class="msg-subject">Where is my order?</p>' in page
    assert '<p class="msg-body">Order 5521 never came.</p>' in page
    # the second click (or a colleague's) is told, and changes nothing
    again = agent_client.submit(f"/mail/{stranger.id}/attach", {"case_number": case.id})
    assert again.status_code == 409
    assert "already attached or discarded" in again.get_data(as_text=True)
    assert db.session.scalar(select(db.func.count()).where(CaseEvent.kind == "customer_reply")) == 1


@pytest.mark.parametrize(
    ("number", "status", "said"),
    [
        ("", 400, "Give the number of the case."),
        ("abc", 400, "Give the number"),
        ("99999", 404, "There is no case #99999."),
    ],
)
def test_a_bad_case_number_is_a_clear_4xx_and_the_message_waits(
    stranger, agent_client, number, status, said
):
    response = agent_client.submit(f"/mail/{stranger.id}/attach", {"case_number": number})
    assert response.status_code == status
    assert said in response.get_data(as_text=True)
    assert message(stranger.id).status is InboundStatus.UNMATCHED


def test_discarding_is_recorded_and_listed(stranger, agent_client):
    response = agent_client.submit(f"/mail/{stranger.id}/discard")
    assert response.status_code == 303
    row = message(stranger.id)
    assert row.status is InboundStatus.DISCARDED and row.handled_by_id == agent_client.user.id
    page = agent_client.get("/mail/unmatched?show=discarded").get_data(as_text=True)
    assert "Where is my order?" in page and f"Discarded by {agent_client.user.display_name}" in page
    assert "Where is my order?" not in agent_client.get("/mail/unmatched").get_data(as_text=True)
    assert agent_client.submit(f"/mail/{stranger.id}/discard").status_code == 409


def test_automatic_mail_has_its_own_tab(app, agent_client):
    receive(mail(subject="Out of office", headers={"Auto-Submitted": "auto-replied"}))
    db.session.commit()
    assert "Out of office" not in agent_client.get("/mail/unmatched").get_data(as_text=True)
    assert "Out of office" in agent_client.get("/mail/unmatched?show=auto").get_data(as_text=True)
    assert agent_client.get("/mail/unmatched?show=matched").status_code == 404


def test_attachments_download_safely_and_the_original_is_plain_text(stranger, agent_client):
    pdf, html = db.session.scalars(select(InboundAttachment).order_by(InboundAttachment.id))
    response = agent_client.get(f"/mail/attachments/{pdf.id}")
    assert response.status_code == 200 and response.data == b"%PDF-1.4 receipt"
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    response = agent_client.get(f"/mail/attachments/{html.id}")
    assert response.mimetype == "application/octet-stream"  # never run as our page
    assert response.headers["Content-Disposition"].startswith("attachment;")
    original = agent_client.get(f"/mail/{stranger.id}/original")
    assert original.mimetype == "text/plain" and original.data == stranger.raw
    assert original.headers["X-Content-Type-Options"] == "nosniff"


def test_signed_out_people_are_sent_to_sign_in(stranger, client):
    attachment_id = db.session.scalar(select(InboundAttachment.id))
    for path in (
        "/mail/unmatched",
        f"/mail/{stranger.id}/original",
        f"/mail/attachments/{attachment_id}",
    ):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"], path
    response = client.post(f"/mail/{stranger.id}/discard")
    assert response.status_code in (302, 400)
    assert message(stranger.id).status is InboundStatus.UNMATCHED


def test_the_case_page_extras_link_the_attachments_and_the_whole_message(
    stranger, agent_client, app
):
    agent_client.submit(f"/mail/{stranger.id}/attach", {"case_number": stranger.case.id})
    event = db.session.scalar(select(CaseEvent).where(CaseEvent.kind == "customer_reply"))
    with app.test_request_context():
        html = render_template("complaints/_received_extras.html", event=event)
    pdf_id = db.session.scalar(
        select(InboundAttachment.id).where(InboundAttachment.filename == "receipt.pdf")
    )
    assert f'href="/mail/attachments/{pdf_id}"' in html and ">receipt.pdf</a>" in html
    assert f'href="/mail/{stranger.id}/original"' in html


def test_a_customers_case_in_the_queue_takes_a_message_attached_to_their_closed_case(
    app, surveys, agent_client
):
    closed = case_of(answer("csat", 1))
    closed.status, closed.first_responded_at = CaseStatus.CLOSED, closed.opened_at
    db.session.commit()
    current = case_of(answer("csat", 1))
    assert current.id != closed.id
    result = receive(mail(sender="someone@elsewhere.example"))
    db.session.commit()
    agent_client.submit(f"/mail/{result.inbound_message_id}/attach", {"case_number": closed.id})
    assert message(result.inbound_message_id).case_id == current.id
    assert db.session.scalar(select(db.func.count()).select_from(Case)) == 2
