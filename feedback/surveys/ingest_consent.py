"""Consent at ingest (see feedback.surveys.ingest): what a batch's touchpoints say of
consent, and the opt-out of an erased person who comes back. Writes; the caller commits.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from feedback.accounts.models import User
from feedback.customers.consent import ERASED_BEFORE, lock_customer, record_consent, tombstoned
from feedback.customers.models import Customer
from feedback.extensions import db
from feedback.surveys.inputs import CustomerInput, EventInput
from feedback.surveys.models import EventSource
from feedback.timeutil import utcnow

#: why a touchpoint for an erased customer's row is refused
ERASED_ROW = "This customer was erased: nothing more is recorded for them."


def erased_rows(external_ids: set[str]) -> set[str]:
    """Of these external ids, those of erased customers' rows (their "erased-..." ids):
    a touchpoint for one would write new contact details onto an erased person."""
    if not external_ids:
        return set()
    query = select(Customer.external_id).where(
        Customer.external_id.in_(sorted(external_ids)), Customer.erased_at.is_not(None)
    )
    return set(db.session.scalars(query))


def erased_before(wanted: dict[str, CustomerInput], existing: dict) -> dict[str, datetime]:
    """The batch's new customers whose external id or email an erased person had, with
    when that person was erased."""
    new = [(ext, given.email) for ext, given in wanted.items() if ext not in existing]
    return tombstoned(new) if new else {}


def apply_consents(
    fresh: list[tuple[int, EventInput]],
    customers: dict,
    erased: dict[str, datetime],
    source: EventSource,
    recorded_by_id: int | None,
) -> None:
    """Record the batch's consents, oldest first, and keep each BatchCustomer's opt-out
    in step, so that the invitations scheduled next obey it.

    A returning erased person is opted out as of their erasure: only a consent given
    after it (this touchpoint's, say) lets them be surveyed again.
    """
    now = utcnow()
    staff = source is EventSource.STAFF
    by = db.session.get(User, recorded_by_id) if recorded_by_id is not None else None
    changes = [(at, ext, "withdrawn", "erasure", ERASED_BEFORE) for ext, at in erased.items()]
    for _, data in fresh:
        consent = data.consent
        if consent is None:
            continue
        # History is last year's: its consent then must not override what came since.
        at = consent.at or (data.occurred_at if data.history else now)
        origin = "staff" if staff else "touchpoint"
        changes.append((at, data.customer.external_id, consent.state, origin, consent.source))
    # Their rows locked in one order (by id), so that two batches wait, not deadlock.
    touched = {}
    for customer_id in sorted({customers[ext].id for _, ext, *_ in changes}):
        touched[customer_id] = lock_customer(db.session.get(Customer, customer_id))
    for at, external_id, change, origin, detail in sorted(changes, key=lambda c: c[0]):
        batch_customer = customers[external_id]
        customer = touched[batch_customer.id]
        record_consent(
            customer, change, origin, at=at, detail=detail, by=by if origin == "staff" else None
        )
        batch_customer.unsubscribed_at = customer.unsubscribed_at


def apply_import_consents(rows: list[tuple]) -> None:
    """Record the consents of imported past answers, oldest first: (row, Customer) pairs,
    a row being feedback.surveys.imports.PastAnswer. A consent without its time is as of
    the answer, so that an old answer's consent overrides nothing said since."""
    changes = [
        (row.consent.at or row.answered_at, index, row, customer)
        for index, (row, customer) in enumerate(rows)
        if row.consent is not None
    ]
    for at, _, row, customer in sorted(changes, key=lambda c: c[:2]):
        record_consent(customer, row.consent.state, "import", at=at, detail=row.consent.source)
