"""The CSAT follow-up after a case is resolved: "Are you satisfied with how we handled
your feedback?" It goes out through the ordinary invitation machinery (token, outbox,
reminder, expiry, opt-out), without the cooldown, as an invitation for a touchpoint event
of its own ("complaint resolved"). Its answer shows on the case; an unhappy one reopens it.
"""

from __future__ import annotations

from sqlalchemy import select

from feedback import events, scoring
from feedback.accounts.models import User
from feedback.complaints.cases import lock, record, reopen
from feedback.complaints.configuration import settings
from feedback.complaints.models import Case, CaseActionError, CaseEvent, CaseStatus
from feedback.complaints.reply_address import reply_address
from feedback.extensions import db
from feedback.surveys.ingest import hold_back_reason
from feedback.surveys.models import (
    EventSource,
    Invitation,
    InvitationStatus,
    Survey,
    SurveyKind,
    TouchpointEvent,
    TouchpointType,
)
from feedback.surveys.property_keys import note_keys
from feedback.timeutil import utcnow

TOUCHPOINT_KEY = "complaint_resolved"


def followup_survey() -> Survey:
    """The follow-up survey, made on first use; managers may reword or pause it."""
    row = settings.settings_row()
    if row.followup_survey_id is not None:
        survey = db.session.get(Survey, row.followup_survey_id)
        if survey is not None:
            return survey
    # The first resolve of an installation makes it: two at once must not make two.
    row = db.session.get(type(row), row.id, with_for_update=True, populate_existing=True)
    if row.followup_survey_id is not None:
        survey = db.session.get(Survey, row.followup_survey_id)
        if survey is not None:
            return survey
    touchpoint = db.session.scalar(
        select(TouchpointType).where(TouchpointType.key == TOUCHPOINT_KEY)
    )
    if touchpoint is None:
        touchpoint = TouchpointType(
            key=TOUCHPOINT_KEY, name_en="Complaint resolved", name_zh="投诉已解决"
        )
        db.session.add(touchpoint)
    survey = Survey(
        name="Follow-up after a complaint",
        kind=SurveyKind.CSAT,
        question_en="Are you satisfied with how we handled your feedback?",
        question_zh="您对我们处理您反馈的方式满意吗？",
        followup_en="Is there anything else we should know?",
        followup_zh="还有什么想告诉我们的吗？",
        email_subject_en="How did we handle your feedback?",
        email_subject_zh="我们对您反馈的处理，您满意吗？",
    )
    db.session.add(survey)
    db.session.flush()
    row.followup_survey_id = survey.id
    settings.changed()
    db.session.flush()
    return survey


def on_resolved(event: events.CaseResolved) -> None:
    """At once, in the transaction that resolves the case: the follow-up is scheduled."""
    case = db.session.get(Case, event.case_id)
    agent = db.session.get(User, event.by_user_id) if event.by_user_id else None
    send_followup(case, agent)


def send_followup(case: Case, agent: User | None) -> Invitation:
    """Schedule the follow-up for now; the invitation worker sends it. Held back, with
    the reason on the timeline, for a customer who unsubscribed or has no address."""
    survey = followup_survey()
    now = utcnow()
    touchpoint = db.session.scalar(
        select(TouchpointType).where(TouchpointType.key == TOUCHPOINT_KEY)
    )
    sent_before = sum(1 for e in case.events if e.kind in ("followup_sent", "followup_held"))
    event = TouchpointEvent(
        external_id=f"case-{case.id}-resolved-{sent_before + 1}",
        touchpoint_type=touchpoint,
        customer_id=case.customer_id,
        occurred_at=now,
        source=EventSource.STAFF,
        recorded_by_id=agent.id if agent else None,
        properties={"case_id": case.id},
    )
    reason = hold_back_reason(case.customer.unsubscribed_at, case.customer.email, survey.status)
    invitation = Invitation(
        customer_id=case.customer_id,
        event=event,
        survey=survey,
        send_at=now,
        status=InvitationStatus.SUPPRESSED if reason else InvitationStatus.SCHEDULED,
        suppression_reason=reason,
        # the customer's answer to the survey email by email belongs on the case
        reply_to=reply_address(case.id),
    )
    db.session.add_all([event, invitation])
    db.session.flush()
    note_keys(event.properties, internal=True)
    case.followup_invitation_id = invitation.id
    record(
        case,
        "followup_sent" if reason is None else "followup_held",
        agent,
        after=str(invitation.id),
        detail=reason.value if reason else None,
    )
    return invitation


def followup_recorded(response_id: int) -> bool:
    """Whether this answer is on its case's timeline as the follow-up's answer."""
    return (
        db.session.scalar(
            select(CaseEvent.id).where(
                CaseEvent.kind == "followup_answered", CaseEvent.response_id == response_id
            )
        )
        is not None
    )


def record_followup_answer(answer) -> Case | None:
    """Put a follow-up answer on its case; an unhappy one reopens a resolved case.
    Returns None when the answer is not one the case can take (no case, or the case is
    closed or cannot be reopened while unhappy): routing then treats it as any answer,
    so an unhappy customer is never left without a case."""
    case_id = db.session.scalar(
        select(Case.id).where(Case.followup_invitation_id == answer.invitation_id)
    )
    if case_id is None:  # a follow-up of an earlier resolution of the case
        event = db.session.scalar(
            select(TouchpointEvent)
            .join(Invitation, Invitation.event_id == TouchpointEvent.id)
            .where(Invitation.id == answer.invitation_id)
        )
        case_id = (event.properties or {}).get("case_id") if event else None
    case = lock(case_id) if isinstance(case_id, int) else None
    if case is None:
        return None
    if followup_recorded(answer.response_id):  # routed again, or the comment edited
        return case
    record(case, "followup_answered", after=str(answer.score), response_id=answer.response_id)
    db.session.flush()
    if scoring.mood("csat", answer.score) >= 0:  # not unhappy
        return case
    if case.status is CaseStatus.RESOLVED:
        try:
            reopen(case, None, f"Follow-up answer {answer.score}/5: not satisfied")
            return case
        except CaseActionError:
            pass  # the customer has another case in the queue: routing adds it there
    return case if case.is_active else None
