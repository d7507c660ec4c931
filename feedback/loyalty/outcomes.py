"""What customers did after their answer: return by score group, with Wilson intervals and
the happy-minus-unhappy difference (Newcombe), and service recovery (do detractors whose
complaint was handled well come back?). Each figure set is one GROUP BY over
with_return(latest_answers(...)); the rules are in definitions.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func, literal, select, text

from feedback import intervals, scoring
from feedback.complaints.models import Case, CaseResponse
from feedback.dashboard.answers import Filters
from feedback.dashboard.periods import Period
from feedback.extensions import db
from feedback.loyalty.answers import latest_answers, with_return
from feedback.loyalty.definitions import GROUPS

#: what happened to a detractor's complaint, best first
RECOVERY = ("on_time", "late", "not_resolved", "no_case")
RECOVERY_LABELS = {
    "on_time": _l("Resolved, first response on time"),
    "late": _l("Resolved, first response late"),
    "not_resolved": _l("Not resolved"),
    "no_case": _l("No case"),
}


@dataclass(frozen=True)
class Returns:
    """Customers of one group whose W days have passed, and what they did."""

    customers: int
    returned: int
    #: purchases less refunds in the W days after the answer, all customers together
    value_after: Decimal = Decimal(0)

    @property
    def rate(self) -> float | None:
        """The share who returned, 0-1 (None without customers)."""
        return self.returned / self.customers if self.customers else None

    @property
    def interval(self) -> intervals.Interval | None:
        """Wilson's 95% interval of the rate."""
        if not self.customers:
            return None
        return intervals.Interval(*intervals.wilson(self.returned, self.customers))

    @property
    def churn(self) -> float | None:
        """The share who bought nothing in the W days."""
        return None if self.rate is None else 1 - self.rate

    @property
    def churn_interval(self) -> intervals.Interval | None:
        """The rate's interval turned around: churn is its complement."""
        found = self.interval
        return None if found is None else intervals.Interval(1 - found.high, 1 - found.low)

    @property
    def value_mean(self) -> Decimal | None:
        """Value after the answer per customer."""
        return self.value_after / self.customers if self.customers else None

    @property
    def too_few(self) -> bool:
        """Too few customers to show a figure (the house's small-n rule)."""
        return scoring.too_few(self.customers)

    @property
    def few(self) -> bool:
        """Few customers: the figure shows, flagged."""
        return scoring.few(self.customers)


@dataclass(frozen=True)
class Difference:
    """The happy group's return rate minus the unhappy group's, as a fraction."""

    value: float
    interval: intervals.Interval

    @property
    def significant(self) -> bool:
        """The interval excludes 0: not noise."""
        return self.interval.excludes_zero


@dataclass(frozen=True)
class Outcome:
    """Return by group for one kind of answer."""

    kind: str
    window: int
    #: GROUPS[kind] order: happy, neutral, unhappy
    groups: dict[str, Returns]
    #: customers whose W days have not passed: neither returned nor churned yet
    too_early: int
    difference: Difference | None

    @property
    def happy(self) -> str:
        """The happy group's name (promoters, satisfied, easy)."""
        return GROUPS[self.kind][1]

    @property
    def unhappy(self) -> str:
        """The unhappy group's name (detractors, dissatisfied, hard)."""
        return GROUPS[self.kind][-1]


def _group(kind: str, score):
    """SQL: the answer's score group (definitions.GROUPS, by scoring.MOOD_BOUNDS)."""
    unhappy_max, happy_min = scoring.MOOD_BOUNDS[kind]
    names = GROUPS[kind]
    return case((score <= unhappy_max, names[-1]), (score >= happy_min, names[1]), else_=names[0])


def _answers(period: Period, filters: Filters, kind: str, window: int, now: datetime):
    return with_return(latest_answers(period, filters, kind), window, now).subquery("answers")


def return_by_group(
    period: Period, filters: Filters, kind: str, window: int, now: datetime
) -> Outcome:
    """Who returned within ``window`` days, per score group of their latest ``kind`` answer
    in the period; answers whose W days have not passed are only counted as too early."""
    a = _answers(period, filters, kind, window, now)
    counted = a.c.too_early == 0
    group = _group(kind, a.c.score).label("grp")
    rows = db.session.execute(
        select(
            group,
            func.count().label("answers"),
            func.sum(case((counted, 1), else_=0)).label("customers"),
            func.sum(case((counted, a.c.returned), else_=0)).label("returned"),
            func.sum(case((counted, a.c.value_after), else_=literal(0))).label("value_after"),
        ).group_by(group)
    ).all()
    found = {row.grp: row for row in rows}
    groups, early = {}, 0
    for name in (GROUPS[kind][1], GROUPS[kind][0], GROUPS[kind][-1]):
        row = found.get(name)
        if row is None:
            groups[name] = Returns(0, 0)
            continue
        early += row.answers - row.customers
        groups[name] = Returns(row.customers, row.returned, Decimal(row.value_after or 0))
    happy, unhappy = groups[GROUPS[kind][1]], groups[GROUPS[kind][-1]]
    difference = None
    if happy.customers and unhappy.customers:
        difference = Difference(
            happy.rate - unhappy.rate,
            intervals.newcombe(
                happy.returned, happy.customers, unhappy.returned, unhappy.customers
            ),
        )
    return Outcome(kind, window, groups, early, difference)


def recovery(period: Period, filters: Filters, window: int, now: datetime) -> dict[str, Returns]:
    """NPS detractors whose W days have passed, by what became of the case their answer is
    on (RECOVERY): resolved with the first response on time, resolved late, not resolved
    (still in the queue), no case."""
    a = _answers(period, filters, "nps", window, now)
    unhappy_max = scoring.MOOD_BOUNDS["nps"][0]
    resolved = Case.resolved_at.is_not(None)
    bucket = case(
        (Case.id.is_(None), "no_case"),
        # the complaints' own on-time rule, on the joined "cases" row
        (and_(resolved, text(Case.on_time_sql(Case.__tablename__))), "on_time"),
        (resolved, "late"),
        else_="not_resolved",
    ).label("bucket")
    rows = db.session.execute(
        select(
            bucket,
            func.count().label("customers"),
            func.sum(a.c.returned).label("returned"),
            func.sum(a.c.value_after).label("value_after"),
        )
        .select_from(a)
        .outerjoin(CaseResponse, CaseResponse.response_id == a.c.response_id)
        .outerjoin(Case, Case.id == CaseResponse.case_id)
        .where(a.c.too_early == 0, a.c.score <= unhappy_max)
        .group_by(bucket)
    ).all()
    found = {row.bucket: row for row in rows}
    return {
        name: Returns(row.customers, row.returned, Decimal(row.value_after or 0))
        if (row := found.get(name))
        else Returns(0, 0)
        for name in RECOVERY
    }


def default_quarter(today: date, window: int, zone: str) -> Period:
    """The last full calendar quarter whose answers have all had their W days: its end
    (midnight after its last day) plus W days is not after ``today``."""
    first = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    while True:
        last = first - timedelta(days=1)
        first = date(last.year, last.month - 2, 1)
        if last + timedelta(days=1 + window) <= today:
            return Period(first, last, zone)
