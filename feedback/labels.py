"""Translated names for enum values shown on pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from feedback.accounts.models import Role
from feedback.outbox.models import OutboxStatus

ROLE_LABELS = {Role.AGENT: _l("agent"), Role.MANAGER: _l("manager"), Role.ADMIN: _l("admin")}
STATUS_LABELS = {
    OutboxStatus.PENDING: _l("Waiting"),
    OutboxStatus.SENDING: _l("Sending"),
    OutboxStatus.SENT: _l("Sent"),
    OutboxStatus.FAILED: _l("Failed"),
}


def role_label(role: Role) -> str:
    return str(ROLE_LABELS[role])


def status_label(status: OutboxStatus) -> str:
    return str(STATUS_LABELS[status])
