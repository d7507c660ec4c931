"""The SLA sweep, run by the worker every minute: time alone moves cases on.

- 20% of the first-response target left: the owner is warned (or, while nobody owns
  the case, every agent), once.
- The first-response due time passed without a response: the case is marked breached at
  that time and escalated to the managers by email.
- The resolution due time passed: the same, once, for the resolution target.
- Resolved cases are closed CASE_CLOSE_DAYS after their resolution.

Each step claims a case with a conditional UPDATE in a transaction of its own, with the
mail in that same transaction: two workers sweeping at once warn and escalate once.
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from flask import current_app
from sqlalchemy import and_, select, update

from feedback import events
from feedback.accounts.models import Role, User
from feedback.complaints import email
from feedback.complaints.cases import close, record
from feedback.complaints.models import ACTIVE_STATUSES, Case, CaseStatus
from feedback.extensions import db
from feedback.outbox.services import queue_email
from feedback.timeutil import utcnow

log = logging.getLogger("feedback.complaints")
BATCH = 200


def sweep(worker: str = "worker", stop: threading.Event | None = None) -> int:
    """One pass of every step; returns how many cases it changed."""
    now = utcnow()
    changed = 0
    for step in (_warn, _breach_first_response, _breach_resolution, _close_resolved):
        changed += step(now, stop)
    return changed


def _ids(condition, stop) -> list[int]:
    if stop is not None and stop.is_set():
        return []
    query = select(Case.id).where(condition).order_by(Case.id).limit(BATCH)
    ids = list(db.session.scalars(query.with_for_update(skip_locked=True)))
    db.session.commit()  # each case is then taken by its own conditional UPDATE
    return ids


def _take(case_id: int, condition, **values) -> Case | None:
    """Set ``values`` on the case if ``condition`` still holds; None when another
    worker (or an agent's response) got there first."""
    result = db.session.execute(
        update(Case)
        .where(Case.id == case_id, condition)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.rollback()
        return None
    return db.session.get(Case, case_id, populate_existing=True)


def _staff(role: Role) -> list[User]:
    return list(
        db.session.scalars(
            select(User).where(User.active.is_(True), User.role == role).order_by(User.id)
        )
    )


def managers() -> list[User]:
    """Who gets escalations: managers, or the admins where there is no manager."""
    return _staff(Role.MANAGER) or _staff(Role.ADMIN)


def _warn(now, stop) -> int:
    due_soon = and_(
        Case.status.in_(ACTIVE_STATUSES),
        Case.first_responded_at.is_(None),
        Case.warned_at.is_(None),
        Case.breached_at.is_(None),
        Case.first_response_warn_at <= now,
        Case.first_response_due_at > now,
    )
    warned = 0
    for case_id in _ids(due_soon, stop):
        case = _take(case_id, due_soon, warned_at=now)
        if case is None:
            continue
        owner = case.owner if case.owner is not None and case.owner.active else None
        readers = [owner] if owner else (_staff(Role.AGENT) or managers())
        for user in readers:
            message = email.warning_message(case, user)
            queue_email(user.email, message.subject, message.text, kind="case_warning")
        record(case, "warned", after=", ".join(user.display_name for user in readers), at=now)
        db.session.commit()
        warned += 1
    return warned


def _escalate(case: Case, what: str, now) -> None:
    readers = managers()
    for manager in readers:
        message = email.escalation_message(case, manager, what)
        queue_email(manager.email, message.subject, message.text, kind="escalation")
    record(
        case,
        "escalated",
        detail=what,
        after=", ".join(manager.display_name for manager in readers),
        at=now,
    )


def _breach_first_response(now, stop) -> int:
    past_due = and_(
        Case.status.in_(ACTIVE_STATUSES),
        Case.first_responded_at.is_(None),
        Case.breached_at.is_(None),
        Case.first_response_due_at <= now,
    )
    breached = 0
    for case_id in _ids(past_due, stop):
        case = _take(case_id, past_due, escalated_at=now)
        if case is None:
            continue
        case.breached_at = case.first_response_due_at
        record(case, "breached", detail="first_response", at=case.first_response_due_at)
        _escalate(case, "first_response", now)
        events.publish(events.CaseBreached(case_id=case.id, deadline="first_response"))
        db.session.commit()
        log.info("case.breached case=%s due=%s", case.id, case.first_response_due_at)
        breached += 1
    return breached


def _breach_resolution(now, stop) -> int:
    past_due = and_(
        Case.status.in_(ACTIVE_STATUSES),
        Case.resolution_breached_at.is_(None),
        Case.resolution_due_at <= now,
    )
    breached = 0
    for case_id in _ids(past_due, stop):
        case = _take(case_id, past_due, resolution_breached_at=Case.resolution_due_at)
        if case is None:
            continue
        record(case, "breached", detail="resolution", at=case.resolution_due_at)
        _escalate(case, "resolution", now)
        events.publish(events.CaseBreached(case_id=case.id, deadline="resolution"))
        db.session.commit()
        breached += 1
    return breached


def _close_resolved(now, stop) -> int:
    days = current_app.config["CASE_CLOSE_DAYS"]
    old = and_(Case.status == CaseStatus.RESOLVED, Case.resolved_at <= now - timedelta(days=days))
    closed = 0
    for case_id in _ids(old, stop):
        case = _take(case_id, old, closed_at=now)
        if case is None:
            continue
        close(case, None)
        db.session.commit()
        closed += 1
    return closed
