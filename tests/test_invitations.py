"""Who is invited, when, and how often: cooldown, opt-out, reminders, expiry, failures."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from feedback.customers.models import Customer
from feedback.extensions import db
from feedback.outbox.models import OutboxMessage, OutboxStatus
from feedback.surveys import invitations as jobs
from feedback.surveys.models import (
    Invitation,
    InvitationStatus,
    SuppressionReason,
    Survey,
    SurveyStatus,
    TouchpointType,
)
from feedback.timeutil import utcnow
from tests.surveys_helpers import captured, event, local


def _statuses(body) -> list[tuple[str, str | None]]:
    return [(i["status"], i["suppression_reason"]) for i in body["invitations"]]


def _invited_days_ago(days: float) -> None:
    """Pretend the invitations so far went out ``days`` ago."""
    when = utcnow() - timedelta(days=days)
    db.session.execute(
        update(Invitation)
        .where(Invitation.status == InvitationStatus.SCHEDULED)
        .values(status=InvitationStatus.SENT, send_at=when, sent_at=when)
    )
    db.session.commit()


def test_second_touchpoint_within_the_cooldown_is_suppressed(surveys, api):
    first = api("/api/v1/touchpoints", event("e-1"))
    _invited_days_ago(10)
    second = api("/api/v1/touchpoints", event("e-2", touchpoint="purchase"))
    assert _statuses(first.get_json()) == [("scheduled", None)]
    assert _statuses(second.get_json()) == [("suppressed", "cooldown")]


def test_the_cooldown_looks_at_invitations_on_both_sides(surveys, api):
    """Emailed ten days ago, and another survey scheduled 45 days ahead: a purchase today
    is within 30 days of the past one, though far from the future one; held back."""
    api("/api/v1/touchpoints", event("e-1"))
    _invited_days_ago(10)
    past = db.session.scalar(select(Invitation))
    nps = db.session.scalar(select(Survey).where(Survey.name == "NPS after purchase"))
    db.session.add(
        Invitation(
            customer_id=past.customer_id,
            event_id=past.event_id,
            survey_id=nps.id,
            status=InvitationStatus.SCHEDULED,
            send_at=utcnow() + timedelta(days=45),
        )
    )
    db.session.commit()
    purchase = api("/api/v1/touchpoints", event("e-2", touchpoint="purchase"))
    assert _statuses(purchase.get_json()) == [("suppressed", "cooldown")]


def test_other_customers_are_not_affected_by_the_cooldown(surveys, api):
    api("/api/v1/touchpoints", event("e-1"))
    other = api("/api/v1/touchpoints", event("e-2", customer_id="c-2", email="bo@example.com"))
    assert _statuses(other.get_json()) == [("scheduled", None)]


def test_a_touchpoint_type_can_have_its_own_shorter_cooldown(surveys, api):
    # support_call has a 7-day cooldown in the defaults; the global one is 30 days.
    api("/api/v1/touchpoints", event("e-1", touchpoint="support_call"))
    _invited_days_ago(10)
    again = api("/api/v1/touchpoints", event("e-2", touchpoint="support_call"))
    assert _statuses(again.get_json()) == [("scheduled", None)]
    delivery = api("/api/v1/touchpoints", event("e-3", touchpoint="delivery"))
    assert _statuses(delivery.get_json()) == [("suppressed", "cooldown")]


def test_global_cooldown_is_a_setting(app, surveys, api):
    app.config["INVITATION_COOLDOWN_DAYS"] = 1
    api("/api/v1/touchpoints", event("e-1"))
    _invited_days_ago(2)
    again = api("/api/v1/touchpoints", event("e-2", touchpoint="purchase"))
    assert _statuses(again.get_json()) == [("scheduled", None)]


def test_unsubscribed_customer_is_not_invited_and_the_reason_is_kept(surveys, api):
    api("/api/v1/touchpoints", event("e-1"))
    customer = db.session.scalar(select(Customer))
    customer.unsubscribed_at = utcnow()
    db.session.commit()
    later = api("/api/v1/touchpoints", event("e-2", touchpoint="support_call"))
    assert _statuses(later.get_json()) == [("suppressed", "unsubscribed")]


def test_customer_without_address_is_suppressed_as_invalid_address(surveys, api):
    body = event()
    body["customer"]["email"] = None
    response = api("/api/v1/touchpoints", body)
    assert response.status_code == 201
    assert _statuses(response.get_json()) == [("suppressed", "invalid_address")]


def test_paused_survey_is_suppressed(surveys, api):
    db.session.execute(update(Survey).values(status=SurveyStatus.PAUSED))
    db.session.commit()
    response = api("/api/v1/touchpoints", event())
    assert _statuses(response.get_json()) == [("suppressed", "survey_paused")]


def test_worker_checks_again_at_send_time(app, surveys, api):
    api("/api/v1/touchpoints", event())
    db.session.execute(update(Survey).values(status=SurveyStatus.PAUSED))
    db.session.commit()
    assert jobs.send_due_invitations() == 0
    invitation = db.session.scalar(select(Invitation))
    assert invitation.status is InvitationStatus.SUPPRESSED
    assert invitation.suppression_reason is SuppressionReason.SURVEY_PAUSED
    assert captured(app) == []


def test_invitation_waits_for_the_touchpoints_delay(surveys, api):
    # Delivery surveys go out two hours after the delivery.
    response = api("/api/v1/touchpoints", event(hours_ago=1))
    (invitation,) = response.get_json()["invitations"]
    assert invitation["status"] == "scheduled"
    assert jobs.send_due_invitations() == 0
    db.session.execute(update(Invitation).values(send_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert jobs.send_due_invitations() == 1


def test_unsubscribing_holds_back_scheduled_invitations(app, client, surveys, api, runner):
    from tests.surveys_helpers import html_links, local

    api("/api/v1/touchpoints", event("e-1"))
    runner.invoke(args=["worker", "--once"])
    unsubscribe_link = next(
        local(link) for link in html_links(captured(app)[0]) if link.endswith("/unsubscribe")
    )
    # A support call now, with no cooldown for that type: scheduled, an hour from now.
    db.session.execute(
        update(TouchpointType).where(TouchpointType.key == "support_call").values(cooldown_days=0)
    )
    db.session.commit()
    later = api("/api/v1/touchpoints", event("e-2", touchpoint="support_call", hours_ago=0))
    assert _statuses(later.get_json()) == [("scheduled", None)]

    assert client.post(unsubscribe_link).status_code == 200
    invitation_id = later.get_json()["invitations"][0]["id"]
    held = db.session.get(Invitation, invitation_id)
    assert held.status is InvitationStatus.SUPPRESSED
    assert held.suppression_reason is SuppressionReason.UNSUBSCRIBED


def test_ineligible_reminders_do_not_block_the_queue(app, surveys, api):
    app.config["INVITATION_BATCH_SIZE"] = 1
    app.config["INVITATION_COOLDOWN_DAYS"] = 0
    for n in range(4):
        api("/api/v1/touchpoints", event(f"e-{n}", customer_id=f"c-{n}", email=f"c{n}@example.com"))
    jobs.send_due_invitations()
    _sent_days_ago(4)
    first_three = db.session.scalars(
        select(Customer).where(Customer.external_id.in_(["c-0", "c-1", "c-2"]))
    ).all()
    for customer in first_three:
        customer.unsubscribed_at = utcnow()
    db.session.commit()
    assert jobs.send_reminders() == 1  # c-3's, behind three that may not be reminded


def _sent_days_ago(days: float) -> None:
    when = utcnow() - timedelta(days=days)
    db.session.execute(update(Invitation).values(sent_at=when, send_at=when))
    db.session.commit()


def test_one_reminder_after_three_days_with_a_new_working_link(app, surveys, api, client):
    api("/api/v1/touchpoints", event())
    jobs.send_due_invitations()
    _sent_days_ago(2)
    assert jobs.send_reminders() == 0
    _sent_days_ago(3.1)
    assert jobs.send_reminders() == 1
    assert jobs.send_reminders() == 0  # one reminder at most
    subjects = [m.subject for m in db.session.scalars(select(OutboxMessage))]
    assert subjects == ["How was your delivery?", "Reminder: How was your delivery?"]
    reminder = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()[1]
    link = reminder.body_text.split("1: ", 1)[1].split()[0]
    assert client.get(local(link)).status_code == 200


def test_answered_or_unsubscribed_customers_get_no_reminder(surveys, api, client):
    api("/api/v1/touchpoints", event("e-1"))
    api("/api/v1/touchpoints", event("e-2", customer_id="c-2", email="bo@example.com"))
    jobs.send_due_invitations()
    first, second = db.session.scalars(select(Invitation).order_by(Invitation.id)).all()
    first.status = InvitationStatus.ANSWERED
    second.customer.unsubscribed_at = utcnow()
    db.session.commit()
    _sent_days_ago(4)
    assert jobs.send_reminders() == 0


def test_invitations_expire_after_the_link_lifetime(surveys, api):
    api("/api/v1/touchpoints", event())
    jobs.send_due_invitations()
    invitation = db.session.scalar(select(Invitation))
    assert invitation.expires_at - invitation.sent_at == timedelta(days=30)
    assert jobs.expire_invitations() == 0
    invitation.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert jobs.expire_invitations() == 1
    db.session.refresh(invitation)
    assert invitation.status is InvitationStatus.EXPIRED


def test_failed_delivery_marks_the_invitation_failed_with_the_error(surveys, api):
    api("/api/v1/touchpoints", event())
    jobs.send_due_invitations()
    db.session.execute(
        update(OutboxMessage).values(status=OutboxStatus.FAILED, last_error="550 no such user")
    )
    db.session.commit()
    assert jobs.note_failed_deliveries() == 1
    invitation = db.session.scalar(select(Invitation))
    assert invitation.status is InvitationStatus.FAILED
    assert invitation.error == "550 no such user"


def test_two_workers_send_an_invitation_once(surveys, api):
    from feedback.surveys.email import EmailRenderer

    api("/api/v1/touchpoints", event())
    invitation_id = db.session.scalar(select(Invitation.id))
    now = utcnow()
    # Both workers picked the same id; the first claims it, the second finds it sent.
    assert jobs._send_batch([invitation_id], now, EmailRenderer()) == 1
    assert jobs._send_batch([invitation_id], now, EmailRenderer()) == 0
    assert len(db.session.scalars(select(OutboxMessage)).all()) == 1


def test_a_batch_renders_each_customer_their_own_email(app, surveys, api, runner):
    api("/api/v1/touchpoints", event("e-1", name="Ann <b>&"))
    api(
        "/api/v1/touchpoints",
        event("e-2", customer_id="c-2", email="wei@example.cn", name="王伟", locale="zh"),
    )
    api("/api/v1/touchpoints", event("e-3", customer_id="c-3", email="x@example.com", name=""))
    runner.invoke(args=["worker", "--once"])
    mails = {m["To"]: m for m in captured(app)}
    ann = mails["ann@example.com"]
    assert "Hello Ann <b>&," in ann.get_body(("plain",)).get_content()
    assert "Hello Ann &lt;b&gt;&amp;," in ann.get_body(("html",)).get_content()
    assert "王伟，您好" in mails["wei@example.cn"].get_body(("plain",)).get_content()
    assert "Hello," in mails["x@example.com"].get_body(("plain",)).get_content()
    links = {m["List-Unsubscribe"] for m in mails.values()}
    assert len(links) == 3  # a token of its own each
