"""Business-hours arithmetic for complaint deadlines ("first response due = opened + 4h").

A business calendar is a time zone, weekly working hours, dates a manager has closed and,
optionally, a country's public holidays (with China's make-up workdays). Business time is
real elapsed time: an instant counts when its local wall-clock time falls in working hours
of an open day. So on a spring-forward day the skipped local hour is never worked, and on
a fall-back day the repeated local hour is worked twice. Results are aware UTC datetimes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from itertools import pairwise
from types import MappingProxyType
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

Interval = tuple[int, int]
"""Working hours of one day: [start, end) in local wall-clock minutes from midnight."""

MINUTES_PER_DAY = 24 * 60

DEFAULT_WEEKLY: Mapping[int, tuple[Interval, ...]] = MappingProxyType(
    {weekday: ((9 * 60, 18 * 60),) if weekday < 5 else () for weekday in range(7)}
)
"""Monday to Friday, 09:00 to 18:00."""

# A deadline search that finds no business time for this long gives up: every day closed.
_GIVE_UP_AFTER_DAYS = 3 * 366
# UTC offsets are probed this often and bisected where they differ. tzdata has no two
# offset changes this close together, so none can hide between two probes.
_PROBE = timedelta(hours=3)
_SECOND = timedelta(seconds=1)
_TICK = timedelta(microseconds=1)
_RANGE = re.compile(r"([0-9]{1,2}):([0-9]{2})\s*[-\u2013]\s*([0-9]{1,2}):([0-9]{2})")


class BusinessCalendar:
    """Working hours in a time zone, less closed dates and public holidays."""

    def __init__(
        self,
        timezone: str,
        weekly: Mapping[int, Sequence[Interval]] = DEFAULT_WEEKLY,
        closed_dates: Iterable[date] = (),
        country: str | None = None,
        subdivision: str | None = None,
    ) -> None:
        try:
            self.zone = ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone {timezone!r} (expected a name like Europe/London)"
            ) from None
        self.timezone = timezone
        unknown_days = set(weekly) - set(range(7))
        if unknown_days:
            raise ValueError(f"weekdays are 0 (Monday) to 6 (Sunday), not {unknown_days}")
        self._weekly = [tuple(_checked_day(weekly.get(day, ()))) for day in range(7)]
        # A make-up workday on a day off works the hours of the first weekday with any.
        self._standard = next((hours for hours in self._weekly if hours), ())
        self._closed = frozenset(closed_dates)
        self._holidays: holidays.HolidayBase | None = None
        if subdivision and not country:
            raise ValueError("a subdivision needs a country")
        if country:
            try:
                self._holidays = holidays.country_holidays(country, subdiv=subdivision)
            except NotImplementedError as error:  # how `holidays` reports an unknown code
                raise ValueError(
                    f"unknown country or subdivision for public holidays: {error}"
                ) from None

    def hours_on(self, day: date) -> list[Interval]:
        """The working hours of the local date ``day``; [] when it is closed."""
        if day in self._closed:
            return []
        hours = self._weekly[day.weekday()]
        if self._holidays is not None:
            if day in self._holidays:
                return []
            if not hours:
                # Lookups expand years lazily, and a December make-up day can belong to the
                # next year's holiday, so both years are expanded before asking.
                self._holidays.get(date(min(day.year + 1, 9999), 1, 1))
                if day in self._holidays.weekend_workdays:
                    hours = self._standard
        return list(hours)

    def is_open_day(self, day: date) -> bool:
        """Whether the local date ``day`` has any working hours."""
        return bool(self.hours_on(day))

    def is_open(self, moment: datetime) -> bool:
        """Whether ``moment`` (aware) falls in working hours."""
        local = _utc(moment).astimezone(self.zone)
        since_midnight = timedelta(
            hours=local.hour,
            minutes=local.minute,
            seconds=local.second,
            microseconds=local.microsecond,
        )
        return any(
            timedelta(minutes=start) <= since_midnight < timedelta(minutes=end)
            for start, end in self.hours_on(local.date())
        )

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """The first instant (UTC) by which ``duration`` of business time has passed since
        ``start``: ending at closing time gives the closing instant, not the next opening."""
        start = _utc(start)
        if duration < timedelta(0):
            raise ValueError("a business-time duration cannot be negative")
        if not duration:
            return start
        if not any(self._weekly):
            raise ValueError("the calendar has no working hours, so no deadline can be met")
        remaining = duration
        try:
            for opens, closes in self._stretches(start):
                if closes - opens >= remaining:
                    return opens + remaining
                remaining -= closes - opens
        except OverflowError:
            raise ValueError("the deadline falls beyond the year 9999") from None
        raise ValueError(
            f"no business time within {_GIVE_UP_AFTER_DAYS} days after {start:%Y-%m-%d}: "
            "is every day closed?"
        )

    def between(self, start: datetime, end: datetime) -> timedelta:
        """Business time in [start, end); zero when end is not after start."""
        start, end = _utc(start), _utc(end)
        if end <= start:
            return timedelta(0)
        return sum((closes - opens for opens, closes in self._stretches(start, end)), timedelta(0))

    def _stretches(
        self, start: datetime, end: datetime | None = None
    ) -> Iterator[tuple[datetime, datetime]]:
        """The business time from ``start`` (to ``end``) as ordered UTC [opens, closes).

        Walks UTC days, and within a day each run of constant UTC offset, where the local
        clock moves with UTC: the local dates a run shows are mapped back to UTC through its
        offset. So a skipped local hour yields nothing and a repeated one yields twice.
        Without ``end``, stops after a long run of days without business time.
        """
        day, idle_days = start.date(), 0
        while end is None or datetime.combine(day, time(), UTC) < end:
            idle_days += 1
            for run_start, run_end, offset in _constant_offset_runs(self.zone, day):
                first, last = (run_start + offset).date(), (run_end - _TICK + offset).date()
                for ordinal in range(first.toordinal(), last.toordinal() + 1):
                    local_day = date.fromordinal(ordinal)
                    midnight = datetime.combine(local_day, time(), UTC) - offset
                    for open_minute, close_minute in self.hours_on(local_day):
                        opens = max(run_start, start, midnight + timedelta(minutes=open_minute))
                        closes = min(run_end, midnight + timedelta(minutes=close_minute))
                        if end is not None:
                            closes = min(closes, end)
                        if opens < closes:
                            idle_days = 0
                            yield opens, closes
            if end is None and idle_days > _GIVE_UP_AFTER_DAYS:
                return
            day += timedelta(days=1)


def parse_day_hours(text: str) -> list[Interval]:
    """Working hours typed as "09:00-12:00, 13:00-18:00" ("" or "closed": none)."""
    text = text.strip()
    if not text or text.lower() == "closed":
        return []
    intervals = []
    for part in (part.strip() for part in text.split(",")):
        match = _RANGE.fullmatch(part)
        if not match:
            raise ValueError(f'"{part}" is not a time range like 09:00-18:00')
        start = _minute_of_day(match[1], match[2], part)
        end = _minute_of_day(match[3], match[4], part)
        if end <= start:
            raise ValueError(f'"{part}": the end must be after the start')
        intervals.append((start, end))
    return _checked_day(sorted(intervals))


def format_day_hours(intervals: Iterable[Interval]) -> str:
    """Working hours as text that :func:`parse_day_hours` reads back; "" when closed."""
    return ", ".join(f"{_clock(start)}-{_clock(end)}" for start, end in intervals)


def _checked_day(intervals: Iterable[Interval]) -> list[Interval]:
    intervals = [(int(start), int(end)) for start, end in intervals]
    for start, end in intervals:
        if not 0 <= start < end <= MINUTES_PER_DAY:
            raise ValueError(f"{_clock(start)}-{_clock(end)} is not a range within one day")
    for (start, end), (next_start, next_end) in pairwise(intervals):
        if next_start < end:
            raise ValueError(
                f"{_clock(start)}-{_clock(end)} and {_clock(next_start)}-{_clock(next_end)} "
                "overlap or are out of order"
            )
    return intervals


def _minute_of_day(hours: str, minutes: str, part: str) -> int:
    minute = int(hours) * 60 + int(minutes)
    if int(minutes) > 59 or minute > MINUTES_PER_DAY:
        raise ValueError(f'"{part}": {hours}:{minutes} is not a time of day (00:00 to 24:00)')
    return minute


def _clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{moment} has no time zone; business hours need an aware datetime")
    return moment.astimezone(UTC)


def _offset(zone: ZoneInfo, moment: datetime) -> timedelta:
    return moment.astimezone(zone).utcoffset() or timedelta(0)


@lru_cache(maxsize=4096)
def _constant_offset_runs(
    zone: ZoneInfo, day: date
) -> tuple[tuple[datetime, datetime, timedelta], ...]:
    """The UTC day ``day`` cut where ``zone``'s UTC offset changes: (start, end, offset)."""
    day_start = datetime.combine(day, time(), UTC)
    runs = []
    run_start = probed = day_start
    run_offset = _offset(zone, day_start)
    for step in range(1, timedelta(days=1) // _PROBE + 1):
        probe = day_start + step * _PROBE
        while _offset(zone, probe) != run_offset:
            change = _offset_change(zone, probed, probe, run_offset)
            runs.append((run_start, change, run_offset))
            run_start = probed = change
            run_offset = _offset(zone, change)
        probed = probe
    runs.append((run_start, day_start + timedelta(days=1), run_offset))
    return tuple(run for run in runs if run[0] < run[1])


def _offset_change(
    zone: ZoneInfo, before: datetime, after: datetime, offset: timedelta
) -> datetime:
    # Bisection to the second is exact: offsets change on whole UTC seconds, and both
    # bounds are whole seconds.
    while after - before > _SECOND:
        middle = before + (after - before) // _SECOND // 2 * _SECOND
        if _offset(zone, middle) == offset:
            before = middle
        else:
            after = middle
    return after
