"""Domain events: the answer path announces, the worker reacts; retries; several workers;
a stuck mail server holds up nothing else. (What the customer is told from the routing's
hand-back: tests/test_thanks_promise.py.)"""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import time_machine
from sqlalchemy import func, select

from feedback import events, reactions
from feedback.events import DomainEvent
from feedback.extensions import db
from feedback.outbox.services import queue_email
from feedback.surveys.models import Response
from tests.complaints_helpers import answer, case_of, cases, work
from tests.conftest import worker_env

ROOT = Path(__file__).resolve().parent.parent


def rows(kind: str | None = None) -> list[DomainEvent]:
    query = select(DomainEvent).order_by(DomainEvent.id)
    if kind:
        query = query.where(DomainEvent.type == kind)
    db.session.expire_all()
    return list(db.session.scalars(query))


def test_an_answer_is_announced_with_ids_only_and_the_worker_reacts(app, surveys):
    response = answer("nps", 9, "Ann Lee was so rude to me", worker=False)
    [recorded] = rows("answer.recorded")
    assert recorded.data["response_id"] == response.id
    assert recorded.data["score"] == 9
    assert "rude" not in str(recorded.data) and "Ann" not in str(recorded.data)
    assert recorded.processed_at is None
    assert case_of(response) is None  # a happy score: no case until the comment is read

    # the answer waits for reactions (tagging, routing again, hooks), and so do the comment
    # tagged and the case opened that the worker's tagging publishes (hooks, staff notices,
    # the promise email), and the purchase (the customer's RFM computed again)
    assert work() == 4
    [recorded] = rows("answer.recorded")
    assert recorded.processed_at is not None
    assert [e.data["response_id"] for e in rows("comment.tagged")] == [response.id]
    case = case_of(response)
    assert case is not None  # the negative comment rule, in the worker
    assert [e.data["case_id"] for e in rows("case.opened")] == [case.id]


def test_a_failing_reaction_is_tried_again_without_running_the_others_twice(app, surveys):
    calls = {"flaky": 0, "steady": 0}

    def flaky(event):
        calls["flaky"] += 1
        if calls["flaky"] == 1:
            raise RuntimeError("the chat server is down")

    def steady(event):
        calls["steady"] += 1

    events.later(app, events.CustomerUnsubscribed, "flaky", flaky)
    events.later(app, events.CustomerUnsubscribed, "steady", steady)
    events.publish(events.CustomerUnsubscribed(customer_id=7))
    db.session.commit()

    assert reactions.process_due() == 1
    [row] = rows("customer.unsubscribed")
    assert row.processed_at is None and row.attempts == 1
    assert row.done == ["steady"] and "the chat server is down" in row.last_error
    assert reactions.process_due() == 0  # not due again yet
    with time_machine.travel(row.next_attempt_at + timedelta(seconds=1)):
        assert reactions.process_due() == 1
    [row] = rows("customer.unsubscribed")
    assert row.processed_at is not None
    assert calls == {"flaky": 2, "steady": 1}


def test_a_reaction_that_always_fails_is_given_up_with_its_error(app, surveys):
    def broken(event):
        raise ValueError("no such webhook")

    events.later(app, events.CustomerUnsubscribed, "broken", broken)
    events.publish(events.CustomerUnsubscribed(customer_id=7))
    db.session.commit()
    for _attempt in range(reactions.MAX_ATTEMPTS):
        [row] = rows("customer.unsubscribed")
        with time_machine.travel(row.next_attempt_at + timedelta(seconds=1)):
            assert reactions.process_due() == 1
    [row] = rows("customer.unsubscribed")
    assert row.attempts == reactions.MAX_ATTEMPTS and row.processed_at is not None
    assert "no such webhook" in row.last_error


def test_an_event_the_worker_cannot_read_holds_up_nothing(app, surveys):
    """A row of a type or shape this worker does not know (a newer web node's): tried
    again later, given up in the end; the events after it are processed meanwhile."""
    db.session.add(DomainEvent(type="answer.recorded", data={"response_id": 1}))
    db.session.commit()
    answer("csat", 5, "Lovely", worker=False)
    # the stuck one, the answer, and the comment tagged that its tagging publishes (hooks)
    assert reactions.process_due() == 3
    stuck, recorded = rows("answer.recorded")
    assert stuck.processed_at is None and "unreadable" in stuck.last_error
    assert recorded.processed_at is not None and rows("comment.tagged")


