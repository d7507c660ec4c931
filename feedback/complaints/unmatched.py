"""What staff do with mail that found no case: attach it to a case, or discard it. Both
are recorded (who, when). Add and flush; the route commits."""

from __future__ import annotations

from sqlalchemy import update

from feedback.accounts.models import User
from feedback.complaints.inbound import put_on_case
from feedback.complaints.inbound_models import InboundMessage, InboundStatus
from feedback.complaints.models import Case, CaseActionError
from feedback.extensions import db
from feedback.timeutil import utcnow


class AlreadyHandled(CaseActionError):
    """Someone attached or discarded the message first."""


def lock_message(message_id: int) -> InboundMessage | None:
    """The message, locked for this transaction: two staff acting on it at once act one
    after the other (SQLite: a no-op UPDATE takes the write lock first)."""
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(
            update(InboundMessage)
            .where(InboundMessage.id == message_id)
            .values(id=InboundMessage.id)
            .execution_options(synchronize_session=False)
        )
    return db.session.get(InboundMessage, message_id, with_for_update=True, populate_existing=True)


#: what staff may still act on
OPEN_STATUSES = (InboundStatus.UNMATCHED, InboundStatus.AUTO)


def attach(row: InboundMessage, case: Case, user: User) -> Case:
    """Staff put an unmatched (or automatic) message on a case. A bounce or an
    auto-reply is kept there for the record and, as when it came in, reopens nothing and
    tells nobody."""
    if row.status not in OPEN_STATUSES:
        raise AlreadyHandled(row.status.value)
    landed = put_on_case(row, case, "staff", moves=row.status is not InboundStatus.AUTO)
    row.handled_by, row.handled_at = user, utcnow()
    db.session.flush()
    return landed


def discard(row: InboundMessage, user: User) -> None:
    """Staff throw a message away; the row stays, marked, for the record."""
    if row.status not in OPEN_STATUSES:
        raise AlreadyHandled(row.status.value)
    row.status = InboundStatus.DISCARDED
    row.handled_by, row.handled_at = user, utcnow()
    db.session.flush()
