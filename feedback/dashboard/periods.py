"""Periods in the manager's time zone, and how the summary tables cover them.

A period is a run of whole calendar days in the manager's zone. The summary tables count
days of REPORT_TIMEZONE: where the two zones agree, a period is a run of summary days;
where they do not, the summary days that fit inside are used and the hours left at each
end are read from the answers themselves ("edges"), so the counts are exact either way.
"""

from __future__ import annotations

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


@dataclass(frozen=True)
class Period:
    """Days ``first`` to ``last`` (inclusive) in ``zone``."""

    first: date
    last: date
    zone: str

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def previous(self) -> Period:
        """The period of the same length just before this one."""
        return Period(
            self.first - timedelta(days=self.days), self.first - timedelta(days=1), self.zone
        )

    def start(self) -> datetime:
        return midnight(self.first, self.zone)

    def end(self) -> datetime:
        return midnight(self.last + timedelta(days=1), self.zone)


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
    """The period a date-range choice means on ``today`` in ``zone``."""
    if choice == "custom":
        if start is None or end is None:
            raise ValueError("a custom range needs a start and an end date")
        if start > end:
            raise ValueError("the start date is after the end date")
        if (end - start).days + 1 > MAX_DAYS:
            raise ValueError(f"a range can be at most {MAX_DAYS} days")
        return Period(start, end, zone)
    if choice == "quarter":
        return Period(date(today.year, 3 * ((today.month - 1) // 3) + 1, 1), today, zone)
    if choice == "year":
        return Period(date(today.year, 1, 1), today, zone)
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
