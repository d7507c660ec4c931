"""The customers of a batch of touchpoint events: read in one query, written in one
multi-row INSERT and one executemany UPDATE (see feedback.surveys.ingest). Writes; the
caller commits."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import bindparam, insert, select, update

from feedback.customers.models import Customer
from feedback.extensions import db
from feedback.loyalty.rfm_settings import tier_source
from feedback.surveys.inputs import CustomerInput, EventInput
from feedback.timeutil import utcnow

CHUNK = 500  # values per IN (...) list
CUSTOMER_FIELDS = ("email", "name", "locale", "tier", "phone")


def core(statement, rows: list[dict]):
    """Run a statement for many rows on the session's connection, in its transaction,
    as plain Core: the session would route a mapped table through the ORM's bulk path."""
    return db.session.connection().execute(statement, rows)


def chunks(values: list) -> list[list]:
    """``values`` in lists of CHUNK, each small enough for one IN (...) list."""
    return [values[i : i + CHUNK] for i in range(0, len(values), CHUNK)]


@dataclass
class BatchCustomer:
    id: int
    email: str | None
    unsubscribed_at: datetime | None


def existing_customers(wanted: dict[str, CustomerInput]) -> dict:
    """The customers of the batch that we know already, as rows, by external id."""
    # "tier" is what the sender last gave (sent_tier), whichever tier the service uses
    columns = (Customer.id, Customer.external_id, Customer.unsubscribed_at) + tuple(
        Customer.sent_tier.label("tier") if name == "tier" else getattr(Customer, name)
        for name in CUSTOMER_FIELDS
    )
    existing = {}
    for chunk in chunks(sorted(wanted)):
        for row in db.session.execute(select(*columns).where(Customer.external_id.in_(chunk))):
            existing[row.external_id] = row
    return existing


def wanted_customers(fresh: list[tuple[int, EventInput]]) -> tuple[dict, set[str]]:
    """What the batch says of each customer, and those only history events mention.

    A later mention wins, field by field; a live event wins over history, which may be
    years old (last year's email or tier must not replace this year's).
    """
    live: dict[str, CustomerInput] = {}
    past: dict[str, CustomerInput] = {}
    for _, data in fresh:
        said = past if data.history else live
        earlier = said.get(data.customer.external_id)
        said[data.customer.external_id] = (
            data.customer if earlier is None else _merged(earlier, data.customer)
        )
    wanted = dict(past)
    for external_id, given in live.items():
        earlier = past.get(external_id)
        wanted[external_id] = given if earlier is None else _merged(earlier, given)
    return wanted, set(past) - set(live)


def _first_given(first, second, name: str):
    value = getattr(first, name)
    return value if value is not None else getattr(second, name)


def _stored(values: dict, sent_tier_used: bool) -> dict:
    """A customer's columns from what was sent: the tier goes to sent_tier, and to tier
    (the one the service uses) only while the loyalty settings use the sent tier."""
    stored = {name: value for name, value in values.items() if name != "tier"}
    stored["sent_tier"] = values["tier"]
    if sent_tier_used:
        stored["tier"] = values["tier"]
    return stored


def upsert_customers(
    wanted: dict[str, CustomerInput], existing: dict, history_only: set[str]
) -> dict[str, BatchCustomer]:
    """Create missing customers and update changed ones; returns them by external id.

    Customers in ``history_only`` are only filled in where we know nothing yet.
    """
    now = utcnow()
    sent_tier_used = tier_source() == "sent"
    found: dict[str, BatchCustomer] = {}
    changes = []
    for external_id, row in existing.items():
        given = wanted[external_id]
        # Only what the sender gave replaces what we know; history only fills gaps.
        first, second = (row, given) if external_id in history_only else (given, row)
        values = {name: _first_given(first, second, name) for name in CUSTOMER_FIELDS}
        if any(values[name] != getattr(row, name) for name in CUSTOMER_FIELDS):
            changes.append({"b_id": row.id, **_stored(values, sent_tier_used), "updated_at": now})
        found[external_id] = BatchCustomer(row.id, values["email"], row.unsubscribed_at)
    if changes:
        table = Customer.__table__
        core(
            update(table)
            .where(table.c.id == bindparam("b_id"))
            .values({name: bindparam(name) for name in changes[0] if name != "b_id"}),
            changes,
        )
    new = [
        {
            "external_id": external_id,
            "email": given.email,
            "name": given.name or "",
            "locale": given.locale,
            "tier": given.tier if sent_tier_used else None,
            "sent_tier": given.tier,
            "phone": given.phone,
            "created_at": now,
            "updated_at": now,
        }
        for external_id, given in wanted.items()
        if external_id not in existing
    ]
    if new:
        # Rows come back matched by their unique key, not by position: asking for the
        # parameters' order makes SQLAlchemy insert row by row on SQLite.
        table = Customer.__table__
        rows = core(insert(table).returning(table.c.id, table.c.external_id), new)
        ids = {external_id: customer_id for customer_id, external_id in rows}
        for values in new:
            found[values["external_id"]] = BatchCustomer(
                ids[values["external_id"]], values["email"], None
            )
    return found


def _merged(earlier: CustomerInput, later: CustomerInput) -> CustomerInput:
    """What two events of a batch say of one customer: a later event without a field
    (a phone number, say) keeps what the earlier one gave, as with a stored customer."""
    given = {name: _first_given(later, earlier, name) for name in CUSTOMER_FIELDS}
    return replace(later, **given)
