"""Complaint analysis: the cases opened in a period by the topics of the answer that opened
them, their resolution code and touchpoint, month by month; the median time to resolution
by topic; and the customers who complain again and again.

Cases follow the dashboard's touchpoint and tier filters through the case's own touchpoint
and tier, as queue health does. Times to resolution are wall-clock, from opening, counted
in the dashboard's duration buckets (dashboard/rollups.py), so a topic's median is read
the way queue health reads its own (scoring.histogram_median).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from sqlalchemy import and_, case, func, literal_column, select

from feedback import scoring
from feedback.complaints.models import Case, CaseEvent
from feedback.customers.models import Customer
from feedback.dashboard.answers import Filters
from feedback.dashboard.models import DURATION_BUCKETS, HISTOGRAM
from feedback.dashboard.periods import Period, trend_periods
from feedback.dashboard.queries import case_columns
from feedback.dashboard.rollups import duration_bucket
from feedback.extensions import db
from feedback.loyalty.definitions import REPEAT_COMPLAINTS, REPEAT_DAYS, within_days
from feedback.surveys.models import Response
from feedback.tagging.models import ResponseTopic

#: the topic of a case whose opening answer has no tagged comment (or that no answer opened)
NO_TOPIC = 0
#: the trend's series for the cases with a topic outside the top ones
OTHER = -1
#: the topics the monthly trend draws a line for, the most frequent first
TOP_TOPICS = 5
#: the column of cases without a resolution code (in the queue, or reopened)
UNRESOLVED = "unresolved"
#: repeat complainers shown on a page
REPEAT_PAGE = 50


@dataclass
class TopicMedian:
    """The time to resolution of one topic's cases resolved so far."""

    histogram: list[int] = field(default_factory=lambda: [0] * len(HISTOGRAM))

    @property
    def n(self) -> int:
        """The cases resolved, that the median is taken over."""
        return sum(self.histogram)

    @property
    def seconds(self) -> float | None:
        """The median in seconds; None from too few cases (scoring.too_few)."""
        if scoring.too_few(self.n):
            return None
        return scoring.histogram_median(self.histogram, DURATION_BUCKETS)

    @property
    def few(self) -> bool:
        """Shown, flagged "few cases" (scoring.few)."""
        return scoring.few(self.n)


@dataclass
class Analysis:
    """The complaint analysis of one period."""

    #: {(topic id or NO_TOPIC, resolution code value or UNRESOLVED, touchpoint id or 0): cases}
    by_topic: dict[tuple, int]
    #: the same of every case once, whatever its topics: {(code, touchpoint id): cases}
    all_cases: dict[tuple, int]
    #: the months of the trend (periods in the viewer's zone)
    months: list[Period]
    #: {series (topic id, NO_TOPIC or OTHER): cases per month}, the top topics first
    trend: dict[int, list[int]]
    #: cases opened in each month
    month_totals: list[int]
    #: {topic id or NO_TOPIC: TopicMedian}
    medians: dict[int, TopicMedian]

    @property
    def total(self) -> int:
        """The cases opened in the period, each once."""
        return sum(self.all_cases.values())

    def topic_totals(self) -> dict[int, int]:
        """Cases per topic, the most frequent first, "No topic" last of its count (a case counts
        once for each of its topics)."""
        totals: dict[int, int] = {}
        for (topic, _code, _touchpoint), n in self.by_topic.items():
            totals[topic] = totals.get(topic, 0) + n
        return dict(sorted(totals.items(), key=lambda t: (-t[1], t[0] == NO_TOPIC, t[0])))

    def count(self, topic: int | None = None, code=None, touchpoint=None) -> int:
        """Cases of a topic (None: every case once) with a code and on a touchpoint
        (None: any)."""
        source = self.all_cases if topic is None else self.by_topic
        return sum(
            n
            for key, n in source.items()
            if (topic is None or key[0] == topic)
            and (code is None or key[-2] == code)
            and (touchpoint is None or key[-1] == touchpoint)
        )


