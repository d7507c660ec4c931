"""Outbound webhooks: signed deliveries to a real local receiver, retried until taken and
received once per event, given up and shown, paused after failures in a row with the
admins told, refused for private addresses; the CLI and the admin page."""

from __future__ import annotations

import hashlib
import hmac
import json
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_datetime
from sqlalchemy import select

from feedback import events
from feedback.accounts.models import Role
from feedback.extensions import db
from feedback.notify import webhooks
from feedback.notify.addresses import RefusedAddress, check_url
from feedback.notify.webhook_models import DeliveryStatus, Hook, HookKind
from feedback.outbox.models import OutboxMessage
from tests.complaints_helpers import answer, case_of, work
from tests.conftest import worker_env
from tests.hooks_helpers import deliveries, send, serve
from tests.test_security_headers import Watched, _sign_in

pytestmark = pytest.mark.usefixtures("surveys")
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def receiver(app):
    yield from serve(app)


def _hook(url: str, names=("case.opened", "response.created"), **kwargs) -> Hook:
    hook = webhooks.create_hook(HookKind.WEBHOOK, url, list(names), **kwargs)
    db.session.commit()
    return hook


def _verified(received, secret: str) -> bool:
    expected = "sha256=" + hmac.new(secret.encode(), received.body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(received.headers["X-Feedback-Signature"], expected)


def test_a_detractors_answer_reaches_the_receiver_signed(app, receiver):
    hook = _hook(receiver.url)
    response = answer("csat", 1, customer="c-42")
    case = case_of(response)
    assert send() == 2
    got = {r.headers["X-Feedback-Event"]: r for r in receiver.received}
    assert set(got) == {"response.created", "case.opened"}
    for name, received in got.items():
        assert _verified(received, hook.secret), name
        body = received.json
        assert body["type"] == name
        assert body["id"] == received.headers["X-Feedback-Delivery"]
        assert body["created_at"].endswith("+00:00")
    opened = got["case.opened"].json["data"]
    assert opened["case_id"] == case.id
    assert opened["priority"] == case.priority.value
    assert opened["status"] == "new"
    assert opened["score"] == 1 and opened["survey_kind"] == "csat"
    assert opened["customer_external_id"] == "c-42"
    assert opened["case_url"] == f"https://feedback.example.com/cases/{case.id}"
    # ids and facts only: no name, address or comment leaves the service
    raw = b"".join(r.body for r in receiver.received)
    assert b"ann@example.com" not in raw and b"Ann Lee" not in raw
    assert [d.status for d in deliveries()] == [DeliveryStatus.SENT] * 2


def test_a_tampered_body_fails_the_receivers_check(app, receiver):
    hook = _hook(receiver.url, ["response.created"])
    answer("csat", 5)
    send()
    (received,) = receiver.received
    received.body = received.body.replace(b'"score": 5', b'"score": 1')
    assert not _verified(received, hook.secret)


def test_a_receiver_that_fails_twice_then_accepts_gets_each_event_once(app, receiver):
    _hook(receiver.url, ["case.opened"])
    receiver.statuses = [500, 503]
    answer("csat", 1)
    send()
    ids = [r.headers["X-Feedback-Delivery"] for r in receiver.received]
    assert len(ids) == 3 and len(set(ids)) == 1  # the same delivery id on each retry
    (delivery,) = deliveries()
    assert delivery.status is DeliveryStatus.SENT and delivery.attempts == 3
    # the receiver took it once: nothing more is sent, and the reaction running again
    # queues nothing new
    assert send() == 0
    with events.handling(delivery.event_id):
        assert webhooks.queue_deliveries(events.CaseOpened(case_id=1)) == 0
    assert len(receiver.received) == 3


def test_the_delivery_id_is_the_events_row_and_differs_per_event(app, receiver):
    _hook(receiver.url, ["response.created"])
    answer("csat", 4, customer="a")
    answer("csat", 5, customer="b")
    send()
    ids = [r.json["id"] for r in receiver.received]
    event_ids = [
        str(row.id)
        for row in db.session.scalars(
            select(events.DomainEvent).where(events.DomainEvent.type == "answer.recorded")
        )
    ]
    assert sorted(ids) == sorted(event_ids) and len(set(ids)) == 2


def test_the_worker_reaction_knows_its_events_id(app):
    seen = []
    events.later(
        app, events.CustomerReplied, "spy", lambda e: seen.append(events.current_event_id())
    )
    events.publish(events.CustomerReplied(case_id=7))
    db.session.commit()
    row_id = db.session.scalar(
        select(events.DomainEvent.id).where(events.DomainEvent.type == "case.customer_replied")
    )
    work()
    assert seen == [row_id]
    assert events.current_event_id() is None


def test_the_last_failure_is_kept_and_shown_and_repeated_failures_pause_the_hook(
    app, receiver, make_user, admin_client
):
    make_user(Role.ADMIN, email="boss@example.com")
    make_user(Role.ADMIN, email="gone@example.com", active=False)
    hook = _hook(receiver.url, ["case.opened"])
    receiver.statuses = [500] * 100
    answer("csat", 1, customer="x1")
    send()
    (first,) = deliveries()
    assert first.status is DeliveryStatus.FAILED and first.attempts == 4
    assert first.last_status_code == 500 and "HTTP 500" in first.last_error
    page = admin_client.get("/admin/webhooks").get_data(as_text=True)
    assert "HTTP 500" in page and "Failed" in page
    db.session.refresh(hook)
    assert not hook.paused and hook.consecutive_failures == 1
    # a second given up in a row (WEBHOOK_PAUSE_AFTER=2): paused, and every admin told
    answer("csat", 1, customer="x2")
    send()
    db.session.refresh(hook)
    assert hook.paused
    told = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "hook_paused"))
    told = sorted(message.to_address for message in told)
    # the active admins: boss and the signed-in client's; not the deactivated one
    assert len(told) == 2 and "boss@example.com" in told
    # paused: the next event waits (queued, not posted) until the hook is resumed
    posted = len(receiver.received)
    answer("csat", 1, customer="x3")
    send()
    assert len(receiver.received) == posted
    assert [d.status for d in deliveries()][2:] == [DeliveryStatus.PENDING]
    assert "Paused" in admin_client.get("/admin/webhooks").get_data(as_text=True)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/hook",
        "http://10.1.2.3/hook",
        "http://192.168.0.5/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/hook",
        "http://localhost:9000/hook",
        "http://0.0.0.0/hook",
        "http://[::ffff:127.0.0.1]/hook",
    ],
)
def test_private_addresses_are_refused(app, url):
    with pytest.raises(RefusedAddress):
        check_url(url, allow_private=False)
    with pytest.raises(RefusedAddress):
        webhooks.create_hook(HookKind.WEBHOOK, url, ["case.opened"])
    check_url(url, allow_private=True)


