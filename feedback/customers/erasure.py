"""Erasing (anonymising) personal data: a whole customer, or one kind of data by age.

The primitives each take row ids, change them with set-based UPDATEs (retention calls them
with batches of a few hundred ids), flush but never commit, and may run twice: a second
run changes nothing and counts nothing. What makes the figures stays: scores, times,
tiers, tags, case status and times, consent events, RFM rows. erase_customer puts them
together for one person; feedback/customers/mentions.py finds a person's values where
they are quoted rather than linked by id.
"""

from __future__ import annotations

from sqlalchemy import (
    ColumnElement,
    Text,
    bindparam,
    case,
    delete,
    func,
    literal,
    or_,
    select,
    update,
)

from feedback import events
from feedback.complaints.inbound import hash_dedup_keys
from feedback.complaints.inbound_models import InboundAttachment, InboundMessage
from feedback.complaints.models import Case, CaseEvent
from feedback.customers import audit
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
    InvitationToken,
    PropertyKey,
    Response,
    TouchpointEvent,
)
from feedback.timeutil import utcnow

#: the prefix of the random external ids that replace erased ones
ERASED_PREFIX = "erased-"
#: case timeline lines whose body is what someone wrote or said: replies, notes, calls'
#: notes, the customer's emails, the reasons of a priority or status change. Their
#: before/after and a call's outcome or a resolution's code (detail) are codes and stay.
TEXT_KINDS = ("reply", "note", "call", "customer_reply", "priority", "status")
#: ... and those whose detail is a subject line
SUBJECT_KINDS = ("reply", "customer_reply")


def random_external_id() -> ColumnElement[str]:
    """SQL making "erased-" and 24 random hex digits, a new value for each row: external
    ids are unique, and the random part tells nothing of the person."""
    if db.session.get_bind().dialect.name == "postgresql":
        random_hex = func.substr(func.replace(func.gen_random_uuid().cast(Text), "-", ""), 1, 24)
    else:
        random_hex = func.lower(func.hex(func.randomblob(12)))
    return literal(ERASED_PREFIX) + random_hex


def _not_erased_id(column) -> ColumnElement[bool]:
    return column.not_like(f"{ERASED_PREFIX}%")


