"""What the worker keeps for loyalty: each customer's RFM (feedback.loyalty.rfm)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Numeric, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from feedback.extensions import db
from feedback.timeutil import UTCDateTime, utcnow


class CustomerRfm(db.Model):
    """A customer's recency, frequency and monetary value from their purchases, scored 1-5,
    as last computed (nightly, on a purchase, or by ``flask customers rfm``)."""

    __tablename__ = "customer_rfm"

    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True
    )
    #: days since the last purchase; None for a customer who never bought
    recency_days: Mapped[int | None]
    #: purchases in the last 12 months
    frequency: Mapped[int]
    #: purchases less refunds in the last 12 months, in CURRENCY
    monetary: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    r: Mapped[int] = mapped_column(SmallInteger)
    f: Mapped[int] = mapped_column(SmallInteger)
    m: Mapped[int] = mapped_column(SmallInteger)
    #: a key of definitions.SEGMENTS
    segment: Mapped[str] = mapped_column(String(20), index=True)
    #: the tier the manager's thresholds give; None when no threshold is met or none is set
    computed_tier: Mapped[str | None] = mapped_column(String(40))
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
