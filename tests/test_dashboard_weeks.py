"""Periods split into the days and the whole weeks the weekly summaries are read for."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from feedback.dashboard.periods import by_week


def _days_of(spans, weeks=False) -> list[tuple[int, date]]:
    days = []
    for index, first, last in spans:
        end = last + timedelta(days=6) if weeks else last
        days += [(index, first + timedelta(days=n)) for n in range((end - first).days + 1)]
    return days


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(st.dates(date(2020, 1, 1), date(2030, 1, 1)), st.integers(0, 120)),
        max_size=4,
    )
)
def test_days_and_weeks_cover_each_span_once(starts):
    """Every day of every span is read exactly once, by day or in a whole Monday-to-Sunday
    week inside the span, and only the days before the first Monday and after the last
    Sunday are read by day."""
    spans = [(i, first, first + timedelta(days=length)) for i, (first, length) in enumerate(starts)]
    days, weeks = by_week(spans)
    assert all(first.weekday() == 0 and last.weekday() == 0 for _i, first, last in weeks)
    assert all(first <= last for _i, first, last in days + weeks)
    covered = _days_of(days) + _days_of(weeks, weeks=True)
    assert sorted(covered) == sorted(_days_of(spans))
    for index, first, last in spans:
        whole_weeks = sum(
            1
            for d in range((last - first).days + 1)
            if (first + timedelta(d)).weekday() == 0 and first + timedelta(d + 6) <= last
        )
        by_day = sum((b - a).days + 1 for i, a, b in days if i == index)
        assert by_day == (last - first).days + 1 - 7 * whole_weeks
        assert by_day <= 12 or not whole_weeks


def test_thirty_days_of_november_2026():
    """1-30 November 2026 (a Sunday to a Monday): the Sunday and the Monday by day, four
    weeks between."""
    days, weeks = by_week([(0, date(2026, 11, 1), date(2026, 11, 30))])
    assert days == [
        (0, date(2026, 11, 1), date(2026, 11, 1)),
        (0, date(2026, 11, 30), date(2026, 11, 30)),
    ]
    assert weeks == [(0, date(2026, 11, 2), date(2026, 11, 23))]


def test_a_span_without_a_whole_week_stays_by_day():
    days, weeks = by_week([(3, date(2026, 12, 2), date(2026, 12, 8))])  # Wednesday to Tuesday
    assert (days, weeks) == ([(3, date(2026, 12, 2), date(2026, 12, 8))], [])
