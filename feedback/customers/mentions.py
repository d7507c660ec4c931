"""Finding a person's values (their "needles": email, name, phone, external id, comments)
where they are quoted rather than linked by id: outgoing mail to staff, webhook bodies,
domain events' data, received mail, the captured mail folder. Used by the erasure
(feedback/customers/erasure.py).

The databases narrow the rows with LIKE; a regular expression then decides, so that the
needle "c-1" is not found in "c-10" nor "Ann" in "Annual".
"""

from __future__ import annotations

import json
import re
from email import policy
from email.parser import BytesParser
from pathlib import Path

import phonenumbers
from flask import current_app
from sqlalchemy import Text, bindparam, cast, func, or_, select, update

from feedback.complaints.inbound_models import InboundMessage
from feedback.events import DomainEvent
from feedback.extensions import db
from feedback.notify.webhook_models import HookDelivery
from feedback.outbox.models import OutboxMessage, OutboxStatus

#: what replaces a personal value inside text or JSON that must stay readable
ERASED = "[erased]"
#: a comment shorter than this is no needle: "Good" is in too many other messages
MIN_COMMENT_NEEDLE = 10


def phone_forms(e164: str | None) -> list[str]:
    """The ways people write a stored number: "+8613800138000", "+86 138 0013 8000",
    "138 0013 8000", "13800138000"."""
    if not e164:
        return []
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return [e164]
    forms = [
        e164,
        phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL),
        phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL),
        phonenumbers.national_significant_number(number),
    ]
    return list(dict.fromkeys(forms))


def needles_of(
    *, email: str | None, name: str, phone: str | None, external_id: str, comments: list[str]
) -> list[str]:
    """The values that identify one person, as they may be quoted."""
    found = [email or "", name.strip(), external_id, *phone_forms(phone)]
    found += [c.strip() for c in comments if len(c.strip()) >= MIN_COMMENT_NEEDLE]
    return [n for n in dict.fromkeys(found) if len(n) >= 2]


def needle_pattern(needles: list[str]) -> re.Pattern | None:
    """A case-insensitive pattern finding any of the needles as a whole. Boundaries apply
    only at an ASCII letter or digit, since Chinese text has no spaces between words."""
    parts = []
    for needle in sorted({n for n in needles if n}, key=len, reverse=True):
        start = r"(?<![A-Za-z0-9])" if needle[0].isascii() and needle[0].isalnum() else ""
        end = r"(?![A-Za-z0-9])" if needle[-1].isascii() and needle[-1].isalnum() else ""
        parts.append(start + re.escape(needle) + end)
    return re.compile("|".join(parts), re.IGNORECASE) if parts else None


def _like_any(column, needles: list[str]):
    """SQL: the column holds one of the needles, in any case, also as JSON escapes them."""
    forms = {n.lower() for n in needles}
    forms |= {json.dumps(n)[1:-1].lower() for n in needles}  # "\u674e" for JSON columns
    text = func.lower(cast(column, Text))
    return or_(*(text.contains(form, autoescape=True) for form in sorted(forms)))


def scrub_json(value, pattern: re.Pattern):
    """The JSON value with every string that mentions a needle replaced by "[erased]"
    (keys too), so a receiver still gets the event without the person."""
    if isinstance(value, dict):
        return {scrub_json(k, pattern): scrub_json(v, pattern) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub_json(v, pattern) for v in value]
    if isinstance(value, str) and pattern.search(value):
        return ERASED
    return value


#: mail to customers; the erasure finds a person's by their address and its links, never
#: by what it says, since it quotes its own customer (another of the same name)
CUSTOMER_MAIL_KINDS = ("invitation", "reminder", "case_reply", "case_promise")


def outbox_quoting(needles: list[str]) -> list[tuple[int, OutboxStatus]]:
    """The outgoing messages to staff whose address, subject or bodies mention a needle."""
    pattern = needle_pattern(needles)
    if pattern is None:
        return []
    columns = (
        OutboxMessage.to_address,
        OutboxMessage.subject,
        OutboxMessage.body_text,
        OutboxMessage.body_html,
    )
    rows = db.session.execute(
        select(OutboxMessage.id, OutboxMessage.status, *columns).where(
            OutboxMessage.kind.not_in(CUSTOMER_MAIL_KINDS),
            or_(*(_like_any(column, needles) for column in columns)),
        )
    ).all()
    return [
        (row.id, row.status) for row in rows if any(pattern.search(text or "") for text in row[2:])
    ]


