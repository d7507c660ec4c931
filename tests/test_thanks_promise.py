"""What the customer reads after an unhappy answer: by when the team will contact them,
in the calendar's zone named by its city, in their language; the team being on it when
their case has had its first response; nothing new after a happy answer."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import time_machine
from sqlalchemy import select

from feedback import events
from feedback.brand.services import save_brand
from feedback.complaints import cases as case_actions
from feedback.complaints import promise_email
from feedback.complaints.enums import CallOutcome
from feedback.events import DomainEvent
from feedback.extensions import db
from feedback.outbox.models import OutboxMessage
from feedback.promise import reply_time
from tests.complaints_helpers import answer, case_of, cases, work

# Monday 23 November 2026, 10:00 in Shanghai (the default calendar: Mon-Fri 9-18, CN).
MONDAY_10 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _thanks(client, link: str, score: int, lang: str = "en") -> str:
    with time_machine.travel(MONDAY_10, tick=False):
        page = client.post(f"{link}?lang={lang}", data={"score": str(score)})
        assert page.status_code == 303
        thanks = client.get(page.headers["Location"])
    assert thanks.status_code == 200
    return thanks.get_data(as_text=True)


def test_a_new_case_promises_a_contact_by_weekday_and_time_in_a_city_named_zone(client, link):
    text = _thanks(client, link, 1)
    # CSAT 1 is high priority: 4 business hours from Monday 10:00 in Shanghai
    assert "will contact you by Monday 2:00\u202fPM, Beijing time" in text
    assert "at the email address or phone number you gave us" in text
    assert "You can also reply to our email." in text
    [case] = cases()
    assert case.first_response_due_at == datetime(2026, 11, 23, 6, 0, tzinfo=UTC)


def test_the_promise_is_in_the_customers_language(client, link):
    text = _thanks(client, link, 2, "zh")
    # CSAT 2 is normal priority: 8 business hours, Monday 18:00; weekday and city from CLDR
    assert "星期一 18:00" in text and "北京" in text
    promise = text.split('class="notice promise"', 1)[1].split("</div>", 1)[0]
    # only the promise: the page's links carry a random token, which may spell "PM"
    assert "Shanghai" not in promise and "PM" not in promise


def test_a_joined_case_awaiting_its_first_response_promises_that_cases_time(app, client, link):
    with time_machine.travel(MONDAY_10, tick=False):
        earlier = answer("nps", 2, customer="c-42", email="ann@example.com", worker=False)
    [case] = cases()
    due = case.first_response_due_at
    text = _thanks(client, link, 1)
    assert len(cases()) == 1, "the answer joins the customer's open case"
    db.session.expire_all()
    assert case_of(earlier).id == cases()[0].id
    assert cases()[0].first_response_due_at <= due
    expected = reply_time(cases()[0].first_response_due_at, SHANGHAI, "en", MONDAY_10)
    assert f"will contact you by {expected}, Beijing time" in text


def test_a_joined_case_already_answered_says_the_team_is_on_it(app, client, link, make_user):
    with time_machine.travel(MONDAY_10, tick=False):
        answer("nps", 2, customer="c-42", email="ann@example.com", worker=False)
        [case] = cases()
        case_actions.log_call(case, make_user(), CallOutcome.REACHED, "Spoke to Ann")
        db.session.commit()
    text = _thanks(client, link, 1)
    assert len(cases()) == 1
    assert "already working on your case" in text
    assert "will contact you by" not in text
    # a reload keeps it: it is in the link
    client.delete_cookie("session")


def test_a_happy_answer_keeps_todays_thank_you(client, link):
    text = _thanks(client, link, 5)
    assert "Thank you!" in text and "Your answer is saved: 5." in text
    assert "will contact you" not in text and "already working" not in text
    assert cases() == []


def test_a_time_more_than_six_days_away_has_its_date():
    far = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)
    assert reply_time(far, SHANGHAI, "en", MONDAY_10).startswith("Tue, December 1")
    near = datetime(2026, 11, 27, 6, 0, tzinfo=UTC)
    assert reply_time(near, SHANGHAI, "en", MONDAY_10) == "Friday 2:00\u202fPM"
    assert reply_time(near, SHANGHAI, "zh", MONDAY_10) == "星期五 14:00"


def test_a_link_changed_by_hand_shows_no_promise_and_no_error(client, link):
    _thanks(client, link, 1)
    for junk in (
        "reply_by=soon&zone=Asia/Shanghai",
        "reply_by=2026-11-23T06:00&zone=Mars/Base",
        "reply_by=2026-11-23T06:00&zone=../../etc/passwd",
        "reply_by=2026-11-23T06:00",
        "case=whatever",
    ):
        page = client.get(f"{link}?{junk}")
        assert page.status_code == 200
        assert "will contact you" not in page.get_data(as_text=True)


# --- the short email ------------------------------------------------------------------


def _promise_mail() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(
        db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "case_promise"))
    )


def _setting(on: bool, **brand) -> None:
    save_brand({"promise_email": on, **brand})
    db.session.commit()


def test_no_email_while_the_setting_is_off(app, surveys):
    with time_machine.travel(MONDAY_10, tick=False):
        answer("csat", 1)
    assert len(cases()) == 1
    assert _promise_mail() == []


def test_the_email_goes_once_per_case_in_the_customers_language(app, surveys):
    _setting(True, company_name="Acme Shoes", company_name_zh="艾克米鞋业")
    with time_machine.travel(MONDAY_10, tick=False):
        first = answer("csat", 1, customer="c-9", email="li@example.com", locale="zh", name="李雷")
        answer("nps", 2, customer="c-9", email="li@example.com", locale="zh", name="李雷")
        assert len(_promise_mail()) == 1, "the worker queued it after the answer"
        # the worker runs its reactions again: still one email
        for row in db.session.scalars(select(DomainEvent).where(DomainEvent.type == "case.opened")):
            promise_email.email_promise(events.CaseOpened(row.data["case_id"], first.id))
        db.session.commit()
    [case] = cases()
    [mail] = _promise_mail()
    assert mail.to_address == "li@example.com"
    assert mail.message_id == promise_email.promise_message_id(case.id)
    assert "艾克米鞋业" in mail.subject and f"#{case.id}" in mail.subject
    assert "星期一 14:00" in mail.body_text and "北京" in mail.body_text
    assert "李雷" in mail.body_text and "艾克米鞋业" in mail.body_html


def test_the_email_is_in_english_for_an_english_answer(app, surveys):
    _setting(True)
    with time_machine.travel(MONDAY_10, tick=False):
        answer("csat", 1)
    [mail] = _promise_mail()
    assert "What happens next with your feedback" in mail.subject
    assert "will contact you by Monday 2:00\u202fPM, Beijing time" in mail.body_text


def test_no_email_for_a_happy_answer_or_a_case_already_answered(app, surveys, make_user):
    _setting(True)
    with time_machine.travel(MONDAY_10, tick=False):
        answer("csat", 5)
        assert cases() == []
        answer("csat", 1, worker=False)
        [case] = cases()
        case_actions.log_call(case, make_user(), CallOutcome.REACHED, "Spoke to Ann")
        db.session.commit()
        work()
    assert _promise_mail() == []
