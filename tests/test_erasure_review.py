"""Review of the erasure (issue #23): personal data that outlived an erasure or a
retention run in places the first version did not reach. Runs on both databases."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import time_machine
from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select

from feedback.complaints.inbound import receive
from feedback.complaints.inbound_models import InboundMessage
from feedback.customers import retention
from feedback.customers.anonymise import erase_inbound
from feedback.customers.erasure import erase_by_external_id
from feedback.customers.retention import apply_retention, preview, save_settings
from feedback.extensions import db
from feedback.notify import webhooks
from feedback.notify.webhook_models import HookDelivery, HookKind
from feedback.outbox.models import OutboxMessage, OutboxStatus
from feedback.outbox.services import queue_email
from tests.complaints_helpers import answer, work
from tests.hooks_helpers import send
from tests.inbound_helpers import mail


@pytest.fixture
def refusing_receiver(app):
    """A webhook receiver whose error's reason phrase quotes what it was sent, as some
    frameworks do ("422 unknown customer crm-1")."""
    app.config.update(WEBHOOK_ALLOW_PRIVATE=True, WEBHOOK_RETRY_BASE_SECONDS=0)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
            quoted = body.split('"customer_external_id": "', 1)[-1].split('"', 1)[0]
            self.send_response(422, f"unknown customer {quoted}")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/hook"
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


def test_a_receivers_error_quoting_the_customer_is_scrubbed(app, surveys, refusing_receiver):
    webhooks.create_hook(HookKind.WEBHOOK, refusing_receiver, ["response.created"])
    db.session.commit()
    answer("nps", 9, None, customer="crm-ann-7731", email="ann.lee@example.com")
    work()
    send()
    (delivery,) = db.session.scalars(select(HookDelivery)).all()
    assert "crm-ann-7731" in delivery.last_error  # the scene: the receiver quoted her

    assert erase_by_external_id("crm-ann-7731", reason="request 7") == "erased"
    db.session.commit()
    db.session.expire_all()
    error = db.session.scalar(select(HookDelivery.last_error))
    assert "crm-ann-7731" not in error and "[erased]" in error


def test_an_erased_inbound_message_keeps_no_message_id_yet_is_known_again(app, surveys):
    # clients build Message-IDs from the sender's address more often than one would hope
    raw = mail("Call me on 139 1111 2222", message_id="<1701.ann.lee@example.com>")
    first = receive(raw)
    db.session.commit()

    assert erase_inbound([first.inbound_message_id]) == 1
    db.session.commit()
    db.session.expire_all()
    key = db.session.scalar(select(InboundMessage.dedup_key))
    assert "ann.lee" not in key

    # the same message handed over again (IMAP fetch, MTA retry) is not stored anew
    again = receive(raw)
    db.session.commit()
    assert again.outcome == "duplicate"
    assert db.session.scalar(select(func.count(InboundMessage.id))) == 1


NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


def test_retention_of_contacts_leaves_no_mail_to_them_that_could_go(app, surveys):
    with time_machine.travel(NOW - relativedelta(months=30), tick=False):
        answer("nps", 9, None, customer="old-1", email="olga@example.com", name="Olga")
        # mail to her that never went: one given up (an admin may resend it), one waiting
        given_up = queue_email("olga@example.com", "Your survey", "Dear Olga, ...")
        waiting = queue_email("olga@example.com", "Reminder", "Dear Olga, a reminder")
        db.session.flush()
        given_up.status = OutboxStatus.FAILED
        db.session.commit()
        ids = (given_up.id, waiting.id)
    with time_machine.travel(NOW, tick=False):
        save_settings(
            {kind: (24 if kind == "contacts" else None) for kind in retention.KINDS}, None
        )
        db.session.commit()
        (due,) = preview()
        assert (due.key, due.count) == ("contacts", 1)

        assert apply_retention("w") == due.count  # the preview said what the run does
        db.session.expire_all()
        rows = db.session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(ids))).all()
        assert [(m.to_address, m.status) for m in rows] == [("", OutboxStatus.CANCELLED)] * 2
        assert "Olga" not in " ".join(m.body_text + m.subject for m in rows)


@pytest.fixture
def receiver(app):
    from tests.hooks_helpers import serve

    yield from serve(app)


def test_retention_of_contacts_leaves_no_external_id_in_webhook_bodies(app, surveys, receiver):
    webhooks.create_hook(HookKind.WEBHOOK, receiver.url, ["response.created"])
    db.session.commit()
    with time_machine.travel(NOW - relativedelta(months=30), tick=False):
        answer("nps", 9, None, customer="crm-olga-5521", email="olga@example.com", name="Olga")
        work()
        assert send() == 1
    assert "crm-olga-5521" in db.session.scalar(select(HookDelivery.body))  # the scene
    with time_machine.travel(NOW, tick=False):
        save_settings(
            {kind: (24 if kind == "contacts" else None) for kind in retention.KINDS}, None
        )
        db.session.commit()
        assert apply_retention("w") == 1
    db.session.expire_all()
    body = db.session.scalar(select(HookDelivery.body))
    assert "crm-olga-5521" not in body and '"customer_external_id": "[erased]"' in body


def test_an_event_given_up_keeps_no_error_quoting_the_customer(app, surveys):
    from feedback.events import DomainEvent

    answer("csat", 1, None, customer="crm-ann-7731", email="ann.lee@example.com")
    # what a reaction's database error leaves on an event given up: its parameters
    db.session.add(
        DomainEvent(
            type="answer.recorded",
            data={"response_id": 1},
            attempts=5,
            last_error="notify: IntegrityError: [parameters: ('ann.lee@example.com', 'c')]",
            processed_at=NOW,
        )
    )
    db.session.commit()

    assert erase_by_external_id("crm-ann-7731", reason="request 8") == "erased"
    db.session.commit()
    db.session.expire_all()
    errors = [e for e in db.session.scalars(select(DomainEvent.last_error)) if e]
    assert errors and not any("ann.lee@example.com" in e for e in errors)


def test_a_reason_naming_the_person_is_logged_without_them(app, surveys):
    from feedback.customers.models import AuditEntry

    answer("csat", 1, None, customer="crm-ann-7731", email="ann.lee@example.com")
    reason = "Ticket 118: ann.lee@example.com asked by phone"
    assert erase_by_external_id("crm-ann-7731", reason=reason) == "erased"
    db.session.commit()
    detail = db.session.scalar(
        select(AuditEntry.detail).where(AuditEntry.action == "customer.erase")
    )
    assert detail == "Ticket 118: [erased] asked by phone"
