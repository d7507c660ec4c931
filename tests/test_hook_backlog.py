"""Review of pausing hooks: what happens while a hook is paused reaches it once it is
resumed (at least once), and not before."""

from __future__ import annotations

import pytest

from feedback.extensions import db
from feedback.notify import webhooks
from feedback.notify.webhook_models import DeliveryStatus, HookKind
from tests.complaints_helpers import answer
from tests.hooks_helpers import deliveries, send, serve

pytestmark = pytest.mark.usefixtures("surveys")


@pytest.fixture
def receiver(app):
    yield from serve(app)


def test_events_while_paused_are_delivered_once_after_resuming(app, receiver, admin_client):
    hook = webhooks.create_hook(HookKind.WEBHOOK, receiver.url, ["case.opened"])
    db.session.commit()
    assert admin_client.submit(f"/admin/webhooks/{hook.id}/pause").status_code == 303
    answer("csat", 1, customer="while-paused")
    send()
    assert receiver.received == []

    assert admin_client.submit(f"/admin/webhooks/{hook.id}/resume").status_code == 303
    send()
    send()
    (received,) = receiver.received
    assert received.json["type"] == "case.opened"
    assert received.json["data"]["customer_external_id"] == "while-paused"
    assert [d.status for d in deliveries()] == [DeliveryStatus.SENT]
