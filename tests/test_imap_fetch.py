"""`flask mail fetch` and the worker's mail_fetch job against a real IMAP server (Dovecot,
tests/imap_helpers.py): each message reaches the handler as its exact bytes, is committed,
then leaves the inbox; failures leave it there for the next poll."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from email import message_from_bytes
from pathlib import Path

import pytest
from sqlalchemy import func, select

from config import TestingConfig
from feedback import create_app
from feedback.complaints import inbound
from feedback.complaints.imap import POLL_LOCK, InboxConfigError, fetch, inbox_from_config
from feedback.complaints.inbound_models import InboundMessage, InboundStatus
from feedback.customers.models import Customer
from feedback.extensions import db
from tests import imap_helpers
from tests.conftest import worker_env

ROOT = Path(__file__).resolve().parent.parent
dovecot, mailbox = imap_helpers.dovecot, imap_helpers.mailbox  # the fixtures, used here
FLASK = [sys.executable, "-m", "flask", "--app", "wsgi", "mail", "fetch"]


def message(subject: str, body: str = "Please call me after 6pm.\r\n") -> bytes:
    """A plain customer's reply, CRLF as on the wire."""
    return (
        f"From: Li Lei <lilei@example.com>\r\n"
        f"To: support@example.com\r\n"
        f"Subject: {subject}\r\n"
        f"Message-ID: <{subject.replace(' ', '.')}@example.com>\r\n"
        f"\r\n{body}"
    ).encode()


class Recorder:
    """A handler that stores a customer row per message (so that the commit shows in the
    database) and keeps the bytes it was given; it fails on messages it is told to."""

    def __init__(self, fail_on: bytes | None = None):
        self.received: list[bytes] = []
        self.fail_on = fail_on

    def __call__(self, raw: bytes) -> None:
        db.session.add(Customer(external_id=f"mail-{len(self.received)}-{len(raw)}"))
        db.session.flush()
        if self.fail_on is not None and self.fail_on in raw:
            raise RuntimeError("the database went away")
        self.received.append(raw)


def inbox_of(server):
    return inbox_from_config(server.settings())


def customers() -> int:
    db.session.rollback()  # only what was committed
    return db.session.scalar(select(func.count()).select_from(Customer))


def test_each_message_reaches_the_handler_as_sent_and_moves_to_processed(app, mailbox):
    sent = [message("Re: your answer"), message("Re: call me")]
    mailbox.append(*sent)
    handler = Recorder()

    report = fetch(handler, inbox_of(mailbox))

    assert (report.stored, report.failed, report.waiting, report.error) == (2, 0, 0, None)
    assert handler.received == sent
    assert customers() == 2  # committed, not only flushed
    assert mailbox.messages("INBOX") == []
    assert mailbox.messages("Processed") == sent  # created when missing; nothing lost
    # the next poll finds nothing to do
    assert not fetch(handler, inbox_of(mailbox))
    assert len(handler.received) == 2


def test_a_server_without_move_gets_a_copy_and_the_original_deleted(app, mailbox):
    sent = [message("older server"), message("second")]
    mailbox.append(*sent)
    old_server = mailbox.without_move()
    with old_server.client() as client:
        assert not client.has_capability("MOVE")

    report = fetch(Recorder(), inbox_of(old_server))

    assert report.stored == 2
    assert mailbox.messages("INBOX") == []
    assert mailbox.messages("Processed") == sent
    with mailbox.client() as client:  # expunged, not only flagged
        assert client.select_folder("INBOX")[b"EXISTS"] == 0


def test_chinese_and_8bit_messages_come_through_byte_exact(app, mailbox):
    utf8 = (
        "From: =?utf-8?b?5p2O6Zu3?= <lilei@example.com>\r\n"
        "To: support@example.com\r\n"
        "Subject: =?utf-8?b?5Zue5aSN77ya5oqV6K+J?=\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: 8bit\r\n"
        "\r\n"
        "快递三天都没到，请晚上六点以后给我打电话。\r\n"
    ).encode()
    gbk = (
        b"From: lilei@example.com\r\n"
        b"Subject: =?gbk?b?u9i4tA==?=\r\n"
        b"Content-Type: text/plain; charset=gbk\r\n"
        b"Content-Transfer-Encoding: 8bit\r\n"
        b"\r\n" + "客服您好，包裹破损了。\r\n".encode("gbk")
    )
    raw_utf8_header = "Subject: 回复：投诉\r\nFrom: a@example.com\r\n\r\n谢谢\r\n".encode()
    sent = [utf8, gbk, raw_utf8_header]
    mailbox.append(*sent)
    handler = Recorder()

    fetch(handler, inbox_of(mailbox))

    assert handler.received == sent
    assert mailbox.messages("Processed") == sent


