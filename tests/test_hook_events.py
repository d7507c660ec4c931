"""Review: each of the nine webhook events reaches a receiver from the real action that
causes it (an answer, the worker's tagging, an agent's reply, a customer's emailed reply,
resolving, a reply that reopens, the deadline sweep, an erasure), not only when published
by hand."""

from __future__ import annotations

from datetime import timedelta

import pytest

from feedback.complaints import cases as actions
from feedback.complaints.enums import ResolutionCode
from feedback.complaints.inbound import receive
from feedback.complaints.reply_address import reply_address
from feedback.complaints.sweep import sweep
from feedback.customers.erasure import erase_customer
from feedback.customers.models import Customer
from feedback.extensions import db
from feedback.notify import webhooks
from feedback.notify.webhook_models import EVENT_TYPES, HookKind
from feedback.timeutil import utcnow
from tests.complaints_helpers import answer, case_of, work
from tests.hooks_helpers import send, serve
from tests.inbound_helpers import mail

pytestmark = pytest.mark.usefixtures("surveys")


@pytest.fixture
def receiver(app):
    yield from serve(app)


def _customer_writes(case_id: int) -> None:
    receive(mail("Yes, call me at 3.", to=reply_address(case_id)))
    db.session.commit()
    work()


def test_every_event_name_is_sent_from_its_real_action(app, receiver, make_user):
    app.config["MAIL_REPLY_ADDRESS"] = "support@example.com"
    webhooks.create_hook(HookKind.WEBHOOK, receiver.url, list(EVENT_TYPES))
    db.session.commit()
    agent = make_user(name="Li Wei")

    case = case_of(answer("csat", 1, comment="Terrible delivery, the box was broken."))
    work()  # the tagging's own event
    actions.reply(case, agent, "About your delivery", "When may we call you?", "en")
    db.session.commit()
    work()
    _customer_writes(case.id)
    actions.resolve(db.session.get(type(case), case.id), agent, ResolutionCode.SOLVED)
    db.session.commit()
    work()
    _customer_writes(case.id)  # on a resolved case: reopens it

    late = case_of(answer("csat", 1, customer="c-2", email="bo@example.com"))
    late.first_response_due_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    sweep("test")
    work()
    gone = answer("csat", 5, customer="c-3", email="cy@example.com", name="Cy Young")
    erase_customer(db.session.get(Customer, gone.customer_id), reason="asked")
    db.session.commit()
    work()
    send()

    types = [r.json["type"] for r in receiver.received]
    assert sorted(set(types)) == sorted(EVENT_TYPES)
    breached = [r.json for r in receiver.received if r.json["type"] == "case.breached"]
    assert [b["data"]["case_id"] for b in breached] == [late.id]
    erased = [r.json["data"] for r in receiver.received if r.json["type"] == "customer.erased"]
    assert erased == [{"external_id": "c-3"}]
