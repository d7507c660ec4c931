"""The customer.erased webhook: a hook may ask for it; the receiver gets the erased external
id once, signed; the domain event forgets it as the deliveries are queued, and each
delivery's body is blanked once sent or given up (other events keep theirs)."""

from __future__ import annotations

import hashlib
import hmac

import pytest
from sqlalchemy import select

from feedback import events
from feedback.extensions import db
from feedback.notify import webhooks
from feedback.notify.webhook_models import DeliveryStatus, Hook, HookKind
from tests.complaints_helpers import answer, work
from tests.hooks_helpers import deliveries, send, serve

pytestmark = pytest.mark.usefixtures("surveys")


@pytest.fixture
def receiver(app):
    yield from serve(app)


def _hook(url: str, names=("customer.erased",), kind=HookKind.WEBHOOK) -> Hook:
    hook = webhooks.create_hook(kind, url, list(names))
    db.session.commit()
    return hook


def _erased(customer_id: int, external_id: str) -> None:
    """What the erasure publishes, committed (the erasure itself is tested elsewhere)."""
    events.publish(events.CustomerErased(customer_id=customer_id, external_id=external_id))
    db.session.commit()


def _event_rows() -> list[dict]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(events.DomainEvent.data).where(events.DomainEvent.type == "customer.erased")
        )
    )


def test_the_receiver_gets_the_external_id_once_and_nothing_keeps_it(app, receiver):
    hook = _hook(receiver.url)
    _erased(7, "crm-4711")
    work()
    # queued: the event row no longer holds the id, only the delivery does
    assert _event_rows() == [{"customer_id": 7, "external_id": None}]
    (queued,) = deliveries()
    assert "crm-4711" in queued.body

    assert send() == 1
    (received,) = receiver.received
    assert received.headers["X-Feedback-Event"] == "customer.erased"
    expected = hmac.new(hook.secret.encode(), received.body, hashlib.sha256).hexdigest()
    assert received.headers["X-Feedback-Signature"] == f"sha256={expected}"
    body = received.json
    assert body["type"] == "customer.erased"
    assert body["data"] == {"external_id": "crm-4711"}
    (sent,) = deliveries()
    assert sent.status is DeliveryStatus.SENT and sent.body == ""
    # the reaction running again queues nothing and sends nothing
    assert work() == 0 and send() == 0
    assert len(receiver.received) == 1


def test_the_event_forgets_the_id_even_when_no_hook_wants_it(app, receiver):
    _hook(receiver.url, ["case.opened"])
    _erased(8, "crm-8")
    work()
    assert _event_rows() == [{"customer_id": 8, "external_id": None}]
    assert deliveries() == [] and send() == 0


def test_a_delivery_given_up_is_blanked_too_while_other_events_keep_theirs(app, receiver):
    _hook(receiver.url, ["customer.erased", "response.created"])
    receiver.statuses = [500] * 100
    answer("csat", 5, customer="c-5")
    _erased(9, "crm-9")
    work()
    send()
    by_type = {d.event_type: d for d in deliveries()}
    assert by_type["customer.erased"].status is DeliveryStatus.FAILED
    assert by_type["customer.erased"].body == ""
    assert by_type["response.created"].status is DeliveryStatus.FAILED
    assert '"c-5"' in by_type["response.created"].body  # kept, as ever, for a look


def test_a_pending_retry_keeps_the_body_until_it_is_done(app, receiver):
    _hook(receiver.url)
    receiver.statuses = [503]
    app.config["WEBHOOK_RETRY_BASE_SECONDS"] = 3600
    _erased(10, "crm-10")
    work()
    send()
    (waiting,) = deliveries()
    assert waiting.status is DeliveryStatus.PENDING and "crm-10" in waiting.body


def test_a_chat_group_hears_of_it_without_the_external_id(app, receiver):
    _hook(receiver.url + "?key=abc", kind=HookKind.WECOM)
    _erased(11, "crm-11")
    work()
    send()
    (received,) = receiver.received
    assert b"crm-11" not in received.body
    assert received.json["markdown"]["content"] == "A customer was erased."


def test_an_admin_subscribes_a_hook_to_erasures(app, admin_client):
    app.config["WEBHOOK_ALLOW_PRIVATE"] = True
    page = admin_client.get("/admin/webhooks").get_data(as_text=True)
    assert 'value="customer.erased"' in page
    assert "A customer is erased (their external id, sent once)" in page
    created = admin_client.submit(
        "/admin/webhooks",
        {"kind": "webhook", "url": "http://127.0.0.1:9/in", "events": ["customer.erased"]},
    )
    assert created.status_code == 200
    assert db.session.scalar(select(Hook.events)) == ["customer.erased"]


def test_after_an_erasure_is_delivered_no_table_holds_the_external_id(app, receiver):
    from feedback.customers.erasure import erase_customer
    from feedback.customers.models import Customer
    from tests.test_erasure import found_in_database

    _hook(receiver.url, ["customer.erased", "response.created"])
    response = answer("csat", 5, customer="crm-5150", email="eve@example.com", name="Eve Ng")
    send()
    erase_customer(db.session.get(Customer, response.customer_id), reason="asked")
    db.session.commit()
    work()
    assert [table for table, _column, _needle in found_in_database(["crm-5150"])] == [
        "hook_deliveries"  # the erasure's own delivery, until it is sent
    ]
    send()
    erased = [r.json["data"] for r in receiver.received if r.json["type"] == "customer.erased"]
    assert erased == [{"external_id": "crm-5150"}]
    assert found_in_database(["crm-5150", "eve@example.com", "Eve Ng"]) == []
