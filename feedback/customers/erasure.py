"""Erasing (anonymising) one customer, on request: the per-kind primitives of
feedback.customers.anonymise put together, plus the mail, webhook bodies and domain
events that quote the person (feedback.customers.mentions), the tombstone, the audit entry
and the CustomerErased event.
"""

from __future__ import annotations

from sqlalchemy import (
    func,
    select,
    update,
)

from feedback import events
from feedback.complaints.inbound_models import InboundMessage
from feedback.complaints.models import Case, CaseEvent
from feedback.customers import audit
from feedback.customers.anonymise import (
    erase_case_texts,
    erase_comments,
    erase_contacts,
    erase_inbound,
    erase_outbox,
    ids_of,
)
from feedback.customers.mentions import (
    ERASED,
    erase_captured_mail,
    inbound_quoting,
    needle_pattern,
    needles_of,
    outbox_quoting,
    rewrite_outbox,
    scrub_domain_events,
    scrub_hook_deliveries,
)
from feedback.customers.models import ConsentEvent, Customer
from feedback.customers.tombstones import add_tombstone, find_tombstone
from feedback.extensions import db
from feedback.outbox.models import OutboxMessage, OutboxStatus
from feedback.surveys.models import (
    Invitation,
    Response,
)
from feedback.timeutil import utcnow

# --- one person -----------------------------------------------------------------------


def erase_customer(customer: Customer, *, reason: str) -> bool:
    """Erase everything that identifies one customer, keeping what the figures count.

    Their comments and the texts of their cases' conversations, the mail to them, from
    them or quoting them (outbox, received mail and attachments, the captured mail
    folder), webhook bodies and domain events that mention them, their contact details,
    external ids, personal properties and link tokens. Staff mail about their case that
    is not sent yet still goes, with "[erased]" in place of their values. What stays:
    keyed hashes of their external id and email (the tombstone), a consent event saying
    they withdrew by erasure, the audit entry with ``reason``, and CustomerErased.

    The customer is claimed first, so two erasures at once erase once.
    Returns False when the customer was erased already. The caller commits; the captured
    mail files are deleted at once (a rolled-back erasure leaves them deleted)."""
    # A conditional UPDATE claims the customer before anything is read: PostgreSQL locks
    # the row (a second erasure waits, then finds it erased) and SQLite takes its write
    # lock, so that what follows reads the customer as it is now.
    claimed = db.session.execute(
        update(Customer)
        .where(Customer.id == customer.id, Customer.erased_at.is_(None))
        .values(updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount == 0:
        return False
    locked = db.session.scalar(
        select(Customer).where(Customer.id == customer.id).execution_options(populate_existing=True)
    )
    old_external_id, old_email = locked.external_id, locked.email
    their_cases = select(Case.id).where(Case.customer_id == locked.id)
    name = locked.name.strip()
    needles = needles_of(
        email=old_email,
        name=name,
        phone=locked.phone,
        external_id=old_external_id,
        comments=list(
            db.session.scalars(
                select(Response.comment).where(
                    Response.customer_id == locked.id, Response.comment.is_not(None)
                )
            )
        ),
    )
    # Received mail is found without the name: another customer of the same name writes
    # under it (staff mail quoting the name is searched with it).
    _erase_mail(locked.id, old_email, their_cases, needles, [n for n in needles if n != name])
    erase_case_texts(sorted(ids_of(select(CaseEvent.id).where(CaseEvent.case_id.in_(their_cases)))))
    erase_comments(sorted(ids_of(select(Response.id).where(Response.customer_id == locked.id))))
    scrub_hook_deliveries(needles)
    scrub_domain_events(needles)
    erase_contacts([locked.id])
    add_tombstone(old_external_id, old_email)
    db.session.add(ConsentEvent(customer_id=locked.id, change="withdrawn", source="erasure"))
    # staff may name the person in the reason ("asked by ann@..."): the log keeps none
    pattern = needle_pattern(needles)
    audit.record(
        "customer.erase", customer=locked, detail=pattern.sub(ERASED, reason) if pattern else reason
    )
    # The external id is for the customer.erased webhook, whose reaction clears it from
    # the event's row; with no reaction the row would keep it, so it is left out.
    keep_id = events.has_reactions(events.CustomerErased)
    events.publish(
        events.CustomerErased(
            customer_id=locked.id, external_id=old_external_id if keep_id else None
        )
    )
    db.session.flush()
    db.session.expire(locked)
    erase_captured_mail(needles)
    return True


def _erase_mail(
    customer_id: int, email: str | None, their_cases, needles: list[str], inbound_needles
) -> None:
    """The outbox and received mail of one person: to them, from them, on their cases,
    or quoting them."""
    outbox = ids_of(
        select(Invitation.outbox_message_id).where(Invitation.customer_id == customer_id)
    ) | ids_of(select(CaseEvent.outbox_message_id).where(CaseEvent.case_id.in_(their_cases)))
    inbound = ids_of(
        select(InboundMessage.id).where(InboundMessage.case_id.in_(their_cases))
    ) | ids_of(select(CaseEvent.inbound_message_id).where(CaseEvent.case_id.in_(their_cases)))
    if email:
        outbox |= ids_of(
            select(OutboxMessage.id).where(func.lower(OutboxMessage.to_address) == email.lower())
        )
        inbound |= ids_of(
            select(InboundMessage.id).where(
                func.lower(InboundMessage.from_address) == email.lower()
            )
        )
    # staff mail that names them: a pending one still goes, without their values
    quoting = outbox_quoting(needles)
    still_to_go = [i for i, status in quoting if i not in outbox and status is OutboxStatus.PENDING]
    rewrite_outbox(still_to_go, needles)
    outbox |= {i for i, _status in quoting if i not in still_to_go}
    erase_outbox(sorted(outbox))
    erase_inbound(sorted(inbound | set(inbound_quoting(inbound_needles))))


def erase_by_external_id(external_id: str, *, reason: str) -> str:
    """Erase the customer with this external id: "erased", "already" (erased before: a
    tombstone matches, or the id is an erased one) or "unknown". The caller commits."""
    customer = db.session.scalar(select(Customer).where(Customer.external_id == external_id))
    if customer is not None:
        return "erased" if erase_customer(customer, reason=reason) else "already"
    if find_tombstone(external_id=external_id) is not None:
        return "already"
    return "unknown"
