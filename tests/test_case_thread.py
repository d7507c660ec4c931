"""The case page as a conversation: answers, replies both ways, calls and internal notes
in one thread in time order, newest last; the case's own changes in a compact history;
the customer's earlier cases one click away; and the page in Chromium on a desktop and
a phone, in English and Chinese."""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import select

from feedback.accounts.models import Role
from feedback.complaints import cases as actions
from feedback.complaints.models import (
    CallOutcome,
    Case,
    CaseEvent,
    CaseStatus,
    ResolutionCode,
)
from feedback.extensions import db
from feedback.outbox.models import OutboxMessage, OutboxStatus
from feedback.surveys.answers import Link, record_answer
from tests.complaints_helpers import answer, case_of
from tests.conftest import PASSWORD

MONDAY_10 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


def _customer_reply(case: Case, body: str, subject: str, at: datetime) -> CaseEvent:
    """A customer's emailed reply as inbound mail records it (contracts.md)."""
    event = CaseEvent(case=case, kind="customer_reply", body=body, detail=subject, at=at)
    db.session.add(event)
    db.session.commit()
    return event


def _thread(html: str) -> list[str]:
    """The thread's messages, oldest first, each as its HTML."""
    match = re.search(r'<ol class="thread">(.*?)</ol>', html, re.S)
    assert match, "no conversation on the page"
    return re.findall(r'<li class="msg [^"]*">.*?</li>', match.group(1), re.S)


def _history(html: str) -> str:
    match = re.search(r'<details class="card history".*?</details>', html, re.S)
    assert match, "no history on the page"
    return match.group(0)


def _conversation(agent) -> Case:
    """A case with one of each: the opening answer, a reply, the customer's reply, a
    call, an internal note and a later answer, a few minutes apart."""
    with time_machine.travel(MONDAY_10, tick=False) as clock:
        case = case_of(answer("csat", 1, "Box crushed, item broken", name="Ann Lee"))
        clock.shift(timedelta(minutes=5))
        actions.claim(case, agent)
        actions.reply(case, agent, "About your parcel", "Sorry! When can we call you?", "en")
        db.session.commit()
        clock.shift(timedelta(minutes=30))
        _customer_reply(
            case,
            "Call me after 6 pm, please.",
            "Re: About your parcel",
            MONDAY_10 + timedelta(minutes=35),
        )
        clock.shift(timedelta(hours=9))
        actions.add_note(case, agent, "Courier admitted the damage; refund approved.")
        actions.log_call(case, agent, CallOutcome.REACHED, "Offered a refund, she agreed.")
        db.session.commit()
        clock.shift(timedelta(minutes=10))
        answer("csat", 2, "Still waiting for the refund", name="Ann Lee")
    db.session.expire_all()
    return db.session.get(Case, case.id)


def test_the_opening_answer_leads_and_the_rest_follow_in_time_order():
    """thread.conversation alone: an imported answer answered weeks before still opens
    the thread; events at the same instant keep the order they were written in; an
    answer no event names takes its place by its answer time; a failed reply is marked."""
    from feedback.complaints import thread
    from feedback.surveys.models import Response

    t = MONDAY_10
    opening = Response(id=10, score=1, answered_at=t - timedelta(days=20))
    unnamed = Response(id=11, score=2, answered_at=t + timedelta(hours=2))
    failed = OutboxMessage(id=5, status=OutboxStatus.FAILED, last_error="550")
    events = [
        CaseEvent(id=1, kind="opened", at=t, response_id=10),
        CaseEvent(id=2, kind="claimed", at=t + timedelta(minutes=1)),
        CaseEvent(id=4, kind="note", at=t + timedelta(hours=1)),
        CaseEvent(id=3, kind="reply", at=t + timedelta(hours=1), outbox_message_id=5),
        CaseEvent(id=5, kind="customer_reply", at=t + timedelta(hours=3), body="ok"),
        CaseEvent(id=6, kind="status", at=t + timedelta(hours=4)),
    ]
    entries = thread.conversation(events, {10: opening, 11: unnamed}, {5: failed})
    assert [(e.kind, e.response.id if e.response else e.event.id) for e in entries] == [
        ("answer", 10),
        ("reply", 3),
        ("note", 4),
        ("answer", 11),
        ("customer_reply", 5),
    ]
    assert [e.role for e in entries if e.kind == "answer"] == ["opening", "later"]
    assert entries[1].failed is failed and entries[2].failed is None
    assert [e.kind for e in thread.history(events)] == ["opened", "claimed", "status"]


