"""Managers configure the queue: routing rules, SLA targets, business calendar, closed
dates and reply templates, under /queue."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from html import unescape
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import holidays
import pytest
from babel.dates import format_date
from sqlalchemy import func, select

from feedback.complaints.configuration.settings import DEFAULT_RULES, DEFAULT_SLA
from feedback.complaints.models import (
    CasePriority,
    ClosedDate,
    QueueSettings,
    ReplyTemplate,
    RoutingRule,
    SlaPolicy,
)
from feedback.extensions import db
from feedback.surveys.models import SentimentLabel, SurveyKind
from feedback.tagging.models import Topic

AGENT_FORBIDDEN = [
    ("GET", "/queue/rules"),
    ("POST", "/queue/rules"),
    ("GET", "/queue/rules/1"),
    ("POST", "/queue/rules/1"),
    ("POST", "/queue/rules/1/delete"),
    ("GET", "/queue/settings"),
    ("POST", "/queue/settings"),
    ("POST", "/queue/closed-dates"),
    ("POST", "/queue/closed-dates/2030-01-02/delete"),
    ("GET", "/queue/templates"),
    ("POST", "/queue/templates"),
    ("GET", "/queue/templates/1"),
    ("POST", "/queue/templates/1"),
    ("POST", "/queue/templates/1/delete"),
]
PAGES = ["/queue/rules", "/queue/settings", "/queue/templates"]


def text(response) -> str:
    """The page as a reader sees it: tags gone, entities decoded, spaces collapsed."""
    page = re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))
    return re.sub(r"\s+", " ", unescape(page))


def table(response, caption: str) -> str:
    """One table of the page, found by its caption, as text."""
    html = response.get_data(as_text=True)
    found = re.search(rf'<caption class="sr-only">{caption}</caption>(.*?)</table>', html, re.S)
    assert found, f"no table {caption}"
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(1))))


def field_error(response, field: str) -> str:
    """The error shown under one form field."""
    html = response.get_data(as_text=True)
    found = re.findall(rf'<p class="error" id="{field}-error">(.*?)</p>', html, re.S)
    return unescape(" ".join(found))


def input_value(response, field: str) -> str:
    html = response.get_data(as_text=True)
    tag = re.search(rf'<input[^>]*\bid="{field}"[^>]*>', html)
    assert tag, f"no input {field}"
    value = re.search(r'value="([^"]*)"', tag.group(0))
    return unescape(value.group(1)) if value else ""


def version() -> int:
    return db.session.scalar(select(QueueSettings.version).where(QueueSettings.id == 1))


def queue_settings() -> QueueSettings:
    db.session.expire_all()
    return db.session.get(QueueSettings, 1)


def rule_count() -> int:
    return db.session.scalar(select(func.count()).select_from(RoutingRule))


def rule_data(**fields) -> dict:
    data = {
        "name": "Gold customers unhappy with CSAT",
        "active": "y",
        "survey_kind": "csat",
        "score_min": "1",
        "score_max": "2",
        "sentiment": "",
        "topic_id": "",
        "tier": "gold",
        "priority": "urgent",
    }
    data.update(fields)
    return {name: value for name, value in data.items() if value is not None}


def settings_data(**fields) -> dict:
    """The settings form as it comes with the defaults, changed by ``fields``."""
    data = {
        "timezone": "Asia/Shanghai",
        "holiday_country": "CN",
        "holiday_subdivision": "",
        "top_tier": "vip",
    }
    for priority, (first, resolution) in DEFAULT_SLA.items():
        data[f"first_{priority.value}"] = str(first / 60)
        data[f"resolution_{priority.value}"] = str(resolution / 60)
    for day in range(7):
        data[f"hours_{day}"] = "09:00-18:00" if day < 5 else ""
    data.update(fields)
    return data


def template_data(**fields) -> dict:
    data = {
        "name": "Late delivery",
        "subject_en": "Your delivery (case {case})",
        "body_en": "Dear {name},\r\nSorry that it was late.",
        "subject_zh": "您的配送（工单 {case}）",
        "body_zh": "{name}，您好：\r\n很抱歉送晚了。",
    }
    data.update(fields)
    return data


@pytest.fixture
def installed(manager_client):
    """The queue's defaults, as the first visit of a page stores them."""
    assert manager_client.get("/queue/rules").status_code == 200
    return manager_client


