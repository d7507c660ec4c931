"""Staff hear of cases by email (feedback/notify): agents of new cases in the queue, of cases
given to them, of customers' replies and reopens; managers of urgent and top-tier openings.

Each test goes the worker's way: the real action (an answer, a claim or an assignment
through the routes) publishes the domain event, the reactions run, the outbox is
delivered to a real SMTP server, and the test reads what arrived.
"""

from __future__ import annotations

import threading
from collections import defaultdict

from babel.dates import format_datetime
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select, update

from feedback import events
from feedback.accounts.models import Role
from feedback.complaints import cases as actions
from feedback.complaints.models import Case, CaseEvent, CasePriority, ResolutionCode
from feedback.events import DomainEvent
from feedback.extensions import db
from feedback.notify import staff
from feedback.notify.digest import send_digests
from feedback.notify.staff_models import NotifyPreference, StaffNotice, When
from feedback.outbox.delivery import deliver_due
from feedback.outbox.models import OutboxMessage
from tests.complaints_helpers import answer, case_of, work


def delivered(smtp_server) -> dict[str, list]:
    """Deliver the outbox; what each address received since the last call."""
    deliver_due("test")
    handler = smtp_server.handler_obj
    received = defaultdict(list)
    for message in handler.messages:
        received[message["To"]].append(message)
    handler.messages.clear()
    return received


def text(message) -> str:
    """The plain-text body of a received message."""
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
    raise AssertionError("no text part")


def subjects(received, user) -> list[str]:
    from email.header import decode_header, make_header

    return [str(make_header(decode_header(m["Subject"]))) for m in received.get(user.email, [])]


def choose(user, queue: When = When.NOW, mine: When = When.NOW) -> None:
    staff.set_preference(user, queue, mine)
    db.session.commit()


def digests() -> int:
    sent = send_digests("test")
    db.session.expire_all()
    return sent


# --- new cases in the queue ------------------------------------------------------------


def test_a_high_case_reaches_agents_at_once_by_their_choice(app, surveys, make_user, smtp_server):
    now, later, off = (make_user(Role.AGENT, name=n) for n in ("Nia", "Lou", "Ofe"))
    manager = make_user(Role.MANAGER)
    choose(later, queue=When.DIGEST)
    choose(off, queue=When.OFF)
    case = case_of(answer("csat", 1, name="Ann Lee"))  # CSAT 1: high
    assert case.priority is CasePriority.HIGH

    received = delivered(smtp_server)
    assert subjects(received, now) == [f"New case #{case.id} in the queue"]
    body = text(received[now.email][0])
    assert "Hello Nia," in body
    assert "Customer: Ann Lee" in body
    assert "Priority: High" in body
    assert "Score: 1 (CSAT)" in body
    assert f"/cases/{case.id}" in body
    assert "Due: " in body
    for nobody in (later, off, manager):
        assert nobody.email not in received

    # the digest: the agent who chose it gets the case; the others nothing more
    assert digests() == 1
    received = delivered(smtp_server)
    assert subjects(received, later) == ["Case digest: 1 notice"]
    assert f"New case #{case.id} in the queue" in text(received[later.email][0])
    assert set(received) == {later.email}
    # and nothing again
    assert digests() == 0
    assert delivered(smtp_server) == {}


def test_normal_cases_wait_for_one_digest_and_a_taken_case_is_left_out(
    app, surveys, make_user, agent_client, smtp_server
):
    reader = make_user(Role.AGENT)
    first = case_of(answer("csat", 2, customer="c-1", name="Ann Lee"))  # normal
    taken = case_of(answer("csat", 2, customer="c-2", name="Bo Chen"))
    third = case_of(answer("nps", 5, customer="c-3", name="Cy Wu"))
    assert {first.priority, taken.priority, third.priority} == {CasePriority.NORMAL}
    assert delivered(smtp_server) == {}  # nobody is told of a normal case at once

    assert agent_client.submit(f"/cases/{taken.id}/claim").status_code == 303
    work()
    assert delivered(smtp_server) == {}  # who claims a case is not told of it

    assert digests() == 2  # one email each for the two agents
    received = delivered(smtp_server)
    assert set(received) == {reader.email, agent_client.user.email}
    [digest] = received[reader.email]
    assert subjects(received, reader) == ["Case digest: 2 notices"]
    body = text(digest)
    assert f"#{first.id}" in body and f"#{third.id}" in body
    assert f"#{taken.id}" not in body
    assert "Ann Lee" in body and "Cy Wu" in body and "Bo Chen" not in body
    assert digests() == 0


