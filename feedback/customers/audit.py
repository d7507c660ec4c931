"""The audit log: who looked at or took customers' data (feedback.customers.models.AuditEntry).

Callers record in the same transaction as what they audit (a page view commits its own
row; an erasure's row commits with the erasure), so the log never claims what did not
happen nor misses what did.
"""

from __future__ import annotations

from flask import g, has_request_context
from flask_login import current_user

from feedback.accounts.models import ApiKey
from feedback.customers.models import AUDIT_ACTIONS, AuditEntry, Customer
from feedback.extensions import db

#: the actor of what is done from the command line (flask customers erase/export)
COMMAND_LINE = "command line"


def _actor() -> tuple[int | None, int | None, str]:
    """(user id, API key id, label) of whoever acts now: a signed-in staff member, an
    API key, or the command line."""
    if has_request_context():
        if current_user and current_user.is_authenticated:
            return current_user.id, None, current_user.email
        key_id = g.get("api_key_id")
        if key_id is not None:
            key = db.session.get(ApiKey, key_id)
            return None, key_id, f"API key {key_id} '{key.name if key else ''}'"
    return None, None, COMMAND_LINE


def record(
    action: str,
    *,
    customer: Customer | None = None,
    detail: str = "",
    count: int | None = None,
) -> AuditEntry:
    """Add an audit entry for ``action`` (one of AUDIT_ACTIONS) by whoever acts now.

    ``detail`` must hold no comment text nor contact details: the erasure's reason, an
    export's format and filters. The caller commits."""
    if action not in AUDIT_ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    user_id, api_key_id, actor = _actor()
    entry = AuditEntry(
        action=action,
        user_id=user_id,
        api_key_id=api_key_id,
        actor=actor[:200],
        customer_id=customer.id if customer is not None else None,
        detail=detail[:500],
        count=count,
    )
    db.session.add(entry)
    return entry