@pytest.fixture
def topic(app):
    topic = Topic(key="delivery", name_en="Delivery", name_zh="配送")
    db.session.add(topic)
    db.session.commit()
    return topic


# --- access ---------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "url"), AGENT_FORBIDDEN)
def test_agents_get_403_on_every_queue_page(agent_client, method, url):
    if method == "GET":
        response = agent_client.get(url)
    else:
        response = agent_client.submit(url, {})
    assert response.status_code == 403


@pytest.mark.parametrize("url", PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("url", PAGES)
def test_managers_and_admins_see_the_pages_with_the_subnav(manager_client, admin_client, url):
    for user_client in (manager_client, admin_client):
        response = user_client.get(url)
        assert response.status_code == 200
        page = text(response)
        assert "Routing rules" in page
        assert "Deadlines and calendar" in page
        assert "Reply templates" in page


@pytest.mark.parametrize("url", PAGES)
def test_pages_render_in_chinese(manager_client, url):
    manager_client.submit("/language/zh", {"next": url})
    response = manager_client.get(url)
    assert response.status_code == 200
    assert 'lang="zh-Hans"' in response.get_data(as_text=True)


# --- routing rules --------------------------------------------------------------------


def test_the_first_visit_stores_the_default_rules_and_lists_them_in_words(manager_client):
    response = manager_client.get("/queue/rules")
    assert rule_count() == len(DEFAULT_RULES)
    page = text(response)
    assert "NPS detractor, 0-3" in page
    assert "NPS 0-3" in page
    assert "CSAT 1" in page
    assert "negative comment" in page
    assert "the most pressing priority wins" in page
    assert "Customers of the top tier (vip) get one step higher" in page


def test_a_manager_adds_edits_and_deletes_a_rule(installed, topic):
    response = installed.submit("/queue/rules", rule_data(topic_id=str(topic.id)))
    assert response.status_code == 302
    rule = db.session.scalar(select(RoutingRule).where(RoutingRule.tier == "gold"))
    assert rule is not None
    assert (rule.survey_kind, rule.score_min, rule.score_max) == (SurveyKind.CSAT, 1, 2)
    assert (rule.topic_id, rule.priority, rule.active) == (topic.id, CasePriority.URGENT, True)
    assert rule.sentiment is None
    page = text(installed.get("/queue/rules"))
    assert "CSAT 1-2" in page
    assert "topic Delivery" in page
    assert "tier gold" in page
    assert "Urgent" in page

    edit = installed.get(f"/queue/rules/{rule.id}")
    assert edit.status_code == 200
    assert input_value(edit, "tier") == "gold"
    assert re.search(r'<option selected value="csat">', edit.get_data(as_text=True))
    response = installed.submit(
        f"/queue/rules/{rule.id}",
        rule_data(
            name="Negative comment from gold",
            active=None,  # unticked
            survey_kind="",
            score_min="",
            score_max="",
            sentiment="negative",
            priority="low",
        ),
    )
    assert response.status_code == 302
    db.session.expire_all()
    rule = db.session.get(RoutingRule, rule.id)
    assert rule.name == "Negative comment from gold"
    assert (rule.survey_kind, rule.score_min, rule.score_max) == (None, None, None)
    assert (rule.sentiment, rule.priority, rule.active) == (
        SentimentLabel.NEGATIVE,
        CasePriority.LOW,
        False,
    )
    assert rule.topic_id is None

    rule_id = rule.id
    response = installed.submit(f"/queue/rules/{rule_id}/delete", {})
    assert response.status_code == 302
    assert db.session.get(RoutingRule, rule_id) is None
    assert rule_count() == len(DEFAULT_RULES)
    assert "Negative comment from gold" not in table(installed.get("/queue/rules"), "Routing rules")


def test_a_rule_deleted_while_being_edited_gives_404(installed):
    rule_id = db.session.scalar(select(RoutingRule.id).limit(1))
    assert installed.get(f"/queue/rules/{rule_id}").status_code == 200
    assert installed.submit(f"/queue/rules/{rule_id}/delete", {}).status_code == 302
    assert installed.submit(f"/queue/rules/{rule_id}", rule_data()).status_code == 404
    assert installed.get(f"/queue/rules/{rule_id}").status_code == 404
    assert installed.submit(f"/queue/rules/{rule_id}/delete", {}).status_code == 404
    assert rule_count() == len(DEFAULT_RULES) - 1


def test_a_rule_without_any_condition_is_refused(installed):
    response = installed.submit(
        "/queue/rules",
        rule_data(survey_kind="", score_min="", score_max="", tier="", name="Everything"),
    )
    assert response.status_code == 400
    assert "would open a case for every answer" in text(response)
    assert rule_count() == len(DEFAULT_RULES)


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"survey_kind": "csat", "score_min": "0"}, "score_min", "CSAT scores run from 1 to 5."),
        ({"survey_kind": "ces", "score_max": "8"}, "score_max", "CES scores run from 1 to 7."),
        (
            {"survey_kind": "nps", "score_min": "-1", "score_max": "6"},
            "score_min",
            "NPS scores run from 0 to 10.",
        ),
        ({"survey_kind": "nps", "score_max": "11"}, "score_max", "NPS scores run from 0 to 10."),
        ({"survey_kind": "", "score_min": "0"}, "score_min", "Choose the survey kind"),
        (
            {"survey_kind": "nps", "score_min": "6", "score_max": "3"},
            "score_max",
            "cannot be below the lowest",
        ),
        ({"score_min": "one"}, "score_min", "Not a valid integer value."),
        ({"priority": "whenever"}, "priority", "Invalid Choice"),
        ({"topic_id": "999999"}, "topic_id", "Not a valid choice."),
    ],
)
def test_bad_rules_are_refused_with_the_message_on_the_field(installed, fields, field, message):
    response = installed.submit("/queue/rules", rule_data(**fields))
    assert response.status_code == 400
    assert message in field_error(response, field)
    assert rule_count() == len(DEFAULT_RULES)


