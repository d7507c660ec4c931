"""The answers loyalty counts, and whether their customers bought again within W days."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from feedback.dashboard.answers import Filters
from feedback.dashboard.periods import Period
from feedback.extensions import db
from feedback.loyalty.answers import latest_answers, with_return
from feedback.surveys.ingest import ingest_events
from feedback.surveys.inputs import CustomerInput, EventInput
from feedback.surveys.models import EventSource, TouchpointEvent
from feedback.timeutil import utcnow
from tests.complaints_helpers import answer


def purchase(customer: str, when, value: str | None, touchpoint: str = "purchase") -> None:
    """A purchase of ``customer`` at ``when`` with ``value``, committed."""
    external_id = f"buy-{customer}-{when.isoformat()}"
    data = EventInput(external_id, touchpoint, when, CustomerInput(external_id=customer))
    ingest_events([(0, data)], EventSource.API)
    db.session.scalar(select(TouchpointEvent).filter_by(external_id=external_id)).value = (
        Decimal(value) if value is not None else None
    )
    db.session.commit()


def rows(now, window=90):
    period = Period(date(2000, 1, 1), now.date(), "UTC")
    query = with_return(latest_answers(period, Filters()), window, now)
    return {row.customer_id: row for row in db.session.execute(query)}


def test_returned_means_a_purchase_within_the_window_after_the_latest_answer(surveys):
    now = utcnow()
    long_ago = now - timedelta(days=150)
    early = answer("nps", 3, customer="c-1", answered_at=long_ago - timedelta(days=1))
    kept = answer("nps", 10, customer="c-1", answered_at=long_ago)  # the latest counts
    purchase("c-1", long_ago + timedelta(days=30), "100.50")
    purchase("c-1", long_ago + timedelta(days=89, hours=23), "20")
    purchase("c-1", long_ago + timedelta(days=91), "999")  # after W: not counted
    gone = answer("nps", 2, customer="c-2", answered_at=long_ago)
    purchase("c-2", long_ago - timedelta(days=5), "50")  # before the answer: not a return
    fresh = answer("nps", 9, customer="c-3", answered_at=now - timedelta(days=10))

    found = rows(now)

    assert early.id not in {row.response_id for row in found.values()}
    one, two, three = found[kept.customer_id], found[gone.customer_id], found[fresh.customer_id]
    assert (one.response_id, one.returned, one.too_early) == (kept.id, 1, 0)
    assert Decimal(one.value_after) == Decimal("120.50")
    assert (two.returned, two.too_early, Decimal(two.value_after)) == (0, 0, 0)
    assert three.too_early == 1