def rewrite_outbox(message_ids: list[int], needles: list[str]) -> int:
    """Replace the needles in these messages' subject and bodies by "[erased]": staff
    mail about a case, not sent yet, still goes out, without the person."""
    pattern = needle_pattern(needles)
    if pattern is None or not message_ids:
        return 0
    table = OutboxMessage.__table__
    rows = db.session.execute(
        select(table.c.id, table.c.subject, table.c.body_text, table.c.body_html).where(
            table.c.id.in_(message_ids)
        )
    ).all()
    values = [
        {
            "row_id": row.id,
            "new_subject": pattern.sub(ERASED, row.subject),
            "new_text": pattern.sub(ERASED, row.body_text),
            "new_html": pattern.sub(ERASED, row.body_html) if row.body_html else row.body_html,
        }
        for row in rows
    ]
    if values:
        db.session.connection().execute(
            update(table)
            .where(table.c.id == bindparam("row_id"))
            .values(
                subject=bindparam("new_subject"),
                body_text=bindparam("new_text"),
                body_html=bindparam("new_html"),
            ),
            values,
        )
    return len(values)


def _scrub_json_rows(table, column, needles: list[str]) -> int:
    """Rewrite the rows of ``table`` whose JSON ``column`` (a JSON type, or JSON kept as
    text) mentions a needle. Returns how many changed."""
    pattern = needle_pattern(needles)
    if pattern is None:
        return 0
    rows = db.session.execute(select(table.c.id, column).where(_like_any(column, needles))).all()
    as_text = isinstance(column.type, Text)
    changed = []
    for row_id, value in rows:
        if as_text:
            try:
                scrubbed = json.dumps(scrub_json(json.loads(value), pattern), ensure_ascii=False)
            except ValueError:  # not JSON after all: the text itself
                scrubbed = pattern.sub(ERASED, value)
        else:
            scrubbed = scrub_json(value, pattern)
        if scrubbed != value:
            changed.append({"row_id": row_id, "scrubbed": scrubbed})
    return _write_back(table, column, changed)


def scrub_hook_deliveries(needles: list[str]) -> int:
    """Webhook and chat bodies that mention the person, whatever their status: a pending
    one still goes, with "[erased]" in place of the values (the receiver still learns of
    the case); a sent one keeps no copy of them."""
    table = HookDelivery.__table__
    changed = _scrub_json_rows(table, table.c.body, needles)
    _scrub_text_rows(table, table.c.last_error, needles)
    return changed


def _scrub_text_rows(table, column, needles: list[str]) -> int:
    """Replace the needles in ``table``'s text ``column`` by "[erased]": a receiver's
    error (its status line, a chat service's ``msg``) may quote what it was sent."""
    pattern = needle_pattern(needles)
    if pattern is None:
        return 0
    rows = db.session.execute(select(table.c.id, column).where(_like_any(column, needles))).all()
    changed = [
        {"row_id": row_id, "scrubbed": pattern.sub(ERASED, value)}
        for row_id, value in rows
        if pattern.search(value)
    ]
    return _write_back(table, column, changed)


def _write_back(table, column, changed: list[dict]) -> int:
    """Store each row's scrubbed value ({"row_id", "scrubbed"}) in one executemany."""
    if changed:
        db.session.connection().execute(
            update(table)
            .where(table.c.id == bindparam("row_id"))
            .values({column.name: bindparam("scrubbed")}),
            changed,
        )
    return len(changed)


def scrub_domain_events(needles: list[str]) -> int:
    """Domain events' data that mention the person (events carry ids, so this is a net
    for the exception)."""
    table = DomainEvent.__table__
    changed = _scrub_json_rows(table, table.c.data, needles)
    # a failed reaction's error (a database error lists its parameters), kept for ever
    # on an event given up
    _scrub_text_rows(table, table.c.last_error, needles)
    return changed


def inbound_quoting(needles: list[str]) -> list[int]:
    """Received messages whose addresses, sender's name, subject or text mention a
    needle: one from them that matched no case, or someone else's about them."""
    pattern = needle_pattern(needles)
    if pattern is None:
        return []
    columns = (
        InboundMessage.from_address,
        InboundMessage.from_name,
        InboundMessage.to_addresses,
        InboundMessage.subject,
        InboundMessage.body_text,
    )
    rows = db.session.execute(
        select(InboundMessage.id, *columns).where(
            or_(*(_like_any(column, needles) for column in columns))
        )
    ).all()
    return [row.id for row in rows if any(pattern.search(text or "") for text in row[1:])]


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
            text = _message_text(path) + "\n" + path.read_bytes().decode("utf-8", "replace")
        except FileNotFoundError:  # another process deleted it meanwhile
            continue
        if pattern.search(text):
            path.unlink(missing_ok=True)
            deleted += 1
    return deleted
