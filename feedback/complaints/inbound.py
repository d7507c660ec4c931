"""Customers' emails back into the service: ``receive(raw)`` stores one RFC 822 message
and puts it on its case, or in the unmatched list for staff. Add and flush; the caller
(`flask mail receive`, the IMAP fetch, a staff page) commits.

A message finds its case by the case's signed reply address (in To, Cc, Delivered-To or
X-Original-To), else by In-Reply-To / References naming mail the service sent or received,
else by its sender when exactly one customer with that address has a case in the queue.
Bounces and auto-replies are kept as "auto" and touch no case.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr
from html.parser import HTMLParser

from email_reply_parser import EmailReplyParser
from flask import current_app
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.exc import IntegrityError

from feedback import events
from feedback.complaints.cases import lock, lock_customer, record, reopen, resume, set_deadlines
from feedback.complaints.inbound_models import InboundAttachment, InboundMessage, InboundStatus
from feedback.complaints.models import (
    ACTIVE_STATUSES,
    Case,
    CaseActionError,
    CaseEvent,
    CasePriority,
    CaseSource,
    CaseStatus,
)
from feedback.complaints.reply_address import case_id_from
from feedback.customers.models import Customer
from feedback.extensions import db
from feedback.outbox.models import OutboxMessage
from feedback.surveys.models import Invitation
from feedback.text import FORBIDDEN
from feedback.timeutil import report_day, utcnow

#: the headers that may carry the case's reply address
ADDRESS_HEADERS = ("To", "Cc", "Delivered-To", "X-Original-To")
_MESSAGE_IDS = re.compile(r"<[^<>\s]+>")
#: where a quoted earlier message starts in Chinese mail clients (email-reply-parser knows
#: the English "On ... wrote:" and "> " quoting, not these)
_QUOTE_HEADERS = re.compile(
    r"^\s*(在.{0,120}写道[:：]|-{2,}\s*(原始邮件|Original Message)\s*-{2,})\s*$",
    re.MULTILINE | re.IGNORECASE,
)


class NotAMessage(ValueError):
    """The input is not an email at all (empty, or no header)."""


@dataclass(frozen=True)
class Received:
    """What became of a message ("matched", "unmatched", "auto", or "duplicate": stored
    before), its row and its case."""

    outcome: str
    inbound_message_id: int
    case_id: int | None


def receive(raw: bytes) -> Received:
    """Store one message and put it where it belongs. The same message handed over twice
    (same Message-ID, or same bytes without one) is stored once."""
    if not raw or not raw.strip():
        raise NotAMessage("empty input")
    message = BytesParser(policy=policy.default).parsebytes(raw)
    if not message.keys():
        raise NotAMessage("no header")
    message_id = _header(message, "Message-ID").strip() or None
    key = _dedup_key(message_id, raw)
    if (found := _stored(key)) is not None:
        return found
    row = _row(message, raw, key, message_id)
    try:
        # Two deliveries of one message at once: the unique key lets one row in; the
        # other waits for it, fails here and reports the first.
        with db.session.begin_nested():
            db.session.add(row)
            db.session.flush()
    except IntegrityError:
        found = _stored(key)
        if found is None:
            raise
        return found
    _store_attachments(message, row)
    if is_automatic(message):
        row.status = InboundStatus.AUTO
        db.session.flush()
        return Received("auto", row.id, None)
    case, how = find_case(message, row.from_address)
    if case is None:
        return Received("unmatched", row.id, None)
    case = put_on_case(row, case, how)
    return Received("matched", row.id, case.id)


def _dedup_key(message_id: str | None, raw: bytes) -> str:
    if message_id and len(message_id) <= 290:
        return "mid:" + message_id
    source = message_id.encode() if message_id else raw
    return "sha256:" + hashlib.sha256(source).hexdigest()


def hashed_dedup_key(key: str) -> str:
    """The dedup key without the Message-ID in clear ("mid:..." becomes its "sha256:"),
    which an erased message keeps: Message-IDs often hold the sender's address."""
    if not key.startswith("mid:"):
        return key
    return "sha256:" + hashlib.sha256(key.removeprefix("mid:").encode()).hexdigest()


def hash_dedup_keys(message_ids: list[int]) -> None:
    """Hash the Message-IDs in these messages' dedup keys (the erasure's; in Python, since
    SQLite has no SHA-256); receive() still knows each message when it comes again."""
    table = InboundMessage.__table__
    rows = db.session.execute(
        select(table.c.id, table.c.dedup_key).where(
            table.c.id.in_(message_ids), table.c.dedup_key.startswith("mid:")
        )
    ).all()
    if rows:
        db.session.connection().execute(
            update(table)
            .where(table.c.id == bindparam("row_id"))
            .values(dedup_key=bindparam("key")),
            [{"row_id": row_id, "key": hashed_dedup_key(key)} for row_id, key in rows],
        )


