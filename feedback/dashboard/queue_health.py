"""How well the queue keeps its promises: open and overdue cases now, and for the cases
opened in a period, first responses on time and the median times, by priority and agent.

The period's figures come from the case_days summary (its medians from duration
histograms); the open cases are counted as they stand.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cache

from sqlalchemy import Date, and_, bindparam, case, func, literal_column, select

from feedback.complaints.models import ACTIVE_STATUSES, Case
from feedback.customers.models import Customer
from feedback.dashboard.models import DURATION_BUCKETS, CaseDay
from feedback.dashboard.periods import Period, cover
from feedback.dashboard.rebuild import case_metrics
from feedback.extensions import db
from feedback.scoring import histogram_median

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

    def add(self, other: Row) -> None:
        for name in (
            "open",
            "overdue",
            "opened",
            "responded",
            "on_time",
            "waiting_late",
            "resolved",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.first_response = [
            a + b for a, b in zip(self.first_response, other.first_response, strict=True)
        ]
        self.resolution = [a + b for a, b in zip(self.resolution, other.resolution, strict=True)]

    def count(self, counts: list) -> None:
        """Add a row of COUNTED and HISTOGRAMS sums."""
        self.opened += int(counts[0] or 0)
        self.responded += int(counts[1] or 0)
        self.on_time += int(counts[2] or 0)
        self.resolved += int(counts[3] or 0)
        fr, res = counts[4 : 4 + BUCKETS], counts[4 + BUCKETS :]
        self.first_response = [
            a + int(b or 0) for a, b in zip(self.first_response, fr, strict=True)
        ]
        self.resolution = [a + int(b or 0) for a, b in zip(self.resolution, res, strict=True)]


COUNTED = ("opened", "responded", "on_time", "resolved")
HISTOGRAMS = [f"fr{i}" for i in range(BUCKETS)] + [f"res{i}" for i in range(BUCKETS)]


def _scope(touchpoint_type_id: int | None, tier: str | None) -> list:
    conditions = []
    if touchpoint_type_id is not None:
        conditions.append(Case.touchpoint_type_id == touchpoint_type_id)
    if tier is not None:
        conditions.append(
            Case.customer_id.in_(
                select(Customer.id).where(func.coalesce(Customer.tier, "") == tier)
            )
        )
    return conditions


def queue_health(
    period: Period,
    now: datetime,
    report_zone: str,
    touchpoint_type_id: int | None = None,
    tier: str | None = None,
) -> dict[str, dict]:
    """{"priority": {priority: Row}, "agent": {user id or 0: Row}, "total": Row}, the most
    pressing priority first and agents by id (0, nobody, first).

    Each source is read once by (priority, owner) and added up here both ways. The summary
    has no touchpoint or tier: with those filters the cases are read.
    """
    scope = _scope(touchpoint_type_id, tier)
    cells: dict[tuple, Row] = {}
    for priority, owner, *counts in _period_counts(period, report_zone, scope):
        cells.setdefault((priority, owner or 0), Row()).count(counts)
    params = {"now": now, "start": period.start(), "end": period.end()}
    statement = _open_cases(tuple(scope)) if scope else _open_cases_everywhere()
    for priority, owner_id, n, overdue, late in db.session.execute(statement, params):
        row = cells.setdefault((priority, owner_id), Row())
        row.open, row.overdue, row.waiting_late = n, int(overdue or 0), int(late or 0)
    result: dict[str, dict] = {"priority": {}, "agent": {}}
    for (priority, _owner), row in sorted(cells.items(), key=lambda kv: kv[0][0].rank):
        result["priority"].setdefault(priority, Row()).add(row)
    for (_priority, owner_id), row in sorted(cells.items(), key=lambda kv: kv[0][1]):
        result["agent"].setdefault(owner_id, Row()).add(row)
    total = Row()
    for row in result["priority"].values():
        total.add(row)
    result["total"] = total
    return result


def _open_cases(scope: tuple):
    """Cases in the queue now by (priority, owner or 0): how many, how many overdue, and
    how many opened in the period still wait past their first-response deadline."""
    # untyped: each takes the type of the column it is compared with (UTCDateTime)
    now, start, end = bindparam("now"), bindparam("start"), bindparam("end")
    owner = func.coalesce(Case.owner_id, 0)
    in_period = and_(Case.opened_at >= start, Case.opened_at < end)
    waiting = and_(Case.first_responded_at.is_(None), Case.first_response_due_at <= now, in_period)
    return (
        select(
            Case.priority,
            owner,
            func.count(),
            func.sum(case((Case.is_overdue(now), 1), else_=0)),
            func.sum(case((waiting, 1), else_=0)),
        )
        .where(Case.status.in_(ACTIVE_STATUSES), *scope)
        .group_by(Case.priority, owner)
    )


@cache
def _open_cases_everywhere():
    return _open_cases(())


@cache
def _case_days():
    t = CaseDay.__table__
    first, last = bindparam("first", type_=Date), bindparam("last", type_=Date)
    return (
        select(
            t.c.priority, t.c.owner_id, *[func.sum(t.c[name]) for name in (*COUNTED, *HISTOGRAMS)]
        )
        .where(t.c.day.between(first, last))
        .group_by(t.c.priority, t.c.owner_id)
    )


def _period_counts(period: Period, report_zone: str, scope: list):
    """(priority, owner, counts...) rows: summary days, and the cases themselves at the
    edges (or everywhere when filtered by touchpoint or tier)."""
    if scope:
        edges = [(0, period.start(), period.end())]
        days = []
    else:
        where = cover([period], report_zone)
        edges, days = where.edges, where.days
    sums = (*COUNTED, *HISTOGRAMS)
    for _i, first, last in days:  # one period: at most one stretch of whole days
        yield from db.session.execute(_case_days(), {"first": first, "last": last})
    if not edges:
        return
    metrics = case_metrics("cases", db.session.get_bind().dialect.name)
    owner = func.coalesce(Case.owner_id, 0)
    for _i, start, end in edges:
        yield from db.session.execute(
            select(
                Case.priority, owner, *[func.sum(literal_column(metrics[name])) for name in sums]
            )
            .where(Case.opened_at >= start, Case.opened_at < end, *scope)
            .group_by(Case.priority, owner)
        )
