"""Working time on calendars, checked against a minute-by-minute count of which instants are working time."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from slabot.core.business_time import AlwaysOn, BusinessCalendar, WeeklyHours, parse_hours, target_seconds

SHANGHAI = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")


# ---- parse_hours ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "normalised"),
    [
        ("mon-fri 09:00-17:00", "mon-fri 09:00-17:00"),
        ("mon-fri 09:00-12:00,13:00-18:00", "mon-fri 09:00-12:00,13:00-18:00"),
        ("Mon-Thu 9:00-17:00; fri 09:00-13:00", "mon-thu 09:00-17:00; fri 09:00-13:00"),
        ("mon-fri 09:00-12:00, 13:00-18:00;", "mon-fri 09:00-12:00,13:00-18:00"),
        ("sat 10:00-14:00; mon-fri 08:00-16:00", "mon-fri 08:00-16:00; sat 10:00-14:00"),
        ("mon-sun 00:00-24:00", "mon-sun 00:00-24:00"),
        ("mon 22:00-24:00; tue 00:00-06:00", "mon 22:00-24:00; tue 00:00-06:00"),
        ("mon-fri 09:00-12:00; mon-fri 12:00-17:00", "mon-fri 09:00-17:00"),  # touching windows merge
        ("monday-friday 09:00-17:00", "mon-fri 09:00-17:00"),
        ("mon 09:00-17:00; wed 09:00-17:00", "mon 09:00-17:00; wed 09:00-17:00"),
    ],
)
def test_parse_hours_reads_and_normalises(text: str, normalised: str) -> None:
    hours = parse_hours(text)
    assert hours.format() == normalised
    assert parse_hours(hours.format()) == hours


def test_parse_hours_windows_per_weekday() -> None:
    hours = parse_hours("mon-thu 09:00-12:00,13:00-18:00; fri 09:00-13:00")
    assert hours.windows(0) == ((540, 720), (780, 1080))
    assert hours.windows(4) == ((540, 780),)
    assert hours.windows(5) == hours.windows(6) == ()
    assert hours.day_seconds == 8 * 3600
    assert parse_hours("sat 10:00-12:00; sun 10:00-11:00").day_seconds == 2 * 3600  # first weekday with hours


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "give working hours, like mon-fri 09:00-12:00,13:00-18:00"),
        ("  ;  ", "give working hours"),
        ("09:00-17:00", "'09:00-17:00' does not start with a day"),
        ("mon-fri", "'mon-fri' has no times"),
        ("xyz 09:00-17:00", "'xyz' is not a day: use mon, tue, wed, thu, fri, sat or sun"),
        ("mon-xyz 09:00-17:00", "'xyz' is not a day"),
        ("fri-mon 09:00-17:00", "'fri-mon' runs backwards"),
        ("mon-fri 9-17", "'9-17' is not a time window: write it as HH:MM-HH:MM"),
        ("mon-fri 09:00-25:00", "'09:00-25:00' has a time that does not exist"),
        ("mon-fri 24:00-24:00", "has a time that does not exist"),
        ("mon-fri 09:60-17:00", "has a time that does not exist"),
        ("mon-fri 17:00-09:00", "'17:00-09:00' ends before it starts"),
        ("mon-fri 09:00-09:00", "ends before it starts"),
        ("mon-fri 09:00-12:00,11:00-13:00", "on mon 09:00-12:00 and 11:00-13:00 overlap"),
        ("mon-fri 09:00-17:00; wed 12:00-20:00", "on wed 09:00-17:00 and 12:00-20:00 overlap"),
    ],
)
def test_parse_hours_refuses_bad_specs(text: str, message: str) -> None:
    with pytest.raises(ValueError) as error:
        parse_hours(text)
    assert message in str(error.value)


# ---- the brute force --------------------------------------------------------------------------------------


def brute_windows(calendar: BusinessCalendar, day: date) -> tuple[tuple[int, int], ...]:
    """The working windows of a date, decided independently of BusinessCalendar.windows_on."""
    hours = calendar.hours
    first = next(w for w in hours.days if w)
    if day in calendar.days_off:
        return ()
    if day in calendar.extra_workdays:
        return hours.windows(day.weekday()) or first
    if calendar.country:
        table = holidays.country_holidays(calendar.country, years=day.year)
        if day in getattr(table, "weekend_workdays", set()):
            return hours.windows(day.weekday()) or first
        if day in table:
            return ()
    return hours.windows(day.weekday())


class MinuteMap:
    """Which minutes of a span are working time, by looking at each minute's local wall time."""

    def __init__(self, calendar: BusinessCalendar, start: datetime, days: int) -> None:
        self.calendar, self.start = calendar, start
        self.bits: list[int] = []
        by_day: dict[date, tuple[tuple[int, int], ...]] = {}
        for minute in range(days * 1440):
            local = (start + timedelta(minutes=minute)).astimezone(calendar.zone)
            clock = local.hour * 60 + local.minute
            if local.date() not in by_day:
                by_day[local.date()] = brute_windows(calendar, local.date())
            windows = by_day[local.date()]
            self.bits.append(int(any(a <= clock < b for a, b in windows)))
        self.prefix = [0, *itertools.accumulate(self.bits)]

    def seconds(self, start: int, end: int) -> int:
        """Working seconds in [start, end), both in seconds after self.start."""
        if end <= start:
            return 0
        first, last = start // 60, end // 60
        if first == last:
            return (end - start) * self.bits[first]
        tail = (end % 60) * self.bits[last] if last < len(self.bits) else 0
        return (60 - start % 60) * self.bits[first] + 60 * (self.prefix[last] - self.prefix[first + 1]) + tail

    def add(self, start: int, amount: int) -> int | None:
        """The earliest offset t >= start with amount working seconds in [start, t); None beyond the span."""
        if amount == 0:
            return start
        minute, into = divmod(start, 60)
        while minute < len(self.bits):
            if self.bits[minute]:
                available = 60 - into
                if available >= amount:
                    return minute * 60 + into + amount
                amount -= available
            minute, into = minute + 1, 0
        return None

    def at(self, offset: int) -> datetime:
        return self.start + timedelta(seconds=offset)


