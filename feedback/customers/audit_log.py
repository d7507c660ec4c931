"""Reading the audit log (feedback.customers.models.AuditEntry): its filters, the labels
of its actions, and a customer's recent entries. Writing is feedback.customers.audit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, or_, select

from feedback.accounts.models import ApiKey
from feedback.customers.audit import COMMAND_LINE
from feedback.customers.models import AuditEntry, Customer
from feedback.extensions import db
from feedback.urls import MAX_ID

#: what each action is called on the pages
ACTION_LABELS = {
    "customer.view": _l("Viewed the customer page"),
    "customer.export": _l("Exported a person's data"),
    "customer.erase": _l("Erased a customer"),
    "answers.export": _l("Exported answers (CSV)"),
    "cases.export": _l("Exported cases (CSV)"),
}


def action_label(action: str) -> str:
    """The action as people read it; an action this code does not know, as stored."""
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else action


def actor_label(entry: AuditEntry) -> str:
    """Who acted, in the reader's language: a staff member's email as stored, an API key
    by its name, or the command line. The stored label is English, for the database."""
    if entry.api_key_id is not None:
        key = db.session.get(ApiKey, entry.api_key_id)
        if key is not None:
            return str(_l("API key %(name)s", name=key.name))
    elif entry.user_id is None and entry.actor == COMMAND_LINE:
        return str(_l("command line"))
    return entry.actor


@dataclass(frozen=True)
class LogFilters:
    """What an admin narrowed the log to; None (or empty) means any."""

    action: str | None = None
    user_id: int | None = None
    api_key_id: int | None = None
    #: the customers whose number or external id matched what was typed
    customer_ids: tuple[int, ...] | None = None
    #: from ``since`` up to ``until`` (UTC)
    since: datetime | None = None
    until: datetime | None = None

    def query(self) -> Select:
        """The entries, newest first."""
        query = select(AuditEntry)
        if self.action:
            query = query.where(AuditEntry.action == self.action)
        if self.user_id is not None:
            query = query.where(AuditEntry.user_id == self.user_id)
        if self.api_key_id is not None:
            query = query.where(AuditEntry.api_key_id == self.api_key_id)
        if self.customer_ids is not None:
            query = query.where(AuditEntry.customer_id.in_(self.customer_ids))
        if self.since is not None:
            query = query.where(AuditEntry.at >= self.since)
        if self.until is not None:
            query = query.where(AuditEntry.at < self.until)
        return query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())


def customers_matching(value: str) -> tuple[int, ...]:
    """The ids of the customers whose number or external id is ``value``.

    Both are tried: an external id may be all digits, and the log then shows the entries
    of each, every row naming its customer."""
    value = value.strip()
    matches = [Customer.external_id == value]
    # ASCII digits only: str.isdigit() also takes "²", which int() refuses
    if value.isascii() and value.isdigit() and int(value) <= MAX_ID:
        matches.append(Customer.id == int(value))
    return tuple(db.session.scalars(select(Customer.id).where(or_(*matches))))


def customers_of(entries: list[AuditEntry]) -> dict[int, Customer]:
    """The customers the entries name, by id, read in one query."""
    ids = {entry.customer_id for entry in entries if entry.customer_id is not None}
    if not ids:
        return {}
    return {c.id: c for c in db.session.scalars(select(Customer).where(Customer.id.in_(ids)))}


def recent(customer_id: int, limit: int = 10) -> list[AuditEntry]:
    """The customer's latest entries, newest first (the customer page's short list)."""
    query = LogFilters(customer_ids=(customer_id,)).query().limit(limit)
    return list(db.session.scalars(query))
