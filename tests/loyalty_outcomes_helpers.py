"""Helpers for the Loyalty page's tests: purchases through the real ingest path."""

from __future__ import annotations

import itertools
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select

from feedback.extensions import db
from feedback.surveys.ingest import ingest_events
from feedback.surveys.inputs import CustomerInput, EventInput
from feedback.surveys.models import EventSource, TouchpointEvent

_purchases = itertools.count(1)


def purchase(customer: str, when: datetime, value: str | None = None) -> None:
    """A purchase of ``customer`` at ``when`` worth ``value``, committed (the value set on
    the stored event until the ingest part takes it through the API)."""
    external_id = f"buy-{customer}-{next(_purchases)}"
    data = EventInput(external_id, "purchase", when, CustomerInput(external_id=customer))
    ingest_events([(0, data)], EventSource.API)
    event = db.session.scalar(select(TouchpointEvent).filter_by(external_id=external_id))
    event.value = Decimal(value) if value is not None else None
    db.session.commit()


def custom(first: date, last: date) -> str:
    """The query string of a custom period."""
    return f"range=custom&start={first.isoformat()}&end={last.isoformat()}"
