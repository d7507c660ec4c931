"""The durable outbox: capture, delivery over real SMTP, retries, giving up, many workers."""

from __future__ import annotations

import subprocess
import sys
import threading
from datetime import timedelta
from email import message_from_bytes
from pathlib import Path

from sqlalchemy import func, select, update

from feedback.extensions import db
from feedback.outbox.delivery import claim_due, deliver_due, retry_delay, send_claimed
from feedback.outbox.models import OutboxMessage, OutboxStatus
from feedback.outbox.services import queue_email
from feedback.timeutil import utcnow
from tests.conftest import _free_port, worker_env

ROOT = Path(__file__).resolve().parent.parent


def _queue(n: int = 1, **kwargs) -> list[OutboxMessage]:
    rows = [
        queue_email(
            f"customer{i}@example.com", f"Hello {i}", f"Text {i}", f"<p>HTML {i}</p>", **kwargs
        )
        for i in range(n)
    ]
    db.session.commit()
    return rows


def _age_claims(minutes: int) -> None:
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.SENDING)
        .values(claimed_at=utcnow() - timedelta(minutes=minutes))
    )
    db.session.commit()


def _make_due(message_id: int) -> None:
    """Pretend the retry pause has passed."""
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id)
        .values(next_attempt_at=utcnow() - timedelta(seconds=1))
    )
    db.session.commit()


def test_without_mail_server_messages_are_captured_as_eml(app, runner):
    (row,) = _queue(headers={"List-Unsubscribe": "<https://x.example/u>"})
    row_id, message_id = row.id, row.message_id
    result = runner.invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    files = list(Path(app.config["MAIL_CAPTURE_DIR"]).glob("*.eml"))
    assert len(files) == 1
    message = message_from_bytes(files[0].read_bytes())
    row = db.session.get(OutboxMessage, row_id)
    assert message["To"] == "customer0@example.com"
    assert message["Subject"] == "Hello 0"
    assert message["List-Unsubscribe"] == "<https://x.example/u>"
    assert message["Message-ID"] == message_id
    parts = {part.get_content_type() for part in message.walk()}
    assert {"text/plain", "text/html"} <= parts
    assert row.status is OutboxStatus.SENT
    assert row.sent_at is not None


def test_message_is_not_sent_before_its_time(app):
    (row,) = _queue(send_at=utcnow() + timedelta(hours=1))
    report = deliver_due("test")
    assert report.sent == 0
    db.session.refresh(row)
    assert row.status is OutboxStatus.PENDING


def test_rolled_back_change_leaves_no_mail(app):
    queue_email("a@example.com", "Never", "Never")
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_subject_newlines_cannot_inject_headers(app):
    (row,) = _queue()
    queue_email("a@example.com", "Hi\r\nBcc: victim@example.com", "x")
    db.session.commit()
    subjects = db.session.scalars(select(OutboxMessage.subject)).all()
    assert "Hi Bcc: victim@example.com" in subjects
    assert row.subject == "Hello 0"


def test_delivered_over_smtp(app, smtp_server):
    _queue(3)
    report = deliver_due("test")
    assert report.sent == 3
    received = smtp_server.handler_obj.messages
    assert sorted(m["To"] for m in received) == [f"customer{i}@example.com" for i in range(3)]


def test_refused_then_accepted_is_retried_with_growing_delays(app, smtp_server):
    (row,) = _queue()
    smtp_server.handler_obj.refuse = True

    before = utcnow()
    deliver_due("test")
    db.session.refresh(row)
    assert row.status is OutboxStatus.PENDING
    assert row.attempts == 1
    assert "451" in row.last_error
    first_wait = row.next_attempt_at - before
    assert timedelta(seconds=59) <= first_wait <= timedelta(seconds=62)

    _make_due(row.id)
    before = utcnow()
    deliver_due("test")
    db.session.refresh(row)
    assert row.attempts == 2
    assert row.next_attempt_at - before >= timedelta(seconds=119)  # doubled

    smtp_server.handler_obj.refuse = False
    _make_due(row.id)
    deliver_due("test")
    db.session.refresh(row)
    assert row.status is OutboxStatus.SENT
    assert row.attempts == 3
    assert row.last_error is None
    assert len(smtp_server.handler_obj.messages) == 1


def test_connection_refused_counts_as_an_attempt(app, smtp_server):
    (row,) = _queue()
    app.extensions["mail"].port = _free_port()  # nothing listens there
    deliver_due("test")
    db.session.refresh(row)
    assert row.status is OutboxStatus.PENDING
    assert row.attempts == 1
    assert "ConnectionRefusedError" in row.last_error


def test_gives_up_after_max_attempts_and_admin_can_send_again(app, smtp_server, admin_client):
    app.config["OUTBOX_MAX_ATTEMPTS"] = 3
    (row,) = _queue()
    smtp_server.handler_obj.refuse = True
    for _ in range(3):
        deliver_due("test")
        _make_due(row.id)
    db.session.refresh(row)
    assert row.status is OutboxStatus.FAILED
    assert row.attempts == 3

    page = admin_client.get("/admin/outbox?status=failed").get_data(as_text=True)
    assert "customer0@example.com" in page
    assert "451" in page
    assert "1 failed" in admin_client.get("/").get_data(as_text=True)

    response = admin_client.submit(f"/admin/outbox/{row.id}/retry")
    assert response.status_code == 302
    smtp_server.handler_obj.refuse = False
    deliver_due("test")
    db.session.refresh(row)
    assert row.status is OutboxStatus.SENT


