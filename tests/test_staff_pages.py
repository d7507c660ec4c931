"""Staff pages: customers (with why an invitation was not sent), surveys, touchpoint types."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from feedback.extensions import db
from feedback.surveys.models import (
    EventSource,
    Invitation,
    Survey,
    SurveyKind,
    SurveyStatus,
    TouchpointEvent,
    TouchpointType,
)
from tests.surveys_helpers import event


def test_customer_page_shows_invitations_and_why_one_was_not_sent(surveys, api, agent_client):
    api("/api/v1/touchpoints", event("e-1", name="Ann Lee"))
    api("/api/v1/touchpoints", event("e-2", touchpoint="purchase", name="Ann Lee"))
    listing = agent_client.get("/customers?q=ann").get_data(as_text=True)
    assert "Ann Lee" in listing
    customer_id = db.session.scalar(select(Invitation.customer_id))
    page = agent_client.get(f"/customers/{customer_id}").get_data(as_text=True)
    assert "CSAT after delivery" in page and "Scheduled" in page
    assert "Not sent: invited recently (cooldown)" in page


def test_customer_search_finds_nobody_politely(agent_client):
    page = agent_client.get("/customers?q=nobody")
    assert page.status_code == 200
    assert "No customer matches." in page.get_data(as_text=True)


def test_agent_records_a_touchpoint_by_hand(surveys, api, agent_client):
    api("/api/v1/touchpoints", event("e-1", touchpoint="support_call"))
    customer_id = db.session.scalar(select(Invitation.customer_id))
    response = agent_client.submit(
        f"/customers/{customer_id}",
        {"touchpoint": "delivery", "occurred_at": "2026-11-21T09:30", "external_id": "T-77"},
    )
    assert response.status_code == 302
    recorded = db.session.scalar(
        select(TouchpointEvent).where(TouchpointEvent.external_id == "staff-T-77")
    )
    assert recorded.source is EventSource.STAFF
    assert recorded.recorded_by_id == agent_client.user.id
    assert recorded.occurred_at.isoformat() == "2026-11-21T09:30:00+00:00"  # UTC viewer
    again = agent_client.submit(
        f"/customers/{customer_id}",
        {"touchpoint": "delivery", "occurred_at": "2026-11-21T09:30", "external_id": "T-77"},
        follow_redirects=True,
    )
    assert "recorded before" in again.get_data(as_text=True)


def test_hand_recorded_time_is_read_in_the_staff_members_zone(surveys, api, agent_client):
    agent_client.submit("/account", {"prefs-locale": "", "prefs-timezone": "Asia/Shanghai"})
    api("/api/v1/touchpoints", event("e-1"))
    customer_id = db.session.scalar(select(Invitation.customer_id))
    agent_client.submit(
        f"/customers/{customer_id}",
        {"touchpoint": "purchase", "occurred_at": "2026-11-21T09:30", "external_id": "X"},
    )
    recorded = db.session.scalar(
        select(TouchpointEvent).where(TouchpointEvent.external_id == "staff-X")
    )
    assert recorded.occurred_at.isoformat() == "2026-11-21T01:30:00+00:00"


@pytest.mark.parametrize(
    "form",
    [
        {"touchpoint": "teleport", "occurred_at": "tomorrow"},
        {"touchpoint": "delivery", "occurred_at": "9999-12-31T23:59"},
        {"touchpoint": "delivery", "occurred_at": "2026-11-21T09:30", "external_id": "x" * 151},
    ],
)
def test_bad_hand_recorded_touchpoint_is_400(surveys, api, agent_client, form):
    api("/api/v1/touchpoints", event("e-1"))
    customer_id = db.session.scalar(select(Invitation.customer_id))
    response = agent_client.submit(f"/customers/{customer_id}", form)
    assert response.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(TouchpointEvent)) == 1


def test_agents_cannot_manage_surveys(agent_client):
    assert agent_client.get("/surveys").status_code == 403


def _survey_form(**overrides):
    form = {
        "name": "CSAT after install",
        "kind": "csat",
        "status": "active",
        "question_en": "How satisfied are you with the installation?",
        "question_zh": "您对安装服务满意吗？",
        "followup_en": "",
        "followup_zh": "",
        "email_subject_en": "How did the installation go?",
        "email_subject_zh": "安装服务怎么样？",
    }
    form.update(overrides)
    return form


def test_manager_creates_a_survey_tied_to_a_touchpoint(surveys, manager_client):
    delivery = db.session.scalar(select(TouchpointType).where(TouchpointType.key == "delivery"))
    form = _survey_form(**{f"use_{delivery.id}": "y", f"delay_{delivery.id}": "90"})
    response = manager_client.submit("/surveys/new", form)
    assert response.status_code == 302
    survey = db.session.scalar(select(Survey).where(Survey.name == "CSAT after install"))
    assert survey.kind is SurveyKind.CSAT
    assert [(t.touchpoint_type.key, t.delay_minutes) for t in survey.triggers] == [("delivery", 90)]
    listing = manager_client.get("/surveys").get_data(as_text=True)
    assert "CSAT after install" in listing


def test_edit_page_shows_the_surveys_texts_and_triggers(surveys, manager_client):
    survey = db.session.scalar(select(Survey).where(Survey.name == "NPS after purchase"))
    page = manager_client.get(f"/surveys/{survey.id}").get_data(as_text=True)
    assert 'value="NPS after purchase"' in page
    assert 'value="您有多大可能向朋友或同事推荐 Acme？"' in page
    assert '<option selected value="nps">' in page
    purchase = next(t for t in survey.triggers if t.touchpoint_type.key == "purchase")
    assert f'name="delay_{purchase.touchpoint_type_id}" type="number" value="1440"' in page


def test_survey_form_refuses_missing_texts_and_bad_delays(surveys, manager_client):
    delivery = db.session.scalar(select(TouchpointType).where(TouchpointType.key == "delivery"))
    form = _survey_form(question_zh="", **{f"use_{delivery.id}": "y", f"delay_{delivery.id}": "-5"})
    response = manager_client.submit("/surveys/new", form)
    assert response.status_code == 400
    assert "Between 0 and" in response.get_data(as_text=True)
    assert db.session.scalar(select(Survey).where(Survey.name == "CSAT after install")) is None


def test_kind_cannot_change_once_answers_exist(surveys, manager_client):
    from feedback.surveys.demo import load_demo_touchpoints

    load_demo_touchpoints()
    db.session.commit()
    survey = db.session.scalar(select(Survey).where(Survey.name == "CSAT after delivery"))
    response = manager_client.submit(
        f"/surveys/{survey.id}", _survey_form(name=survey.name, kind="nps")
    )
    assert response.status_code == 400
    assert "make a new survey for another kind" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Survey, survey.id).kind is SurveyKind.CSAT


def test_pausing_a_survey_from_the_form_as_shown(surveys, manager_client):
    """Load the edit page, change only the status, save: nothing else changes."""
    import re

    survey = db.session.scalar(select(Survey).where(Survey.name == "CSAT after delivery"))
    page = manager_client.get(f"/surveys/{survey.id}").get_data(as_text=True)
    form = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*type="text"[^>]*value="([^"]*)"', page))
    form.update(re.findall(r'name="(delay_\d+)" type="number" value="(\d+)"', page))
    form.update({name: "y" for name in re.findall(r'checked[^>]*name="(use_\d+)"', page)})
    form.update({name: "y" for name in re.findall(r'name="(use_\d+)"[^>]*checked', page)})
    form.update(kind="csat", status="paused")
    response = manager_client.submit(f"/surveys/{survey.id}", form)
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    saved = db.session.get(Survey, survey.id)
    assert saved.status is SurveyStatus.PAUSED
    assert saved.question_zh == "您对本次配送满意吗？"
    assert [(t.touchpoint_type.key, t.delay_minutes) for t in saved.triggers] == [("delivery", 120)]


def test_preview_shows_the_page_and_the_email_in_both_languages(surveys, manager_client):
    survey = db.session.scalar(select(Survey).where(Survey.name == "NPS after purchase"))
    english = manager_client.get(f"/surveys/{survey.id}/preview?lang=en").get_data(as_text=True)
    assert "How likely are you to recommend Acme to a friend or colleague?" in english
    assert "One quick question about Acme" in english
    chinese = manager_client.get(f"/surveys/{survey.id}/preview?lang=zh").get_data(as_text=True)
    assert "您有多大可能向朋友或同事推荐 Acme？" in chinese
    assert "关于 Acme 的一个小问题" in chinese


def test_touchpoint_types_are_managed_with_unique_keys(surveys, manager_client):
    created = manager_client.submit(
        "/surveys/touchpoints",
        {
            "key": "installation",
            "name_en": "Installation",
            "name_zh": "安装",
            "cooldown_days": "14",
        },
    )
    assert created.status_code == 302
    duplicate = manager_client.submit(
        "/surveys/touchpoints", {"key": "delivery", "name_en": "Again", "name_zh": "再次"}
    )
    assert duplicate.status_code == 400
    assert "already has the key delivery" in duplicate.get_data(as_text=True)
    bad_key = manager_client.submit(
        "/surveys/touchpoints", {"key": "Has Spaces", "name_en": "x", "name_zh": "x"}
    )
    assert bad_key.status_code == 400


def test_customer_list_pages_keep_the_search(surveys, api, agent_client):
    events = [
        event(f"p-{n}", customer_id=f"c-{n}", email=f"c{n}@example.com", name=f"Pat {n}")
        for n in range(60)
    ]
    api("/api/v1/touchpoints/batch", {"events": events})
    first = agent_client.get("/customers?q=pat").get_data(as_text=True)
    assert "Page 1 of 2" in first
    assert 'href="/customers?page=2&amp;q=pat"' in first
    second = agent_client.get("/customers?q=pat&page=2").get_data(as_text=True)
    assert "Page 2 of 2" in second and second.count("Pat ") == 10
