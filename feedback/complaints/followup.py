"""The CSAT follow-up after a case is resolved: "Are you satisfied with how we handled
your feedback?" It goes out through the ordinary invitation machinery (token, outbox,
reminder, expiry, opt-out), without the cooldown, as an invitation for a touchpoint event
of its own ("complaint resolved"). Its answer shows on the case; an unhappy one reopens it.
"""

from __future__ import annotations

from sqlalchemy import select

from feedback.accounts.models import User
from feedback.complaints import settings
from feedback.complaints.models import Case, CaseActionError, CaseStatus
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
from feedback.timeutil import utcnow

TOUCHPOINT_KEY = "complaint_resolved"
#: a follow-up score at or below this reopens the case
UNHAPPY_AT_MOST = 2


def followup_survey() -> Survey:
    """The follow-up survey, made on first use; managers may reword or pause it."""
    row = settings.settings_row()
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
    row = db.session.get(type(row), row.id, with_for_update=True)
    row.followup_survey_id = survey.id
    settings.changed()
    db.session.flush()
    return survey


def send_followup(case: Case, agent: User | None) -> Invitation:
    """Schedule the follow-up for now; the invitation worker sends it. Held back, with
    the reason on the timeline, for a customer who unsubscribed or has no address."""
    survey = followup_survey()
    now = utcnow()
    touchpoint = db.session.scalar(
        select(TouchpointType).where(TouchpointType.key == TOUCHPOINT_KEY)
    )
    sent_before = sum(1 for event in case.events if event.kind == "followup_sent")
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
    )
    db.session.add_all([event, invitation])
    db.session.flush()
    case.followup_invitation_id = invitation.id
    from feedback.complaints.cases import record

    record(
        case,
        "followup_sent" if reason is None else "followup_held",
        agent,
        after=str(invitation.id),
        detail=reason.value if reason else None,
    )
    return invitation


def record_followup_answer(answer) -> Case | None:
    """Put a follow-up answer on its case; an unhappy one reopens a resolved case."""
    from feedback.complaints.cases import record, reopen

    case = db.session.scalar(
        select(Case).where(Case.followup_invitation_id == answer.invitation_id)
    )
    if case is None:  # a follow-up of an earlier resolution of the case
        event = db.session.scalar(
            select(TouchpointEvent)
            .join(Invitation, Invitation.event_id == TouchpointEvent.id)
            .where(Invitation.id == answer.invitation_id)
        )
        case_id = (event.properties or {}).get("case_id") if event else None
        case = db.session.get(Case, case_id) if case_id else None
    if case is None:
        return None
    record(case, "followup_answered", after=str(answer.score), response_id=answer.response_id)
    if answer.score <= UNHAPPY_AT_MOST and case.status is CaseStatus.RESOLVED:
        try:
            reopen(case, None, f"Follow-up answer {answer.score}/5: not satisfied")
        except CaseActionError:
            pass  # the customer has another case in the queue; the answer shows here
    db.session.flush()
    return case
