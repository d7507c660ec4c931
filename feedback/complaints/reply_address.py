"""The reply address of a case: MAIL_REPLY_ADDRESS plus "+c<case id>.<token>", where the
token is a truncated HMAC of the case id, so that nobody can write into another case by
guessing its number."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re

from flask import current_app

#: 10 base32 characters: 50 bits of the HMAC
TOKEN_LENGTH = 10
_TAG = re.compile(rf"\+c(\d{{1,12}})\.([a-z2-7]{{{TOKEN_LENGTH}}})@", re.IGNORECASE)


def case_token(case_id: int) -> str:
    """The signed token of a case, lower-case base32."""
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, f"case-reply:{case_id}".encode(), hashlib.sha256).digest()
    return base64.b32encode(digest).decode()[:TOKEN_LENGTH].lower()


def reply_address(case_id: int) -> str | None:
    """Where the customer's answer to mail from this case goes; None without
    MAIL_REPLY_ADDRESS."""
    base = current_app.config.get("MAIL_REPLY_ADDRESS")
    if not base or "@" not in base:
        return None
    local, domain = base.rsplit("@", 1)
    return f"{local}+c{case_id}.{case_token(case_id)}@{domain}"


def reply_headers(case_id: int) -> dict[str, str]:
    """The outbox headers that lead an answer back to the case."""
    address = reply_address(case_id)
    return {"Reply-To": address} if address else {}


def case_id_from(address: str) -> int | None:
    """The case an address leads to, if its token is right."""
    match = _TAG.search(address or "")
    if match is None:
        return None
    case_id = int(match.group(1))
    if not hmac.compare_digest(match.group(2).lower(), case_token(case_id)):
        return None
    return case_id
