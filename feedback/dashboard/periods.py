"""Periods in the manager's time zone, and how the summary tables cover them.

A period is a run of whole calendar days in the manager's zone. The summary tables count
days of REPORT_TIMEZONE: where the two zones agree, a period is a run of summary days;
where they do not, the summary days that fit inside are used and the hours left at each
end are read from the answers themselves ("edges"), so the counts are exact either way.
"""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app

#: the choices of the date-range filter; "custom" takes a start and an end date
RANGES = ("7d", "30d", "90d", "quarter", "year", "custom")
DEFAULT_RANGE = "30d"
#: a trend shows at least this many weeks or months
TREND_POINTS = 12
#: the longest period a manager can ask for, in days (keeps the raw edges bounded)
MAX_DAYS = 5 * 366
#: the first and last days a period may hold: the period before it, a year of trend and
#: a day either side for time zones must still be dates (Python's run from year 1 to 9999)
EARLIEST = date(1900, 1, 1)
LATEST = date(9998, 12, 31)
#: what a period is compared with (the API's ``comparison.kind``)
PREVIOUS_PERIOD = "previous_period"
SAME_SPAN_LAST_QUARTER = "same_span_last_quarter"
SAME_SPAN_LAST_YEAR = "same_span_last_year"


@dataclass(frozen=True)
class Period:
    """Days ``first`` to ``last`` (inclusive) in ``zone``."""

    first: date
    last: date
    zone: str
    #: what previous() compares with: this year and this quarter (to date) compare with the
    #: same days a year or a quarter back, other periods with as many days just before
    comparison: str = PREVIOUS_PERIOD

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def previous(self) -> Period:
        """The period this one is compared with (see ``comparison``)."""
        if self.comparison == SAME_SPAN_LAST_YEAR:
            first, last = _months_back(self.first, 12), _months_back(self.last, 12)
        elif self.comparison == SAME_SPAN_LAST_QUARTER:
            first = _months_back(self.first, 3)
            # A whole quarter compares with the whole quarter before (Jun 30: Mar 31).
            whole = (self.last + timedelta(days=1)).day == 1 and self.last.month % 3 == 0
            last = _months_back(self.last + timedelta(days=1), 3) - timedelta(days=1)
            if not whole:
                last = _months_back(self.last, 3)
        else:
            first = self.first - timedelta(days=self.days)
            last = self.first - timedelta(days=1)
        return Period(first, last, self.zone)

    def start(self) -> datetime:
        return midnight(self.first, self.zone)

    def end(self) -> datetime:
        return midnight(self.last + timedelta(days=1), self.zone)


def _months_back(day: date, months: int) -> date:
    """The same day ``months`` earlier, or the month's last day where it has fewer
    (29 February a year back is 28 February)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, monthrange(year, month + 1)[1]))


def midnight(day: date, zone: str) -> datetime:
    """The UTC instant the day starts in ``zone`` (the first valid time on DST days)."""
    local = datetime.combine(day, time(0), tzinfo=ZoneInfo(zone))
    # A zone that skips midnight (a few do at DST) starts the day at the next valid hour.
    utc = local.astimezone(UTC)
    if utc.astimezone(ZoneInfo(zone)).date() != day:
        utc = (local + timedelta(hours=1)).astimezone(UTC)
    return utc


def resolve(
    choice: str, today: date, zone: str, start: date | None = None, end: date | None = None
) -> Period:
    """The period a date-range choice means on ``today`` in ``zone``; a ValueError says
    why custom dates cannot make one."""
    if choice == "custom":
        if start is None or end is None:
            raise ValueError("a custom range needs a start and an end date")
        if start > end:
            raise ValueError("the start date is after the end date")
        if start < EARLIEST or end > LATEST:
            raise ValueError(f"the dates must lie between {EARLIEST} and {LATEST}")
        if (end - start).days + 1 > MAX_DAYS:
            raise ValueError(f"a range can be at most {MAX_DAYS} days")
        return Period(start, end, zone)
    if choice == "quarter":
        first = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
        return Period(first, today, zone, SAME_SPAN_LAST_QUARTER)
    if choice == "year":
        return Period(date(today.year, 1, 1), today, zone, SAME_SPAN_LAST_YEAR)
    days = {"7d": 7, "30d": 30, "90d": 90}[choice]
    return Period(today - timedelta(days=days - 1), today, zone)


def trend_periods(period: Period, interval: str) -> list[Period]:
    """Weeks (Monday to Sunday) or calendar months ending with the period's last day,
    covering the period and at least TREND_POINTS of them; the first and last may be cut
    by the range."""
    if interval == "week":
        starts = [period.last - timedelta(days=period.last.weekday())]
        while len(starts) < TREND_POINTS or starts[-1] > period.first:
            starts.append(starts[-1] - timedelta(days=7))
    else:
        starts = [period.last.replace(day=1)]
        while len(starts) < TREND_POINTS or starts[-1] > period.first:
            prev = starts[-1] - timedelta(days=1)
            starts.append(prev.replace(day=1))
    starts.reverse()
    first = min(starts[0], period.first)
    bounds = [*starts[1:], period.last + timedelta(days=1)]
    return [
        Period(max(s, first), b - timedelta(days=1), period.zone)
        for s, b in zip(starts, bounds, strict=True)
    ]


@dataclass
class Cover:
    """How to count a list of periods (buckets): whole summary days per bucket, and the
    stretches of time (UTC, end exclusive) per bucket to read from the answers."""

    days: list[tuple[int, date, date]] = field(default_factory=list)
    edges: list[tuple[int, datetime, datetime]] = field(default_factory=list)


def cover(periods: list[Period], report_zone: str) -> Cover:
    """Split each period into summary days of ``report_zone`` and raw edges."""
    result = Cover()
    for index, period in enumerate(periods):
        if period.zone == report_zone:
            result.days.append((index, period.first, period.last))
            continue
        start, end = period.start(), period.end()
        first = start.astimezone(ZoneInfo(report_zone)).date()
        if midnight(first, report_zone) < start:
            first += timedelta(days=1)
        last = end.astimezone(ZoneInfo(report_zone)).date() - timedelta(days=1)
        if first > last:
            result.edges.append((index, start, end))
            continue
        result.days.append((index, first, last))
        inner_start, inner_end = (
            midnight(first, report_zone),
            midnight(last + timedelta(days=1), report_zone),
        )
        if start < inner_start:
            result.edges.append((index, start, inner_start))
        if inner_end < end:
            result.edges.append((index, inner_end, end))
    return result


def report_zone() -> str:
    """The zone whose calendar days the summary tables count in (REPORT_TIMEZONE)."""
    return current_app.config["REPORT_TIMEZONE"]