def cn_calendar() -> BusinessCalendar:
    return BusinessCalendar(
        "cn-office",
        SHANGHAI,
        parse_hours("mon-fri 09:00-12:00,13:00-18:00"),
        "CN",
        days_off=frozenset({date(2026, 9, 29)}),  # an explicit holiday on a Tuesday
        # explicit workdays: on National Day (a Friday), and on an ordinary Saturday
        extra_workdays=frozenset({date(2026, 10, 2), date(2026, 10, 17)}),
    )


def berlin_calendar() -> BusinessCalendar:
    # windows around 02:00-03:00, the hour skipped on 2026-03-29 and repeated on 2026-10-25
    return BusinessCalendar("berlin", BERLIN, parse_hours("mon-sun 00:30-02:30,02:45-04:00,08:00-12:00,13:00-17:00"))


def us_calendar() -> BusinessCalendar:
    return BusinessCalendar("us", NEW_YORK, parse_hours("mon-fri 09:00-17:00"), "US")


SPANS = {
    # CN: weekends, the 2026-09-25 Mid-Autumn holiday, National Day 10-01..07, make-up days 09-20 (Sun), 10-10 (Sat)
    "cn": (cn_calendar, datetime(2026, 9, 13, 16, 0, tzinfo=UTC), 36),
    # Berlin: both DST changes of 2026
    "berlin-spring": (berlin_calendar, datetime(2026, 3, 26, 0, 0, tzinfo=UTC), 6),
    "berlin-autumn": (berlin_calendar, datetime(2026, 10, 22, 0, 0, tzinfo=UTC), 6),
    # US: the end of DST (11-01) and Thanksgiving (11-26)
    "us": (us_calendar, datetime(2026, 10, 28, 0, 0, tzinfo=UTC), 34),
}
_MAPS: dict[str, MinuteMap] = {}


def minute_map(key: str) -> MinuteMap:
    if key not in _MAPS:
        make, start, days = SPANS[key]
        _MAPS[key] = MinuteMap(make(), start, days)
    return _MAPS[key]


