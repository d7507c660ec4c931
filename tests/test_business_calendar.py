"""Business-hours arithmetic: checked against a minute-by-minute oracle, then by hand."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from feedback.complaints.calendar import (
    DEFAULT_WEEKLY,
    BusinessCalendar,
    format_day_hours,
    parse_day_hours,
)

MINUTE = timedelta(minutes=1)
WINDOW_MINUTES = 7 * 24 * 60  # how far the oracle walks from each start

ZONES = ["America/New_York", "Europe/London", "Australia/Lord_Howe", "Asia/Shanghai", "UTC"]
COUNTRIES = [None, "CN", "US", "GB"]
# UTC dates the random starts cluster around (clock changes and holidays of 2026), with
# the zone and country that make them interesting; others are drawn too.
ANCHORS = [
    (date(2026, 3, 8), "America/New_York", "US"),  # clocks go forward
    (date(2026, 11, 1), "America/New_York", "US"),  # clocks go back
    (date(2026, 3, 29), "Europe/London", "GB"),  # clocks go forward
    (date(2026, 10, 25), "Europe/London", "GB"),  # clocks go back
    (date(2026, 4, 5), "Australia/Lord_Howe", None),  # clocks go back half an hour
    (date(2026, 10, 4), "Australia/Lord_Howe", None),  # clocks go forward half an hour
    (date(2026, 2, 14), "Asia/Shanghai", "CN"),  # make-up Saturday, then Chinese New Year
    (date(2026, 10, 10), "Asia/Shanghai", "CN"),  # after National Day, a make-up Saturday
    (date(2026, 1, 4), "Asia/Shanghai", "CN"),  # make-up Sunday
    (date(2026, 12, 25), "Europe/London", "GB"),  # Christmas and Boxing Day
]


# The oracle: obviously correct and slow. It walks UTC minutes and asks, for each, whether
# its local wall-clock time falls in the working hours of its local date.


@cache
def public_holidays(country: str) -> holidays.HolidayBase:
    return holidays.country_holidays(country)


@dataclass
class Case:
    zone: str
    weekly: dict[int, list[tuple[int, int]]]
    closed: set[date] = field(default_factory=set)
    country: str | None = None

    def calendar(self) -> BusinessCalendar:
        return BusinessCalendar(self.zone, self.weekly, self.closed, self.country)

    def oracle_hours(self, day: date) -> list[tuple[int, int]]:
        if day in self.closed:
            return []
        if self.country is None:
            return self.weekly[day.weekday()]
        public = public_holidays(self.country)
        if day in public:
            return []
        made_up = day.weekday() in public.weekend and public.is_working_day(day)
        if made_up and not self.weekly[day.weekday()]:
            standard = [self.weekly[weekday] for weekday in range(7) if self.weekly[weekday]]
            return standard[0] if standard else []
        return self.weekly[day.weekday()]

    def oracle_open_minutes(self, start: datetime) -> list[bool]:
        """For each of the WINDOW_MINUTES minutes from ``start``: is it business time?"""
        zone, hours = ZoneInfo(self.zone), {}
        flags = []
        for index in range(WINDOW_MINUTES):
            local = (start + index * MINUTE).astimezone(zone)
            day = local.date()
            if day not in hours:
                hours[day] = self.oracle_hours(day)
            minute = local.hour * 60 + local.minute
            flags.append(any(begin <= minute < end for begin, end in hours[day]))
        return flags


# Strategies. Boundaries favour the hours clocks change at (01:00 to 03:00) and whole days.

boundaries = st.one_of(
    st.sampled_from([0, 60, 90, 120, 150, 180, 540, 720, 780, 1080, 1440]),
    st.integers(0, 1440),
)


def _pairs(points: list[int]) -> list[tuple[int, int]]:
    points = sorted(points)
    return list(zip(points[0::2], points[1::2], strict=False))


day_hours = st.one_of(
    st.just([]),
    st.just([(0, 1440)]),
    st.just([(540, 1080)]),
    st.lists(boundaries, min_size=2, max_size=6, unique=True).map(_pairs),
)


@st.composite
def cases(draw) -> tuple[Case, datetime]:
    day, zone, country = draw(st.sampled_from(ANCHORS))
    zone = draw(st.one_of(st.just(zone), st.sampled_from(ZONES)))
    country = draw(st.one_of(st.just(country), st.sampled_from(COUNTRIES)))
    start = datetime.combine(day, datetime.min.time(), UTC)
    start += draw(st.integers(-3 * 24 * 60, 24 * 60)) * MINUTE
    # Saturday is mostly a day off, for China's make-up Saturdays; Sunday mostly is not,
    # because clocks change on Sunday mornings.
    saturday = st.one_of(st.just([]), day_hours)
    weekly = dict(enumerate(draw(st.tuples(*[day_hours] * 5, saturday, day_hours))))
    closed = {start.date() + timedelta(days=k) for k in draw(st.sets(st.integers(-1, 8)))}
    return Case(zone, weekly, closed, country), start


def _index_after(flags: list[bool], minutes: int) -> int | None:
    """Minutes from the start until ``minutes`` business minutes have passed, if in window."""
    if minutes == 0:
        return 0
    seen = 0
    for index, is_open in enumerate(flags):
        seen += is_open
        if seen == minutes:
            return index + 1
    return None


EVERY_DAY = dict.fromkeys(range(7), [(60, 180), (540, 1080)])  # 01:00-03:00, 09:00-18:00


@settings(max_examples=120, deadline=None)
@given(
    case_and_start=cases(),
    span=st.integers(0, WINDOW_MINUTES),
    to_closing=st.booleans(),
    closing=st.integers(0, WINDOW_MINUTES),
    minutes=st.integers(0, 40 * 60),
)
# Pinned, whatever the random draws reach: each kind of clock change, a make-up Saturday.
@example(
    case_and_start=(Case("America/New_York", EVERY_DAY), datetime(2026, 3, 7, 12, tzinfo=UTC)),
    span=WINDOW_MINUTES,
    to_closing=True,
    closing=2 * 24 * 60,
    minutes=0,
)
@example(
    case_and_start=(Case("Europe/London", EVERY_DAY), datetime(2026, 10, 24, tzinfo=UTC)),
    span=WINDOW_MINUTES,
    to_closing=True,
    closing=24 * 60 + 150,
    minutes=0,
)
@example(
    case_and_start=(Case("Australia/Lord_Howe", EVERY_DAY), datetime(2026, 4, 3, tzinfo=UTC)),
    span=3 * 24 * 60,
    to_closing=False,
    closing=0,
    minutes=15 * 60,
)
@example(
    case_and_start=(
        Case("Asia/Shanghai", dict(DEFAULT_WEEKLY), country="CN"),
        datetime(2026, 2, 13, tzinfo=UTC),
    ),
    span=WINDOW_MINUTES,
    to_closing=False,
    closing=0,
    minutes=20 * 60,
)
def test_agrees_with_minute_by_minute_oracle(case_and_start, span, to_closing, closing, minutes):
    case, start = case_and_start
    calendar = case.calendar()
    flags = case.oracle_open_minutes(start)

    assert calendar.between(start, start + span * MINUTE) == sum(flags[:span]) * MINUTE
    # Either side of every opening and closing the oracle sees.
    for index in range(1, WINDOW_MINUTES):
        if flags[index] != flags[index - 1]:
            assert calendar.is_open(start + index * MINUTE) == flags[index]
            assert calendar.is_open(start + index * MINUTE - MINUTE) == flags[index - 1]

    if to_closing:  # half the durations run out exactly where business time stops
        minutes = sum(flags[:closing])

    if minutes and not any(case.weekly.values()):
        with pytest.raises(ValueError, match="no working hours"):
            calendar.add(start, minutes * MINUTE)
        return
    due = calendar.add(start, minutes * MINUTE)
    expected = _index_after(flags, minutes)
    if expected is None:  # not reached in the oracle's window
        assert due > start + WINDOW_MINUTES * MINUTE
    else:
        assert due == start + expected * MINUTE
    assert due.tzinfo is UTC
    assert calendar.between(start, due) == minutes * MINUTE


@settings(max_examples=150, deadline=None)
@given(
    cases(),
    st.timedeltas(timedelta(0), timedelta(hours=40)),
    st.integers(0, 60 * 10**6 - 1),
)
def test_round_trip_to_the_microsecond(case_and_start, duration, microseconds):
    case, start = case_and_start
    assume(any(case.weekly.values()))
    start += timedelta(microseconds=microseconds)
    calendar = case.calendar()
    due = calendar.add(start, duration)
    assert calendar.between(start, due) == duration
    # Smallest such instant: a microsecond earlier is not enough.
    if duration:
        assert calendar.between(start, due - timedelta(microseconds=1)) < duration


@settings(max_examples=100, deadline=None)
@given(day_hours)
def test_format_and_parse_are_inverse(intervals):
    assert parse_day_hours(format_day_hours(intervals)) == intervals


# Hand-worked examples.

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
SHANGHAI = ZoneInfo("Asia/Shanghai")
FOUR_HOURS = timedelta(hours=4)


def london(*args) -> datetime:
    return datetime(*args, tzinfo=LONDON)


def test_friday_afternoon_case_is_due_monday_noon():
    calendar = BusinessCalendar("Europe/London", DEFAULT_WEEKLY)
    due = calendar.add(london(2026, 6, 12, 17), FOUR_HOURS)  # one hour Friday, three Monday
    assert due == london(2026, 6, 15, 12)


def test_weekend_case_counts_from_monday_opening():
    calendar = BusinessCalendar("Europe/London")
    opened = london(2026, 6, 13, 10)  # Saturday
    assert calendar.add(opened, FOUR_HOURS) == london(2026, 6, 15, 13)
    assert calendar.between(opened, london(2026, 6, 15, 10)) == timedelta(hours=1)


def test_ending_at_closing_time_gives_closing_time():
    calendar = BusinessCalendar("Europe/London")
    assert calendar.add(london(2026, 6, 15, 14), FOUR_HOURS) == london(2026, 6, 15, 18)
    assert calendar.is_open(london(2026, 6, 15, 17, 59, 59, 999999))
    assert not calendar.is_open(london(2026, 6, 15, 18))


def test_seconds_count_continuously():
    calendar = BusinessCalendar("Europe/London")
    due = calendar.add(london(2026, 6, 15, 17, 59, 30), timedelta(seconds=45))
    assert due == london(2026, 6, 16, 9, 0, 15)


def test_manager_closed_date():
    calendar = BusinessCalendar("Europe/London", closed_dates=[date(2026, 6, 15)])
    assert not calendar.is_open_day(date(2026, 6, 15))
    assert calendar.add(london(2026, 6, 12, 17), FOUR_HOURS) == london(2026, 6, 16, 12)


def test_case_opened_on_chinese_new_year_waits_for_the_holiday_to_end():
    calendar = BusinessCalendar("Asia/Shanghai", country="CN")
    opened = datetime(2026, 2, 17, 10, tzinfo=SHANGHAI)  # Spring Festival, a Tuesday
    # Closed 16 to 20 February, the weekend, and Monday 23rd (moved from Saturday 28th).
    assert calendar.add(opened, FOUR_HOURS) == datetime(2026, 2, 24, 13, tzinfo=SHANGHAI)


def test_chinese_make_up_saturday_is_a_workday():
    friday_five_pm = datetime(2026, 2, 13, 17, tzinfo=SHANGHAI)
    with_holidays = BusinessCalendar("Asia/Shanghai", country="CN")
    without = BusinessCalendar("Asia/Shanghai")
    assert with_holidays.add(friday_five_pm, FOUR_HOURS) == datetime(
        2026, 2, 14, 12, tzinfo=SHANGHAI
    )
    assert without.add(friday_five_pm, FOUR_HOURS) == datetime(2026, 2, 16, 12, tzinfo=SHANGHAI)


def test_make_up_day_works_the_first_weekday_with_hours_unless_closed():
    weekly = {1: [(600, 720), (780, 900)], 2: [(540, 1080)]}  # Monday is a day off
    saturday = date(2026, 2, 14)
    assert BusinessCalendar("Asia/Shanghai", weekly, country="CN").hours_on(saturday) == [
        (600, 720),
        (780, 900),
    ]
    closed = BusinessCalendar("Asia/Shanghai", weekly, [saturday], country="CN")
    assert closed.hours_on(saturday) == []
    saturday_morning = BusinessCalendar("Asia/Shanghai", {**weekly, 5: [(600, 660)]}, country="CN")
    assert saturday_morning.hours_on(saturday) == [(600, 660)]


@pytest.mark.parametrize(
    ("zone", "day", "hours", "expected"),
    [
        ("America/New_York", date(2026, 3, 8), [(0, 1440)], timedelta(hours=23)),
        ("America/New_York", date(2026, 11, 1), [(0, 1440)], timedelta(hours=25)),
        ("America/New_York", date(2026, 3, 8), [(60, 180)], timedelta(hours=1)),
        ("America/New_York", date(2026, 11, 1), [(60, 180)], timedelta(hours=3)),
        ("Australia/Lord_Howe", date(2026, 4, 5), [(0, 1440)], timedelta(hours=24.5)),
        ("Australia/Lord_Howe", date(2026, 10, 4), [(0, 1440)], timedelta(hours=23.5)),
    ],
)
def test_clock_change_days_have_real_elapsed_business_time(zone, day, hours, expected):
    calendar = BusinessCalendar(zone, dict.fromkeys(range(7), hours))
    midnight = datetime.combine(day, datetime.min.time(), ZoneInfo(zone))
    assert calendar.between(midnight, midnight + timedelta(days=1)) == expected


def test_spring_forward_skips_the_missing_hour():
    calendar = BusinessCalendar("America/New_York", dict.fromkeys(range(7), [(0, 1440)]))
    due = calendar.add(datetime(2026, 3, 8, tzinfo=NEW_YORK), timedelta(hours=3))
    assert due == datetime(2026, 3, 8, 8, tzinfo=UTC)  # 04:00 local: 02:00 never happened


def test_no_working_hours_and_no_open_day_raise_instead_of_looping():
    start = datetime(2026, 1, 1, tzinfo=UTC)
    with pytest.raises(ValueError, match="no working hours"):
        BusinessCalendar("UTC", {}).add(start, MINUTE)
    every_day = [date(2026, 1, 1) + timedelta(days=k) for k in range(4 * 366)]
    with pytest.raises(ValueError, match="every day closed"):
        BusinessCalendar("UTC", closed_dates=every_day).add(start, MINUTE)


def test_bad_arguments_are_refused():
    calendar = BusinessCalendar("UTC")
    with pytest.raises(ValueError, match="time zone"):
        calendar.add(datetime(2026, 6, 15, 9), MINUTE)
    with pytest.raises(ValueError, match="negative"):
        calendar.add(datetime(2026, 6, 15, 9, tzinfo=UTC), -MINUTE)
    later, earlier = datetime(2026, 6, 16, tzinfo=UTC), datetime(2026, 6, 15, tzinfo=UTC)
    assert calendar.between(later, earlier) == timedelta(0)
    assert calendar.add(later, timedelta(0)) == later


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"timezone": "Mars/Olympus_Mons"}, "unknown time zone"),
        ({"timezone": "UTC", "country": "XX"}, "Country XX"),
        ({"timezone": "UTC", "country": "US", "subdivision": "ZZ"}, "subdivision ZZ"),
        ({"timezone": "UTC", "subdivision": "ENG"}, "needs a country"),
        ({"timezone": "UTC", "weekly": {7: [(540, 1080)]}}, "weekdays are 0"),
        ({"timezone": "UTC", "weekly": {0: [(540, 720), (700, 800)]}}, "overlap"),
        ({"timezone": "UTC", "weekly": {0: [(540, 1500)]}}, "within one day"),
    ],
)
def test_bad_calendar_is_refused(arguments, message):
    with pytest.raises(ValueError, match=message):
        BusinessCalendar(**arguments)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("09:00-12:00, 13:00-18:00", [(540, 720), (780, 1080)]),
        (" 13:00-18:00,9:00 - 12:00 ", [(540, 720), (780, 1080)]),
        ("00:00-24:00", [(0, 1440)]),
        ("09:00-12:00, 12:00-18:00", [(540, 720), (720, 1080)]),
        ("", []),
        ("Closed", []),
    ],
)
def test_parse_day_hours(text, expected):
    assert parse_day_hours(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("9-5", '"9-5" is not a time range'),
        ("09:00-12:00,", '"" is not a time range'),
        ("09:00-12:00; 13:00-18:00", "is not a time range"),
        ("18:00-09:00", '"18:00-09:00": the end must be after the start'),
        ("09:00-09:00", "the end must be after the start"),
        ("09:00-25:00", "25:00 is not a time of day"),
        ("09:60-10:00", "09:60 is not a time of day"),
        ("09:00-12:00, 11:00-13:00", "09:00-12:00 and 11:00-13:00 overlap"),
    ],
)
def test_parse_day_hours_says_which_part_is_wrong(text, message):
    with pytest.raises(ValueError, match=message):
        parse_day_hours(text)


def test_format_day_hours():
    assert format_day_hours([(540, 720), (780, 1440)]) == "09:00-12:00, 13:00-24:00"
    assert format_day_hours([]) == ""
