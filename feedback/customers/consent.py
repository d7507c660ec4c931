"""A customer's consent to be surveyed and their opt-outs, kept as a history of
ConsentEvent rows: given and withdrawn (sent with touchpoints and imports), unsubscribed
(the link in every invitation) and resubscribed (staff, for a customer who asked).

Customer.unsubscribed_at is what the invitations obey; each change here records an event
and moves it, unless a later change is recorded already: a consent sent late (a history
import, a retried call) stays in the history without undoing what the customer said
after it. Add and flush; the caller commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from feedback.accounts.models import User
from feedback.customers.models import (
    CONSENT_CHANGES,
    CONSENT_SOURCES,
    ConsentEvent,
    Customer,
    Tombstone,
)
from feedback.customers.tombstones import fingerprint
from feedback.extensions import db
from feedback.surveys.models import Invitation, InvitationStatus, SuppressionReason
from feedback.timeutil import utcnow

#: the changes that stop invitations; the others ("given", "resubscribed") allow them
OPT_OUTS = ("withdrawn", "unsubscribed")
#: the detail of the "withdrawn" a tombstone puts on a customer who comes back
ERASED_BEFORE = "erased before"
CHUNK = 500  # values per IN (...) list
#: the changes the customer page and the API show, the newest
MAX_HISTORY = 100

#: the words staff read for each change and source (ConsentEvent.change, .source)
CHANGE_LABELS = {
    "given": _l("Consent given"),
    "withdrawn": _l("Consent withdrawn"),
    "unsubscribed": _l("Unsubscribed"),
    "resubscribed": _l("Re-subscribed"),
}
SOURCE_LABELS = {
    "touchpoint": _l("with a touchpoint"),
    "import": _l("in an import"),
    "link": _l("by the link in a survey email"),
    "staff": _l("by staff"),
    "api": _l("through the API"),
    "erasure": _l("by an erasure"),
}


def lock_customer(customer: Customer) -> Customer:
    """Hold the customer's row until commit and read it afresh, so that two changes at
    once are applied one after the other, each seeing the other's event.

    An UPDATE, not SELECT ... FOR UPDATE: on SQLite it is the write that takes the lock
    (FOR UPDATE is ignored there), and on PostgreSQL it locks the row as well."""
    db.session.flush()  # the refresh below must not drop the caller's changes
    db.session.execute(
        update(Customer)
        .where(Customer.id == customer.id)
        .values(updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(customer)
    return customer


def latest_event(customer: Customer) -> ConsentEvent | None:
    """The customer's latest recorded change, by when it happened."""
    return db.session.scalar(
        select(ConsentEvent)
        .where(ConsentEvent.customer_id == customer.id)
        .order_by(ConsentEvent.at.desc(), ConsentEvent.id.desc())
        .limit(1)
    )


def record_consent(
    customer: Customer,
    change: str,
    source: str,
    *,
    at: datetime | None = None,
    detail: str = "",
    by: User | None = None,
) -> ConsentEvent:
    """Record a change of the customer's consent and apply it, unless a later change is
    recorded already: "given" and "resubscribed" clear the opt-out, "withdrawn" and
    "unsubscribed" set it and hold back the invitations scheduled for them.

    The same consent said again is recorded again: skipping it would lose the order of
    changes when an older one arrives late (given last week, withdrawn since, said again
    today)."""
    if change not in CONSENT_CHANGES or source not in CONSENT_SOURCES:
        raise ValueError(f"unknown consent change {change!r} or source {source!r}")
    now = utcnow()
    # A sender's clock a little ahead must not put this change after the next one.
    at = min(at or now, now)
    detail = detail.strip()[:200]
    lock_customer(customer)
    latest = latest_event(customer)
    # an opt-out from before the history was kept counts as a change too
    moments = [m for m in (latest and latest.at, customer.unsubscribed_at) if m is not None]
    if not moments or at >= max(moments):
        if change in OPT_OUTS:
            if customer.unsubscribed_at is None:
                customer.unsubscribed_at = at
            hold_back_invitations(customer.id)
        else:
            customer.unsubscribed_at = None
    event = ConsentEvent(
        customer_id=customer.id,
        change=change,
        source=source,
        detail=detail,
        at=at,
        recorded_at=now,
        recorded_by_id=by.id if by is not None else None,
    )
    db.session.add(event)
    db.session.flush()
    return event


def hold_back_invitations(customer_id: int) -> None:
    """Suppress the customer's scheduled invitations: they opted out."""
    db.session.execute(
        update(Invitation)
        .where(
            Invitation.customer_id == customer_id,
            Invitation.status == InvitationStatus.SCHEDULED,
        )
        .values(
            status=InvitationStatus.SUPPRESSED,
            suppression_reason=SuppressionReason.UNSUBSCRIBED,
        )
        .execution_options(synchronize_session=False)
    )


def resubscribe(customer: Customer, note: str, by: User) -> ConsentEvent | None:
    """A staff member puts an unsubscribed customer back on the survey list, at their
    request; None when they are not unsubscribed (a second click, another colleague) or
    were erased meanwhile (read again under the lock: an erased person stays opted out)."""
    lock_customer(customer)
    if customer.unsubscribed_at is None or customer.erased_at is not None:
        return None
    return record_consent(customer, "resubscribed", "staff", detail=note, by=by)


@dataclass
class HistoryLine:
    """One line of the consent history, for the customer page and the API."""

    event: ConsentEvent
    #: the staff member's email for a change recorded by hand
    by: str | None


def consent_history(customer: Customer, limit: int = MAX_HISTORY) -> list[HistoryLine]:
    """The customer's consent changes, newest first, the latest ``limit``."""
    rows = db.session.execute(
        select(ConsentEvent, User.email)
        .outerjoin(User, User.id == ConsentEvent.recorded_by_id)
        .where(ConsentEvent.customer_id == customer.id)
        .order_by(ConsentEvent.at.desc(), ConsentEvent.id.desc())
        .limit(limit)
    ).all()
    return [HistoryLine(event, email) for event, email in rows]


def tombstoned(people: list[tuple[str, str | None]]) -> dict[str, datetime]:
    """Of (external id, email) pairs, the external ids of those who match a tombstone
    (by either), with when that person was erased; two queries for a whole batch."""
    by_id: dict[str, list[str]] = {}
    by_email: dict[str, list[str]] = {}
    for external_id, email in people:
        by_id.setdefault(fingerprint("external_id", external_id), []).append(external_id)
        if email:
            by_email.setdefault(fingerprint("email", email), []).append(external_id)
    found: dict[str, datetime] = {}
    for column, by_hash in ((Tombstone.external_id_hash, by_id), (Tombstone.email_hash, by_email)):
        digests = sorted(by_hash)
        for chunk in (digests[i : i + CHUNK] for i in range(0, len(digests), CHUNK)):
            query = select(column, Tombstone.erased_at).where(column.in_(chunk))
            for digest, erased_at in db.session.execute(query):
                for external_id in by_hash[digest]:
                    earlier = found.get(external_id)
                    found[external_id] = max(erased_at, earlier) if earlier else erased_at
    return found
