"""Who among the staff hears of what about a case, from the domain events (run by the
worker after the commit; feedback/events.py).

- A new case nobody owns: every active agent, by their choice for the queue: "now" sends
  urgent and high cases at once and puts normal and low ones in the digest; "digest" puts
  them all there; "off" sends nothing. Managers are not agents and do not get these.
- A case given to someone by someone else, a customer's reply and a reopen: the owner, at
  once or in their digest, never off (they own it). Who acted is in the case's timeline:
  an agent who claimed a case or reopened it themselves is not told, and a reopen by the
  customer's email is told once, as their reply.
- An urgent case, or one of a top-tier customer, opening: every manager (the admins where
  there is no manager, as for escalations), at once.

A reaction may run twice (at least once delivery): each notice is a StaffNotice row whose
unique key (reader, case, kind, the timeline row that caused it) is written with ON
CONFLICT DO NOTHING, and the mail goes out only with a row that was new.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from feedback import events
from feedback.accounts.models import Role, User
from feedback.complaints.configuration.settings import queue_config
from feedback.complaints.models import Case, CaseEvent, CasePriority
from feedback.complaints.sweep import managers
from feedback.extensions import db
from feedback.notify import email
from feedback.notify.staff_models import Kind, NotifyPreference, StaffNotice, When
from feedback.outbox.services import queue_email
from feedback.timeutil import utcnow

#: new cases of these priorities reach agents who chose "now" at once
AT_ONCE = (CasePriority.URGENT, CasePriority.HIGH)


def preference(user: User) -> NotifyPreference:
    """The user's choices, or the defaults (not added to the session) if they made none."""
    return db.session.get(NotifyPreference, user.id) or NotifyPreference(
        user_id=user.id, queue=When.NOW.value, mine=When.NOW.value
    )


def set_preference(user: User, queue: When, mine: When) -> NotifyPreference:
    """Store the user's choices. Their own cases cannot be off: someone must hear."""
    if mine is When.OFF:
        raise ValueError("one's own cases cannot be off")
    row = db.session.get(NotifyPreference, user.id)
    if row is None:
        row = NotifyPreference(user_id=user.id)
        db.session.add(row)
    row.queue, row.mine = queue.value, mine.value
    db.session.flush()
    return row


def on_case_opened(event: events.CaseOpened) -> None:
    """Managers hear of a serious case; agents of a case nobody owns yet."""
    case = db.session.get(Case, event.case_id)
    if case is None:
        return
    if case.priority is CasePriority.URGENT or queue_config().is_top_tier(case.tier):
        for manager in managers():
            notify(manager, case, Kind.SERIOUS, 0, When.NOW)
    if case.owner_id is not None or not case.is_active:
        return  # someone took it before the worker got here: nobody needs to be told
    agents = db.session.execute(
        select(User, NotifyPreference.queue)
        .outerjoin(NotifyPreference, NotifyPreference.user_id == User.id)
        .where(User.active.is_(True), User.role == Role.AGENT)
        .order_by(User.id)
    )
    for agent, choice in agents:
        choice = When(choice or When.NOW.value)
        if choice is When.OFF:
            continue
        at_once = choice is When.NOW and case.priority in AT_ONCE
        notify(agent, case, Kind.QUEUE, 0, When.NOW if at_once else When.DIGEST)


def on_case_assigned(event: events.CaseAssigned) -> None:
    """The new owner, unless they took the case themselves (claimed it, or answered it)."""
    case = db.session.get(Case, event.case_id)
    if case is None or event.owner_id is None or case.owner_id != event.owner_id:
        return  # given back to the queue, or to someone else since: that event tells them
    row = _latest(case, CaseEvent.kind.in_(("claimed", "assigned")))
    if row is None or row.actor_id == case.owner_id:
        return
    _tell_owner(case, Kind.ASSIGNED, row)


def on_customer_replied(event: events.CustomerReplied) -> None:
    """The owner hears of every customer's message on their case."""
    case = db.session.get(Case, event.case_id)
    if case is None:
        return
    conditions = [CaseEvent.kind == "customer_reply"]
    if event.inbound_message_id is not None:
        # this event's own message: when two came before the worker ran, the latest row
        # would stamp both notices alike and the second would be taken for a repeat
        conditions.append(CaseEvent.inbound_message_id == event.inbound_message_id)
    _tell_owner(case, Kind.REPLIED, _latest(case, *conditions))


def on_case_reopened(event: events.CaseReopened) -> None:
    """The owner hears that their case is back, unless they reopened it themselves."""
    case = db.session.get(Case, event.case_id)
    if case is None:
        return
    row = _latest(
        case, CaseEvent.kind == "status", CaseEvent.before == "resolved", CaseEvent.after == "open"
    )
    if row is not None and row.actor_id is not None and row.actor_id == case.owner_id:
        return
    if row is not None and row.actor_id is None:
        reply = _latest(case, CaseEvent.kind == "customer_reply", CaseEvent.id > row.id)
        if reply is not None:
            return  # the customer's email reopened it: the reply's notice tells the owner
    _tell_owner(case, Kind.REOPENED, row)


def _latest(case: Case, *conditions) -> CaseEvent | None:
    return db.session.scalar(
        select(CaseEvent)
        .where(CaseEvent.case_id == case.id, *conditions)
        .order_by(CaseEvent.id.desc())
        .limit(1)
    )


def _tell_owner(case: Case, kind: Kind, cause: CaseEvent | None) -> None:
    owner = case.owner
    if owner is None or not owner.active:
        return
    when = When(preference(owner).mine)
    actor = cause.actor if cause is not None else None
    notify(owner, case, kind, cause.id if cause is not None else 0, when, actor)


def notify(
    user: User, case: Case, kind: Kind, stamp: int, when: When, actor: User | None = None
) -> bool:
    """Write the notice once; at once, its email goes to the outbox with it. False when
    it was written already (the reaction ran before)."""
    now = utcnow()
    table = StaffNotice.__table__
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    inserted = db.session.execute(
        dialect.insert(table)
        .values(
            user_id=user.id,
            case_id=case.id,
            kind=kind.value,
            stamp=stamp,
            created_at=now,
            sent_at=now if when is When.NOW else None,
        )
        .on_conflict_do_nothing(index_elements=["user_id", "case_id", "kind", "stamp"])
        .returning(table.c.id)
    ).scalar()
    if inserted is None:
        return False
    if when is When.NOW:
        message = email.notice_message(kind, case, user, actor)
        queue_email(user.email, message.subject, message.text, kind="staff_notice")
    return True
