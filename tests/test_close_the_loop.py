"""The whole loop, on both databases, through the real parts: a detractor's answer opens a
case, the thank-you page promises a time, the agents hear of it, an agent replies, the
customer's answers come back (piped by an MTA, then fetched over IMAP) onto the case and
the owner hears of each, the case is resolved and the follow-up survey is answered."""

from __future__ import annotations

import subprocess
import sys
from email import message_from_bytes, policy
from email.header import decode_header, make_header
from pathlib import Path

from feedback.accounts.models import Role
from feedback.complaints.enums import CaseStatus
from feedback.complaints.models import Case, CaseEvent
from feedback.extensions import db
from tests import imap_helpers
from tests.conftest import worker_env
from tests.inbound_helpers import mail
from tests.surveys_helpers import event, html_links, local

ROOT = Path(__file__).resolve().parent.parent
dovecot, mailbox = imap_helpers.dovecot, imap_helpers.mailbox  # the fixtures, used here
REPLY_ADDRESS = "support@example.com"


def _worker(runner) -> None:
    result = runner.invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output


def _received(smtp_server) -> dict[str, list]:
    """What each address received since the last call, by address."""
    by_address: dict[str, list] = {}
    for message in smtp_server.handler_obj.messages:
        parsed = message_from_bytes(message.as_bytes(), policy=policy.default)
        by_address.setdefault(parsed["To"].addresses[0].addr_spec, []).append(parsed)
    smtp_server.handler_obj.messages.clear()
    return by_address


def _subject(message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def _flask(args: list[str], env: dict, raw: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own command
        [sys.executable, "-m", "flask", "--app", "wsgi", *args],
        cwd=ROOT,
        env=env,
        input=raw,
        capture_output=True,
        timeout=120,
    )


def test_a_detractor_is_heard_answered_and_asked_again(
    app,
    surveys,
    api,
    client,
    runner,
    make_user,
    agent_client,
    smtp_server,
    database_url,
    tmp_path,
    mailbox,
):
    app.config["MAIL_REPLY_ADDRESS"] = REPLY_ADDRESS
    # the runner's worker ends the session: keep the addresses, not the rows
    agent = agent_client.user.email
    bystander = make_user(Role.AGENT).email
    env = worker_env(
        database_url,
        tmp_path,
        SECRET_KEY=app.config["SECRET_KEY"],  # the reply address's token is signed with it
        MAIL_REPLY_ADDRESS=REPLY_ADDRESS,
    )

    # the customer is invited after a delivery, and answers 1 of 5 with a comment
    assert api("/api/v1/touchpoints", event(tier=None)).status_code == 201
    _worker(runner)
    (invitation,) = _received(smtp_server)["ann@example.com"]
    link = local(next(url for url in html_links(invitation) if "score=1" in url))
    answered = client.post(
        link.split("?")[0], data={"score": "1", "comment": "The parcel arrived broken."}
    )
    assert answered.status_code == 303
    thanks = client.get(answered.headers["Location"]).get_data(as_text=True)
    assert "Someone from our service team will contact you by" in thanks
    assert "Beijing time" in thanks  # the business calendar's zone, as its people name it
    (case,) = db.session.scalars(db.select(Case)).all()
    assert case.status is CaseStatus.NEW
    case_id = case.id

    # the agents hear of the new high-priority case at once
    _worker(runner)
    mail_now = _received(smtp_server)
    for someone in (agent, bystander):
        assert [_subject(m) for m in mail_now[someone]] == [f"New case #{case_id} in the queue"]

    # the agent takes it, replies, and waits on the customer
    assert agent_client.submit(f"/cases/{case_id}/claim").status_code == 303
    reply = {"language": "en", "subject": "About your parcel", "body": "When may we call?"}
    assert agent_client.submit(f"/cases/{case_id}/reply", reply).status_code == 303
    assert agent_client.submit(f"/cases/{case_id}/pending", {"note": ""}).status_code == 303
    _worker(runner)
    (sent,) = _received(smtp_server)["ann@example.com"]
    reply_to = sent["Reply-To"].addresses[0].addr_spec
    assert reply_to.startswith(f"support+c{case_id}.") and reply_to.endswith("@example.com")

    # the customer answers the email: the MTA pipes it to `flask mail receive`
    piped = mail(
        "Call me after 6 pm, please.\n\nOn Monday the team wrote:\n> When may we call?\n",
        to=reply_to,
        subject=f"Re: {_subject(sent)}",
        headers={"In-Reply-To": sent["Message-ID"]},
    )
    result = _flask(["mail", "receive"], env, piped)
    assert result.returncode == 0, result.stderr.decode()
    db.session.expire_all()
    case = db.session.get(Case, case_id)
    assert case.status is CaseStatus.OPEN  # it waited on the customer: back to work
    page = agent_client.get(f"/cases/{case_id}").get_data(as_text=True)
    assert '<p class="msg-body">Call me after 6 pm, please.</p>' in page
    assert "&gt; When may we call?" not in page  # the quote is trimmed for reading

    # the owner, and only the owner, hears of it
    _worker(runner)
    heard = _received(smtp_server)
    assert [_subject(m) for m in heard[agent]] == [f"The customer replied on case #{case_id}"]
    assert bystander not in heard

    # a second answer lands in the IMAP mailbox and the worker's fetch brings it in
    mailbox.append(
        mail(
            "Or tomorrow morning.",
            to=reply_to,
            subject=f"Re: {_subject(sent)}",
            headers={"In-Reply-To": sent["Message-ID"]},
        ).replace(b"\n", b"\r\n")
    )
    fetched = _flask(["mail", "fetch"], {**env, "MAIL_INBOX_URL": mailbox.url()})
    assert fetched.returncode == 0, fetched.stderr.decode()
    assert b"1 stored, 0 failed" in fetched.stdout
    assert mailbox.messages("INBOX") == []
    page = agent_client.get(f"/cases/{case_id}").get_data(as_text=True)
    assert '<p class="msg-body">Or tomorrow morning.</p>' in page
    _worker(runner)
    assert [_subject(m) for m in _received(smtp_server)[agent]] == [
        f"The customer replied on case #{case_id}"
    ]
    replies = db.session.scalars(
        db.select(CaseEvent.body).where(
            CaseEvent.case_id == case_id, CaseEvent.kind == "customer_reply"
        )
    ).all()
    assert replies == ["Call me after 6 pm, please.", "Or tomorrow morning."]

    # resolved: the customer is asked how it was handled, and answers
    resolved = agent_client.submit(f"/cases/{case_id}/resolve", {"code": "refund", "note": ""})
    assert resolved.status_code == 303
    _worker(runner)
    followups = [
        m
        for m in _received(smtp_server)["ann@example.com"]
        if "How did we handle your feedback" in _subject(m)
    ]
    assert len(followups) == 1
    followup_link = local(html_links(followups[0])[0]).split("?")[0]
    assert client.post(followup_link, data={"score": "5"}).status_code == 303
    db.session.expire_all()
    assert db.session.get(Case, case_id).status is CaseStatus.RESOLVED
    page = agent_client.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "answered the follow-up survey" in page
