"""From an answer to a case: the rules decide whether it opens one, and how pressing it is.

Runs inside the answer's transaction, on the answer page: a happy answer that no rule
can match costs no query at all (the rules are cached, see settings.py).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, text

from feedback.complaints.cases import lock_customer, record, set_deadlines
from feedback.complaints.models import (
    ACTIVE_STATUSES,
    Case,
    CasePriority,
    CaseResponse,
    RoutingRule,
)
from feedback.complaints.settings import QueueConfig, RuleSpec, queue_config
from feedback.customers.models import Customer
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


def route_answer(answer: Answer) -> Case | None:
    """Open a case for an unhappy answer, or attach it to the customer's case in the
    queue. Returns that case, or None when the answer needs none.

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


def _route(config: QueueConfig, answer: Answer, candidates, is_followup: bool) -> Case | None:
    if is_followup:
        from feedback.complaints.followup import record_followup_answer

        handled = record_followup_answer(answer)
        if handled is not None or not candidates:
            return handled
    tier, touchpoint_type_id = db.session.execute(
        select(Customer.tier, TouchpointEvent.touchpoint_type_id)
        .select_from(Invitation)
        .join(Customer, Customer.id == Invitation.customer_id)
        .join(TouchpointEvent, TouchpointEvent.id == Invitation.event_id)
        .where(Invitation.id == answer.invitation_id)
    ).one()
    decision = decide(config, answer, tier, candidates)
    if decision is None:
        return None
    lock_customer(answer.customer_id)
    # Locked too: an agent resolving this case right now must finish first, so that the
    # answer does not land on a case nobody works any more.
    existing = db.session.scalar(
        select(Case)
        .where(Case.customer_id == answer.customer_id, Case.status.in_(ACTIVE_STATUSES))
        .with_for_update()
    )
    if existing is not None:
        return _attach(existing, answer, decision)
    return _open(config, answer, decision, touchpoint_type_id)


def _open(config: QueueConfig, answer: Answer, decision: Decision, touchpoint_type_id) -> Case:
    # The cached rule may have been deleted by another process within the cache's few
    # seconds: the case opens all the same, without the link to its rule.
    rule_id = db.session.scalar(select(RoutingRule.id).where(RoutingRule.id == decision.rule.id))
    case = Case(
        customer_id=answer.customer_id,
        priority=decision.priority,
        rule_id=rule_id,
        touchpoint_type_id=touchpoint_type_id,
        opened_at=answer.answered_at or utcnow(),
    )
    set_deadlines(case, config)
    db.session.add(case)
    db.session.add(CaseResponse(case=case, response_id=answer.response_id))
    record(
        case,
        "opened",
        after=decision.priority,
        detail=decision.rule.name + (" (top tier: raised)" if decision.top_tier else ""),
        response_id=answer.response_id,
        at=case.opened_at,
    )
    db.session.flush()
    return case


def _attach(case: Case, answer: Answer, decision: Decision) -> Case:
    """Another unhappy answer while a case is in the queue: it shows on that case, which
    keeps its priority and deadlines (a manager can raise them)."""
    db.session.add(CaseResponse(case_id=case.id, response_id=answer.response_id))
    record(
        case,
        "attached",
        after=decision.priority,
        detail=decision.rule.name,
        response_id=answer.response_id,
    )
    db.session.flush()
    return case


def is_on_a_case(response_id: int) -> bool:
    return (
        db.session.scalar(
            select(text("1"))
            .select_from(CaseResponse)
            .where(CaseResponse.response_id == response_id)
        )
        is not None
    )
