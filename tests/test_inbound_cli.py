"""`flask mail receive` as an MTA's pipe runs it: a real process reading standard input,
whose exit status tells the MTA to forget the message (stored), try again (75) or bounce
it (65)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from feedback.complaints import cases as actions
from feedback.complaints.inbound_models import InboundMessage
from feedback.complaints.models import CaseEvent
from feedback.complaints.reply_address import reply_address
from feedback.extensions import db
from tests.complaints_helpers import answer, case_of
from tests.conftest import worker_env
from tests.inbound_helpers import mail

ROOT = Path(__file__).resolve().parent.parent


def pipe(raw: bytes, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "mail", "receive"],
        cwd=ROOT,
        env=env,
        input=raw,
        capture_output=True,
        timeout=120,
    )


@pytest.fixture
def env(app, database_url, tmp_path):
    app.config["MAIL_REPLY_ADDRESS"] = "support@example.com"
    return worker_env(
        database_url,
        tmp_path,
        SECRET_KEY=app.config["SECRET_KEY"],
        MAIL_REPLY_ADDRESS="support@example.com",
    )


def test_a_piped_reply_lands_on_its_case_and_exits_0(env, surveys, make_user):
    case = case_of(answer("csat", 1))
    actions.reply(case, make_user(), "About your delivery", "When may we call?", "en")
    db.session.commit()
    done = pipe(mail(to=reply_address(case.id), body="At 3, thanks."), env)
    assert done.returncode == 0, done.stderr.decode()
    db.session.expire_all()
    [event] = db.session.scalars(
        select(CaseEvent).where(CaseEvent.case_id == case.id, CaseEvent.kind == "customer_reply")
    ).all()
    assert event.body == "At 3, thanks."
    # unmatched and automatic mail is stored as well: the MTA may forget it
    assert pipe(mail(sender="who@example.net"), env).returncode == 0
    auto = mail(sender="who@example.net", headers={"Auto-Submitted": "auto-replied"})
    assert pipe(auto, env).returncode == 0
    assert db.session.scalar(select(db.func.count()).select_from(InboundMessage)) == 3


@pytest.mark.parametrize("raw", [b"", b"  \r\n\r\n", b"just some words, no header\n"])
def test_input_that_is_not_a_message_exits_65(env, raw):
    done = pipe(raw, env)
    assert done.returncode == 65, done.stderr.decode()
    assert db.session.scalar(select(db.func.count()).select_from(InboundMessage)) == 0


@pytest.mark.parametrize(
    "url",
    [
        "sqlite:////nonexistent-directory/feedback.db",
        "postgresql+psycopg://feedback:feedback@127.0.0.1:9/feedback?connect_timeout=3",
    ],
)
def test_an_unreachable_database_exits_75_so_the_mta_tries_again(env, url):
    done = pipe(mail(), {**env, "DATABASE_URL": url})
    assert done.returncode == 75, done.stderr.decode()
    assert b"try again later" in done.stderr