def test_the_digest_is_sent_once_when_two_workers_run_it(app, surveys, make_user, smtp_server):
    reader = make_user(Role.AGENT)
    for n in range(3):
        answer("csat", 2, customer=f"c-{n}")
    counts = []

    def run():
        with app.app_context():
            counts.append(send_digests("w"))
            db.session.remove()

    workers = [threading.Thread(target=run) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(30)
    assert sorted(counts) == [0, 1]
    received = delivered(smtp_server)
    assert subjects(received, reader) == ["Case digest: 3 notices"]


def test_managers_hear_at_once_of_urgent_and_top_tier_openings(
    app, surveys, make_user, smtp_server
):
    manager, agent = make_user(Role.MANAGER), make_user(Role.AGENT)
    plain = case_of(answer("nps", 0, customer="c-1"))  # high, no tier
    vip = case_of(answer("csat", 2, customer="c-2", tier="VIP"))  # raised to high
    assert plain.priority is vip.priority is CasePriority.HIGH
    received = delivered(smtp_server)
    assert subjects(received, manager) == [f"Case #{vip.id} opened for a top-tier customer"]
    assert "Customer tier: VIP" in text(received[manager.email][0])
    assert len(received[agent.email]) == 2  # the agent hears of both (high)

    # an urgent case: a manager raised it before the worker came to it
    urgent = case_of(answer("csat", 2, customer="c-3", worker=False))
    actions.change_priority(urgent, manager, CasePriority.URGENT, "Press")
    db.session.commit()
    work()
    received = delivered(smtp_server)
    assert subjects(received, manager) == [f"Urgent case #{urgent.id} opened"]
    assert subjects(received, agent) == [f"New case #{urgent.id} in the queue"]


def test_admins_hear_of_serious_cases_where_there_is_no_manager(
    app, surveys, make_user, smtp_server
):
    admin = make_user(Role.ADMIN)
    case = case_of(answer("csat", 1, tier="vip"))  # urgent
    assert case.priority is CasePriority.URGENT
    assert subjects(delivered(smtp_server), admin) == [f"Urgent case #{case.id} opened"]


# --- one's own cases -------------------------------------------------------------------


def test_an_assignment_tells_the_new_owner_not_who_assigned(
    app, surveys, make_user, manager_client, smtp_server
):
    owner = make_user(Role.AGENT, name="Olu Owner")
    case = case_of(answer("csat", 2))  # normal: nobody is told at once
    response = manager_client.submit(f"/cases/{case.id}/assign", {"owner": str(owner.id)})
    assert response.status_code == 303
    work()
    received = delivered(smtp_server)
    assert list(received) == [owner.email]
    assert subjects(received, owner) == [f"Case #{case.id} is assigned to you"]
    who = manager_client.user.display_name
    assert f"{who} gave you case #{case.id}." in text(received[owner.email][0])

    # given to someone else and back: a new notice each time it reaches them
    other = make_user(Role.AGENT)
    manager_client.submit(f"/cases/{case.id}/assign", {"owner": str(other.id)})
    manager_client.submit(f"/cases/{case.id}/assign", {"owner": str(owner.id)})
    work()
    received = delivered(smtp_server)
    assert subjects(received, owner) == [f"Case #{case.id} is assigned to you"]
    assert other.email not in received  # no longer theirs when the worker came to it


def test_an_owner_who_chose_the_digest_reads_the_assignment_there(
    app, surveys, make_user, manager_client, smtp_server
):
    owner = make_user(Role.AGENT)
    choose(owner, queue=When.OFF, mine=When.DIGEST)
    case = case_of(answer("csat", 2))
    manager_client.submit(f"/cases/{case.id}/assign", {"owner": str(owner.id)})
    work()
    assert delivered(smtp_server) == {}
    assert digests() == 1
    received = delivered(smtp_server)
    assert f"Case #{case.id} is assigned to you" in text(received[owner.email][0])


def _customer_writes(case: Case, body: str = "Call me at 5") -> None:
    """What inbound mail does when a customer's message reaches a case."""
    db.session.add(CaseEvent(case_id=case.id, kind="customer_reply", body=body, detail="Re: x"))
    events.publish(events.CustomerReplied(case_id=case.id))
    db.session.commit()
    work()


def test_the_owner_always_hears_of_a_customer_reply(
    app, surveys, make_user, agent_client, smtp_server
):
    owner = agent_client.user
    choose(owner, queue=When.OFF)  # off for the queue; never for their own cases
    bystander = make_user(Role.AGENT)
    case = case_of(answer("csat", 2))
    agent_client.submit(f"/cases/{case.id}/claim")
    work()
    assert delivered(smtp_server) == {}

    _customer_writes(case)
    received = delivered(smtp_server)
    assert list(received) == [owner.email]
    assert subjects(received, owner) == [f"The customer replied on case #{case.id}"]
    assert "Call me at 5" not in text(received[owner.email][0])  # the page shows it

    _customer_writes(case, "Or at 6")  # a second message is a second notice
    assert subjects(delivered(smtp_server), owner) == [f"The customer replied on case #{case.id}"]
    assert bystander.email not in received


def test_the_owner_hears_of_a_reopen_by_someone_else(
    app, surveys, make_user, agent_client, smtp_server
):
    owner, manager = agent_client.user, make_user(Role.MANAGER)
    case = case_of(answer("csat", 2))
    actions.claim(case, owner)
    actions.reply(case, owner, "Sorry", "We fixed it.", "en")
    actions.resolve(case, owner, ResolutionCode.SOLVED)
    db.session.commit()
    actions.reopen(case, owner, "I was too quick")  # by the owner: nobody is told
    db.session.commit()
    work()
    received = delivered(smtp_server)
    assert all("reopened" not in s for s in subjects(received, owner))

    actions.resolve(case, owner, ResolutionCode.SOLVED)
    db.session.commit()
    actions.reopen(case, manager, "The customer called")
    db.session.commit()
    work()
    received = delivered(smtp_server)
    assert subjects(received, owner) == [f"Case #{case.id} is reopened"]
    assert manager.email not in received


# --- at least once ----------------------------------------------------------------------


def test_a_reaction_that_runs_twice_sends_once(app, surveys, make_user, smtp_server):
    agent = make_user(Role.AGENT)
    case = case_of(answer("csat", 1))
    # a worker that died before its commit: the next one runs the reactions again
    db.session.execute(update(DomainEvent).values(processed_at=None, done=None))
    db.session.commit()
    assert work() > 0
    staff.on_case_opened(events.CaseOpened(case_id=case.id))
    db.session.commit()
    assert subjects(delivered(smtp_server), agent) == [f"New case #{case.id} in the queue"]
    notices = db.session.scalar(select(func.count()).select_from(StaffNotice))
    assert notices == 1
    sent = select(func.count()).where(OutboxMessage.kind == "staff_notice")
    assert db.session.scalar(sent) == 1


# --- language and time zone ---------------------------------------------------------------


def test_each_reader_gets_their_language_and_time_zone(app, surveys, make_user, smtp_server):
    en = make_user(Role.AGENT, timezone="America/New_York")
    zh = make_user(Role.AGENT, locale="zh", timezone="Asia/Shanghai", name="王伟")
    case = case_of(answer("csat", 1, name="Ann Lee"))
    received = delivered(smtp_server)

    english = text(received[en.email][0])
    due = format_datetime(case.first_response_due_at, "medium", "America/New_York", "en")
    assert f"Due: {due} (America/New_York)" in english

    chinese = text(received[zh.email][0])
    assert "王伟，您好：" in chinese.splitlines()[0] or "王伟" in chinese.splitlines()[0]
    due = format_datetime(case.first_response_due_at, "medium", "Asia/Shanghai", "zh")
    assert f"{due} (Asia/Shanghai)" in chinese
    assert "高" in chinese  # the priority, in Chinese
    with force_locale("zh"):
        assert subjects(received, zh) == [_("New case #%(id)s in the queue", id=case.id)]


# --- the settings --------------------------------------------------------------------------


def test_the_settings_page_saves_the_choices_and_refuses_off_for_own_cases(
    agent_client, manager_client
):
    agent = agent_client.user
    page = agent_client.get("/account").get_data(as_text=True)
    assert "Notifications" in page and "New cases in the queue" in page

    data = {"notify-queue": "off", "notify-mine": "digest"}
    assert agent_client.submit("/account/notifications", data).status_code == 302
    db.session.expire_all()
    row = db.session.get(NotifyPreference, agent.id)
    assert (row.queue, row.mine) == ("off", "digest")

    refused = agent_client.submit("/account/notifications", {**data, "notify-mine": "off"})
    assert refused.status_code == 400
    assert "Your own cases cannot be off" in refused.get_data(as_text=True)
    bad = agent_client.submit("/account/notifications", {**data, "notify-queue": "loud"})
    assert bad.status_code == 400
    db.session.expire_all()
    row = db.session.get(NotifyPreference, agent.id)
    assert (row.queue, row.mine) == ("off", "digest")  # nothing saved was lost

    # a manager is not told of the queue: their page asks only about their own cases
    page = manager_client.get("/account").get_data(as_text=True)
    assert "New cases in the queue" not in page and "My cases" in page
    response = manager_client.submit("/account/notifications", {"notify-mine": "digest"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(NotifyPreference, manager_client.user.id).mine == "digest"