def test_agent_cannot_see_the_outbox(agent_client):
    assert agent_client.get("/admin/outbox").status_code == 403


def test_a_claim_takes_one_batch_and_the_next_claim_the_next(app):
    _queue(30)
    _token_a, first = claim_due(7, "worker-a")
    _token_b, second = claim_due(7, "worker-b")
    assert len(first) == len(second) == 7
    assert not {m.id for m in first} & {m.id for m in second}
    statuses = db.session.scalars(select(OutboxMessage.status).distinct()).all()
    assert sorted(s.value for s in statuses) == ["pending", "sending"]


def test_a_slow_worker_whose_claim_aged_out_does_not_send_again(app, smtp_server):
    """Worker A claims a batch and stalls; B takes over the aged claims and sends them.
    When A wakes up it must leave B's messages alone: every message arrives once."""
    rows = _queue(4)
    token_a, batch_a = claim_due(10, "worker-a")
    assert len(batch_a) == 4
    # A is stuck past the claim timeout on its first message...
    _age_claims(minutes=30)
    report_b = deliver_due("worker-b")
    assert report_b.sent == 4
    # ...then A goes on with the batch it still holds in memory.
    report_a = send_claimed(token_a, batch_a)
    received = [m["Message-ID"] for m in smtp_server.handler_obj.messages]
    assert sorted(received) == sorted(r.message_id for r in rows)  # once each
    assert (report_a.sent, report_a.skipped) == (0, 4)


def test_a_long_batch_keeps_its_claims_fresh(app, smtp_server):
    """While a worker sends one message, the next one's claim is renewed, so another
    worker cannot take it even when the batch as a whole takes longer than the timeout."""
    _queue(3)
    token, batch = claim_due(10, "worker-a")
    app.config["OUTBOX_CLAIM_TIMEOUT_SECONDS"] = 1
    smtp_server.handler_obj.delay = 0.6  # three messages: 1.8 s, past the timeout
    report = send_claimed(token, batch)
    assert report.sent == 3
    assert deliver_due("worker-b").sent == 0
    assert len(smtp_server.handler_obj.messages) == 3


def test_a_message_that_keeps_killing_its_worker_is_given_up(app):
    app.config["OUTBOX_MAX_ATTEMPTS"] = 2
    (row,) = _queue()
    for _ in range(2):  # two workers die while sending it
        claim_due(10, "dying-worker")
        _age_claims(minutes=30)
    report = deliver_due("worker-c")
    assert report.failed == 1
    db.session.expire_all()
    row = db.session.get(OutboxMessage, row.id)
    assert row.status is OutboxStatus.FAILED
    assert "kept stopping" in row.last_error


def test_deliver_due_stops_between_batches_when_asked(app):
    _queue(5)
    app.config["OUTBOX_BATCH_SIZE"] = 2
    stop = threading.Event()
    stop.set()
    assert deliver_due("worker", stop).sent == 0
    assert deliver_due("worker").sent == 5


def test_retry_delay_grows_and_is_capped():
    assert [retry_delay(n, 60, 3600).total_seconds() for n in (1, 2, 3, 7, 20)] == [
        60,
        120,
        240,
        3600,
        3600,
    ]


def test_a_claim_abandoned_by_a_dead_worker_is_taken_over(app):
    (row,) = _queue()
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == row.id)
        .values(
            status=OutboxStatus.SENDING,
            claimed_by="dead-worker",
            claimed_at=utcnow() - timedelta(hours=1),
        )
    )
    db.session.commit()
    assert deliver_due("test").sent == 1


def test_two_workers_deliver_200_messages_once_each(app, smtp_server, database_url, tmp_path):
    rows = _queue(200)
    ids = {row.message_id for row in rows}
    smtp_server.handler_obj.delay = 0.01  # 2 s of sending in all, so the workers overlap
    env = worker_env(
        database_url,
        tmp_path,
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=str(smtp_server.port),
        OUTBOX_BATCH_SIZE="7",
    )
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "worker", "--once"]
    workers = [
        subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    outputs = [w.communicate(timeout=90) for w in workers]
    for worker, (_out, err) in zip(workers, outputs, strict=True):
        assert worker.returncode == 0, err.decode()

    received = [m["Message-ID"] for m in smtp_server.handler_obj.messages]
    assert len(received) == 200
    assert set(received) == ids  # none twice, none lost
    statuses = db.session.execute(
        select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
    ).all()
    assert statuses == [(OutboxStatus.SENT, 200)]
    workers_seen = {c.split("/")[0] for c in db.session.scalars(select(OutboxMessage.claimed_by))}
    assert len(workers_seen) == 2  # both took part