def test_the_thread_holds_every_message_in_time_order_newest_last(app, surveys, agent_client):
    case = _conversation(agent_client.user)
    page = agent_client.get(f"/cases/{case.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    thread = _thread(html)
    expected = [
        ("msg-answer", "Box crushed, item broken"),
        ("msg-reply", "Sorry! When can we call you?"),
        ("msg-customer_reply", "Call me after 6 pm, please."),
        ("msg-note", "Courier admitted the damage; refund approved."),
        ("msg-call", "Offered a refund, she agreed."),
        ("msg-answer", "Still waiting for the refund"),
    ]
    assert len(thread) == len(expected)
    for message, (kind, text) in zip(thread, expected, strict=True):
        assert kind in message and text in message, message
    opening, reply, received, note, call, later = thread
    assert "this opened the case" in opening and "1</strong> / 5" in opening
    assert "About your parcel" in reply and "emailed the customer" in reply
    assert "Re: About your parcel" in received and "Ann Lee" in received
    assert "Talked to the customer" in call
    assert "added to this case" in later
    # the note is marked internal, and nothing else is
    assert "Internal note" in note and "not sent to the customer" in note
    for message in (opening, reply, received, call, later):
        assert "Internal note" not in message and "not sent to the customer" not in message
    # the reply box comes right after the thread
    assert html.index('<ol class="thread">') < html.index('id="reply"')
    assert html.index('id="reply"') < html.index('<aside class="case-side"')


def test_the_history_keeps_the_case_changes_out_of_the_thread(app, surveys, agent_client):
    case = _conversation(agent_client.user)
    html = agent_client.get(f"/cases/{case.id}").get_data(as_text=True)
    history = _history(html)
    assert "Case opened with priority High" in history
    assert "claimed the case" in history
    assert "First response given on time." in history
    for said in ("Sorry! When can we call you?", "Courier admitted", "Call me after 6 pm"):
        assert said not in history
    thread = "".join(_thread(html))
    assert "claimed the case" not in thread and "First response given" not in thread


def test_times_are_shown_in_the_viewers_zone(app, surveys, agent_client):
    case = _conversation(agent_client.user)
    agent_client.user.timezone = "Asia/Shanghai"
    db.session.commit()
    [_opening, _reply, received, *_] = _thread(
        agent_client.get(f"/cases/{case.id}").get_data(as_text=True)
    )
    # received at 02:35 UTC: 10:35 in Shanghai
    assert "10:35" in received and 'datetime="2026-11-23T02:35:00+00:00"' in received


def test_a_reply_that_could_not_be_delivered_says_so(app, surveys, agent_client):
    case = _conversation(agent_client.user)
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "case_reply"))
    message.status = OutboxStatus.FAILED
    message.last_error = "550 5.1.1 Mailbox unavailable"
    db.session.commit()
    [_opening, reply, *_] = _thread(agent_client.get(f"/cases/{case.id}").get_data(as_text=True))
    assert "Not delivered" in reply and "550 5.1.1 Mailbox unavailable" in reply


def test_a_follow_up_answer_joins_the_thread(app, surveys, agent_client):
    case = _conversation(agent_client.user)
    with time_machine.travel(MONDAY_10 + timedelta(days=1), tick=False):
        actions.resolve(case, agent_client.user, ResolutionCode.REFUND, "Refunded")
        db.session.commit()
    html = agent_client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Reopen case" in html and 'id="reply"' not in html  # nothing to send now
    assert "Refunded" in _history(html)
    with time_machine.travel(MONDAY_10 + timedelta(days=2), tick=False):
        record_answer(Link.of(case.followup_invitation, "en"), 5, "Thanks, all good", "en")
        db.session.commit()
    thread = _thread(agent_client.get(f"/cases/{case.id}").get_data(as_text=True))
    assert "answered the follow-up survey" in thread[-1] and "Thanks, all good" in thread[-1]


def test_the_customers_earlier_cases_are_one_click_away(app, surveys, agent_client):
    with time_machine.travel(MONDAY_10 - timedelta(days=30), tick=False):
        old = case_of(answer("nps", 3, "Rude driver", customer="c-9", name="Wang Fang"))
        old.status = CaseStatus.CLOSED
        db.session.commit()
    with time_machine.travel(MONDAY_10, tick=False):
        case = case_of(answer("csat", 1, "Late again", customer="c-9", name="Wang Fang"))
    html = agent_client.get(f"/cases/{case.id}").get_data(as_text=True)
    block = re.search(r'<section class="card customer-block".*?</section>', html, re.S).group(0)
    assert "Earlier cases:" in block
    assert f'href="/cases/{old.id}"' in block and f">#{old.id}<" in block and "Closed" in block
    customer_page = f'href="/customers/{case.customer_id}"'
    assert customer_page in block
    # the customer page lists both cases and links each answer to its case
    page = agent_client.get(f"/customers/{case.customer_id}").get_data(as_text=True)
    assert f'href="/cases/{old.id}"' in page and f'href="/cases/{case.id}"' in page
    assert "Rude driver" in page and "Late again" in page


