"""Helpers for the RFM tests: purchases and refunds through the real ingest path."""

from __future__ import annotations

import itertools
from decimal import Decimal

from sqlalchemy import select

from feedback.extensions import db
from feedback.loyalty.models import CustomerRfm
from feedback.surveys.ingest import ingest_events
from feedback.surveys.inputs import CustomerInput, EventInput
from feedback.surveys.models import EventSource, TouchpointEvent, TouchpointType

_ids = itertools.count(1)


def refund_type() -> None:
    """A touchpoint type that counts as a refund, committed."""
    db.session.add(
        TouchpointType(key="refund", name_en="Refund", name_zh="退款", counts_as_refund=True)
    )
    db.session.commit()


def buy(customer: str, when, value: str | None, touchpoint: str = "purchase", tier=None) -> None:
    """A touchpoint of ``customer`` at ``when`` with ``value``, committed. The value is set
    on the stored row until the ingest part takes it through the API."""
    external_id = f"rfm-{customer}-{next(_ids)}"
    data = EventInput(external_id, touchpoint, when, CustomerInput(external_id=customer, tier=tier))
    ingest_events([(0, data)], EventSource.API)
    db.session.scalar(select(TouchpointEvent).filter_by(external_id=external_id)).value = (
        Decimal(value) if value is not None else None
    )
    db.session.commit()


def rfm_rows() -> dict[str, tuple]:
    """Each customer's stored RFM by external id: (recency_days, frequency, monetary, r, f,
    m, segment, computed_tier)."""
    from feedback.customers.models import Customer

    db.session.expire_all()
    rows = db.session.execute(
        select(Customer.external_id, CustomerRfm).join(
            CustomerRfm, CustomerRfm.customer_id == Customer.id
        )
    )
    return {
        external_id: (
            row.recency_days,
            row.frequency,
            row.monetary,
            row.r,
            row.f,
            row.m,
            row.segment,
            row.computed_tier,
        )
        for external_id, row in rows
    }