def _scope(filters: Filters) -> list:
    """The touchpoint and tier filters on the cases, as queue health applies them."""
    scope = Filters(touchpoint_type_id=filters.touchpoint_type_id, tier=filters.tier)
    return scope.conditions(case_columns(Case.__table__))


def _case_topics():
    """FROM cases, each joined to the topics of the answer that opened it: one row per
    case and topic, a topic id of NULL when it has none."""
    c, e, rt = Case.__table__, CaseEvent.__table__, ResponseTopic.__table__
    return c.outerjoin(e, and_(e.c.case_id == c.c.id, e.c.kind == "opened")).outerjoin(
        rt, rt.c.response_id == e.c.response_id
    )


def _opened(start, end, filters: Filters) -> list:
    c = Case.__table__
    return [c.c.opened_at >= start, c.c.opened_at < end, *_scope(filters)]


def analyse(period: Period, filters: Filters) -> Analysis:
    """The cases opened in the period by topic, code and touchpoint, the monthly trend of
    the top topics (months ending with the period's, as the dashboard's trend), and the
    median time to resolution by topic."""
    c = Case.__table__
    rt = ResponseTopic.__table__
    topic = func.coalesce(rt.c.topic_id, NO_TOPIC)
    touchpoint = func.coalesce(c.c.touchpoint_type_id, 0)
    within = _opened(period.start(), period.end(), filters)
    by_topic = {
        (topic_id, code.value if code else UNRESOLVED, touchpoint_id): n
        for topic_id, code, touchpoint_id, n in db.session.execute(
            select(topic, c.c.resolution_code, touchpoint, func.count(func.distinct(c.c.id)))
            .select_from(_case_topics())
            .where(*within)
            .group_by(topic, c.c.resolution_code, touchpoint)
        )
    }
    all_cases = {
        (code.value if code else UNRESOLVED, touchpoint_id): n
        for code, touchpoint_id, n in db.session.execute(
            select(c.c.resolution_code, touchpoint, func.count())
            .where(*within)
            .group_by(c.c.resolution_code, touchpoint)
        )
    }
    result = Analysis(by_topic, all_cases, [], {}, [], _medians(within))
    top = list(result.topic_totals())[:TOP_TOPICS]
    result.months = trend_periods(period, "month")
    result.trend, result.month_totals = _trend(result.months, filters, top)
    return result


def _trend(months: list[Period], filters: Filters, top: list[int]):
    """Cases per month of each top topic, and of the other topics (a case counts once in
    each line whose topic it has), and every case once per month."""
    c, rt = Case.__table__, ResponseTopic.__table__
    # Grouped by label: PostgreSQL will not match a CASE with parameters in the GROUP BY
    # to the same CASE in the SELECT (dashboard/queries.py does the same).
    opened = c.c.opened_at
    spans = [(and_(opened >= m.start(), opened < m.end()), i) for i, m in enumerate(months)]
    month = case(*spans, else_=-1).label("month")
    topic = func.coalesce(rt.c.topic_id, NO_TOPIC)
    series = case((topic.in_(top), topic), else_=OTHER).label("series") if top else None
    within = _opened(months[0].start(), months[-1].end(), filters)
    trend = {key: [0] * len(months) for key in (*top, OTHER)} if top else {}
    if top:
        for index, key, n in db.session.execute(
            select(month, series, func.count(func.distinct(c.c.id)))
            .select_from(_case_topics())
            .where(*within)
            .group_by(literal_column("month"), literal_column("series"))
        ):
            if index >= 0:
                trend[key][index] = n
    totals = [0] * len(months)
    for index, n in db.session.execute(
        select(month, func.count()).where(*within).group_by(literal_column("month"))
    ):
        if index >= 0:
            totals[index] = n
    if trend and not any(trend[OTHER]):
        del trend[OTHER]
    return trend, totals


