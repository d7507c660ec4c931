"""Translated names for enum values shown on pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from feedback.accounts.models import Role
from feedback.complaints.models import CallOutcome, CasePriority, CaseStatus, ResolutionCode
from feedback.outbox.models import OutboxStatus
from feedback.surveys.models import InvitationStatus, SentimentLabel, SuppressionReason

ROLE_LABELS = {Role.AGENT: _l("agent"), Role.MANAGER: _l("manager"), Role.ADMIN: _l("admin")}
STATUS_LABELS = {
    OutboxStatus.PENDING: _l("Waiting"),
    OutboxStatus.SENDING: _l("Sending"),
    OutboxStatus.SENT: _l("Sent"),
    OutboxStatus.FAILED: _l("Failed"),
}
SENTIMENT_LABELS = {
    SentimentLabel.POSITIVE: _l("Positive"),
    SentimentLabel.NEUTRAL: _l("Neutral"),
    SentimentLabel.NEGATIVE: _l("Negative"),
}
LANGUAGE_LABELS = {"en": _l("English"), "zh": _l("Chinese"), "other": _l("Other language")}

INVITATION_LABELS = {
    InvitationStatus.SCHEDULED: _l("Scheduled"),
    InvitationStatus.SUPPRESSED: _l("Not sent"),
    InvitationStatus.SENT: _l("Sent"),
    InvitationStatus.FAILED: _l("Delivery failed"),
    InvitationStatus.ANSWERED: _l("Answered"),
    InvitationStatus.EXPIRED: _l("Expired unanswered"),
}
SUPPRESSION_LABELS = {
    SuppressionReason.UNSUBSCRIBED: _l("the customer unsubscribed"),
    SuppressionReason.COOLDOWN: _l("invited recently (cooldown)"),
    SuppressionReason.INVALID_ADDRESS: _l("no valid email address"),
    SuppressionReason.SURVEY_PAUSED: _l("the survey was paused"),
}

PRIORITY_LABELS = {
    CasePriority.URGENT: _l("Urgent"),
    CasePriority.HIGH: _l("High"),
    CasePriority.NORMAL: _l("Normal"),
    CasePriority.LOW: _l("Low"),
}
CASE_STATUS_LABELS = {
    CaseStatus.NEW: _l("New"),
    CaseStatus.OPEN: _l("Open"),
    CaseStatus.PENDING: _l("Waiting on the customer"),
    CaseStatus.RESOLVED: _l("Resolved"),
    CaseStatus.CLOSED: _l("Closed"),
}
RESOLUTION_LABELS = {
    ResolutionCode.SOLVED: _l("Problem solved"),
    ResolutionCode.REFUND: _l("Refund given"),
    ResolutionCode.REPLACEMENT: _l("Replacement sent"),
    ResolutionCode.EXPLAINED: _l("Explained, no fault found"),
    ResolutionCode.NO_ACTION: _l("No action possible"),
    ResolutionCode.UNREACHABLE: _l("Customer unreachable"),
}
CALL_OUTCOME_LABELS = {
    CallOutcome.REACHED: _l("Talked to the customer"),
    CallOutcome.VOICEMAIL: _l("Left a voicemail"),
    CallOutcome.NO_ANSWER: _l("No answer"),
    CallOutcome.WRONG_NUMBER: _l("Wrong number"),
}


def priority_label(priority: CasePriority) -> str:
    return str(PRIORITY_LABELS[priority])


def case_status_label(status: CaseStatus) -> str:
    return str(CASE_STATUS_LABELS[status])


def resolution_label(code: ResolutionCode | str) -> str:
    return str(RESOLUTION_LABELS[ResolutionCode(code)])


def call_outcome_label(outcome: CallOutcome | str) -> str:
    return str(CALL_OUTCOME_LABELS[CallOutcome(outcome)])


def invitation_label(invitation) -> str:
    """Status of an invitation, with the reason when it was held back."""
    label = str(INVITATION_LABELS[invitation.status])
    if invitation.suppression_reason is not None:
        return f"{label}: {SUPPRESSION_LABELS[invitation.suppression_reason]}"
    return label


def sentiment_label(label: SentimentLabel) -> str:
    return str(SENTIMENT_LABELS[label])


def language_label(code: str) -> str:
    return str(LANGUAGE_LABELS.get(code, code))


def role_label(role: Role) -> str:
    return str(ROLE_LABELS[role])


def status_label(status: OutboxStatus) -> str:
    return str(STATUS_LABELS[status])


def delay_label(minutes: int) -> str:
    """A delay as people say it, in the viewer's language: 45 min, 2 hr, 3 days."""
    from datetime import timedelta

    from babel.dates import format_timedelta
    from flask_babel import get_locale

    if minutes == 0:
        return "0"
    return format_timedelta(
        timedelta(minutes=minutes), threshold=1.0, format="short", locale=get_locale()
    )