def test_a_failing_message_stays_in_the_inbox_and_the_others_are_stored(app, mailbox):
    sent = [message("first"), message("second", "BOOM\r\n"), message("third")]
    mailbox.append(*sent)

    report = fetch(Recorder(fail_on=b"BOOM"), inbox_of(mailbox))

    assert (report.stored, report.failed) == (2, 1)
    assert customers() == 2  # the failed message's row was rolled back
    assert mailbox.messages("INBOX") == [sent[1]]
    assert mailbox.messages("Processed") == [sent[0], sent[2]]
    # once the handler works again, the next poll takes it
    handler = Recorder()
    assert fetch(handler, inbox_of(mailbox)).stored == 1
    assert handler.received == [sent[1]]
    assert mailbox.messages("INBOX") == []


def test_one_poll_takes_at_most_its_limit_oldest_first(app, mailbox):
    sent = [message(f"reply {n}") for n in range(5)]
    mailbox.append(*sent)
    handler = Recorder()

    report = fetch(handler, inbox_of(mailbox), limit=2)

    assert (report.stored, report.waiting) == (2, 3)
    assert handler.received == sent[:2]
    assert mailbox.messages("INBOX") == sent[2:]
    assert fetch(handler, inbox_of(mailbox), limit=2).waiting == 1
    fetch(handler, inbox_of(mailbox), limit=2)
    assert handler.received == sent


@pytest.mark.parametrize("limit", [0, -1])
def test_a_batch_size_below_one_still_takes_one_message_a_poll(app, mailbox, limit):
    sent = [message("first"), message("second")]
    mailbox.append(*sent)
    handler = Recorder()

    report = fetch(handler, inbox_of(mailbox), limit=limit)

    assert (report.stored, report.waiting) == (1, 1)
    assert handler.received == sent[:1]


def test_a_stopping_worker_leaves_the_rest_for_later(app, mailbox):
    sent = [message(f"reply {n}") for n in range(3)]
    mailbox.append(*sent)
    stop = threading.Event()

    def handler(raw: bytes) -> None:
        stop.set()  # SIGTERM arrives while the first message is stored

    report = fetch(handler, inbox_of(mailbox), stop=stop)

    assert (report.stored, report.waiting) == (1, 2)
    assert mailbox.messages("INBOX") == sent[1:]


class IdempotentRecorder:
    """Stores each Message-ID once, as inbound's receive does (a unique key); slowly, so
    that two workers overlap."""

    def __call__(self, raw: bytes) -> None:
        time.sleep(0.02)
        key = message_from_bytes(raw)["Message-ID"]
        if db.session.scalar(select(Customer.id).where(Customer.external_id == key)) is None:
            db.session.add(Customer(external_id=key))
            db.session.flush()


def test_two_workers_at_once_store_each_message_once_and_lose_none(app, mailbox):
    sent = [message(f"reply {n}") for n in range(8)]
    mailbox.append(*sent)
    inbox, reports = inbox_of(mailbox), []

    together = threading.Barrier(2)

    def worker() -> None:
        with app.app_context():
            together.wait()
            reports.append(fetch(IdempotentRecorder(), inbox))
            db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(r.stored for r in reports) == [0, len(sent)]
    assert not any(r.failed or r.error for r in reports)
    assert customers() == len(sent)
    assert mailbox.messages("INBOX") == []
    assert sorted(mailbox.messages("Processed")) == sorted(sent)  # each exactly once


@pytest.mark.postgres_only
def test_on_postgresql_one_worker_reads_the_mailbox_at_a_time(app, mailbox):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the advisory lock is PostgreSQL's")
    mailbox.append(message("one at a time"))
    handler = Recorder()
    with db.engine.connect() as other_worker:
        assert other_worker.scalar(select(func.pg_try_advisory_lock(*POLL_LOCK)))
        report = fetch(handler, inbox_of(mailbox))
        other_worker.scalar(select(func.pg_advisory_unlock(*POLL_LOCK)))
    assert report.busy
    assert handler.received == []
    assert mailbox.messages("INBOX") == [message("one at a time")]
    assert fetch(handler, inbox_of(mailbox)).stored == 1