def _medians(within: list) -> dict[int, TopicMedian]:
    """The histogram of the time from opening to resolution of each topic's cases resolved
    so far, of those opened in the period."""
    c, rt = Case.__table__, ResponseTopic.__table__
    dialect = db.session.get_bind().dialect.name
    took = literal_column(duration_bucket("cases", "resolved_at", dialect)).label("took")
    topic = func.coalesce(rt.c.topic_id, NO_TOPIC)
    result: dict[int, TopicMedian] = {}
    for topic_id, bucket, n in db.session.execute(
        select(topic, took, func.count(func.distinct(c.c.id)))
        .select_from(_case_topics())
        .where(*within, c.c.resolved_at.is_not(None))
        .group_by(topic, literal_column("took"))
    ):
        if bucket is not None:
            result.setdefault(topic_id, TopicMedian()).histogram[bucket] += n
    return result


@dataclass
class RepeatComplainer:
    """A row of the repeat complainers' list."""

    customer: Customer
    #: the most unhappy answers in any REPEAT_DAYS days holding one of the period's
    answers: int
    #: their latest unhappy answer in those windows (it may follow the period)
    latest: datetime
    #: their cases in the queue now
    open_cases: int


def repeat_complainers(
    period: Period, filters: Filters, offset: int = 0, limit: int = REPEAT_PAGE
) -> list[RepeatComplainer]:
    """Customers with REPEAT_COMPLAINTS or more unhappy answers within REPEAT_DAYS days of
    each other, one of them in the period (the dashboard's filters apply to the answers;
    the complaint follow-up counts, as an unhappy answer about a complaint): the most such
    answers first, then the most recent.

    Each unhappy answer starts a window of REPEAT_DAYS days; a customer counts when one of
    their windows holding an answer of the period holds two or more."""
    b, later = Response.__table__.alias("b"), Response.__table__.alias("c")
    scope = replace(filters, followup_survey_id=None)
    unhappy_b = literal_column(scoring.mood_sql("b")) == -1
    unhappy_later = literal_column(scoring.mood_sql("c")) == -1
    start, end = period.start(), period.end()
    in_period = and_(later.c.answered_at >= start, later.c.answered_at < end)
    windows = (
        select(
            b.c.customer_id,
            func.count().label("n"),
            func.sum(case((in_period, 1), else_=0)).label("inside"),
            func.max(later.c.answered_at).label("latest"),
        )
        .select_from(
            b.join(
                later,
                and_(
                    later.c.customer_id == b.c.customer_id,
                    later.c.answered_at >= b.c.answered_at,
                    within_days(later.c.answered_at, b.c.answered_at, REPEAT_DAYS),
                ),
            )
        )
        .where(
            b.c.answered_at >= start - timedelta(days=REPEAT_DAYS),
            b.c.answered_at < end,
            unhappy_b,
            unhappy_later,
            *scope.where(b),
            *scope.where(later),
        )
        # answered_at in the key (b.id alone is unique): grouped by the id, SQLite walks
        # every answer in id order to save a sort instead of the answered_at index.
        .group_by(b.c.customer_id, b.c.answered_at, b.c.id)
        .subquery("windows")
    )
    w = windows.c
    most = func.max(w.n)
    repeaters = (
        select(w.customer_id, most.label("answers"), func.max(w.latest).label("latest"))
        .where(w.inside > 0)
        .group_by(w.customer_id)
        .having(most >= REPEAT_COMPLAINTS)
        .subquery("repeaters")
    )
    open_cases = (
        select(func.count())
        .where(Case.customer_id == repeaters.c.customer_id, Case.in_queue())
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(Customer, repeaters.c.answers, repeaters.c.latest, open_cases)
        .join(repeaters, repeaters.c.customer_id == Customer.id)
        .order_by(repeaters.c.answers.desc(), repeaters.c.latest.desc(), Customer.id)
        .offset(offset)
        .limit(limit)
    )
    return [RepeatComplainer(*row) for row in rows]
