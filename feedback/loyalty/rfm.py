"""RFM: each customer's recency, frequency and monetary value, scored 1-5, their segment
and computed tier (feedback.loyalty.definitions says what the words mean).

The worker computes everyone at most once a day (and after the settings change), and one
customer when a purchase or refund of theirs is recorded; ``flask customers rfm`` on
demand. Sums are SQL (one GROUP BY per batch of customers); the 1-5 scores, segment and
tier are a few comparisons per row, in Python. Rows are upserted, so two workers
computing one customer at once both succeed and the later one stands.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from feedback.customers.models import Customer
from feedback.extensions import db
from feedback.loyalty.definitions import in_last_rfm_days, is_purchase, signed_value
from feedback.loyalty.models import CustomerRfm
from feedback.loyalty.rfm_settings import LoyaltySettings, Thresholds, Tier, settings_row
from feedback.surveys.models import TouchpointEvent, TouchpointType
from feedback.timeutil import utcnow

#: customers per GROUP BY and per upsert
BATCH = 1000
#: the worker computes everyone again when its last run is this old
RUN_EVERY = timedelta(hours=24)

#: The segment of a customer who bought, by their R score (rows) and F score (the five
#: columns, F 1 to 5): the common RFM grid. M is scored and shown, but does not move a
#: customer between segments. A customer who never bought is "never_bought".
GRID: dict[int, tuple[str, str, str, str, str]] = {
    5: ("new", "potential", "potential", "champions", "champions"),
    4: ("promising", "potential", "potential", "loyal", "loyal"),
    3: ("need_attention", "need_attention", "need_attention", "loyal", "loyal"),
    2: ("hibernating", "hibernating", "at_risk", "at_risk", "cant_lose"),
    1: ("lost", "hibernating", "at_risk", "at_risk", "cant_lose"),
}
#: the grid in plain words, for the page
SEGMENT_HELP = {
    "champions": _l("Bought very recently and often (R 5, F 4-5)."),
    "loyal": _l("Buy often, and not long ago (R 3-4, F 4-5)."),
    "potential": _l("Recent customers who came back a few times (R 4-5, F 2-3)."),
    "new": _l("Bought very recently, for the first time in a year (R 5, F 1)."),
    "promising": _l("Bought recently, once in a year (R 4, F 1)."),
    "need_attention": _l("A while since they bought, and not often (R 3, F 1-3)."),
    "at_risk": _l("Used to buy often, but not for a long time (R 1-2, F 3-4)."),
    "cant_lose": _l("Bought most often, but not for a long time (R 1-2, F 5)."),
    "hibernating": _l("Long ago and seldom (R 1-2, F 1-2, except R 1 F 1)."),
    "lost": _l("Longest ago, and at most once in a year (R 1, F 1)."),
    "never_bought": _l("No purchase recorded."),
}


def thresholds() -> Thresholds:
    """The current cut points of the R, F and M scores and the computed tiers."""
    return settings_row().current()


def recency_score(days: int | None, cuts: Iterable[int]) -> int:
    """5 for at most the first cut's days since the last purchase, down to 1 beyond the
    last cut (or for no purchase)."""
    if days is None:
        return 1
    return 5 - sum(days > cut for cut in cuts)


def at_least_score(value, cuts: Iterable) -> int:
    """1 plus the number of cut points the value reaches (frequency, monetary)."""
    return 1 + sum(value >= cut for cut in cuts)


def segment(r: int, f: int, bought: bool) -> str:
    """The customer's segment (a key of definitions.SEGMENTS) from the grid."""
    return GRID[r][f - 1] if bought else "never_bought"


def computed_tier(monetary: Decimal, frequency: int, tiers: Iterable[Tier]) -> str | None:
    """The highest tier whose minimum value and minimum frequency are both met, or None."""
    met = [t for t in tiers if monetary >= t.min_value and frequency >= t.min_frequency]
    return max(met, key=lambda t: (t.min_value, t.min_frequency)).key if met else None


def _batches(customer_ids: list[int] | None) -> Iterator[list[int]]:
    if customer_ids is not None:
        ids = sorted(set(customer_ids))
        for start in range(0, len(ids), BATCH):
            yield ids[start : start + BATCH]
        return
    last = 0
    while True:  # by id ranges, so that customers added meanwhile neither stop nor repeat it
        ids = list(
            db.session.scalars(
                select(Customer.id).where(Customer.id > last).order_by(Customer.id).limit(BATCH)
            )
        )
        if not ids:
            return
        yield ids
        last = ids[-1]