@pytest.mark.parametrize("scheme", ["imaps", "imap+starttls"])
def test_tls_with_the_servers_ca_reads_the_mailbox(app, mailbox, scheme):
    mailbox.append(message(f"over {scheme}"))
    inbox = inbox_from_config(
        {"MAIL_INBOX_URL": mailbox.url(scheme=scheme), "MAIL_INBOX_CA_FILE": str(mailbox.ca_file)}
    )

    report = fetch(Recorder(), inbox)

    assert (report.stored, report.error) == (1, None)
    assert mailbox.messages("Processed") == [message(f"over {scheme}")]


@pytest.mark.parametrize("scheme", ["imaps", "imap+starttls"])
def test_a_certificate_no_trusted_authority_signed_is_refused(app, mailbox, scheme):
    mailbox.append(message("not to a stranger"))

    report = fetch(Recorder(), inbox_from_config({"MAIL_INBOX_URL": mailbox.url(scheme=scheme)}))

    assert report.error.startswith("TLS failed: CERTIFICATE_VERIFY_FAILED")
    assert mailbox.messages("INBOX") == [message("not to a stranger")]


def test_a_wrong_password_is_reported_not_raised(app, mailbox, caplog):
    mailbox.append(message("waiting"))
    inbox = inbox_from_config({"MAIL_INBOX_URL": mailbox.url(password="wrong")})

    report = fetch(Recorder(), inbox)

    assert report.login_refused
    assert "refused" in report.error
    assert "wrong" not in caplog.text  # the password is never logged
    assert mailbox.messages("INBOX") == [message("waiting")]


def test_an_unreachable_server_is_reported_in_one_line(app, caplog):
    inbox = inbox_from_config({"MAIL_INBOX_URL": "imap://u:p@127.0.0.1:1/INBOX"})

    report = fetch(Recorder(), inbox, timeout=5)

    assert report.error == "connection refused"
    assert "Traceback" not in caplog.text
    assert [r.message for r in caplog.records if r.name == "feedback.mail"] == [
        "mail.fetch_failed inbox=plain://u@127.0.0.1:1/INBOX error=connection refused"
    ]


# --- the command ----------------------------------------------------------------------


def run_fetch(database_url: str, tmp_path, **env) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own command
        FLASK,
        cwd=ROOT,
        env=worker_env(database_url, tmp_path, **env),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_command_without_a_mailbox_says_so_and_exits_78(database_url, tmp_path):
    result = run_fetch(database_url, tmp_path)
    assert result.returncode == 78
    assert "No mailbox is configured: set MAIL_INBOX_URL" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_command_with_a_bad_url_names_the_setting_and_exits_78(database_url, tmp_path):
    result = run_fetch(database_url, tmp_path, MAIL_INBOX_URL="pop3://u:p@example.com/")
    assert result.returncode == 78
    assert "MAIL_INBOX_URL must start with imaps://" in result.stderr


def test_the_command_exits_75_when_the_server_cannot_be_reached(database_url, tmp_path):
    result = run_fetch(database_url, tmp_path, MAIL_INBOX_URL="imap://u:p@127.0.0.1:1/INBOX")
    assert result.returncode == 75  # EX_TEMPFAIL: cron tries again later
    assert "Cannot read plain://u@127.0.0.1:1/INBOX: connection refused" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_command_exits_75_when_the_database_cannot_be_reached(tmp_path, mailbox):
    mailbox.append(message("wait for the database"))
    down = "postgresql://feedback:x@127.0.0.1:1/feedback"  # nothing listens on port 1
    result = run_fetch(down, tmp_path, MAIL_INBOX_URL=mailbox.url())
    assert result.returncode == 75, result.stderr  # EX_TEMPFAIL
    assert "the database cannot be reached" in result.stderr
    assert "Traceback" not in result.stderr
    assert mailbox.messages("INBOX") == [message("wait for the database")]


def test_the_command_exits_77_on_a_wrong_password(database_url, tmp_path, mailbox):
    result = run_fetch(database_url, tmp_path, MAIL_INBOX_URL=mailbox.url(password="nope"))
    assert result.returncode == 77
    assert "refused the user name or password" in result.stderr
    assert "nope" not in result.stderr + result.stdout