@pytest.mark.parametrize("url", ["/queue/rules/999999", "/queue/templates/999999"])
def test_unknown_ids_give_404(installed, url):
    assert installed.get(url).status_code == 404
    assert installed.submit(url, {}).status_code == 404
    assert installed.submit(f"{url}/delete", {}).status_code == 404


# --- SLA targets and the business calendar --------------------------------------------


def test_sla_hours_are_stored_as_minutes(installed):
    response = installed.submit(
        "/queue/settings",
        settings_data(first_urgent="1.5", resolution_urgent="6", first_low="0.5"),
    )
    assert response.status_code == 302
    urgent = db.session.get(SlaPolicy, CasePriority.URGENT)
    assert (urgent.first_response_minutes, urgent.resolution_minutes) == (90, 360)
    assert db.session.get(SlaPolicy, CasePriority.LOW).first_response_minutes == 30
    page = installed.get("/queue/settings")
    assert input_value(page, "first_urgent") == "1.5"
    assert input_value(page, "resolution_urgent") == "6"
    assert "Deadlines already set are not recomputed" in text(page)


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"timezone": "Mars/Olympus_Mons"}, "timezone", "Unknown time zone"),
        ({"timezone": "../../etc/passwd"}, "timezone", "Unknown time zone"),
        ({"holiday_country": "XX"}, "holiday_country", "does not know this country"),
        (
            {"holiday_country": "US", "holiday_subdivision": "ZZ"},
            "holiday_subdivision",
            "Not a subdivision of US",
        ),
        ({"holiday_country": "", "holiday_subdivision": "CA"}, "holiday_subdivision", "country"),
        ({"hours_2": "9-17"}, "hours_2", '"9-17" is not a time range like 09:00-18:00'),
        ({"hours_0": "18:00-09:00"}, "hours_0", "the end must be after the start"),
        ({"hours_4": "09:00-13:00, 12:00-18:00"}, "hours_4", "overlap"),
        ({"first_high": "0"}, "first_high", "above 0"),
        ({"first_high": "-2"}, "first_high", "above 0"),
        ({"first_high": "NaN"}, "first_high", "above 0"),
        ({"first_high": "Infinity"}, "first_high", "above 0"),
        ({"first_high": "two"}, "first_high", "Not a valid decimal value"),
        ({"first_high": ""}, "first_high", "This field is required"),
        (
            {"first_normal": "10", "resolution_normal": "9.5"},
            "resolution_normal",
            "cannot be shorter than the first response",
        ),
    ],
)
def test_bad_settings_are_refused_on_the_field_and_change_nothing(
    installed, fields, field, message
):
    before = version()
    response = installed.submit("/queue/settings", settings_data(top_tier="gold", **fields))
    assert response.status_code == 400
    assert message in field_error(response, field)
    settings = queue_settings()
    assert settings.top_tier == "vip"
    assert settings.version == before
    assert (
        db.session.get(SlaPolicy, CasePriority.NORMAL).resolution_minutes
        == DEFAULT_SLA[CasePriority.NORMAL][1]
    )


