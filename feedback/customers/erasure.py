"""Erasing (anonymising) personal data: a whole customer, or one kind of data by age.

The primitives each take row ids, change them with set-based UPDATEs (retention calls them
with batches of a few hundred ids), flush but never commit, and may run twice: a second
run changes nothing and counts nothing. What makes the figures stays: scores, times,
tiers, tags, case status and times, consent events, RFM rows. erase_customer
(feedback/customers/erase_customer.py) puts them together for one person.
"""

from __future__ import annotations

import re
from email import policy
from email.parser import BytesParser
from pathlib import Path

from flask import current_app
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

from feedback.complaints.inbound_models import InboundAttachment, InboundMessage
from feedback.complaints.models import CaseEvent
from feedback.customers.models import Customer
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

#: what replaces a personal value inside text or JSON that must stay readable
ERASED = "[erased]"
#: the prefix of the random external ids that replace erased ones
ERASED_PREFIX = "erased-"
#: case timeline lines whose body or detail is what someone wrote or said; the others
#: (a priority change's reason aside) hold the service's own words or codes
TEXT_KINDS = ("reply", "note", "call", "customer_reply", "opened_by_email", "continued", "priority")


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
    """Blank what people wrote or said on these case timeline lines (replies, notes,
    calls' notes, the customer's emails, a priority change's reason): body and, for
    replies and emails, the subject in detail. A call's outcome is a code and stays.
    Returns how many lines changed."""
    if not case_event_ids:
        return 0
    has_subject = CaseEvent.kind.in_(("reply", "customer_reply", "opened_by_email", "continued"))
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
    touchpoints, the ids their touchpoints and imported answers came with, and their link
    tokens, so their survey links stop working. Marks them erased and opted out (never
    surveyed again). Returns how many customers were erased now."""
    if not customer_ids:
        return 0
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
    time, status and case, and its dedup key, so the same message fetched again is still
    known and not stored anew. Returns how many messages changed."""
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


# --- finding a person's values in text -------------------------------------------------


def needle_pattern(needles: list[str]) -> re.Pattern | None:
    """A case-insensitive pattern finding any of the needles as a whole: "c-1" is not
    found in "c-10", nor "Ann" in "Annual". Boundaries apply only at an ASCII letter or
    digit, since Chinese text has no spaces between words."""
    parts = []
    for needle in sorted({n for n in needles if n}, key=len, reverse=True):
        start = r"(?<![A-Za-z0-9])" if needle[0].isascii() and needle[0].isalnum() else ""
        end = r"(?![A-Za-z0-9])" if needle[-1].isascii() and needle[-1].isalnum() else ""
        parts.append(start + re.escape(needle) + end)
    return re.compile("|".join(parts), re.IGNORECASE) if parts else None


def _message_text(path: Path) -> str:
    """A captured email's decoded headers and text parts, as one string."""
    message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
    texts = [f"{name}: {value}" for name, value in message.items()]
    for part in message.walk():
        if part.get_content_maintype() == "text":
            try:
                texts.append(part.get_content())
            except (LookupError, ValueError):  # an unknown charset: the raw text still counts
                texts.append(part.get_payload())
        elif filename := part.get_filename():
            texts.append(filename)
    return "\n".join(texts)


def erase_captured_mail(needles: list[str]) -> int:
    """Delete the captured emails (.eml files in MAIL_CAPTURE_DIR, written where no mail
    server is set) whose headers or text mention any needle. Returns how many went."""
    pattern = needle_pattern(needles)
    folder = Path(current_app.config["MAIL_CAPTURE_DIR"])
    if pattern is None or not folder.is_dir():
        return 0
    deleted = 0
    for path in sorted(folder.glob("*.eml")):
        try:
            found = pattern.search(_message_text(path)) or pattern.search(
                path.read_bytes().decode("utf-8", "replace")
            )
        except FileNotFoundError:  # another process deleted it meanwhile
            continue
        if found:
            path.unlink(missing_ok=True)
            deleted += 1
    return deleted
