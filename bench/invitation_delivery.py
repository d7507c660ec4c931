"""Invitation delivery: what the worker does for due invitations, into a local SMTP sink,
against plain smtplib sending the same messages over one reused connection.

Run by hand: `.venv/bin/python bench/invitation_delivery.py [N]`. SQLite, N invitations
due now. The worker's part runs the jobs of `flask worker --once` in this process:
render each email, write it to the outbox with its token, then deliver the outbox.
The baseline sends the very messages the worker rendered, as smtplib.send_message of
stdlib EmailMessage objects built from them (building included). Target: 0.8x.
"""

from __future__ import annotations

import smtplib
import sys
import tempfile
import time
from email.message import EmailMessage
from pathlib import Path

from _server import app_for, free_port, ingest_deliveries, machine, migrated_sqlite
from aiosmtpd.controller import Controller


class Sink:
    def __init__(self):
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        return "250 OK"


def rendered_messages() -> list[dict]:
    """The messages the worker wrote to the outbox, to send again as the baseline."""
    from sqlalchemy import select

    from feedback.extensions import db
    from feedback.outbox.models import OutboxMessage

    rows = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    messages = [
        {
            "to": r.to_address,
            "subject": r.subject,
            "text": r.body_text,
            "html": r.body_html,
            "headers": dict(r.headers),
        }
        for r in rows
    ]
    db.session.rollback()
    return messages


def baseline(messages: list[dict], port: int, sender: str) -> float:
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for m in messages:
            msg = EmailMessage()
            msg["From"] = sender
            msg["To"] = m["to"]
            msg["Subject"] = m["subject"]
            for name, value in m["headers"].items():
                msg[name] = value
            msg.set_content(m["text"])
            msg.add_alternative(m["html"], subtype="html")
            smtp.send_message(msg)
    return time.perf_counter() - started


def worker(url: str, port: int) -> tuple[float, float, list[dict]]:
    """Time the two jobs; between them, copy the queued messages for the baseline
    (delivery removes their bodies, which hold personal links)."""
    from feedback.extensions import db
    from feedback.outbox.delivery import deliver_due
    from feedback.surveys.invitations import send_due_invitations

    app = app_for(url, MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    with app.app_context():
        started = time.perf_counter()
        queued = send_due_invitations("bench")
        queueing = time.perf_counter() - started
        messages = rendered_messages()
        started = time.perf_counter()
        report = deliver_due("bench")
        delivering = time.perf_counter() - started
        assert report.sent == queued, (queued, report)
        db.engine.dispose()
    return queueing, delivering, messages


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    sink = Sink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    with tempfile.TemporaryDirectory() as tmp:
        url = migrated_sqlite(Path(tmp))
        ingest_deliveries(url, n, occurred_hours_ago=3)
        queueing, delivering, messages = worker(url, port)
        base = baseline(messages, port, "Feedback <feedback@localhost>")
    controller.stop()
    assert sink.count == 2 * n, sink.count
    total = queueing + delivering
    print(f"# {machine()}; SQLite; {n} invitations; local aiosmtpd sink")
    print(f"baseline smtplib, one connection  {n / base:7.0f} msg/s ({base:.2f} s)")
    print(f"worker: render + queue            {n / queueing:7.0f} msg/s ({queueing:.2f} s)")
    print(f"worker: outbox delivery           {n / delivering:7.0f} msg/s ({delivering:.2f} s)")
    print(f"worker: both                      {n / total:7.0f} msg/s ({total:.2f} s)")
    print(f"ratio {base / total:.2f}x")


if __name__ == "__main__":
    main()
