"""Batches posted at once by several clients: each is stored whole, none is told its
events were refused because another batch held the database's write lock."""

from __future__ import annotations

import json
import threading
import urllib.request

from sqlalchemy import func, select

from feedback.extensions import db
from feedback.surveys.models import TouchpointEvent
from tests.surveys_helpers import event

CLIENTS = 6
EVENTS = 40


def _post(url: str, key: str, body: dict) -> tuple[int, dict]:
    request = urllib.request.Request(  # noqa: S310 - our own server
        url,
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - our own server
        return response.status, json.loads(response.read())


def test_six_clients_posting_batches_at_once_store_every_event(surveys, api_key, live_server):
    replies: list[tuple[int, dict]] = []

    def client(number: int) -> None:
        batch = [event(f"t{number}-e{i}", customer_id=f"c-{number}-{i % 5}") for i in range(EVENTS)]
        replies.append(_post(f"{live_server}/api/v1/touchpoints/batch", api_key, {"events": batch}))

    for round_ in range(2):
        threads = [
            threading.Thread(target=client, args=(round_ * CLIENTS + n,)) for n in range(CLIENTS)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=90)

    assert len(replies) == 2 * CLIENTS
    assert [(status, body["rejected"]) for status, body in replies] == [(200, 0)] * len(replies)
    assert sum(body["created"] for _, body in replies) == 2 * CLIENTS * EVENTS
    stored = db.session.scalar(select(func.count()).select_from(TouchpointEvent))
    assert stored == 2 * CLIENTS * EVENTS