def test_the_command_stores_each_message_on_the_unmatched_list(
    app, database_url, tmp_path, mailbox
):
    mailbox.append(message("keep me"))
    result = run_fetch(database_url, tmp_path, MAIL_INBOX_URL=mailbox.url())
    assert "1 stored, 0 failed" in result.stdout, result.stdout + result.stderr
    assert mailbox.messages("INBOX") == []
    assert mailbox.messages("Processed") == [message("keep me")]
    db.session.remove()
    (row,) = db.session.scalars(select(InboundMessage))
    # no customer has that address: kept for staff, never dropped
    assert (row.subject, row.status) == ("keep me", InboundStatus.UNMATCHED)
    assert row.raw == message("keep me")


def test_a_message_without_headers_goes_to_unreadable_and_holds_up_nothing(app, mailbox):
    """receive() refuses it for good: tried again at every poll it would be logged (and,
    with enough of them, fill each poll's batch) forever."""
    headless = b"\r\nJust a body, no header at all.\r\n"
    mailbox.append(headless, message("after it"))
    report = fetch(inbound.receive, inbox_of(mailbox))
    assert (report.stored, report.failed, report.unreadable) == (1, 0, 1)
    assert mailbox.messages("INBOX") == []
    assert mailbox.messages("Unreadable") == [headless]
    assert mailbox.messages("Processed") == [message("after it")]
    # and the next poll has nothing left to try
    assert fetch(inbound.receive, inbox_of(mailbox)).unreadable == 0


# --- the worker -----------------------------------------------------------------------


def test_the_worker_polls_the_mailbox_when_one_is_configured(app, database_url, mailbox):
    mailbox.append(message("from the worker"))
    configured = create_app(
        TestingConfig,
        {"SQLALCHEMY_DATABASE_URI": database_url, **mailbox.settings()},
    )
    jobs = {job.name: job for job in configured.extensions["worker_jobs"]}
    assert jobs["mail_fetch"].lane == "network"
    assert jobs["mail_fetch"].every_seconds == 60

    with configured.app_context():
        result = configured.test_cli_runner().invoke(args=["worker", "--once"])
        db.session.remove()
        db.engine.dispose()  # its own pool: left open, a later test's GC warns of it

    assert result.exit_code == 0, result.output
    db.session.remove()
    assert db.session.scalars(select(InboundMessage.subject)).all() == ["from the worker"]
    assert mailbox.messages("Processed") == [message("from the worker")]
    assert "mail_fetch" not in {job.name for job in app.extensions["worker_jobs"]}


# --- settings ---------------------------------------------------------------------------


def test_the_url_gives_security_port_folder_and_decoded_credentials():
    inbox = inbox_from_config({"MAIL_INBOX_URL": "imaps://kf%40shop.cn:p%2Fw%3A%40@mx.shop.cn/"})
    assert (inbox.security, inbox.host, inbox.port, inbox.folder) == (
        "ssl",
        "mx.shop.cn",
        993,
        "INBOX",
    )
    assert (inbox.user, inbox.password) == ("kf@shop.cn", "p/w:@")
    assert "p/w" not in str(inbox) + repr(inbox)
    starttls = inbox_from_config({"MAIL_INBOX_URL": "imap+starttls://u:p@h/Support%20Mail"})
    assert (starttls.security, starttls.port, starttls.folder) == ("starttls", 143, "Support Mail")
    upgraded = inbox_from_config({"MAIL_INBOX_URL": "imap://u:p@h:1143", "MAIL_INBOX_STARTTLS": 1})
    assert (upgraded.security, upgraded.port) == ("starttls", 1143)


def test_host_settings_default_to_tls_and_the_unset_mailbox_is_none():
    assert inbox_from_config({}) is None
    inbox = inbox_from_config(
        {"MAIL_INBOX_HOST": "mx", "MAIL_INBOX_USER": "u", "MAIL_INBOX_PASSWORD": "p"}
    )
    assert (inbox.security, inbox.port, inbox.folder) == ("ssl", 993, "INBOX")


@pytest.mark.parametrize(
    ("settings", "says"),
    [
        ({"MAIL_INBOX_URL": "http://u:p@h/"}, "must start with imaps://"),
        ({"MAIL_INBOX_URL": "imaps://h/"}, "needs a user and a password"),
        ({"MAIL_INBOX_URL": "imaps://u:p@h:port/"}, "port that is not a number"),
        ({"MAIL_INBOX_HOST": "mx", "MAIL_INBOX_USER": "u"}, "MAIL_INBOX_PASSWORD"),
    ],
)
def test_unusable_settings_say_which_and_why(settings, says):
    with pytest.raises(InboxConfigError, match=says):
        inbox_from_config(settings)
