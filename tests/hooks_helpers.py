"""Helpers for the hook tests: a real HTTP receiver on 127.0.0.1 that records what it gets
and answers as told, and the settings that let hooks post to it."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from sqlalchemy import select

from feedback.extensions import db
from feedback.notify.delivery import deliver_due
from feedback.notify.webhook_models import HookDelivery


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> dict:
        return json.loads(self.body)


@dataclass
class Receiver:
    """Answers each POST with the next of ``statuses`` (then 200) and ``answer`` as JSON;
    ``check`` (given a Received) may return an error code to answer with instead."""

    url: str = ""
    received: list[Received] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    answer: dict = field(default_factory=dict)
    check: object = None
    #: seconds to take over each answer
    delay: float = 0.0

    def handler(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                got = Received(self.path, dict(self.headers.items()), self.rfile.read(length))
                receiver.received.append(got)
                time.sleep(receiver.delay)
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                answer = receiver.answer
                if receiver.check is not None and (error := receiver.check(got)):
                    answer = error
                data = json.dumps(answer).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    if 300 <= status < 400:  # somewhere else on this server
                        self.send_header("Location", "/moved")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the sender gave up waiting (the timeout test)

            def log_message(self, *args):
                pass

        return Handler


def serve(app):
    """A receiver on a free port of 127.0.0.1 (yielded, for a fixture); hooks may post to
    private addresses."""
    app.config.update(
        WEBHOOK_ALLOW_PRIVATE=True,
        WEBHOOK_RETRY_BASE_SECONDS=0,  # a retry is due at once: one worker pass tries all
        WEBHOOK_MAX_ATTEMPTS=4,
        WEBHOOK_PAUSE_AFTER=2,
        BASE_URL="https://feedback.example.com",
    )
    box = Receiver()
    server = ThreadingHTTPServer(("127.0.0.1", 0), box.handler())
    box.url = f"http://127.0.0.1:{server.server_port}/hook"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield box
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


def send() -> int:
    """What the worker's network lane does: post every due delivery."""
    tried = deliver_due("test")
    db.session.expire_all()
    return tried


def deliveries() -> list[HookDelivery]:
    db.session.expire_all()
    return list(db.session.scalars(select(HookDelivery).order_by(HookDelivery.id)))
