"""Unhappy answers become cases: routing, priority, one case per customer, deadlines in
business hours, what counts as a first response, pending, the SLA sweep's warning and
escalation under a controlled clock, and the follow-up survey after resolution."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from feedback.accounts.models import Role
from feedback.complaints import cases as actions
from feedback.complaints.configuration import settings
from feedback.complaints.models import (
    CallOutcome,
    Case,
    CaseActionError,
    CaseEvent,
    CasePriority,
    CaseStatus,
    ResolutionCode,
    RoutingRule,
)
from feedback.complaints.sweep import sweep
from feedback.events import DomainEvent
from feedback.extensions import db
from feedback.outbox.models import OutboxMessage
from feedback.surveys.models import InvitationStatus
from feedback.tagging.models import ResponseTopic, Topic
from tests.complaints_helpers import answer, case_of, cases, work
from tests.topic_helpers import ensure_default_topics

SHANGHAI = timedelta(hours=8)
# Monday 23 November 2026, 10:00 in Shanghai (the default calendar: Mon-Fri 9-18, CN).
MONDAY_10 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


def local(day: int, hour: int, minute: int = 0) -> datetime:
    """A Shanghai wall-clock time in November 2026, as UTC."""
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC) - SHANGHAI


@pytest.fixture
def clock(app, surveys):
    with time_machine.travel(MONDAY_10, tick=False) as traveller:
        yield traveller


def events(case: Case, kind: str) -> list[CaseEvent]:
    return list(
        db.session.scalars(
            select(CaseEvent)
            .where(CaseEvent.case_id == case.id, CaseEvent.kind == kind)
            .order_by(CaseEvent.id)
        )
    )


def outbox(kind: str) -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)
        )
    )


# --- routing ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "score", "comment", "priority"),
    [
        ("nps", 0, None, "high"),
        ("nps", 3, None, "high"),
        ("nps", 6, None, "normal"),
        ("nps", 7, None, None),
        ("nps", 10, None, None),
        ("csat", 1, None, "high"),
        ("csat", 2, None, "normal"),
        ("csat", 3, None, None),
        ("ces", 1, None, "high"),
        ("ces", 3, None, "normal"),
        ("ces", 4, None, None),
        # a clearly negative comment opens a case on any score
        ("csat", 5, "The courier was rude and the parcel arrived broken.", "low"),
        ("nps", 9, "快递太慢了，客服态度也很差", "low"),
        ("nps", 9, "Great service, thank you!", None),
        # the most pressing of the matching rules wins
        ("csat", 2, "Terrible, the worst delivery ever.", "normal"),
    ],
)
def test_default_rules_open_cases_for_unhappy_answers(clock, kind, score, comment, priority):
    response = answer(kind, score, comment)
    case = case_of(response)
    if priority is None:
        assert case is None
        assert cases() == []
    else:
        assert case is not None
        assert case.priority is CasePriority(priority)
        assert case.status is CaseStatus.NEW
        assert case.touchpoint_type.key == {"nps": "purchase", "csat": "delivery"}.get(
            kind, "support_call"
        )


@pytest.mark.parametrize(
    ("score", "tier", "priority"),
    [(2, "vip", "high"), (1, "VIP", "urgent"), (2, "gold", "normal"), (2, None, "normal")],
)
def test_top_tier_customers_get_one_step_higher(clock, score, tier, priority):
    case = case_of(answer("csat", score, tier=tier))
    assert case.priority is CasePriority(priority)
    opened = events(case, "opened")[0]
    assert ("top tier" in opened.detail) == (tier is not None and tier.lower() == "vip")


def test_a_managers_rule_on_topic_and_tier_routes_answers(clock):
    ensure_default_topics()
    delivery = db.session.scalar(select(Topic).where(Topic.key == "delivery"))
    db.session.add(
        RoutingRule(
            name="Gold customers, delivery",
            topic_id=delivery.id,
            tier="gold",
            priority=CasePriority.URGENT,
        )
    )
    settings.changed()
    db.session.commit()
    # a happy score, but a gold customer talking about the delivery: the rule matches
    assert case_of(answer("nps", 9, "The delivery came two days late", tier="gold")).priority is (
        CasePriority.URGENT
    )
    # the same words from another tier: only the default negative-comment rule, if any
    other = case_of(answer("nps", 9, "The delivery came today", customer="c-2", tier="silver"))
    assert other is None


def test_a_comment_rule_raises_the_priority_after_tagging_and_never_lowers_it(clock):
    ensure_default_topics()
    delivery, price = (
        db.session.scalar(select(Topic).where(Topic.key == key)) for key in ("delivery", "price")
    )
    db.session.add_all(
        [
            RoutingRule(name="Late deliveries", topic_id=delivery.id, priority=CasePriority.URGENT),
            RoutingRule(name="Prices", topic_id=price.id, priority=CasePriority.LOW),
        ]
    )
    settings.changed()
    db.session.commit()
    response = answer("nps", 5, "The delivery came two days late", worker=False)
    # the request routed by the score alone: the case and its deadline exist at once
    case = case_of(response)
    assert case.priority is CasePriority.NORMAL
    normal_due = case.first_response_due_at

    work()  # the worker tags the comment, then applies the comment rules
    case = case_of(response)
    assert case.priority is CasePriority.URGENT
    assert case.first_response_due_at < normal_due  # counted again from the opening
    [change] = events(case, "priority")
    assert (change.before, change.after) == ("normal", "urgent")
    assert "Late deliveries" in change.body
    published = db.session.scalars(
        select(DomainEvent.data).where(DomainEvent.type == "case.priority_changed")
    ).all()
    assert published == [{"case_id": case.id, "before": "normal", "after": "urgent"}]

    # a rule naming a lower priority leaves a more pressing case as it is
    pricey_answer = answer("nps", 1, "Far too expensive", customer="c-2")
    tagged = select(ResponseTopic.topic_id).where(ResponseTopic.response_id == pricey_answer.id)
    assert db.session.scalars(tagged).all() == [price.id]  # the rule matched
    pricey = case_of(pricey_answer)
    assert pricey.priority is CasePriority.HIGH
    assert events(pricey, "priority") == []


def test_a_second_unhappy_answer_joins_the_open_case(clock, manager_client):
    first = answer("csat", 1, "Broken box")
    second = answer("nps", 2, "Still waiting for my refund")
    happy = answer("nps", 10, "Lovely staff")
    [case] = cases()
    assert case_of(first).id == case_of(second).id == case.id
    assert case_of(happy) is None
    assert [e.response_id for e in events(case, "attached")] == [second.id]
    page = manager_client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Broken box" in page and "Still waiting for my refund" in page
    assert "Another unhappy answer joined this case" in page
    # another customer gets a case of their own
    assert case_of(answer("csat", 1, customer="c-2")).id != case.id


def test_after_resolution_a_new_unhappy_answer_opens_a_new_case(clock, make_user):
    agent = make_user(Role.AGENT)
    case = case_of(answer("csat", 1))
    actions.log_call(case, agent, CallOutcome.REACHED, "Sorted it out")
    actions.resolve(case, agent, ResolutionCode.SOLVED)
    db.session.commit()
    again = case_of(answer("csat", 2))
    assert again.id != case.id
    # while that one is open, the old case cannot be reopened: the customer has one
    with pytest.raises(CaseActionError, match=f"#{again.id}"):
        actions.reopen(case, agent, "customer called")


def test_editing_a_comment_into_a_complaint_opens_a_case(clock, client, link):
    client.post(link, data={"score": "4"})
    work()
    assert cases() == []
    client.post(link, data={"comment": "Actually the courier was rude and the box was crushed."})
    assert cases() == []  # the worker reads the comment
    work()
    [case] = cases()
    assert case.priority is CasePriority.LOW


# --- deadlines -------------------------------------------------------------------------


def test_first_response_due_counts_business_hours(clock):
    case = case_of(answer("csat", 1))  # high: 4 business hours, opened Monday 10:00
    assert case.first_response_due_at == local(23, 14)
    assert case.first_response_warn_at == local(23, 13, 12)  # 20% (48 minutes) left
    # resolution, 16 business hours: Monday 10-18 (8), Tuesday 9-17
    assert case.resolution_due_at == local(24, 17)


def test_a_case_opened_on_friday_evening_is_due_on_monday(clock):
    clock.move_to(local(27, 17))  # Friday 17:00
    case = case_of(answer("csat", 1))
    assert case.first_response_due_at == local(30, 12)  # 1 h Friday, 3 h Monday


def test_priority_change_recomputes_from_the_opening_time(clock, make_user):
    manager = make_user(Role.MANAGER)
    case = case_of(answer("csat", 1))  # high, due Monday 14:00
    clock.move_to(local(23, 11))
    actions.change_priority(case, manager, CasePriority.LOW, "Customer says no rush")
    db.session.commit()
    assert case.first_response_due_at == local(25, 16)  # 24 business hours: Mon 8, Tue 9, Wed 7
    [change] = events(case, "priority")
    assert (change.before, change.after, change.body) == ("high", "low", "Customer says no rush")
    actions.change_priority(case, manager, CasePriority.URGENT, "Threatens to leave")
    assert case.first_response_due_at == local(23, 11)  # 1 hour after opening
    with pytest.raises(CaseActionError):
        actions.change_priority(case, manager, CasePriority.HIGH, "  ")


def test_pending_pauses_the_resolution_clock_only(clock, make_user):
    agent = make_user(Role.AGENT)
    case = case_of(answer("csat", 2))  # normal: 8 h first response, 40 h resolution
    first_due, resolution_due = case.first_response_due_at, case.resolution_due_at
    assert resolution_due == local(27, 14)  # Mon 8 h, Tue-Thu 9 h each, Fri 9-14
    clock.move_to(local(23, 11))
    actions.set_pending(case, agent, "Asked for the order number")
    db.session.commit()
    assert case.resolution_due_at is None
    assert case.first_response_due_at == first_due  # never pauses
    clock.move_to(local(24, 11))  # 9 business hours later (Mon 11-18, Tue 9-11)
    actions.resume(case, agent)
    db.session.commit()
    assert case.first_response_due_at == first_due
    # 49 business hours from Monday 10:00 = Friday 18:00 (44 h) + 5 h = Monday 30th 14:00
    assert case.resolution_due_at == local(30, 14)


def test_notes_and_unanswered_calls_are_not_a_response(clock, make_user):
    agent = make_user(Role.AGENT)
    case = case_of(answer("csat", 1))
    actions.add_note(case, agent, "Customer is a journalist, careful")
    actions.log_call(case, agent, CallOutcome.NO_ANSWER, "")
    db.session.commit()
    assert case.first_responded_at is None
    with pytest.raises(CaseActionError, match="Reply to the customer or log a call"):
        actions.resolve(case, agent, ResolutionCode.SOLVED)
    clock.move_to(local(23, 10, 30))
    actions.log_call(case, agent, CallOutcome.REACHED, "Apologised, refund agreed")
    db.session.commit()
    assert case.first_responded_at == local(23, 10, 30)
    assert case.responded_on_time
    assert case.owner_id == agent.id


# --- the SLA sweep ---------------------------------------------------------------------


def test_sweep_warns_once_then_escalates_once_on_breach(clock, make_user, manager_client):
    agents = [make_user(Role.AGENT), make_user(Role.AGENT)]
    manager = manager_client.user
    case = case_of(answer("csat", 1))  # high: due 14:00, warned at 13:12

    clock.move_to(local(23, 13, 11))
    assert sweep() == 0
    clock.move_to(local(23, 13, 12))
    assert sweep() == 1
    warnings = outbox("case_warning")
    assert sorted(m.to_address for m in warnings) == sorted(a.email for a in agents)
    assert f"Case #{case.id} has no owner" in warnings[0].body_text
    assert sweep() == 0  # once

    clock.move_to(local(23, 14, 1))
    assert sweep() == 1
    db.session.expire_all()
    assert case.breached_at == local(23, 14)  # marked breached at the due time
    assert case.escalated_at == local(23, 14, 1)
    [escalation] = outbox("escalation")
    assert escalation.to_address == manager.email
    assert escalation.subject == f"Overdue: case #{case.id} has had no response"
    assert "passed its first-response deadline" in escalation.body_text
    assert sweep() == 0  # once

    page = manager_client.get("/cases?view=overdue").get_data(as_text=True)
    assert f"#{case.id}</a>" in page
    assert "Overdue by" in page
    # a late response is recorded as late
    actions.reply(case, agents[0], "Sorry", "We are on it", "en")
    db.session.commit()
    assert case.responded_on_time is False


def test_the_owner_alone_is_warned(clock, make_user):
    owner, _other = make_user(Role.AGENT), make_user(Role.AGENT)
    case = case_of(answer("csat", 1))
    assert actions.claim(case, owner)
    db.session.commit()
    clock.move_to(local(23, 13, 30))
    sweep()
    assert [m.to_address for m in outbox("case_warning")] == [owner.email]


def test_a_response_in_time_stops_the_sweep(clock, make_user):
    agent = make_user(Role.AGENT)
    make_user(Role.MANAGER)
    case = case_of(answer("csat", 1))
    actions.reply(case, agent, "Sorry", "Looking into it", "en")
    db.session.commit()
    clock.move_to(local(23, 16))
    sweep()
    assert outbox("case_warning") == [] and outbox("escalation") == []
    assert case.breached_at is None


def test_a_pending_case_does_not_breach_resolution_but_an_open_one_does(clock, make_user):
    agent = make_user(Role.AGENT)
    make_user(Role.MANAGER)
    waiting = case_of(answer("csat", 1, customer="c-1"))
    running = case_of(answer("csat", 1, customer="c-2"))
    for case in (waiting, running):
        actions.reply(case, agent, "Hello", "A question", "en")
    actions.set_pending(waiting, agent)
    db.session.commit()
    clock.move_to(local(26, 12))  # well past the 16 business hours
    sweep()
    db.session.expire_all()
    assert waiting.resolution_breached_at is None
    assert running.resolution_breached_at == local(24, 17)
    assert [m.subject for m in outbox("escalation")] == [
        f"Overdue: case #{running.id} is not resolved"
    ]


def test_resolved_cases_close_after_two_weeks(clock, make_user):
    agent = make_user(Role.AGENT)
    case = case_of(answer("csat", 1))
    actions.log_call(case, agent, CallOutcome.REACHED, "")
    actions.resolve(case, agent, ResolutionCode.EXPLAINED)
    db.session.commit()
    clock.move_to(MONDAY_10 + timedelta(days=13))
    sweep()
    assert db.session.get(Case, case.id).status is CaseStatus.RESOLVED
    clock.move_to(MONDAY_10 + timedelta(days=14, minutes=1))
    sweep()
    db.session.expire_all()
    assert case.status is CaseStatus.CLOSED
    with pytest.raises(CaseActionError):
        actions.reopen(case, agent, "too late")


# --- follow-up -------------------------------------------------------------------------


def test_resolving_sends_the_follow_up_without_cooldown_and_shows_its_answer(
    clock, app, client, agent_client
):
    from feedback.outbox.delivery import deliver_due
    from feedback.surveys import invitations
    from tests.surveys_helpers import captured, html_links
    from tests.surveys_helpers import local as path_of

    case = case_of(answer("csat", 1, "Parcel lost"))
    agent_client.submit(f"/cases/{case.id}/claim")
    agent_client.submit(
        f"/cases/{case.id}/reply", {"language": "en", "subject": "Sorry", "body": "Refunded."}
    )
    page = agent_client.submit(
        f"/cases/{case.id}/resolve", {"code": "refund", "note": ""}, follow_redirects=True
    )
    assert "Case resolved" in page.get_data(as_text=True)
    db.session.expire_all()
    followup = db.session.get(Case, case.id).followup_invitation
    # the customer was invited minutes ago, yet the follow-up is not held back
    assert followup.status is InvitationStatus.SCHEDULED
    invitations.send_due_invitations()
    deliver_due("test")
    mail = captured(app)
    survey_mail = [m for m in mail if "How did we handle your feedback" in m["Subject"]]
    assert len(survey_mail) == 1
    assert "Are you satisfied with how we handled your feedback?" in (
        survey_mail[0].get_body(("plain",)).get_content()
    )
    link = path_of(html_links(survey_mail[0])[0]).split("?")[0]
    assert client.post(link, data={"score": "2", "comment": "Took too long"}).status_code == 303
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    assert case.status is CaseStatus.OPEN  # an unhappy follow-up reopens it
    page = agent_client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "The customer answered the follow-up: 2 of 5" in page
    assert "Took too long" in page
    assert len(cases()) == 1  # not a new case of its own


def test_a_customer_who_unsubscribed_gets_no_follow_up(clock, make_user):
    from feedback.surveys.answers import unsubscribe

    agent = make_user(Role.AGENT)
    case = case_of(answer("csat", 1))
    unsubscribe(case.customer)
    actions.log_call(case, agent, CallOutcome.REACHED, "")
    actions.resolve(case, agent, ResolutionCode.SOLVED)
    db.session.commit()
    assert case.followup_invitation.status is InvitationStatus.SUPPRESSED
    assert events(case, "followup_held")


def test_lifecycle_refuses_invalid_moves(clock, make_user):
    agent = make_user(Role.AGENT)
    case = case_of(answer("csat", 1))
    with pytest.raises(CaseActionError):
        actions.resume(case, agent)  # not pending
    with pytest.raises(CaseActionError):
        actions.close(case, agent)  # not resolved
    with pytest.raises(CaseActionError):
        actions.reopen(case, agent, "why")  # not resolved
    assert case.status is CaseStatus.NEW


# --- found in review -------------------------------------------------------------------


def test_a_case_resolved_twice_for_a_customer_without_email(clock, make_user):
    agent = make_user(Role.AGENT)
    case = case_of(answer("csat", 1, email=None))
    actions.log_call(case, agent, CallOutcome.REACHED, "")
    for _ in range(2):
        actions.resolve(case, agent, ResolutionCode.SOLVED)
        db.session.commit()
        actions.reopen(case, agent, "called back")
        db.session.commit()
    assert len(events(case, "followup_held")) == 2


def test_a_response_stays_late_and_deadlines_stay_put_after_later_changes(clock, make_user):
    """Only a priority change before the first response moves the first-response
    deadline; pending, resuming, reopening and later priority changes do not."""
    agent, manager = make_user(Role.AGENT), make_user(Role.MANAGER)
    case = case_of(answer("csat", 1))  # high: due Monday 14:00
    clock.move_to(local(23, 15))
    actions.reply(case, agent, "Sorry", "Late, but here", "en")
    db.session.commit()
    assert case.responded_on_time is False and case.breached_at == local(23, 14)
    actions.change_priority(case, manager, CasePriority.LOW, "Calm now")
    actions.set_pending(case, agent)
    actions.resume(case, agent)
    db.session.commit()
    assert case.first_response_due_at == local(23, 14)
    assert case.responded_on_time is False
    assert case.resolution_due_at is not None  # resolution: recounted for low


def test_the_agent_who_answers_an_unowned_case_owns_it_on_the_timeline(clock, make_user):
    agent = make_user(Role.AGENT, name="Ann Agent")
    case = case_of(answer("csat", 1))
    actions.reply(case, agent, "Hello", "On it", "en")
    db.session.commit()
    [assigned] = events(case, "assigned")
    assert (assigned.before, assigned.after, assigned.actor_id) == (None, "Ann Agent", agent.id)


def _resolve_with_followup(case, agent):
    from feedback.surveys.answers import Link

    actions.log_call(case, agent, CallOutcome.REACHED, "")
    actions.resolve(case, agent, ResolutionCode.SOLVED)
    db.session.commit()
    return Link.of(case.followup_invitation, "en")


def test_editing_a_follow_up_comment_does_not_count_it_twice(clock, make_user):
    from feedback.surveys.answers import record_answer, update_comment
    from feedback.surveys.models import Response

    agent = make_user(Role.AGENT)
    case = case_of(answer("csat", 1))
    link = _resolve_with_followup(case, agent)
    response = db.session.get(Response, record_answer(link, 1, "Slow", "en").response_id)
    db.session.commit()
    assert case.status is CaseStatus.OPEN
    actions.resolve(case, agent, ResolutionCode.SOLVED)
    db.session.commit()
    update_comment(response, "Slow, and nobody called")
    db.session.commit()
    work()
    assert case.status is CaseStatus.RESOLVED  # not reopened a second time
    assert len(events(case, "followup_answered")) == 1


def test_an_unhappy_follow_up_after_the_case_closed_opens_a_new_case(clock, make_user):
    from feedback.surveys.answers import record_answer

    agent = make_user(Role.AGENT)
    case = case_of(answer("csat", 1))
    link = _resolve_with_followup(case, agent)
    clock.move_to(MONDAY_10 + timedelta(days=15))
    sweep()  # closes the case
    record_answer(link, 1, "You never fixed it", "en")
    db.session.commit()
    [old, new] = cases()
    assert old.status is CaseStatus.CLOSED and events(old, "followup_answered")
    assert new.status is CaseStatus.NEW and new.priority is CasePriority.HIGH


def test_a_broken_queue_configuration_never_costs_the_customer_their_answer(clock, client, link):
    settings_row = settings.settings_row()
    settings_row.timezone = "Mars/Olympus_Mons"  # as if edited by hand in the database
    settings.changed()
    db.session.commit()
    assert client.post(link, data={"score": "1", "comment": "Bad"}).status_code == 303
    from feedback.surveys.models import Response

    assert db.session.scalar(select(Response.score)) == 1
    assert cases() == []


def test_overdue_is_the_same_rule_in_python_and_in_sql(clock, make_user):
    agent = make_user(Role.AGENT)
    waiting = case_of(answer("csat", 1, customer="c-1"))  # due 14:00, no response
    answered = case_of(answer("csat", 1, customer="c-2"))  # responded; resolution Tue 17:00
    actions.reply(answered, agent, "Hi", "On it", "en")
    db.session.commit()
    for moment, expected in [(local(23, 13), set()), (local(23, 15), {waiting.id})]:
        clock.move_to(moment)
        in_sql = set(db.session.scalars(select(Case.id).where(Case.is_overdue(moment))))
        in_python = {c.id for c in cases() if c.is_overdue(moment)}
        assert in_sql == in_python == expected
    clock.move_to(local(24, 17, 1))
    assert {c.id for c in cases() if c.is_overdue(local(24, 17, 1))} == {waiting.id, answered.id}
