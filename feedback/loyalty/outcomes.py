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
from feedback.surveys.models import SurveyKind

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


def _group(kinds: tuple[str, ...], kind, score):
    """SQL: the answer's score group (definitions.GROUPS, by scoring.MOOD_BOUNDS)."""
    whens = []
    for name in kinds:
        unhappy_max, happy_min = scoring.MOOD_BOUNDS[name]
        groups, of_kind = GROUPS[name], kind == SurveyKind(name)
        whens += [
            (and_(of_kind, score <= unhappy_max), groups[-1]),
            (and_(of_kind, score >= happy_min), groups[1]),
            (of_kind, groups[0]),
        ]
    return case(*whens)


def _bucket():
    """SQL: what became of the case an answer is on (RECOVERY), on the joined cases row."""
    resolved = Case.resolved_at.is_not(None)
    return case(
        (Case.id.is_(None), "no_case"),
        # the complaints' own on-time rule, on the joined "cases" row
        (and_(resolved, text(Case.on_time_sql(Case.__tablename__))), "on_time"),
        (resolved, "late"),
        else_="not_resolved",
    )


@dataclass(frozen=True)
class Figures:
    """Return by group for each kind asked for, and service recovery (NPS detractors)."""

    outcomes: dict[str, Outcome]
    recovery: dict[str, Returns]


def figures(
    period: Period, filters: Filters, window: int, now: datetime, kinds: tuple[str, ...]
) -> Figures:
    """Who returned within ``window`` days, per score group of their latest answer of each
    kind in the period, and NPS detractors by what became of their case: one GROUP BY over
    the period's latest answers (by kind, group and case outcome). Answers whose W days
    have not passed are only counted as too early."""
    kinds = tuple(dict.fromkeys((*kinds, "nps")))  # recovery needs the NPS answers
    a = with_return(latest_answers(period, filters, kinds), window, now).subquery("answers")
    counted = a.c.too_early == 0
    group, bucket = _group(kinds, a.c.kind, a.c.score).label("grp"), _bucket().label("bucket")
    rows = db.session.execute(
        select(
            a.c.kind,
            group,
            bucket,
            func.count().label("answers"),
            func.sum(case((counted, 1), else_=0)).label("customers"),
            func.sum(case((counted, a.c.returned), else_=0)).label("returned"),
            func.sum(case((counted, a.c.value_after), else_=literal(0))).label("value_after"),
        )
        .select_from(a)
        .outerjoin(CaseResponse, CaseResponse.response_id == a.c.response_id)
        .outerjoin(Case, Case.id == CaseResponse.case_id)
        .group_by(a.c.kind, group, bucket)
    ).all()
    by_group: dict[tuple, list] = {}
    for row in rows:
        by_group.setdefault((SurveyKind(row.kind).value, row.grp), []).append(row)
    found = {kind: _outcome(kind, window, by_group) for kind in kinds}
    detractors = {row.bucket: row for row in by_group.get(("nps", GROUPS["nps"][-1]), [])}
    return Figures(
        found,
        {name: _returns(detractors.get(name)) for name in RECOVERY},
    )


def _returns(*rows) -> Returns:
    """The customers (W days passed) of some rows of figures()' query, and what they did."""
    rows = [row for row in rows if row is not None]
    return Returns(
        sum(row.customers for row in rows),
        sum(row.returned for row in rows),
        sum((Decimal(row.value_after or 0) for row in rows), Decimal(0)),
    )


def _outcome(kind: str, window: int, by_group: dict[tuple, list]) -> Outcome:
    names = GROUPS[kind]
    groups = {
        name: _returns(*by_group.get((kind, name), [])) for name in (names[1], names[0], names[-1])
    }
    answers = sum(row.answers for name in names.values() for row in by_group.get((kind, name), []))
    early = answers - sum(returns.customers for returns in groups.values())
    happy, unhappy = groups[names[1]], groups[names[-1]]
    difference = None
    if happy.customers and unhappy.customers:
        difference = Difference(
            happy.rate - unhappy.rate,
            intervals.newcombe(
                happy.returned, happy.customers, unhappy.returned, unhappy.customers
            ),
        )
    return Outcome(kind, window, groups, early, difference)


def return_by_group(
    period: Period, filters: Filters, kind: str, window: int, now: datetime
) -> Outcome:
    """Who returned within ``window`` days, per score group of their latest ``kind`` answer
    in the period (see figures())."""
    return figures(period, filters, window, now, (kind,)).outcomes[kind]


def recovery(period: Period, filters: Filters, window: int, now: datetime) -> dict[str, Returns]:
    """NPS detractors whose W days have passed, by what became of the case their answer is
    on (RECOVERY): resolved with the first response on time, resolved late, not resolved
    (still in the queue), no case."""
    return figures(period, filters, window, now, ("nps",)).recovery


def default_quarter(today: date, window: int, zone: str) -> Period:
    """The last full calendar quarter whose answers have all had their W days: its end
    (midnight after its last day) plus W days is not after ``today``."""
    first = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    while True:
        last = first - timedelta(days=1)
        first = date(last.year, last.month - 2, 1)
        if last + timedelta(days=1 + window) <= today:
            return Period(first, last, zone)
