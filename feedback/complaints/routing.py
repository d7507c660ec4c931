"""From an answer to a case: the rules decide whether it opens one, and how pressing it is.

Two moments, as the rules need them (docs/architecture.md):

- Rules on the score and the customer's tier route the answer in its own transaction, at
  once (route_by_score, a handler of AnswerRecorded): a detractor's case and its deadline
  exist when the thank-you page shows, which says when the team will reply. A happy answer
  that no such rule can match costs no query (the rules are cached, see settings.py).
- Rules on the comment (its sentiment or a topic) wait for the worker to tag it
  (route_by_comment, a handler of CommentTagged in the worker's transaction): they may open
  a case for a happy score with an angry comment, or raise the priority of the case the
  answer is on.

Rules only raise: an answer never makes its case less pressing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select

from feedback import events
from feedback.complaints.cases import lock_customer, raise_priority, set_deadlines
from feedback.complaints.configuration.settings import QueueConfig, RuleSpec, queue_config
from feedback.complaints.followup import followup_recorded, record_followup_answer
from feedback.complaints.models import (
    ACTIVE_STATUSES,
    Case,
    CaseEvent,
    CasePriority,
    CaseResponse,
    CaseSource,
    CaseStatus,
    RoutingRule,
)
from feedback.extensions import db
from feedback.surveys.models import Response, SentimentLabel, SurveyKind
from feedback.tagging.models import ResponseTopic
from feedback.timeutil import report_day, utcnow

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
    sentiment: SentimentLabel | None = None
    topic_ids: frozenset[int] = frozenset()
    #: when the customer said it; a case opens then (demo history and imports)
    said_at: datetime | None = None
    #: the customer's tier when they answered ("" for none), and the touchpoint's type
    tier: str = ""
    touchpoint_type_id: int | None = None


@dataclass(frozen=True)
class Decision:
    priority: CasePriority
    rule: RuleSpec
    top_tier: bool


def decide(config: QueueConfig, candidates: list[RuleSpec], tier: str | None) -> Decision | None:
    """The most pressing priority among the rules the answer meets, raised one step for
    a customer of the top tier; None when no rule matches."""
    matching = [rule for rule in candidates if rule.matches_tier(tier)]
    if not matching:
        return None
    rule = min(matching, key=lambda r: (r.priority.rank, r.id))
    top = config.is_top_tier(tier)
    return Decision(rule.priority.raised() if top else rule.priority, rule, top)


def _candidates(config: QueueConfig, answer: Answer, on_comment: bool) -> list[RuleSpec]:
    return [
        rule
        for rule in config.rules
        if rule.on_comment is on_comment
        and rule.matches_answer(answer.kind, answer.score, answer.sentiment, answer.topic_ids)
    ]


def route_by_score(event: events.AnswerRecorded) -> dict | None:
    """Open a case for an unhappy score, or put the answer on the customer's case in the
    queue; hand back when the team promises to reply, for the thank-you page.

    Never costs the customer their answer: a failure here (a broken configuration, a
    database error) is logged and undone back to a savepoint, and the answer stays; the
    worker routes it again (route_again). An answer to a case's follow-up survey goes on
    that case instead (followup.py)."""
    try:
        plan = _plan(event)
        if plan is None:
            return None  # the happy path: no query at all
        with db.session.begin_nested():
            case = _route_score(*plan)
    except Exception:
        log.exception("routing.failed response=%s", event.response_id)
        return None
    if case is None or not case.is_active:
        return None
    if case.first_responded_at is not None:
        # A case the team has answered already: no new time to promise, but the customer
        # hears that someone is on it.
        return {"case_in_hand": True}
    config = plan[0]
    return {"reply_by": case.first_response_due_at, "reply_zone": config.calendar.zone.key}


def route_again(event: events.AnswerRecorded) -> None:
    """The worker's safety net for route_by_score: an answer already on its case is left
    as it is; a failure raises, and the worker tries again later."""
    plan = _plan(event)
    if plan is not None:
        _route_score(*plan)


def _plan(event: events.AnswerRecorded) -> tuple | None:
    """What _route_score needs (the configuration, the answer, the score and tier rules
    it may meet, whether it answers a follow-up survey); None when nothing can match."""
    answer = Answer(
        response_id=event.response_id,
        invitation_id=event.invitation_id,
        survey_id=event.survey_id,
        customer_id=event.customer_id,
        kind=SurveyKind(event.kind),
        score=event.score,
        said_at=event.answered_at,
        tier=event.tier,
        touchpoint_type_id=event.touchpoint_type_id,
    )
    config = queue_config()
    is_followup = config.followup_survey_id == answer.survey_id
    candidates = _candidates(config, answer, on_comment=False)
    if not candidates and not is_followup:
        return None
    return config, answer, candidates, is_followup


def _route_score(config, answer: Answer, candidates, is_followup: bool) -> Case | None:
    if is_followup:
        handled = record_followup_answer(answer)
        if handled is not None or not candidates:
            return handled
    decision = decide(config, candidates, answer.tier or None)
    return None if decision is None else _file(config, answer, decision)


def route_by_comment(event: events.CommentTagged) -> None:
    """The comment rules, once the worker has tagged the comment: open a case (a happy
    score with an angry comment), or raise the priority of the answer's case."""
    config = queue_config()
    if not any(rule.on_comment for rule in config.rules):
        return
    response = db.session.get(Response, event.response_id)
    if response is None or response.comment is None:
        return
    if response.imported:
        return  # history: its complaint, if any, was handled back then
    topic_ids = db.session.scalars(
        select(ResponseTopic.topic_id).where(ResponseTopic.response_id == response.id)
    )
    answer = Answer(
        response_id=response.id,
        invitation_id=response.invitation_id,
        survey_id=response.survey_id,
        customer_id=response.customer_id,
        kind=response.kind,
        score=response.score,
        sentiment=response.sentiment,
        topic_ids=frozenset(topic_ids),
        said_at=response.comment_updated_at or response.answered_at,
        tier=response.tier,
        touchpoint_type_id=response.touchpoint_type_id,
    )
    if config.followup_survey_id == answer.survey_id and followup_recorded(answer.response_id):
        return  # the case it follows up has it
    decision = decide(config, _candidates(config, answer, on_comment=True), answer.tier or None)
    if decision is not None:
        _file(config, answer, decision)