@pytest.mark.parametrize("key", list(SPANS))
def test_working_seconds_match_the_minute_count_day_by_day(key: str) -> None:
    brute = minute_map(key)
    calendar = brute.calendar
    total_days = len(brute.bits) // 1440
    for first in range(0, total_days * 86400, 86400):
        for length in (3600 * 7 + 59, 86400, 86400 * 3 + 1800):
            end = min(first + length, total_days * 86400)
            got = calendar.working_seconds(brute.at(first), brute.at(end))
            assert got == brute.seconds(first, end), (brute.at(first), brute.at(end))
    assert calendar.working_seconds(brute.at(0), brute.at(total_days * 86400)) == 60 * sum(brute.bits)


@settings(max_examples=150, deadline=None)
@given(key=st.sampled_from(list(SPANS)), start=st.integers(0, 40 * 86400), length=st.integers(-3600, 20 * 86400))
def test_working_seconds_and_add_agree_with_the_brute_force(key: str, start: int, length: int) -> None:
    brute = minute_map(key)
    limit = len(brute.bits) * 60
    start = start % limit
    end = min(max(start + length, 0), limit)
    calendar = brute.calendar
    worked = calendar.working_seconds(brute.at(start), brute.at(end))
    assert worked == brute.seconds(start, end)
    if end > start:
        due = calendar.add_working_seconds(brute.at(start), worked)
        expected = brute.add(start, worked)
        assert expected is not None and due == brute.at(expected)
        assert due <= brute.at(end) and calendar.working_seconds(brute.at(start), due) == worked