def test_the_phone_and_the_received_mails_extras_are_included(app, surveys, agent_client):
    """The phone helper's _phone.html and inbound mail's _received_extras.html, here
    stood in for, show in the customer block, by the call form and under each reply."""
    from jinja2 import ChoiceLoader, DictLoader

    stand_ins = {
        "customers/_phone.html": '<a href="tel:+8613800000000">call {{ customer.name }}</a>',
        "complaints/_received_extras.html": '<a href="/mail/{{ event.id }}">whole</a>',
    }
    app.jinja_env.loader = ChoiceLoader([DictLoader(stand_ins), app.jinja_env.loader])
    case = _conversation(agent_client.user)
    html = agent_client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert html.count('href="tel:+8613800000000">call Ann Lee</a>') == 2
    [received] = [m for m in _thread(html) if "msg-customer_reply" in m]
    event = db.session.scalar(select(CaseEvent).where(CaseEvent.kind == "customer_reply"))
    assert f'<a href="/mail/{event.id}">whole</a>' in received


def test_a_customer_without_email_is_offered_a_call_not_a_reply_form(app, surveys, agent_client):
    with time_machine.travel(MONDAY_10, tick=False):
        case = case_of(answer("csat", 1, email=None))
    html = agent_client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "The customer has no email address; log a call instead." in html
    assert "Send reply" not in html and "Log call" in html


# --- in Chromium ----------------------------------------------------------------------

SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 375, "height": 812}}


@pytest.fixture
def shots(tmp_path) -> Path:
    """Where the screenshots go: SCREENSHOT_DIR when set, to be looked at, else tmp."""
    directory = Path(os.environ.get("SCREENSHOT_DIR") or tmp_path)
    directory.mkdir(parents=True, exist_ok=True)
    return directory


@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_conversation_page_in_chromium(
    app, surveys, make_user, live_server, browser, shots, size, language
):
    from axe_playwright_python.sync_playwright import Axe

    agent = make_user(Role.AGENT, name="Li Na" if language == "zh" else "Ann Agent")
    with time_machine.travel(MONDAY_10 - timedelta(days=40), tick=False):
        old = case_of(answer("nps", 4, "送货太慢了", customer="c-7", name="王芳", locale="zh"))
        actions.log_call(old, agent, CallOutcome.REACHED, "")
        actions.resolve(old, agent, ResolutionCode.EXPLAINED)
        db.session.commit()
    case = _conversation_now(agent)

    phone = size == "phone"
    context = browser.new_context(
        viewport=SIZES[size],
        locale="zh-CN" if language == "zh" else "en-US",
        has_touch=phone,
        is_mobile=phone,
    )
    page = context.new_page()
    page.goto(f"{live_server}/cases/{case.id}")
    page.locator("input[name=email]").fill(agent.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(f"{live_server}/cases/{case.id}")
    if language == "zh" and page.get_by_role("button", name="中文").count():
        page.get_by_role("button", name="中文").click()
        page.wait_for_url(f"{live_server}/cases/{case.id}")
    heading = f"工单 #{case.id}" if language == "zh" else f"Case #{case.id}"
    assert page.get_by_role("heading", name=heading).is_visible()

    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    reply = page.locator("#reply textarea")
    assert reply.is_visible()
    thread = page.locator(".thread").bounding_box()
    side = page.locator(".case-side").bounding_box()
    box = reply.bounding_box()
    if phone:  # full width, the actions below the reply box
        assert box["width"] >= SIZES[size]["width"] - 80
        assert side["y"] > box["y"] + box["height"]
        small = page.evaluate(
            """() => [...document.querySelectorAll(
                'main a, main button, main select, main textarea, main input, main summary')]
              .filter(el => el.offsetParent !== null && !el.closest('.msg-extras'))
              .filter(el => el.getBoundingClientRect().height < 44)
              .map(el => el.outerHTML.slice(0, 80))"""
        )
        assert small == []
    else:  # the actions beside the thread
        assert side["x"] >= thread["x"] + thread["width"]
        assert side["y"] < box["y"]
    assert page.get_by_text("Call me after 6 pm, please.").is_visible()
    results = Axe().run(page)
    serious = [
        v["id"] for v in results.response["violations"] if v["impact"] in ("serious", "critical")
    ]
    assert serious == [], results.generate_report()
    page.screenshot(path=str(shots / f"case-{size}-{language}.png"), full_page=True)
    context.close()


def _conversation_now(agent) -> Case:
    """The conversation of the browser test, by the clock: the page shows it as is."""
    now = datetime.now(UTC)
    with time_machine.travel(now - timedelta(hours=3), tick=False) as clock:
        case = case_of(
            answer("csat", 1, "包装破损，商品坏了。", customer="c-7", name="王芳", locale="zh")
        )
        clock.shift(timedelta(minutes=20))
        actions.claim(case, agent)
        actions.reply(case, agent, "关于您的包裹", "非常抱歉！请问什么时候方便给您打电话？", "zh")
        db.session.commit()
        clock.shift(timedelta(minutes=40))
        received = datetime.now(UTC)
        _customer_reply(case, "Call me after 6 pm, please.", "Re: 关于您的包裹", received)
        clock.shift(timedelta(minutes=30))
        actions.add_note(case, agent, "快递公司已承认损坏，退款已批准。")
        actions.log_call(case, agent, CallOutcome.REACHED, "已提出退款，客户同意。")
        db.session.commit()
    db.session.expire_all()
    return db.session.get(Case, case.id)