def test_a_week_without_working_hours_is_refused(installed):
    response = installed.submit(
        "/queue/settings", settings_data(**{f"hours_{d}": "" for d in range(5)})
    )
    assert response.status_code == 400
    assert "at least one day working hours" in text(response)
    assert queue_settings().weekly_hours["0"] == [[540, 1080]]


def test_working_hours_and_calendar_round_trip_through_the_page(installed):
    response = installed.submit(
        "/queue/settings",
        settings_data(
            timezone="Europe/London",
            holiday_country="gb",
            holiday_subdivision="sct",
            top_tier="gold",
            hours_0="08:30-12:00, 13:00-17:30",
            hours_4="",
            hours_5="10:00 - 14:00",
        ),
    )
    assert response.status_code == 302
    settings = queue_settings()
    assert settings.timezone == "Europe/London"
    assert (settings.holiday_country, settings.holiday_subdivision) == ("GB", "SCT")
    assert settings.top_tier == "gold"
    assert settings.weekly_hours["0"] == [[510, 720], [780, 1050]]
    assert settings.weekly_hours["4"] == []
    assert settings.weekly_hours["5"] == [[600, 840]]

    page = installed.get("/queue/settings")
    assert input_value(page, "hours_0") == "08:30-12:00, 13:00-17:30"
    assert input_value(page, "hours_1") == "09:00-18:00"
    assert input_value(page, "hours_4") == ""
    assert input_value(page, "hours_5") == "10:00-14:00"
    assert input_value(page, "holiday_subdivision") == "SCT"
    # Saving the page as it is shown changes nothing.
    shown = {name: input_value(page, name) for name in settings_data()}
    assert installed.submit("/queue/settings", shown).status_code == 302
    assert queue_settings().weekly_hours == settings.weekly_hours


def test_no_country_means_no_public_holidays(installed):
    assert installed.submit("/queue/settings", settings_data(holiday_country="")).status_code == 302
    assert queue_settings().holiday_country is None
    assert "No closed days ahead" in text(installed.get("/queue/settings"))