@pytest.mark.parametrize("url", ["ftp://93.184.216.34/x", "file:///etc/passwd", "http:///x"])
def test_only_http_urls_with_a_host(app, url):
    with pytest.raises(RefusedAddress):
        check_url(url, allow_private=True)


def test_a_public_address_is_allowed(app):
    check_url("https://93.184.216.34/hook", allow_private=False)


def test_an_address_that_turned_private_fails_at_send_without_retrying(app, receiver):
    _hook(receiver.url, ["case.opened"])
    answer("csat", 1)
    app.config["WEBHOOK_ALLOW_PRIVATE"] = False
    send()
    (delivery,) = deliveries()
    assert delivery.status is DeliveryStatus.FAILED and delivery.attempts == 1
    assert "refused" in delivery.last_error
    assert receiver.received == []


def test_a_redirect_is_not_followed(app, receiver):
    _hook(receiver.url, ["case.opened"])
    receiver.statuses = [302] * 10
    answer("csat", 1)
    send()
    # each attempt reached the hook's own URL only, not where the answer pointed
    assert [r.path for r in receiver.received] == ["/hook"] * 4
    assert deliveries()[0].last_status_code == 302


def test_two_worker_processes_deliver_each_event_once(app, receiver, database_url, tmp_path):
    _hook(receiver.url, ["customer.replied"])
    for case_id in range(1, 61):
        events.publish(events.CustomerReplied(case_id=case_id))
    db.session.commit()
    work()
    assert len(deliveries()) == 60
    receiver.delay = 0.02  # over a second of posting in all, so the workers overlap
    env = worker_env(database_url, tmp_path, WEBHOOK_ALLOW_PRIVATE="true")
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "worker", "--once"]
    workers = [
        subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    for worker in workers:
        _out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err.decode()
    ids = [r.headers["X-Feedback-Delivery"] for r in receiver.received]
    assert len(ids) == 60 and len(set(ids)) == 60  # none twice, none lost
    assert {d.status for d in deliveries()} == {DeliveryStatus.SENT}
    assert len({d.claimed_by.split("/")[0] for d in deliveries()}) == 2  # both took part


# --- the command ------------------------------------------------------------------------


def test_the_command_prints_the_secret_once_and_refuses_unknown_events(app, runner):
    app.config["WEBHOOK_ALLOW_PRIVATE"] = True
    result = runner.invoke(
        args=["webhooks", "create", "http://127.0.0.1:9/x", "--events", "case.opened,case.resolved"]
    )
    assert result.exit_code == 0, result.output
    hook = db.session.scalar(select(Hook))
    assert hook.secret in result.output and hook.events == ["case.opened", "case.resolved"]
    listed = runner.invoke(args=["webhooks", "list"])
    assert "http://127.0.0.1:9/x" in listed.output and hook.secret not in listed.output
    bad = runner.invoke(args=["webhooks", "create", "http://127.0.0.1:9/y", "--events", "case.x"])
    assert bad.exit_code != 0 and "case.x" in bad.output
    app.config["WEBHOOK_ALLOW_PRIVATE"] = False
    private = runner.invoke(
        args=["webhooks", "create", "http://127.0.0.1:9/z", "--events", "case.opened"]
    )
    assert private.exit_code != 0 and "private" in private.output
    assert db.session.scalar(select(db.func.count()).select_from(Hook)) == 1


# --- the admin page ---------------------------------------------------------------------


def test_an_admin_creates_a_webhook_and_sees_its_secret_once(app, admin_client):
    app.config["WEBHOOK_ALLOW_PRIVATE"] = True
    page = admin_client.submit(
        "/admin/webhooks",
        {
            "kind": "webhook",
            "url": "http://127.0.0.1:9/in?token=abc",
            "events": ["case.opened", "customer.replied"],
            "language": "en",
        },
    )
    assert page.status_code == 200
    hook = db.session.scalar(select(Hook))
    text = page.get_data(as_text=True)
    assert hook.secret in text and page.headers["Cache-Control"] == "no-store"
    again = admin_client.get("/admin/webhooks").get_data(as_text=True)
    assert hook.secret not in again
    assert "http://127.0.0.1:9/in" in again and "token=abc" not in again


def test_the_page_refuses_a_private_address_with_a_clear_error(app, admin_client):
    page = admin_client.submit(
        "/admin/webhooks",
        {"kind": "webhook", "url": "http://127.0.0.1/in", "events": ["case.opened"]},
    )
    assert page.status_code == 400
    assert "private" in page.get_data(as_text=True)
    assert db.session.scalar(select(Hook)) is None


def test_bad_input_on_the_page_is_a_400(app, admin_client):
    for data in (
        {"kind": "webhook", "url": "not a url", "events": ["case.opened"]},
        {"kind": "webhook", "url": "https://93.184.216.34/x", "events": []},
        {"kind": "webhook", "url": "https://93.184.216.34/x", "events": ["nope"]},
        {"kind": "fax", "url": "https://93.184.216.34/x", "events": ["case.opened"]},
    ):
        assert admin_client.submit("/admin/webhooks", data).status_code == 400, data
    assert db.session.scalar(select(Hook)) is None


def test_an_admin_pauses_resumes_and_deletes(app, admin_client, receiver):
    hook = _hook(receiver.url, ["case.opened"])
    assert admin_client.submit(f"/admin/webhooks/{hook.id}/pause").status_code == 303
    db.session.refresh(hook)
    assert hook.paused
    answer("csat", 1, customer="p1")
    send()
    assert receiver.received == []
    assert admin_client.submit(f"/admin/webhooks/{hook.id}/resume").status_code == 303
    db.session.refresh(hook)
    assert not hook.paused
    assert admin_client.submit(f"/admin/webhooks/{hook.id}/delete").status_code == 303
    assert db.session.scalar(select(Hook)) is None
    assert admin_client.submit("/admin/webhooks/9999/delete").status_code == 404


def test_a_manager_may_add_work_chat_but_not_webhooks(app, manager_client, agent_client):
    app.config["WEBHOOK_ALLOW_PRIVATE"] = True
    assert agent_client.get("/admin/webhooks").status_code == 403
    refused = manager_client.submit(
        "/admin/webhooks",
        {"kind": "webhook", "url": "http://127.0.0.1:9/x", "events": ["case.opened"]},
    )
    assert refused.status_code == 400
    made = manager_client.submit(
        "/admin/webhooks",
        {"kind": "slack", "url": "http://127.0.0.1:9/s", "events": ["case.opened"]},
    )
    assert made.status_code == 303
    assert db.session.scalar(select(Hook)).kind is HookKind.SLACK
    webhook = _hook("http://127.0.0.1:9/w")
    assert "127.0.0.1:9/w" not in manager_client.get("/admin/webhooks").get_data(as_text=True)
    assert manager_client.submit(f"/admin/webhooks/{webhook.id}/delete").status_code == 403
    assert manager_client.get(f"/admin/webhooks/{webhook.id}").status_code == 403


def test_the_body_is_json_with_the_four_keys(app, receiver):
    _hook(receiver.url, ["response.created"])
    answer("nps", 9)
    send()
    body = json.loads(receiver.received[0].body)
    assert set(body) == {"id", "type", "created_at", "data"}


def test_an_admin_in_shanghai_works_the_page_in_chromium(
    app, receiver, make_user, live_server, browser
):
    admin = make_user(Role.ADMIN, timezone="Asia/Shanghai")
    _hook(receiver.url, ["case.opened"])
    receiver.statuses = [500] * 10
    answer("csat", 1)
    send()
    (failed,) = deliveries()
    # the delivery's time in the viewer's zone (UTC+8), as Babel writes it in English
    shown = format_datetime(failed.created_at, "medium", tzinfo=ZoneInfo("Asia/Shanghai"))
    watched = Watched(browser)
    _sign_in(watched, live_server, admin)
    watched.visit(f"{live_server}/admin/webhooks")
    page = watched.page
    assert page.get_by_text("HTTP 500 Internal Server Error").first.is_visible()
    assert shown in page.inner_text("main")

    page.get_by_label("Kind").select_option("webhook")
    page.get_by_label("URL").fill(receiver.url + "/second")
    page.get_by_label("A customer replies on a case").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Add hook").click()
    second = db.session.scalar(select(Hook).where(Hook.url.endswith("/second")))
    assert page.locator("code.secret").inner_text() == second.secret

    with page.expect_navigation():
        page.get_by_role("button", name="Pause").first.click()
    page.on("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.get_by_role("button", name="Delete").last.click()
    assert "is deleted" in page.inner_text("main")
    db.session.expire_all()
    hooks = list(db.session.scalars(select(Hook)))
    assert [hook.paused for hook in hooks] == [True]
    assert watched.messages == []
    watched.context.close()


def test_a_receiver_that_does_not_answer_in_time_is_a_failed_attempt(app, receiver):
    app.config.update(WEBHOOK_TIMEOUT_SECONDS=1, WEBHOOK_MAX_ATTEMPTS=1)
    _hook(receiver.url, ["case.opened"])
    receiver.delay = 2
    answer("csat", 1)
    send()
    (delivery,) = deliveries()
    assert delivery.status is DeliveryStatus.FAILED
    assert "timed out" in delivery.last_error