def _figures(ids: list[int], type_ids: list[int], now: datetime):
    """Per customer: the last purchase ever, purchases and value in the last RFM_DAYS."""
    recent = in_last_rfm_days(TouchpointEvent.occurred_at, now)
    return db.session.execute(
        select(
            Customer.id,
            func.max(case((is_purchase(), TouchpointEvent.occurred_at))).label("last"),
            func.count(case((and_(is_purchase(), recent), TouchpointEvent.id))).label("frequency"),
            func.coalesce(func.sum(case((recent, signed_value()))), 0).label("monetary"),
        )
        .select_from(Customer)
        .outerjoin(
            TouchpointEvent,
            and_(
                TouchpointEvent.customer_id == Customer.id,
                TouchpointEvent.touchpoint_type_id.in_(type_ids),
                TouchpointEvent.occurred_at <= now,
            ),
        )
        .outerjoin(TouchpointType, TouchpointType.id == TouchpointEvent.touchpoint_type_id)
        .where(Customer.id.in_(ids))
        .group_by(Customer.id)
    )


def _upsert(rows: list[dict]) -> None:
    dialects = {"postgresql": postgresql, "sqlite": sqlite}
    insert = dialects[db.session.get_bind().dialect.name].insert(CustomerRfm.__table__)
    columns = [c for c in rows[0] if c != "customer_id"]
    statement = insert.on_conflict_do_update(
        index_elements=["customer_id"], set_={c: insert.excluded[c] for c in columns}
    )
    db.session.connection().execute(statement, rows)


def _use_computed_tiers(ids: list[int]) -> None:
    """customers.tier = their computed tier, for these customers (tier source "computed")."""
    table = Customer.__table__
    computed = (
        select(CustomerRfm.computed_tier)
        .where(CustomerRfm.customer_id == table.c.id)
        .scalar_subquery()
    )
    db.session.connection().execute(
        update(table)
        .where(table.c.id.in_(ids), table.c.tier.is_distinct_from(computed))
        .values(tier=computed, updated_at=utcnow())
    )


def compute(
    customer_ids: list[int] | None = None,
    now: datetime | None = None,
    *,
    commit: bool = False,
    stop: threading.Event | None = None,
) -> int:
    """Compute and store the RFM of these customers (None: every customer); returns how
    many. Writes; the caller commits, unless ``commit`` asks for a commit after each batch
    (the worker's run over everyone, so that no transaction holds the database long)."""
    now = now or utcnow()
    settings = settings_row()
    current, by_computed = settings.current(), settings.tier_source == "computed"
    type_ids = list(
        db.session.scalars(
            select(TouchpointType.id).where(
                or_(TouchpointType.counts_as_purchase, TouchpointType.counts_as_refund)
            )
        )
    )
    done = 0
    for ids in _batches(customer_ids):
        rows = []
        for customer_id, last, frequency, monetary in _figures(ids, type_ids, now):
            monetary = Decimal(str(monetary)).quantize(Decimal("0.01"))  # SQLite sums floats
            days = max((now - last).days, 0) if last is not None else None
            r = recency_score(days, current.r)
            f = at_least_score(frequency, current.f)
            rows.append(
                {
                    "customer_id": customer_id,
                    "recency_days": days,
                    "frequency": frequency,
                    "monetary": monetary,
                    "r": r,
                    "f": f,
                    "m": at_least_score(monetary, current.m),
                    "segment": segment(r, f, last is not None),
                    "computed_tier": computed_tier(monetary, frequency, current.tiers),
                    "computed_at": now,
                }
            )
        if rows:
            _upsert(rows)
            if by_computed:
                _use_computed_tiers(ids)
        done += len(rows)
        if commit:
            db.session.commit()
        if stop is not None and stop.is_set():
            break
    return done


def use_tier_source(source: str) -> None:
    """Rewrite every customer's tier for a new tier source: the tier last sent, or the
    computed one (None until computed). Answers and invitations keep the tier they had."""
    table = Customer.__table__
    if source == "sent":
        value = table.c.sent_tier
    else:
        value = (
            select(CustomerRfm.computed_tier)
            .where(CustomerRfm.customer_id == table.c.id)
            .scalar_subquery()
        )
    db.session.connection().execute(
        update(table).where(table.c.tier.is_distinct_from(value)).values(tier=value)
    )
    db.session.expire_all()


def on_purchase(event) -> None:
    """The worker's reaction to a purchase or refund: that customer's RFM again."""
    compute([event.customer_id])


def rfm_job(worker: str = "", stop: threading.Event | None = None) -> int:
    """The worker's run over every customer: at most once in RUN_EVERY, and again soon
    after the settings change. Claimed with one UPDATE, so one worker of many runs it."""
    settings_row()
    db.session.commit()
    now = utcnow()
    table = LoyaltySettings.__table__
    claimed = db.session.execute(
        update(table)
        .where(
            or_(
                table.c.rfm_run_at.is_(None),
                table.c.rfm_run_at <= now - RUN_EVERY,
                table.c.rfm_run_version.is_distinct_from(table.c.version),
            )
        )
        .values(rfm_run_at=now, rfm_run_version=table.c.version)
    ).rowcount
    db.session.commit()
    if not claimed:
        return 0
    done = compute(None, now, commit=True, stop=stop)
    if stop is not None and stop.is_set():  # cut short: the next worker starts it again
        db.session.execute(update(table).values(rfm_run_at=None))
        db.session.commit()
    return done
