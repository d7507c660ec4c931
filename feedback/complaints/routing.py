"""From an answer to a case: the rules decide whether it opens one, and how pressing it is.

Runs inside the answer's transaction, on the answer page: a happy answer that no rule
can match costs no query at all (the rules are cached, see settings.py).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, insert, select, text

from feedback.complaints.cases import lock_customer, set_deadlines
from feedback.complaints.models import (
    ACTIVE_STATUSES,
    Case,
    CaseEvent,
    CasePriority,
    CaseResponse,
    CaseStatus,
    RoutingRule,
)
from feedback.complaints.settings import QueueConfig, RuleSpec, queue_config
from feedback.customers.models import Customer
from feedback.dashboard.days import report_day
from feedback.extensions import db
from feedback.surveys.models import Invitation, SentimentLabel, SurveyKind, TouchpointEvent
from feedback.timeutil import utcnow

log = logging.getLogger("feedback.complaints")


@dataclass(frozen=True)
class Answer:
    """What routing needs to know of a recorded answer."""

    response_id: int
    invitation_id: int
    survey_id: int
    customer_id: int
    kind: SurveyKind
    score: int
    sentiment: SentimentLabel | None
    topic_ids: frozenset[int]
    #: when the customer answered; the case opens then (demo history and imports)
    answered_at: datetime | None = None


@dataclass(frozen=True)
class Decision:
    priority: CasePriority
    rule: RuleSpec
    top_tier: bool


def decide(
    config: QueueConfig, answer: Answer, tier: str | None, candidates=None
) -> Decision | None:
    """The most pressing priority among the rules the answer meets, raised one step for
    a customer of the top tier; None when no rule matches."""
    rules = candidates if candidates is not None else _candidates(config, answer)
    matching = [rule for rule in rules if rule.matches_tier(tier)]
    if not matching:
        return None
    rule = min(matching, key=lambda r: (r.priority.rank, r.id))
    top = config.is_top_tier(tier)
    return Decision(rule.priority.raised() if top else rule.priority, rule, top)


def _candidates(config: QueueConfig, answer: Answer) -> list[RuleSpec]:
    return [
        rule
        for rule in config.rules
        if rule.matches_answer(answer.kind, answer.score, answer.sentiment, answer.topic_ids)
    ]


def route_answer(answer: Answer) -> int | Case | None:
    """Open a case for an unhappy answer, or attach it to the customer's case in the
    queue. Returns that case (or its id), or None when the answer needs none.

    Never costs the customer their answer: a failure here (a broken configuration, a
    database error) is logged and undone back to a savepoint, and the answer stays. An
    answer to a case's follow-up survey goes on that case instead (followup.py)."""
    try:
        config = queue_config()
    except Exception:
        log.exception("routing.config_failed response=%s", answer.response_id)
        return None
    is_followup = config.followup_survey_id is not None and (
        answer.survey_id == config.followup_survey_id
    )
    candidates = _candidates(config, answer)
    if not candidates and not is_followup:
        return None  # the happy path: no query at all
    try:
        with db.session.begin_nested():
            return _route(config, answer, candidates, is_followup)
    except Exception:
        log.exception("routing.failed response=%s", answer.response_id)
        return None


def _route(config: QueueConfig, answer: Answer, candidates, is_followup: bool) -> int | Case | None:
    if is_followup:
        from feedback.complaints.followup import record_followup_answer

        handled = record_followup_answer(answer)
        if handled is not None or not candidates:
            return handled
    connection = db.session.connection()
    tier, touchpoint_type_id = connection.execute(
        _TIER_AND_TOUCHPOINT, {"invitation_id": answer.invitation_id}
    ).one()
    decision = decide(config, answer, tier, candidates)
    if decision is None:
        return None
    lock_customer(answer.customer_id)
    # Locked too: an agent resolving this case right now must finish first, so that the
    # answer does not land on a case nobody works any more.
    existing = connection.execute(
        _CASE_IN_QUEUE, {"customer_id": answer.customer_id}
    ).scalar_one_or_none()
    if existing is not None:
        return _attach(existing, answer, decision)
    return _open(config, answer, decision, touchpoint_type_id)


# The answer page opens cases: statements built once and run as Core, not the ORM's
# unit of work, which cost three times as much here (bench/answer_post.py --unhappy).
_CASES, _LINKS, _EVENTS = Case.__table__, CaseResponse.__table__, CaseEvent.__table__
_TIER_AND_TOUCHPOINT = (
    select(Customer.tier, TouchpointEvent.touchpoint_type_id)
    .select_from(Invitation)
    .join(Customer, Customer.id == Invitation.customer_id)
    .join(TouchpointEvent, TouchpointEvent.id == Invitation.event_id)
    .where(Invitation.id == bindparam("invitation_id"))
)
_CASE_IN_QUEUE = (
    select(_CASES.c.id)
    .where(
        _CASES.c.customer_id == bindparam("customer_id"),
        _CASES.c.status.in_(ACTIVE_STATUSES),
    )
    .with_for_update()
)
_INSERT_CASE = (
    insert(_CASES)
    .values(
        # The cached rule may have been deleted by another process within the cache's
        # few seconds: the case opens all the same, without the link to its rule.
        rule_id=select(RoutingRule.id)
        .where(RoutingRule.id == bindparam("wanted_rule_id"))
        .scalar_subquery()
    )
    .returning(_CASES.c.id)
)
_INSERT_LINK = insert(_LINKS)
_INSERT_EVENT = insert(_EVENTS)


def _open(config: QueueConfig, answer: Answer, decision: Decision, touchpoint_type_id) -> int:
    opened_at = answer.answered_at or utcnow()
    deadlines = Case(priority=decision.priority, opened_at=opened_at, status=CaseStatus.NEW)
    set_deadlines(deadlines, config)
    case_id = (
        db.session.connection()
        .execute(
            _INSERT_CASE,
            {
                "customer_id": answer.customer_id,
                "status": CaseStatus.NEW,
                "priority": decision.priority,
                "wanted_rule_id": decision.rule.id,
                "touchpoint_type_id": touchpoint_type_id,
                "opened_at": opened_at,
                "report_day": report_day(opened_at),
                "first_response_due_at": deadlines.first_response_due_at,
                "first_response_warn_at": deadlines.first_response_warn_at,
                "resolution_due_at": deadlines.resolution_due_at,
            },
        )
        .scalar_one()
    )
    detail = decision.rule.name + (" (top tier: raised)" if decision.top_tier else "")
    _link(case_id, answer, "opened", decision.priority, detail, opened_at)
    return case_id


def _attach(case_id: int, answer: Answer, decision: Decision) -> int:
    """Another unhappy answer while a case is in the queue: it shows on that case, which
    keeps its priority and deadlines (a manager can raise them)."""
    _link(case_id, answer, "attached", decision.priority, decision.rule.name, utcnow())
    return case_id


def _link(case_id: int, answer: Answer, kind: str, priority, detail: str, at) -> None:
    connection = db.session.connection()
    connection.execute(
        _INSERT_LINK,
        {"case_id": case_id, "response_id": answer.response_id, "attached_at": at},
    )
    connection.execute(
        _INSERT_EVENT,
        {
            "case_id": case_id,
            "at": at,
            "kind": kind,
            "after": priority.value,
            "detail": detail[:300],
            "response_id": answer.response_id,
        },
    )


def is_on_a_case(response_id: int) -> bool:
    return (
        db.session.scalar(
            select(text("1"))
            .select_from(CaseResponse)
            .where(CaseResponse.response_id == response_id)
        )
        is not None
    )