def _file(config: QueueConfig, answer: Answer, decision: Decision) -> Case:
    """Put the answer on a case: the one it is on, else the customer's case in the queue,
    else a new one. A case on which the answer lands is raised to the decision's
    priority when that is more pressing."""
    lock_customer(answer.customer_id)
    # Locked too: an agent resolving this case right now must finish first, so that the
    # answer does not land on a case nobody works any more. The answer is on a case
    # already when the comment rules follow the score's, or the worker routes it again.
    on_case = db.session.scalar(
        select(CaseResponse.case_id).where(CaseResponse.response_id == answer.response_id)
    )
    case = (on_case and db.session.get(Case, on_case, with_for_update=True)) or db.session.scalar(
        select(Case)
        .where(Case.customer_id == answer.customer_id, Case.status.in_(ACTIVE_STATUSES))
        .with_for_update()
    )
    if case is None:
        return _open(config, answer, decision)
    if case.id != on_case:
        _attach(case, answer, decision)
    if case.is_active:
        raise_priority(case, decision.priority, decision.rule.name)
    return case


def _open(config: QueueConfig, answer: Answer, decision: Decision) -> Case:
    opened_at = answer.said_at or utcnow()
    # The cached rule may have been deleted by another process within the cache's few
    # seconds: the case opens all the same, without the link to its rule (the INSERT
    # reads the rule's id in a subquery).
    rule_id = select(RoutingRule.id).where(RoutingRule.id == decision.rule.id).scalar_subquery()
    case = Case(
        customer_id=answer.customer_id,
        status=CaseStatus.NEW,
        priority=decision.priority,
        rule_id=rule_id,
        touchpoint_type_id=answer.touchpoint_type_id,
        tier=answer.tier,
        source=CaseSource.SURVEY,
        opened_at=opened_at,
        report_day=report_day(opened_at),
    )
    set_deadlines(case, config)
    db.session.add(case)
    db.session.flush()
    detail = decision.rule.name + (" (top tier: raised)" if decision.top_tier else "")
    _link(case, answer, "opened", decision.priority, detail, opened_at)
    events.publish(events.CaseOpened(case_id=case.id, response_id=answer.response_id))
    return case


def _attach(case: Case, answer: Answer, decision: Decision) -> None:
    """Another unhappy answer while a case is in the queue: it shows on that case."""
    _link(case, answer, "attached", decision.priority, decision.rule.name, utcnow())


_INSERT_LINK = insert(CaseResponse)
_INSERT_EVENT = insert(CaseEvent)


def _link(case: Case, answer: Answer, kind: str, priority, detail: str, at) -> None:
    """The answer on the case, and the line on its timeline that says so (as Core
    statements: on the customer's request, the ORM's unit of work costs ~0.8 ms here)."""
    connection = db.session.connection()
    connection.execute(
        _INSERT_LINK, {"case_id": case.id, "response_id": answer.response_id, "attached_at": at}
    )
    connection.execute(
        _INSERT_EVENT,
        {
            "case_id": case.id,
            "at": at,
            "kind": kind,
            "after": priority.value,
            "detail": detail[:300],
            "response_id": answer.response_id,
        },
    )