def _stored(key: str) -> Received | None:
    keys = {key, hashed_dedup_key(key)}  # the second: the same message, since erased
    row = db.session.execute(
        select(InboundMessage.id, InboundMessage.case_id).where(InboundMessage.dedup_key.in_(keys))
    ).first()
    return None if row is None else Received("duplicate", row.id, row.case_id)


def _header(message: EmailMessage, name: str) -> str:
    """A header's decoded value; "" when missing or too broken to read."""
    try:
        values = message.get_all(name) or []
        return FORBIDDEN.sub("", ", ".join(str(value) for value in values))
    except (ValueError, TypeError, IndexError, LookupError):
        return ""


def _addresses(message: EmailMessage, *names: str) -> list[tuple[str, str]]:
    return [
        (name, address)
        for header in names
        for name, address in getaddresses([_header(message, header)])
        if address
    ]


def _row(message: EmailMessage, raw: bytes, key: str, message_id: str | None) -> InboundMessage:
    sender_name, sender = parseaddr(_header(message, "From"))
    text = body_text(message)
    return InboundMessage(
        dedup_key=key,
        received_at=utcnow(),
        from_address=sender[:320],
        from_name=sender_name[:200],
        to_addresses=", ".join(a for _, a in _addresses(message, *ADDRESS_HEADERS)),
        subject=" ".join(_header(message, "Subject").split())[:300],
        message_id_header=message_id[:300] if message_id else None,
        in_reply_to=_header(message, "In-Reply-To") or None,
        references=_header(message, "References") or None,
        raw=raw,
        body_text=text,
        trimmed_text=trim(text),
        status=InboundStatus.UNMATCHED,
    )


def body_text(message: EmailMessage) -> str:
    """The message's text: its plain part, else its HTML part without the markup."""
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        content = part.get_content()
    except (LookupError, UnicodeError):  # an unknown or lying charset
        content = (part.get_payload(decode=True) or b"").decode("utf-8", "replace")
    if not isinstance(content, str):
        return ""
    if part.get_content_type() == "text/html":
        content = _HtmlText.of(content)
    # PostgreSQL text cannot hold NUL: a message with one must still be stored
    return FORBIDDEN.sub("", content.replace("\r\n", "\n")).strip()


class _HtmlText(HTMLParser):
    """The text of an HTML mail part, with line breaks where blocks end."""

    BREAKS = frozenset({"br", "p", "div", "li", "tr", "blockquote", "h1", "h2", "h3"})

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    @classmethod
    def of(cls, html: str) -> str:
        parser = cls()
        parser.feed(html)
        parser.close()
        return re.sub(r"\n{3,}", "\n\n", "".join(parser.parts))

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        elif tag in self.BREAKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip = max(self.skip - 1, 0)
        elif tag in self.BREAKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def trim(text: str) -> str:
    """The customer's new words: without the quoted earlier mail and the signature."""
    head = _QUOTE_HEADERS.split(text, maxsplit=1)[0]
    trimmed = EmailReplyParser.parse_reply(head).strip()
    return trimmed or text.strip()


def _store_attachments(message: EmailMessage, row: InboundMessage) -> None:
    limit = current_app.config["MAIL_ATTACHMENT_MAX_BYTES"]
    for part in message.iter_attachments():
        data = part.get_payload(decode=True)
        if data is None:  # an attached message (message/rfc822)
            data = part.as_bytes()
        # a name from the sender: no path, and none of the control characters that
        # PostgreSQL refuses (NUL) or that break the download's header (CR, LF)
        filename = " ".join(FORBIDDEN.sub("", part.get_filename() or "").split())
        filename = filename.replace("\\", "/").rsplit("/", 1)[-1].strip()
        db.session.add(
            InboundAttachment(
                message=row,
                filename=filename[:255] or "attachment",
                content_type=FORBIDDEN.sub("", part.get_content_type())[:200],
                size=len(data),
                kept=len(data) <= limit,
                data=data if len(data) <= limit else None,
            )
        )
    db.session.flush()


