"""The lifecycle of a complaint case, and the words for each value in the viewer's
language."""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l


class CasePriority(enum.Enum):
    URGENT = "urgent"
    HIGH = "high"
    NORMAL = "normal"
    LOW = "low"

    @property
    def rank(self) -> int:
        """0 for urgent ... 3 for low: sorts the most pressing first."""
        return list(CasePriority).index(self)

    def raised(self) -> CasePriority:
        """One step more pressing; urgent stays urgent."""
        return list(CasePriority)[max(self.rank - 1, 0)]


class CaseStatus(enum.Enum):
    NEW = "new"  #: opened, nobody has taken it yet
    OPEN = "open"  #: someone is working on it
    PENDING = "pending"  #: waiting on the customer; the resolution clock is paused
    RESOLVED = "resolved"  #: can still be reopened
    CLOSED = "closed"  #: final


#: the statuses of a case still in the queue; a customer has at most one such case
ACTIVE_STATUSES = (CaseStatus.NEW, CaseStatus.OPEN, CaseStatus.PENDING)
#: the same, as an SQL condition on a case's status (the one-case-per-customer index)
ACTIVE_SQL = f"status IN ({', '.join(repr(status.value) for status in ACTIVE_STATUSES)})"

#: moves the lifecycle allows, from -> to
TRANSITIONS = {
    CaseStatus.NEW: {CaseStatus.OPEN, CaseStatus.PENDING, CaseStatus.RESOLVED},
    CaseStatus.OPEN: {CaseStatus.PENDING, CaseStatus.RESOLVED},
    CaseStatus.PENDING: {CaseStatus.OPEN, CaseStatus.RESOLVED},
    CaseStatus.RESOLVED: {CaseStatus.OPEN, CaseStatus.CLOSED},
    CaseStatus.CLOSED: set(),
}


class CaseSource(enum.Enum):
    """How a case came to the queue."""

    SURVEY = "survey"  #: an answer met a routing rule
    EMAIL = "email"  #: a customer's email (inbound mail)
    STAFF = "staff"  #: opened by hand
    OUTREACH = "outreach"  #: staff called an at-risk customer (feedback.loyalty.atrisk)

    @property
    def label(self) -> str:
        """The source in the viewer's language."""
        return str(CASE_SOURCE_LABELS[self])


class CaseActionError(ValueError):
    """An action that cannot be done now; the message is for the agent."""


class CaseTransitionError(CaseActionError):
    """A move the lifecycle does not allow."""


class ResolutionCode(enum.Enum):
    SOLVED = "solved"
    REFUND = "refund"
    REPLACEMENT = "replacement"
    EXPLAINED = "explained"
    NO_ACTION = "no_action"
    UNREACHABLE = "unreachable"


class CallOutcome(enum.Enum):
    REACHED = "reached"
    VOICEMAIL = "voicemail"
    NO_ANSWER = "no_answer"
    WRONG_NUMBER = "wrong_number"

    @property
    def counts_as_response(self) -> bool:
        """Only a call that reached the customer answers them; a ring does not."""
        return self in (CallOutcome.REACHED, CallOutcome.VOICEMAIL)


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
CASE_SOURCE_LABELS = {
    CaseSource.SURVEY: _l("Survey answer"),
    CaseSource.EMAIL: _l("Customer's email"),
    CaseSource.STAFF: _l("Opened by staff"),
    CaseSource.OUTREACH: _l("Outreach"),
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
