"""What staff do with a case: claim, assign, reprioritise, reply, call, note, pend, resolve,
reopen, close. Every change writes a timeline event. Add and flush; the caller commits.

Deadlines are business time (feedback.complaints.calendar): the first-response due time
counts from the opening, whatever happens after; the resolution clock stops while the
case waits on the customer and the business time spent waiting moves its due time on.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select, update

from feedback import events
from feedback.accounts.models import Role, User
from feedback.complaints import email
from feedback.complaints.configuration.settings import DUE_SOON_SHARE, QueueConfig, queue_config
from feedback.complaints.models import (
    ACTIVE_STATUSES,
    CallOutcome,
    Case,
    CaseActionError,
    CaseEvent,
    CasePriority,
    CaseStatus,
    ReplyTemplate,
    ResolutionCode,
)
from feedback.complaints.reply_address import reply_headers
from feedback.extensions import db
from feedback.outbox.services import queue_email
from feedback.timeutil import utcnow


def record(
    case: Case,
    kind: str,
    actor: User | None = None,
    *,
    before=None,
    after=None,
    body: str | None = None,
    detail: str | None = None,
    at: datetime | None = None,
    **links,
) -> CaseEvent:
    """Add a line to the case's timeline."""
    event = CaseEvent(
        case=case,
        kind=kind,
        actor=actor,
        at=at or utcnow(),
        before=_text(before),
        after=_text(after),
        body=body,
        detail=detail,
        **links,
    )
    db.session.add(event)
    return event


def _text(value) -> str | None:
    if value is None:
        return None
    return str(getattr(value, "value", value))[:200]


def set_deadlines(case: Case, config: QueueConfig | None = None) -> None:
    """Both deadlines of a case that opens (or changes priority before its first
    response)."""
    config = config or queue_config()
    set_first_response_deadline(case, config)
    set_resolution_deadline(case, config)


def set_first_response_deadline(case: Case, config: QueueConfig) -> None:
    """Due and warning times from the opening time and the priority. Once the customer
    has had a response this is history: nothing recomputes it."""
    calendar = config.calendar
    first = config.first_response_target(case.priority)
    case.first_response_due_at = calendar.add(case.opened_at, first)
    case.first_response_warn_at = calendar.add(case.opened_at, first * (1 - DUE_SOON_SHARE))


def set_resolution_deadline(case: Case, config: QueueConfig) -> None:
    """From the opening time, the target and the business time spent waiting on the
    customer (or resolved before a reopen); none while pending: its clock is stopped."""
    if case.status is CaseStatus.PENDING:
        case.resolution_due_at = None
        return
    waited = timedelta(seconds=case.paused_seconds or 0)
    case.resolution_due_at = config.calendar.add(
        case.opened_at, config.resolution_target(case.priority) + waited
    )
    if case.resolution_due_at > utcnow():
        case.resolution_breached_at = None  # the sweep may escalate it again


