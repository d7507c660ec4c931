"""Review: the promise email says "You can also reply to our email", so a reply to it must
come back to the case, like a reply to an agent's message (Reply-To: the case's address)."""

from __future__ import annotations

from email.headerregistry import Address

import pytest
from sqlalchemy import select

from feedback.complaints.inbound import receive
from feedback.complaints.models import CaseEvent
from feedback.extensions import db
from tests.complaints_helpers import answer, cases
from tests.inbound_helpers import mail
from tests.test_thanks_promise import _promise_mail, _setting

pytestmark = pytest.mark.usefixtures("surveys")


def test_a_reply_to_the_promise_email_reaches_the_case(app):
    app.config["MAIL_REPLY_ADDRESS"] = "support@example.com"
    _setting(True, sender_address="care@acme.example")
    answer("csat", 1, email="ann@example.com")
    [case] = cases()
    [promise] = _promise_mail()
    # the customer's mail client answers to Reply-To, else From; from their work address
    to = (promise.headers or {}).get("Reply-To") or "care@acme.example"
    raw = mail(
        "Any time after 3, on my mobile.",
        sender=str(Address("Ann Lee", addr_spec="ann.lee@work.example")),
        to=to,
        subject=f"Re: {promise.subject}",
        headers={"In-Reply-To": promise.message_id},
    )
    receive(raw)
    db.session.commit()
    db.session.expire_all()
    bodies = db.session.scalars(
        select(CaseEvent.body).where(
            CaseEvent.case_id == case.id, CaseEvent.kind == "customer_reply"
        )
    ).all()
    assert bodies == ["Any time after 3, on my mobile."]