def test_the_page_shows_the_next_public_holidays(installed):
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    calendar = holidays.country_holidays("CN", years=(today.year, today.year + 1), language="en_US")
    day, name = min((d, n) for d, n in calendar.items() if d >= today)
    page = installed.get("/queue/settings").get_data(as_text=True)
    assert f'<time datetime="{day.isoformat()}">' in page
    assert unescape(page).count(name.split("; ")[0]) >= 1


# --- closed dates ---------------------------------------------------------------------


def test_closed_dates_are_added_listed_and_deleted(installed):
    tomorrow = datetime.now(ZoneInfo("Asia/Shanghai")).date() + timedelta(days=1)
    response = installed.submit(
        "/queue/closed-dates", {"day": tomorrow.isoformat(), "name": "Company day off"}
    )
    assert response.status_code == 302
    assert db.session.get(ClosedDate, tomorrow).name == "Company day off"
    page = installed.get("/queue/settings")
    upcoming = table(page, "Next closed days")
    assert format_date(tomorrow, "full", locale="en") in upcoming
    assert "Company day off" in upcoming
    assert "Closed by a manager" in upcoming

    again = installed.submit("/queue/closed-dates", {"day": tomorrow.isoformat(), "name": "Twice"})
    assert again.status_code == 400
    assert "closed already" in field_error(again, "day")
    assert db.session.get(ClosedDate, tomorrow).name == "Company day off"

    response = installed.submit(f"/queue/closed-dates/{tomorrow.isoformat()}/delete", {})
    assert response.status_code == 302
    assert db.session.get(ClosedDate, tomorrow) is None
    page = installed.get("/queue/settings")
    assert "Company day off" not in table(page, "Closed dates")
    assert "Company day off" not in table(page, "Next closed days")


def test_past_closed_dates_are_listed_as_past(installed):
    assert (
        installed.submit(
            "/queue/closed-dates", {"day": "2020-02-03", "name": "Old day off"}
        ).status_code
        == 302
    )
    page = text(installed.get("/queue/settings"))
    assert "Old day off" in page
    assert "Past" in page


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"day": "", "name": "Day off"}, "day", "This field is required"),
        ({"day": "tomorrow", "name": "Day off"}, "day", "valid date"),
        ({"day": "2030-02-30", "name": "Day off"}, "day", "valid date"),
        ({"day": "0999-01-01", "name": "Day off"}, "day", "Between the years"),
        ({"day": "2030-01-02", "name": ""}, "name", "This field is required"),
    ],
)
def test_bad_closed_dates_are_refused(installed, data, field, message):
    response = installed.submit("/queue/closed-dates", data)
    assert response.status_code == 400
    assert message in field_error(response, field)
    assert db.session.scalar(select(func.count()).select_from(ClosedDate)) == 0


@pytest.mark.parametrize("day", ["2030-01-02", "not-a-date", "2030-13-45"])
def test_deleting_an_unknown_closed_date_gives_404(installed, day):
    assert installed.submit(f"/queue/closed-dates/{day}/delete", {}).status_code == 404


# --- reply templates ------------------------------------------------------------------