def erase_comments(response_ids: list[int]) -> int:
    """Blank the comments of these answers. The text becomes "" rather than NULL, since
    the dashboard counts answers "with a comment", and the comment's language, sentiment
    and topics stay; comment_erased_at tells the worker never to tag it again. Returns
    how many comments were erased now."""
    if not response_ids:
        return 0
    result = db.session.execute(
        update(Response)
        .where(
            Response.id.in_(response_ids),
            Response.comment.is_not(None),
            Response.comment_erased_at.is_(None),
        )
        .values(comment="", comment_erased_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.flush()
    return result.rowcount


def erase_case_texts(case_event_ids: list[int]) -> int:
    """Blank what people wrote or said on these case timeline lines (TEXT_KINDS): the
    body and, for replies and emails, the subject in detail. Returns how many lines
    changed."""
    if not case_event_ids:
        return 0
    has_subject = CaseEvent.kind.in_(SUBJECT_KINDS)
    result = db.session.execute(
        update(CaseEvent)
        .where(
            CaseEvent.id.in_(case_event_ids),
            CaseEvent.kind.in_(TEXT_KINDS),
            or_(
                CaseEvent.body != "",
                (CaseEvent.detail != "") & has_subject,
            ),
        )
        .values(
            body=case((CaseEvent.body.is_(None), None), else_=""),
            detail=case(
                (CaseEvent.detail.is_(None), None), (has_subject, ""), else_=CaseEvent.detail
            ),
        )
        .execution_options(synchronize_session=False)
    )
    db.session.flush()
    return result.rowcount


def erase_contacts(customer_ids: list[int]) -> int:
    """Remove what identifies these customers: name, email, phone and external id (a
    random "erased-..." in its place), the properties a manager marked personal on their
    touchpoints, the ids their touchpoints and imported answers came with, the notes beside
    their consent changes, their link tokens (so their survey links stop working), the
    mail to them not sent (cancelled: erase_outbox) and their external ids in
    webhook bodies ("[erased]"). Marks them erased and opted out (never surveyed again).
    Returns how many customers were erased now."""
    if not customer_ids:
        return 0
    # mail to them still waiting, or failed (an admin may resend it), would go to the
    # address erased here. Sent mail is the outbox setting's (its bodies, by age), so
    # that a run's preview counts each kind's records once.
    their_emails = select(func.lower(Customer.email)).where(
        Customer.id.in_(customer_ids), Customer.erased_at.is_(None), Customer.email.is_not(None)
    )
    their_invitations_mail = select(Invitation.outbox_message_id).where(
        Invitation.customer_id.in_(customer_ids)
    )
    unsent_to_them = select(OutboxMessage.id).where(
        OutboxMessage.status.in_((OutboxStatus.PENDING, OutboxStatus.FAILED)),
        or_(
            func.lower(OutboxMessage.to_address).in_(their_emails),
            OutboxMessage.id.in_(their_invitations_mail),
        ),
    )
    erase_outbox(sorted(_ids(unsent_to_them)))
    # webhook bodies name customers by external id, and are kept after they are sent
    scrub_hook_deliveries(
        list(
            db.session.scalars(
                select(Customer.external_id).where(
                    Customer.id.in_(customer_ids), Customer.erased_at.is_(None)
                )
            )
        )
    )
    now = utcnow()
    result = db.session.execute(
        update(Customer)
        .where(Customer.id.in_(customer_ids), Customer.erased_at.is_(None))
        .values(
            name="",
            email=None,
            phone=None,
            external_id=random_external_id(),
            erased_at=now,
            unsubscribed_at=func.coalesce(Customer.unsubscribed_at, now),
        )
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(TouchpointEvent)
        .where(
            TouchpointEvent.customer_id.in_(customer_ids),
            _not_erased_id(TouchpointEvent.external_id),
        )
        .values(external_id=random_external_id())
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(Response)
        .where(
            Response.customer_id.in_(customer_ids),
            Response.external_id.is_not(None),
            _not_erased_id(Response.external_id),
        )
        .values(external_id=random_external_id())
        .execution_options(synchronize_session=False)
    )
    their_invitations = select(Invitation.id).where(Invitation.customer_id.in_(customer_ids))
    db.session.execute(
        delete(InvitationToken)
        .where(InvitationToken.invitation_id.in_(their_invitations))
        .execution_options(synchronize_session=False)
    )
    # a delivery error may quote the address the mail server refused
    db.session.execute(
        update(Invitation)
        .where(Invitation.customer_id.in_(customer_ids), Invitation.error.is_not(None))
        .values(error=ERASED)
        .execution_options(synchronize_session=False)
    )
    # what senders and staff wrote beside a consent change ("she called from ...")
    db.session.execute(
        update(ConsentEvent)
        .where(ConsentEvent.customer_id.in_(customer_ids), ConsentEvent.detail != "")
        .values(detail="")
        .execution_options(synchronize_session=False)
    )
    _remove_personal_properties(customer_ids)
    db.session.flush()
    return result.rowcount


def _remove_personal_properties(customer_ids: list[int]) -> None:
    """Drop the keys marked personal from these customers' touchpoints' properties. JSON
    is edited in Python: the two databases' JSON functions differ, and a batch of
    customers has few events."""
    personal = set(db.session.scalars(select(PropertyKey.key).where(PropertyKey.personal)))
    if not personal:
        return
    table = TouchpointEvent.__table__
    rows = db.session.execute(
        select(table.c.id, table.c.properties).where(table.c.customer_id.in_(customer_ids))
    ).all()
    changed = [
        {"event_id": event_id, "kept": {k: v for k, v in props.items() if k not in personal}}
        for event_id, props in rows
        if props and personal & set(props)
    ]
    if changed:
        db.session.connection().execute(
            update(table)
            .where(table.c.id == bindparam("event_id"))
            .values(properties=bindparam("kept")),
            changed,
        )


def erase_inbound(message_ids: list[int]) -> int:
    """Blank these received emails (the original bytes, addresses, subject, texts and
    thread headers) and remove their attachments' files and names. The row stays with its
    time, status and case, and its dedup key (the Message-ID hashed), so the same message
    fetched again is still known and not stored anew. Returns how many messages changed."""
    if not message_ids:
        return 0
    result = db.session.execute(
        update(InboundMessage)
        .where(
            InboundMessage.id.in_(message_ids),
            or_(
                func.length(InboundMessage.raw) > 0,
                InboundMessage.from_address != "",
                InboundMessage.subject != "",
                InboundMessage.body_text != "",
            ),
        )
        .values(
            raw=b"",
            from_address="",
            from_name="",
            to_addresses="",
            subject="",
            body_text="",
            trimmed_text="",
            message_id_header=None,
            in_reply_to=None,
            references=None,
        )
        .execution_options(synchronize_session=False)
    )
    hash_dedup_keys(message_ids)
    db.session.execute(
        update(InboundAttachment)
        .where(InboundAttachment.message_id.in_(message_ids))
        .values(data=None, filename="", kept=False)
        .execution_options(synchronize_session=False)
    )
    db.session.flush()
    return result.rowcount


def erase_outbox(message_ids: list[int]) -> int:
    """Blank these outgoing messages (address, subject, bodies, headers, the server's
    error); one not sent yet is cancelled, so it is never sent. One a worker is sending
    right now keeps its status: the worker has read it already and records the outcome.
    Returns how many messages changed."""
    if not message_ids:
        return 0
    unsent = OutboxMessage.status.in_((OutboxStatus.PENDING, OutboxStatus.FAILED))
    result = db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id.in_(message_ids),
            or_(
                OutboxMessage.to_address != "",
                OutboxMessage.subject != "",
                OutboxMessage.body_text != "",
                OutboxMessage.body_html.is_not(None),
                unsent,
            ),
        )
        .values(
            to_address="",
            subject="",
            body_text="",
            body_html=None,
            headers={},
            last_error=None,
            status=case(
                (unsent, literal(OutboxStatus.CANCELLED, OutboxMessage.status.type)),
                else_=OutboxMessage.status,
            ),
        )
        .execution_options(synchronize_session=False)
    )
    db.session.flush()
    return result.rowcount


# --- one person -----------------------------------------------------------------------


def _ids(query) -> set[int]:
    return {row_id for row_id in db.session.scalars(query) if row_id is not None}


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
    erase_case_texts(sorted(_ids(select(CaseEvent.id).where(CaseEvent.case_id.in_(their_cases)))))
    erase_comments(sorted(_ids(select(Response.id).where(Response.customer_id == locked.id))))
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
    outbox = _ids(
        select(Invitation.outbox_message_id).where(Invitation.customer_id == customer_id)
    ) | _ids(select(CaseEvent.outbox_message_id).where(CaseEvent.case_id.in_(their_cases)))
    inbound = _ids(select(InboundMessage.id).where(InboundMessage.case_id.in_(their_cases))) | _ids(
        select(CaseEvent.inbound_message_id).where(CaseEvent.case_id.in_(their_cases))
    )
    if email:
        outbox |= _ids(
            select(OutboxMessage.id).where(func.lower(OutboxMessage.to_address) == email.lower())
        )
        inbound |= _ids(
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
