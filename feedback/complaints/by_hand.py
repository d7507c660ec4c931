"""Cases staff open by hand for a customer (an outreach call to an at-risk customer), with
the deadlines and one-case-per-customer rule of every other case. Add and flush; the
caller commits."""

from __future__ import annotations

from sqlalchemy import select, text

from feedback import events
from feedback.accounts.models import User
from feedback.complaints.cases import add_note, lock_customer, record, set_deadlines
from feedback.complaints.configuration.settings import queue_config
from feedback.complaints.models import Case, CasePriority, CaseSource, CaseStatus
from feedback.customers.models import Customer
from feedback.extensions import db
from feedback.timeutil import report_day, utcnow


def open_by_hand(
    customer: Customer, agent: User, source: CaseSource, note: str
) -> tuple[Case, bool]:
    """A case for ``customer`` owned by ``agent``, its first note saying why: priority
    normal, one step up for the top tier (as routing raises it), deadlines from now in
    business time. When the customer has a case in the queue already, that case and False
    instead (one case per customer: two agents clicking at once get the same case)."""
    _lock(customer.id)
    active = db.session.scalar(
        select(Case).where(Case.customer_id == customer.id, Case.in_queue()).with_for_update()
    )
    if active is not None:
        return active, False
    config = queue_config()
    priority = CasePriority.NORMAL
    if config.is_top_tier(customer.tier):
        priority = priority.raised()
    now = utcnow()
    case = Case(
        customer_id=customer.id,
        # someone works on it from the start: the agent who opened it
        status=CaseStatus.OPEN,
        priority=priority,
        owner_id=agent.id,
        tier=customer.tier or "",
        source=source,
        opened_at=now,
        report_day=report_day(now),
    )
    set_deadlines(case, config)
    db.session.add(case)
    db.session.flush()
    record(case, "opened_by_hand", agent, after=priority, detail=source.value, at=now)
    add_note(case, agent, note)
    events.publish(events.CaseOpened(case_id=case.id))
    return case, True


def _lock(customer_id: int) -> None:
    """lock_customer, and on SQLite a first write of the transaction: reads there take no
    lock, so without it two requests could both find no case and both open one."""
    lock_customer(customer_id)
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(text("UPDATE customers SET id = id WHERE id = :id"), {"id": customer_id})