@pytest.mark.parametrize("key", list(SPANS))
def test_add_working_seconds_matches_the_minute_count(key: str) -> None:
    brute = minute_map(key)
    calendar = brute.calendar
    for start in range(0, 10 * 86400, 86400 // 4 + 17 * 60):
        for amount in (0, 1, 59, 3600, 4 * 3600 + 30, 8 * 3600, 24 * 3600):
            expected = brute.add(start, amount)
            if expected is not None:
                assert calendar.add_working_seconds(brute.at(start), amount) == brute.at(expected)


def test_the_calendar_days_are_what_the_rules_say() -> None:
    cn = cn_calendar()
    assert cn.is_working_day(date(2026, 9, 20))  # Sunday, a make-up working day
    assert cn.is_working_day(date(2026, 10, 10))  # Saturday, a make-up working day
    assert not cn.is_working_day(date(2026, 10, 1))  # National Day
    assert cn.is_working_day(date(2026, 10, 2))  # National Day, but an explicit workday wins
    assert not cn.is_working_day(date(2026, 9, 29))  # explicit holiday on a Tuesday
    assert not cn.is_working_day(date(2026, 9, 26))  # an ordinary Saturday
    assert cn.windows_on(date(2026, 10, 10)) == ((540, 720), (780, 1080))  # make-up days use Monday's hours
    assert cn.windows_on(date(2026, 10, 17)) == ((540, 720), (780, 1080))  # and so do explicit workdays
    off = BusinessCalendar(
        "x", SHANGHAI, cn.hours, "CN", days_off=frozenset({date(2026, 10, 10)}), extra_workdays=frozenset()
    )
    assert not off.is_working_day(date(2026, 10, 10))  # an explicit day off wins over a make-up day
    us = us_calendar()
    assert not us.is_working_day(date(2026, 11, 26)) and us.is_working_day(date(2026, 11, 27))


def test_a_window_on_a_dst_change_day_is_as_long_as_the_clocks_say() -> None:
    always = BusinessCalendar("all", BERLIN, parse_hours("mon-sun 00:00-24:00"))
    for day, hours in ((date(2026, 3, 29), 23), (date(2026, 10, 25), 25), (date(2026, 10, 26), 24)):
        start = datetime(day.year, day.month, day.day, tzinfo=BERLIN)
        end = start + timedelta(days=1)  # wall-clock midnight to midnight
        end = datetime(end.year, end.month, end.day, tzinfo=BERLIN)
        assert always.working_seconds(start, end) == hours * 3600
    office = BusinessCalendar("office", BERLIN, parse_hours("mon-fri 09:00-17:00"))
    monday = datetime(2026, 3, 30, 9, 0, tzinfo=BERLIN)
    assert office.working_seconds(datetime(2026, 3, 27, 9, 0, tzinfo=BERLIN), monday) == 8 * 3600
    # Friday 16:00 CET + 2 working hours: Monday 10:00 CEST
    due = office.add_working_seconds(datetime(2026, 3, 27, 16, 0, tzinfo=BERLIN), 2 * 3600)
    assert due == datetime(2026, 3, 30, 8, 0, tzinfo=UTC)


def test_three_working_days_across_national_day_end_on_the_make_up_saturday() -> None:
    cn = BusinessCalendar("cn", SHANGHAI, parse_hours("mon-fri 09:00-12:00,13:00-18:00"), "CN")
    due = cn.add_working_seconds(datetime(2026, 9, 30, 10, 0, tzinfo=SHANGHAI), target_seconds("3d", cn))
    assert due == datetime(2026, 10, 10, 10, 0, tzinfo=SHANGHAI)


def test_add_working_seconds_edges() -> None:
    office = BusinessCalendar("office", ZoneInfo("UTC"), parse_hours("mon-fri 09:00-17:00"))
    saturday = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
    assert office.add_working_seconds(saturday, 0) == saturday  # zero: the start itself, even off hours
    friday_end = datetime(2026, 11, 20, 17, 0, tzinfo=UTC)
    # a target reached exactly at the end of a window is due then, not when the next window opens
    assert office.add_working_seconds(datetime(2026, 11, 20, 16, 0, tzinfo=UTC), 3600) == friday_end
    assert office.working_seconds(friday_end, friday_end) == 0
    assert office.working_seconds(friday_end, saturday) == 0
    assert office.working_seconds(saturday, friday_end) == 0  # backwards: nothing
    partial = datetime(2026, 11, 20, 16, 59, 59, 600_000, tzinfo=UTC)
    assert office.working_seconds(partial, friday_end) == 0  # 0.4s, floored
    with pytest.raises(ValueError, match="timezone-aware"):
        office.working_seconds(datetime(2026, 11, 20, 9, 0), friday_end)


def test_spans_of_months_are_quick() -> None:
    cn = cn_calendar()
    start = datetime(2026, 1, 1, tzinfo=UTC)
    worked = cn.working_seconds(start, datetime(2027, 1, 1, tzinfo=UTC))
    assert 240 * 8 * 3600 < worked < 255 * 8 * 3600
    assert cn.add_working_seconds(start, worked) <= datetime(2027, 1, 1, tzinfo=UTC)


# ---- targets ----------------------------------------------------------------------------------------------


def test_days_of_a_target_are_working_days() -> None:
    office = BusinessCalendar("office", ZoneInfo("UTC"), parse_hours("mon-fri 09:00-17:00"))
    assert target_seconds("3d", office) == 24 * 3600  # golden: three 8-hour days
    assert target_seconds("1d", office) == 8 * 3600
    assert target_seconds("1d2h", office) == 10 * 3600
    assert target_seconds("4h", office) == 4 * 3600
    assert target_seconds("24h", office) == 24 * 3600  # hours are hours of working time
    assert target_seconds("1w", office) == 7 * 8 * 3600
    lunch = BusinessCalendar("cn", SHANGHAI, parse_hours("mon-fri 09:00-12:00,13:00-18:00"))
    assert lunch.day_seconds == 8 * 3600 and target_seconds("10d", lunch) == 80 * 3600
    assert target_seconds("3d", AlwaysOn(ZoneInfo("UTC"))) == 3 * 86400
    assert target_seconds("15m", AlwaysOn(ZoneInfo("UTC"))) == 900
    with pytest.raises(ValueError, match="not a duration"):
        target_seconds("soon", office)


def test_always_on_counts_every_second() -> None:
    always = AlwaysOn(ZoneInfo("Europe/Berlin"))
    start = datetime(2026, 10, 24, 12, 0, tzinfo=UTC)
    assert always.name == "24x7" and always.day_seconds == 86400
    assert always.working_seconds(start, start + timedelta(days=2, microseconds=999_999)) == 2 * 86400
    assert always.working_seconds(start, start - timedelta(hours=1)) == 0
    assert always.add_working_seconds(start, 90) == start + timedelta(seconds=90)


def test_weekly_hours_is_a_value() -> None:
    assert isinstance(parse_hours("mon 09:00-10:00"), WeeklyHours)
    assert parse_hours("mon 09:00-10:00") == parse_hours("monday 09:00-10:00")