def test_a_manager_adds_edits_and_deletes_a_reply_template(installed):
    defaults = db.session.scalar(select(func.count()).select_from(ReplyTemplate))
    assert defaults > 0
    page = text(installed.get("/queue/templates"))
    assert "{name}" in page
    assert "{case}" in page

    assert installed.submit("/queue/templates", template_data()).status_code == 302
    template = db.session.scalar(select(ReplyTemplate).where(ReplyTemplate.name == "Late delivery"))
    assert template.subject_en == "Your delivery (case {case})"
    assert template.body_en == "Dear {name},\nSorry that it was late."
    assert template.body_zh == "{name}，您好：\n很抱歉送晚了。"
    assert "您的配送（工单 {case}）" in text(installed.get("/queue/templates"))

    edit = installed.get(f"/queue/templates/{template.id}")
    assert input_value(edit, "subject_zh") == "您的配送（工单 {case}）"
    response = installed.submit(
        f"/queue/templates/{template.id}", template_data(name="Very late delivery")
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(ReplyTemplate, template.id).name == "Very late delivery"

    template_id = template.id
    assert installed.submit(f"/queue/templates/{template_id}/delete", {}).status_code == 302
    assert db.session.get(ReplyTemplate, template_id) is None
    assert db.session.scalar(select(func.count()).select_from(ReplyTemplate)) == defaults


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"body_zh": ""}, "body_zh", "This field is required"),
        ({"subject_en": "  "}, "subject_en", "This field is required"),
        ({"body_en": "Dear {nmae},"}, "body_en", "{nmae} would reach the customer as written"),
        ({"name": "x" * 121}, "name", "120"),
    ],
)
def test_bad_reply_templates_are_refused(installed, fields, field, message):
    before = db.session.scalar(select(func.count()).select_from(ReplyTemplate))
    response = installed.submit("/queue/templates", template_data(**fields))
    assert response.status_code == 400
    assert message in field_error(response, field)
    assert db.session.scalar(select(func.count()).select_from(ReplyTemplate)) == before


def test_nul_characters_are_dropped(installed):
    data = template_data(name="Late\x00 delivery", body_en="Dear {name},\x00 sorry.")
    assert installed.submit("/queue/templates", data).status_code == 302
    template = db.session.scalar(select(ReplyTemplate).where(ReplyTemplate.name == "Late delivery"))
    assert template.body_en == "Dear {name}, sorry."


# --- other processes reload -----------------------------------------------------------


def _add_rule(client):
    return client.submit("/queue/rules", rule_data())


def _edit_rule(client):
    rule_id = db.session.scalar(select(RoutingRule.id).limit(1))
    return client.submit(f"/queue/rules/{rule_id}", rule_data())


def _delete_rule(client):
    rule_id = db.session.scalar(select(RoutingRule.id).limit(1))
    return client.submit(f"/queue/rules/{rule_id}/delete", {})


def _save_settings(client):
    return client.submit("/queue/settings", settings_data(top_tier="gold"))


def _add_closed_date(client):
    return client.submit("/queue/closed-dates", {"day": "2031-05-06", "name": "Day off"})


def _delete_closed_date(client):
    db.session.add(ClosedDate(day=datetime(2031, 5, 6).date(), name="Day off"))
    db.session.commit()
    return client.submit("/queue/closed-dates/2031-05-06/delete", {})


@pytest.mark.parametrize(
    "change",
    [_add_rule, _edit_rule, _delete_rule, _save_settings, _add_closed_date, _delete_closed_date],
)
def test_every_change_bumps_the_version_other_processes_reload_by(installed, change):
    before = version()
    response = change(installed)
    assert response.status_code == 302
    assert version() == before + 1


def test_a_change_reaches_this_process_config_at_once(installed):
    from feedback.complaints.configuration.settings import queue_config

    assert queue_config().top_tier == "vip"
    assert _save_settings(installed).status_code == 302
    assert queue_config().top_tier == "gold"


def test_a_topic_deleted_while_the_rule_is_saved_is_refused_on_the_field(
    installed, topic, monkeypatch
):
    from feedback.complaints.configuration import services as configure

    topic_id = topic.id
    db.session.delete(topic)
    db.session.commit()
    # The form offers the topic as when the page was built, before another manager deleted it.
    shown = SimpleNamespace(id=topic_id, name=lambda locale: "Delivery")
    monkeypatch.setattr(configure, "topics", lambda: [shown])
    response = installed.submit("/queue/rules", rule_data(topic_id=str(topic_id)))
    assert response.status_code == 400
    assert "deleted meanwhile" in field_error(response, "topic_id")
    assert rule_count() == len(DEFAULT_RULES)