def lock(case_id: int) -> Case | None:
    """The case, locked for this transaction, so that two agents acting at once act one
    after the other, each on what the other left: PostgreSQL locks the row; SQLite takes
    its database write lock with a no-op UPDATE before reading."""
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(
            update(Case)
            .where(Case.id == case_id)
            .values(id=Case.id)
            .execution_options(synchronize_session=False)
        )
    return db.session.scalar(
        select(Case)
        .where(Case.id == case_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


#: first key of PostgreSQL's two-key advisory locks taken here (the second: customer id)
_LOCK_NAMESPACE = 5_402


def lock_customer(customer_id: int) -> None:
    """Serialise whatever may put a case of this customer into the queue (a new answer, a
    reopen), so that the one-case-per-customer rule is checked, not tripped over.

    PostgreSQL: an advisory lock held to the end of the transaction (a row lock on the
    customer would deadlock with an unsubscribe, which locks customer then invitations).
    SQLite: the first write of the transaction takes the database's only write lock."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(select(func.pg_advisory_xact_lock(_LOCK_NAMESPACE, customer_id)))


def claim(case: Case, agent: User) -> bool:
    """Take an unassigned case. Exactly one of two agents claiming at once wins: the
    owner is set by a conditional UPDATE. False when someone else has it."""
    result = db.session.execute(
        update(Case)
        .where(Case.id == case.id, Case.owner_id.is_(None), Case.status.in_(ACTIVE_STATUSES))
        .values(owner_id=agent.id, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(case)
    if result.rowcount != 1:
        return False
    record(case, "claimed", agent, after=agent.display_name)
    if case.status is CaseStatus.NEW:
        _move(case, CaseStatus.OPEN, agent)
    db.session.flush()
    events.publish(events.CaseAssigned(case_id=case.id, owner_id=agent.id))
    return True


def assign(case: Case, manager: User, owner: User | None) -> None:
    """A manager gives the case to someone (or back to the queue)."""
    _must_be_active(case)
    if owner is not None and (not owner.active or not owner.has_role(Role.AGENT)):
        raise CaseActionError(_("Cases go to active staff only."))
    before = case.owner
    if (before and before.id) == (owner and owner.id):
        return
    case.owner = owner
    record(
        case,
        "assigned",
        manager,
        before=before.display_name if before else None,
        after=owner.display_name if owner else None,
    )
    if owner is not None and case.status is CaseStatus.NEW:
        _move(case, CaseStatus.OPEN, manager)
    db.session.flush()
    events.publish(events.CaseAssigned(case_id=case.id, owner_id=owner.id if owner else None))


def change_priority(case: Case, manager: User, priority: CasePriority, reason: str) -> None:
    """A manager's new priority, with the reason; the deadlines are counted again from
    the opening time with the new targets (the first-response one only while the
    customer has had no response: an answered case keeps whether it was on time)."""
    _must_be_active(case)
    reason = (reason or "").strip()
    if not reason:
        raise CaseActionError(_("Say why the priority changes."))
    if priority is case.priority:
        raise CaseActionError(_("The case already has that priority."))
    _reprioritise(case, manager, priority, reason)


def raise_priority(case: Case, priority: CasePriority, rule_name: str) -> None:
    """A routing rule found the case more pressing (a later answer or comment on it): the
    deadlines are counted again from the opening time, so they only move earlier."""
    if priority.rank < case.priority.rank:
        _reprioritise(case, None, priority, rule_name)


def _reprioritise(case: Case, actor: User | None, priority: CasePriority, reason: str) -> None:
    before, before_due = case.priority, case.first_response_due_at
    case.priority = priority
    config = queue_config()
    if case.first_responded_at is None:
        set_first_response_deadline(case, config)
    set_resolution_deadline(case, config)
    now = utcnow()
    if case.first_responded_at is None and case.first_response_due_at > now:
        # Not late any more under the new target: the sweep may warn and escalate again.
        case.breached_at = None
        if case.first_response_warn_at > now:
            case.warned_at = None
    record(case, "priority", actor, before=before, after=priority, body=reason)
    if case.first_response_due_at != before_due:
        record(
            case,
            "due",
            actor,
            before=before_due.isoformat(),
            after=case.first_response_due_at.isoformat(),
        )
    db.session.flush()
    events.publish(
        events.PriorityChanged(case_id=case.id, before=before.value, after=priority.value)
    )


def reply(case: Case, agent: User, subject: str, body: str, locale: str) -> CaseEvent:
    """Email the customer from the case, through the outbox. The first reply is the
    first response."""
    _must_be_active(case, _("Reopen the case to write to the customer."))
    address = case.customer.email
    if not address:
        raise CaseActionError(_("The customer has no email address; log a call instead."))
    subject, body = (subject or "").strip(), (body or "").strip()
    if not subject or not body:
        raise CaseActionError(_("A reply needs a subject and a message."))
    message = email.reply_message(case, agent, subject, body, locale)
    queued = queue_email(
        address,
        message.subject,
        message.text,
        message.html,
        headers=reply_headers(case.id),
        kind="case_reply",
    )
    event = record(
        case, "reply", agent, body=body, detail=message.subject, outbox_message_id=queued.id
    )
    _first_response(case, agent, event.at)
    db.session.flush()
    return event


def log_call(case: Case, agent: User, outcome: CallOutcome, notes: str) -> CaseEvent:
    """A phone call with its outcome. One that reached the customer (or left a message)
    is a first response; a call nobody answered is not."""
    _must_be_active(case, _("Reopen the case to log a call."))
    event = record(case, "call", agent, detail=outcome.value, body=(notes or "").strip() or None)
    if outcome.counts_as_response:
        _first_response(case, agent, event.at)
    elif case.status is CaseStatus.NEW:
        _move(case, CaseStatus.OPEN, agent)
    db.session.flush()
    return event


def add_note(case: Case, agent: User, body: str) -> CaseEvent:
    """An internal note: for colleagues, never a response to the customer."""
    body = (body or "").strip()
    if not body:
        raise CaseActionError(_("The note is empty."))
    event = record(case, "note", agent, body=body)
    db.session.flush()
    return event


def set_pending(case: Case, agent: User, note: str | None = None) -> None:
    """Waiting on the customer: the resolution clock stops; the first-response one runs on."""
    _move(case, CaseStatus.PENDING, agent, body=note)
    case.pending_since = utcnow()
    case.resolution_due_at = None
    db.session.flush()


def resume(case: Case, agent: User | None, note: str | None = None) -> None:
    """Back from pending: the business time spent waiting moves the resolution due on."""
    if case.status is not CaseStatus.PENDING:
        raise CaseActionError(_("The case is not waiting on the customer."))
    _move(case, CaseStatus.OPEN, agent, body=note)
    _restart_resolution_clock(case)
    db.session.flush()


def _restart_resolution_clock(case: Case) -> None:
    config = queue_config()
    if case.pending_since is not None:
        waited = config.calendar.between(case.pending_since, utcnow())
        case.paused_seconds = (case.paused_seconds or 0) + waited.total_seconds()
        case.pending_since = None
    set_resolution_deadline(case, config)


def resolve(case: Case, agent: User, code: ResolutionCode, note: str | None = None) -> None:
    """Resolved with a code; the customer gets the follow-up CSAT (followup.py, at once)."""
    was_pending = case.status is CaseStatus.PENDING
    _move(case, CaseStatus.RESOLVED, agent, body=(note or "").strip() or None, detail=code.value)
    if was_pending:
        _restart_resolution_clock(case)
    case.resolved_at = utcnow()
    case.resolution_code = code
    db.session.flush()
    events.publish(events.CaseResolved(case_id=case.id, by_user_id=agent.id))


def reopen(case: Case, actor: User | None, reason: str | None = None) -> None:
    """A resolved case back in the queue. Refused while the customer has another case in
    the queue: their new answers joined that one."""
    if case.status is not CaseStatus.RESOLVED:
        raise CaseActionError(_("Only a resolved case can be reopened."))
    lock_customer(case.customer_id)
    other = db.session.scalar(
        select(Case.id).where(
            Case.customer_id == case.customer_id,
            Case.status.in_(ACTIVE_STATUSES),
            Case.id != case.id,
        )
    )
    if other is not None:
        raise CaseActionError(
            _("The customer has case #%(case)s open; work on that one.", case=other)
        )
    config = queue_config()
    if case.resolved_at is not None:
        # The time it spent resolved does not count against its resolution target.
        waited = config.calendar.between(case.resolved_at, utcnow())
        case.paused_seconds = (case.paused_seconds or 0) + waited.total_seconds()
    _move(case, CaseStatus.OPEN, actor, body=(reason or "").strip() or None)
    case.resolved_at = None
    case.resolution_code = None
    set_resolution_deadline(case, config)
    db.session.flush()
    events.publish(events.CaseReopened(case_id=case.id))


def close(case: Case, actor: User | None) -> None:
    """Resolved for good: no reopening after this."""
    _move(case, CaseStatus.CLOSED, actor)
    case.closed_at = utcnow()
    db.session.flush()


def _move(case: Case, status: CaseStatus, actor: User | None, **event) -> None:
    old = case.move_to(status)
    record(case, "status", actor, before=old, after=status, **event)


def _must_be_active(case: Case, message: str | None = None) -> None:
    if case.status not in ACTIVE_STATUSES:
        raise CaseActionError(message or _("The case is no longer in the queue."))


def _first_response(case: Case, agent: User, at: datetime) -> None:
    if case.status is CaseStatus.NEW:
        _move(case, CaseStatus.OPEN, agent)
    if case.owner_id is None:  # who answered the customer has the case
        case.owner = agent
        record(case, "assigned", agent, after=agent.display_name, at=at)
        events.publish(events.CaseAssigned(case_id=case.id, owner_id=agent.id))
    if case.first_responded_at is not None:
        return
    case.first_responded_at = at
    late = at > case.first_response_due_at
    if late and case.breached_at is None:
        case.breached_at = case.first_response_due_at
    record(
        case,
        "first_response",
        agent,
        after="late" if late else "on time",
        at=at,
    )
    events.publish(events.FirstResponse(case_id=case.id, on_time=not late))


def fill_template(template: ReplyTemplate, case: Case, locale: str) -> tuple[str, str]:
    """A template's subject and body in a language, with {name} and {case} filled in."""
    zh = locale == "zh"
    subject = template.subject_zh if zh else template.subject_en
    body = template.body_zh if zh else template.body_en
    values = {"name": case.customer.name or case.customer.email or "", "case": f"#{case.id}"}
    for key, value in values.items():
        subject = subject.replace("{" + key + "}", value)
        body = body.replace("{" + key + "}", value)
    return subject, body
