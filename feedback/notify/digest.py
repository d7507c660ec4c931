"""The digest: every NOTIFY_DIGEST_MINUTES the worker sends each reader one email with
the notices that waited for it.

Each reader is a transaction of their own: their waiting rows are claimed by a conditional
UPDATE (sent_at from NULL to now), so two workers at once send one digest; a worker that
dies before its commit leaves the rows to the next. A notice that no longer needs anyone
is dropped: a new case that has an owner or left the queue, a case the reader no longer
owns.
"""

from __future__ import annotations

import threading

from sqlalchemy import select, update

from feedback.accounts.models import User
from feedback.complaints.models import Case
from feedback.extensions import db
from feedback.notify import email
from feedback.notify.staff_models import Kind, StaffNotice
from feedback.outbox.services import queue_email
from feedback.timeutil import utcnow


def send_digests(worker: str = "", stop: threading.Event | None = None) -> int:
    """The worker's job: one digest email per reader with waiting notices. Returns how
    many emails it wrote to the outbox."""
    readers = list(
        db.session.scalars(
            select(StaffNotice.user_id).where(StaffNotice.sent_at.is_(None)).distinct()
        )
    )
    db.session.commit()
    sent = 0
    for user_id in sorted(readers):
        if stop is not None and stop.is_set():
            break
        sent += send_digest(user_id)
        db.session.commit()
    return sent


def send_digest(user_id: int) -> int:
    """Claim the reader's waiting notices and write their digest (1) or nothing (0)."""
    claimed = db.session.scalars(
        update(StaffNotice)
        .where(StaffNotice.user_id == user_id, StaffNotice.sent_at.is_(None))
        .values(sent_at=utcnow())
        .returning(StaffNotice.id)
        .execution_options(synchronize_session=False)
    ).all()
    user = db.session.get(User, user_id)
    if not claimed or user is None or not user.active:
        return 0
    notices = db.session.execute(
        select(StaffNotice.kind, Case)
        .join(Case, Case.id == StaffNotice.case_id)
        .where(StaffNotice.id.in_(claimed))
        .order_by(StaffNotice.id)
    ).all()
    wanted = [(Kind(kind), case) for kind, case in notices if _still_needed(Kind(kind), case, user)]
    if not wanted:
        return 0
    message = email.digest_message(user, wanted)
    queue_email(user.email, message.subject, message.text, kind="staff_digest")
    return 1


def _still_needed(kind: Kind, case: Case, user: User) -> bool:
    if kind is Kind.QUEUE:
        return case.owner_id is None and case.is_active
    if kind is Kind.SERIOUS:
        return True
    return case.owner_id == user.id
