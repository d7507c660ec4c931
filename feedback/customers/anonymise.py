"""Anonymising personal data by kind: the primitives the erasure of one customer
(feedback.customers.erasure) and retention (feedback.customers.retention) share.

Each takes row ids, changes them with set-based UPDATEs (retention calls them with batches
of a few hundred ids), flushes but never commits, and may run twice: a second run changes
nothing and counts nothing. What makes the figures stays: scores, times, tiers, tags, case
status and times, consent events, RFM rows.
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

from feedback.complaints.inbound import hash_dedup_keys
from feedback.complaints.inbound_models import InboundAttachment, InboundMessage
from feedback.complaints.models import CaseEvent
from feedback.customers.mentions import (
    ERASED,
    scrub_hook_deliveries,
)
from feedback.customers.models import ConsentEvent, Customer
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
    erase_outbox(sorted(ids_of(unsent_to_them)))
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


def ids_of(query) -> set[int]:
    """The ids a query of one id column selects, without None."""
    return {row_id for row_id in db.session.scalars(query) if row_id is not None}
