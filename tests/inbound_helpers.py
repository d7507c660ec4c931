"""Helpers for the inbound mail tests: customers' emails built with the stdlib, and a case
to answer."""

from __future__ import annotations

import itertools
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from feedback.timeutil import utcnow

_numbers = itertools.count(1)


def mail(
    body: str = "Please call me tomorrow at 3.",
    *,
    sender: str = "Ann Lee <ann@example.com>",
    to: str = "support@example.com",
    subject: str = "Re: Your feedback [Case #1]",
    charset: str = "utf-8",
    headers: dict[str, str] | None = None,
    attachments: list[tuple[str, str, bytes]] = (),
    message_id: str | None = "auto",
) -> bytes:
    """An email as a customer's client sends it, as bytes; ``attachments`` are
    (filename, content type, data)."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(utcnow())
    if message_id == "auto":
        message_id = make_msgid(f"c{next(_numbers)}", domain="mail.example.com")
    if message_id:
        message["Message-ID"] = message_id
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body, charset=charset)
    for filename, content_type, data in attachments:
        maintype, subtype = content_type.split("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return message.as_bytes()
