"""How well the queue keeps its promises: open and overdue cases now, and for the cases
opened in a period, first responses on time and the median times, by priority and agent.

The period's figures come from the case_days summary (its medians from duration
histograms); the open cases are counted as they stand.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cache

from sqlalchemy import and_, bindparam, case, func, literal_column, select

from feedback.complaints.models import Case
from feedback.customers.models import Customer
from feedback.dashboard.models import DURATION_BUCKETS, CaseDay
from feedback.dashboard.periods import Period, cover
from feedback.dashboard.queries import (
    _by_day_and_week,
    _day_ranges,
    _sums,
    _weekly_params,
    column_sums,
)
from feedback.dashboard.reads import Batch, Later
from feedback.dashboard.rebuild import case_metrics
from feedback.scoring import histogram_median
from feedback.timeutil import UTCDateTime

BUCKETS = len(DURATION_BUCKETS) + 1


@dataclass
class Row:
    """One priority's or one agent's figures; times in seconds."""

    open: int = 0
    overdue: int = 0
    opened: int = 0
    responded: int = 0
    on_time: int = 0
    #: opened in the period, not answered yet and past the first-response deadline
    waiting_late: int = 0
    resolved: int = 0
    first_response: list[int] = field(default_factory=lambda: [0] * BUCKETS)
    resolution: list[int] = field(default_factory=lambda: [0] * BUCKETS)

    @property
    def late(self) -> int:
        return self.responded - self.on_time + self.waiting_late

    @property
    def on_time_percent(self) -> float | None:
        judged = self.on_time + self.late
        return 100.0 * self.on_time / judged if judged else None

    @property
    def median_first_response(self) -> float | None:
        return histogram_median(self.first_response, DURATION_BUCKETS)

    @property
    def median_resolution(self) -> float | None:
        return histogram_median(self.resolution, DURATION_BUCKETS)

    @classmethod
    def of(cls, counts: list[list], now: list[tuple[int, int, int]]) -> Row:
        """A row from its COUNTED and HISTOGRAMS sums (of summary rows and cases) and its
        open cases (how many, overdue, waiting late)."""
        c = column_sums(counts) if counts else [0] * (len(COUNTED) + 2 * BUCKETS)
        n, overdue, late = column_sums(now) if now else (0, 0, 0)
        return cls(
            open=n,
            overdue=overdue,
            opened=c[0],
            responded=c[1],
            on_time=c[2],
            waiting_late=late,
            resolved=c[3],
            first_response=c[4 : 4 + BUCKETS],
            resolution=c[4 + BUCKETS :],
        )


COUNTED = ("opened", "responded", "on_time", "resolved")
HISTOGRAMS = [f"fr{i}" for i in range(BUCKETS)] + [f"res{i}" for i in range(BUCKETS)]


def queue_health(
    batch: Batch,
    period: Period,
    now: datetime,
    report_zone: str,
    touchpoint_type_id: int | None = None,
    tier: str | None = None,
) -> Later[dict[str, dict]]:
    """{"priority": {priority: Row}, "agent": {user id or 0: Row}, "total": Row}, the most
    pressing priority first and agents by id (0, nobody, first).

    Each source is read once by (priority, owner) and added up here both ways. The summary
    has no touchpoint or tier: with those filters the cases are read.
    """
    scope = {
        name: value
        for name, value in (("touchpoint_type_id", touchpoint_type_id), ("tier", tier))
        if value is not None
    }
    shape = tuple(scope)
    counts = []
    if scope:
        edges = [(0, period.start(), period.end())]
    else:
        where = cover([period], report_zone)
        edges = where.edges
        if where.days:  # one period: at most one stretch of whole days
            spans, values = _weekly_params(where.days)
            counts.append(batch.add(_case_days(spans), values, generic=True))
    dialect = batch.dialect.name
    for _i, start, end in edges:
        statement = _cases_opened(shape, dialect)
        counts.append(batch.add(statement, {"start": start, "end": end, **scope}))
    values = {"now": now, "start": period.start(), "end": period.end(), **scope}
    # the cases in the queue by their index, whatever the values: a generic plan will do
    open_cases = batch.add(_open_cases(shape), values, generic=True)

    def result() -> dict[str, dict]:
        counted: dict[tuple, list[list]] = {}
        for read in counts:
            for priority, owner, *sums in batch.rows(read):
                counted.setdefault((priority, owner or 0), []).append(sums)
        open_now: dict[tuple, list[tuple]] = {}
        for priority, owner_id, n, overdue, late in batch.rows(open_cases):
            key = (priority, owner_id)
            open_now.setdefault(key, []).append((n, int(overdue or 0), int(late or 0)))
        return _added_up(counted, open_now)

    return result


def _added_up(counted: dict[tuple, list[list]], open_now: dict[tuple, list[tuple]]) -> dict:
    cells = counted.keys() | open_now.keys()

    def rows(part: int, order) -> dict:
        """Rows by one part of the (priority, owner) keys, summed once each."""
        groups: dict = {}
        for key in cells:
            groups.setdefault(key[part], []).append(key)
        return {
            value: Row.of(
                [c for key in keys for c in counted.get(key, ())],
                [n for key in keys for n in open_now.get(key, ())],
            )
            for value, keys in sorted(groups.items(), key=lambda item: order(item[0]))
        }

    return {
        "priority": rows(0, lambda priority: priority.rank),
        "agent": rows(1, lambda owner_id: owner_id),
        "total": Row.of(
            [c for lists in counted.values() for c in lists],
            [n for lists in open_now.values() for n in lists],
        ),
    }


def _scope(shape: tuple[str, ...]) -> list:
    """Cases of a touchpoint, of customers in a tier: bound as queue_health names them."""
    conditions = []
    if "touchpoint_type_id" in shape:
        conditions.append(Case.touchpoint_type_id == bindparam("touchpoint_type_id"))
    if "tier" in shape:
        tiered = select(Customer.id).where(func.coalesce(Customer.tier, "") == bindparam("tier"))
        conditions.append(Case.customer_id.in_(tiered))
    return conditions


@cache
def _open_cases(shape: tuple[str, ...]):
    """Cases in the queue now by (priority, owner or 0): how many, how many overdue, and
    how many opened in the period still wait past their first-response deadline."""
    now = bindparam("now", type_=UTCDateTime)
    start = bindparam("start", type_=UTCDateTime)
    end = bindparam("end", type_=UTCDateTime)
    owner = func.coalesce(Case.owner_id, 0)
    in_period = and_(Case.opened_at >= start, Case.opened_at < end)
    waiting = and_(Case.first_responded_at.is_(None), Case.first_response_due_at <= now, in_period)
    return (
        select(
            Case.priority,
            owner,
            func.count(),
            func.sum(case((Case.deadline_passed(now), 1), else_=0)),
            func.sum(case((waiting, 1), else_=0)),
        )
        .where(Case.in_queue(), *_scope(shape))
        .group_by(Case.priority, owner)
    )


@cache
def _case_days(counts: tuple[int, int]):
    """The period's whole days from case_days and its whole weeks from case_weeks."""

    def part(t, spans):
        return select(
            t.c.priority, t.c.owner_id, *[t.c[name] for name in (*COUNTED, *HISTOGRAMS)]
        ).where(_day_ranges(t.c.day, spans))

    return _sums(_by_day_and_week(CaseDay.__table__, counts, part), 2)


@cache
def _cases_opened(shape: tuple[str, ...], dialect: str):
    """The period's counts from the cases themselves: at the edges of summary days, or
    everywhere when filtered by touchpoint or tier."""
    metrics = case_metrics("cases", dialect)
    owner = func.coalesce(Case.owner_id, 0)
    start = bindparam("start", type_=UTCDateTime)
    end = bindparam("end", type_=UTCDateTime)
    return (
        select(
            Case.priority,
            owner,
            *[func.sum(literal_column(metrics[name])) for name in (*COUNTED, *HISTOGRAMS)],
        )
        .where(Case.opened_at >= start, Case.opened_at < end, *_scope(shape))
        .group_by(Case.priority, owner)
    )