def is_automatic(message: EmailMessage) -> bool:
    """A bounce (DSN), a read receipt, an auto-reply or bulk mail: nobody wrote it."""
    if message.get_content_type() == "multipart/report":
        return True
    auto_submitted = _header(message, "Auto-Submitted").split(";")[0].strip().lower()
    if auto_submitted and auto_submitted != "no":
        return True
    if _header(message, "Precedence").strip().lower() in ("bulk", "junk", "list", "auto_reply"):
        return True
    if _header(message, "X-Autoreply") or _header(message, "X-Autorespond"):
        return True
    if _header(message, "Return-Path").strip() == "<>":
        return True
    sender = parseaddr(_header(message, "From"))[1].lower()
    return sender.split("@")[0] in ("mailer-daemon", "postmaster")


def find_case(message: EmailMessage, sender: str) -> tuple[Case | None, str | None]:
    """The message's case and how it was found; (None, None) when nothing, or more than
    one case, matches."""
    for _, address in _addresses(message, *ADDRESS_HEADERS):
        case_id = case_id_from(address)
        if case_id is not None and (case := db.session.get(Case, case_id)) is not None:
            return case, "address"
    for header in ("In-Reply-To", "References"):
        ids = _MESSAGE_IDS.findall(_header(message, header))
        if ids:
            case_ids = _cases_of_thread(ids)
            if len(case_ids) == 1:
                return db.session.get(Case, case_ids.pop()), "thread"
    if sender:
        case_ids = set(
            db.session.scalars(
                select(Case.id)
                .join(Customer, Customer.id == Case.customer_id)
                .where(func.lower(Customer.email) == sender.lower(), Case.in_queue())
            )
        )
        if len(case_ids) == 1:
            return db.session.get(Case, case_ids.pop()), "sender"
    return None, None


def _cases_of_thread(message_ids: list[str]) -> set[int]:
    """The cases that mail with these Message-IDs was sent from (replies, follow-up
    surveys) or received on."""
    sent = select(OutboxMessage.id).where(OutboxMessage.message_id.in_(message_ids))
    replies = select(CaseEvent.case_id).where(CaseEvent.outbox_message_id.in_(sent))
    followups = select(Case.id).where(
        Case.followup_invitation_id.in_(
            select(Invitation.id).where(Invitation.outbox_message_id.in_(sent))
        )
    )
    received = select(InboundMessage.case_id).where(
        InboundMessage.message_id_header.in_(message_ids), InboundMessage.case_id.is_not(None)
    )
    return set(db.session.scalars(replies.union(followups, received)))


def put_on_case(row: InboundMessage, case: Case, how: str, moves: bool = True) -> Case:
    """The message on the case's timeline; the case moves as a customer's answer moves
    it: pending back to open, resolved reopened, closed continued in a new case. With
    ``moves`` False (automatic mail staff keep on a case) it only lands there: nothing
    moves and nobody is told. Returns the case it landed on."""
    case = lock(case.id)
    status = case.status if moves else None
    if status is CaseStatus.PENDING:
        resume(case, None)
    elif status is CaseStatus.RESOLVED:
        try:
            reopen(case, None, "The customer replied by email.")
        except CaseActionError:  # the customer has another case in the queue
            case = _active_case(case.customer_id) or case
    elif status is CaseStatus.CLOSED:
        case = _continue(case)
    record(
        case,
        "customer_reply",
        None,
        body=row.trimmed_text or row.body_text,
        detail=row.subject[:300],
        at=row.received_at,
        inbound_message_id=row.id,
    )
    row.case_id, row.status, row.matched_by = case.id, InboundStatus.MATCHED, how
    db.session.flush()
    if moves:
        events.publish(events.CustomerReplied(case_id=case.id, inbound_message_id=row.id))
    return case


def _active_case(customer_id: int) -> Case | None:
    return db.session.scalar(
        select(Case)
        .where(Case.customer_id == customer_id, Case.status.in_(ACTIVE_STATUSES))
        .with_for_update()
    )


def _continue(closed: Case) -> Case:
    """A customer wrote to a closed case: a new case linked to it, unless they have a case
    in the queue already (one per customer), which takes the message instead."""
    lock_customer(closed.customer_id)
    active = _active_case(closed.customer_id)
    if active is not None:
        return active
    now = utcnow()
    case = Case(
        customer_id=closed.customer_id,
        status=CaseStatus.NEW,
        priority=CasePriority.NORMAL,
        touchpoint_type_id=closed.touchpoint_type_id,
        tier=closed.customer.tier or "",
        source=CaseSource.EMAIL,
        opened_at=now,
        report_day=report_day(now),
        previous_case_id=closed.id,
    )
    set_deadlines(case)
    db.session.add(case)
    db.session.flush()
    record(case, "opened_by_email", before=closed.id, after=case.priority, at=now)
    record(closed, "continued", after=case.id, at=now)
    db.session.flush()
    events.publish(events.CaseOpened(case_id=case.id))
    return case