def test_the_worker_routes_again_what_the_request_could_not(app, client, link):
    """The answer page gives up routing rather than lose the answer (here a broken
    calendar); the worker tries again until the configuration is mended."""
    from feedback.complaints.configuration import settings

    row = settings.settings_row()
    row.timezone = "Mars/Olympus_Mons"
    settings.changed()
    db.session.commit()
    assert client.post(link, data={"score": "1"}).status_code == 303
    assert cases() == []
    work()  # still broken: the worker's try fails too, and is kept for later
    [recorded] = rows("answer.recorded")
    assert recorded.processed_at is None and recorded.attempts == 1
    assert recorded.last_error.startswith("route_again:")
    assert cases() == []
    row = settings.settings_row()
    row.timezone = "Asia/Shanghai"
    settings.changed()
    db.session.commit()
    with time_machine.travel(recorded.next_attempt_at + timedelta(seconds=1)):
        work()
    [case] = cases()
    assert rows("answer.recorded")[0].processed_at is not None
    assert case.customer_id == db.session.scalar(select(Response.customer_id))


def test_processed_events_are_pruned_after_a_while(app, surveys):
    answer("csat", 5, "Great")
    assert len(rows()) == 2
    assert reactions.prune() == 0
    with time_machine.travel(datetime.now(UTC) + reactions.KEEP + timedelta(days=1)):
        assert reactions.prune() == 2
    assert rows() == []


def test_two_workers_share_the_events_and_react_once_each(app, surveys, database_url, tmp_path):
    answers = [
        answer("csat", 4, f"Comment number {n}", customer=f"c-{n}", worker=False) for n in range(60)
    ]
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "worker", "--once"]
    workers = [
        subprocess.Popen(
            command,
            cwd=ROOT,
            env=worker_env(database_url, tmp_path),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for _ in range(2)
    ]
    for worker in workers:
        _out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err.decode()
    tagged = [e.data["response_id"] for e in rows("comment.tagged")]
    assert sorted(tagged) == sorted(a.id for a in answers)  # each once, none lost
    assert not any(e.processed_at is None for e in rows("answer.recorded"))
    untagged = select(func.count()).select_from(Response).where(Response.tagged_at.is_(None))
    assert db.session.scalar(untagged) == 0


def _tagged_within(response_id: int, seconds: float):
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        db.session.expire_all()
        tagged_at = db.session.get(Response, response_id).tagged_at
        if tagged_at is not None:
            return tagged_at
        time.sleep(0.2)
    return None


def test_a_stuck_mail_server_does_not_hold_up_tagging(
    app, surveys, smtp_server, database_url, tmp_path
):
    """The worker sends mail in a lane of its own: while the SMTP server takes its time
    over a message, comments are tagged within seconds all the same."""
    env = worker_env(
        database_url,
        tmp_path,
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=str(smtp_server.port),
        WORKER_POLL_SECONDS="1",
    )
    worker = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "worker"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        # The worker's first comment loads the models: wait for that, however busy the
        # machine, before the mail server gets stuck.
        first = answer("csat", 4, "Quick and friendly", customer="first", worker=False)
        assert _tagged_within(first.id, 60) is not None
        smtp_server.handler_obj.delay = 10.0
        queue_email("ann@example.com", "Hello", "A message the server is slow to take")
        db.session.commit()
        time.sleep(2)  # the worker is in the middle of the slow SMTP exchange now
        response = answer("csat", 5, "Lovely driver, thank you", worker=False)
        tagged = _tagged_within(response.id, 5)
        assert tagged is not None, "the comment waited for the mail server"
        assert smtp_server.handler_obj.messages == []  # still being sent
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.communicate(timeout=30)
    assert worker.returncode == 0


def test_the_worker_lanes_run_side_by_side(app):
    from feedback.worker import register_job, run_forever

    app.extensions["worker_jobs"] = []
    seen = []
    stop = threading.Event()
    register_job(app, "slow network", lambda w, s: s.wait(3), every_seconds=60, lane="network")
    register_job(app, "quick", lambda w, s: seen.append(time.monotonic()), every_seconds=0.1)
    threading.Timer(1.0, stop.set).start()
    started = time.monotonic()
    run_forever("test", stop)  # returns once both lanes have stopped
    assert time.monotonic() - started < 5
    assert len(seen) >= 5 and seen[0] - started < 0.5
