from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from slabot.core.windows import WindowBounds, WindowSpec, window_bounds

DAY = 86400
HOUR = 3600
BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
UTC_ZONE = ZoneInfo("UTC")


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


# --- WindowSpec ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "spec", "shown"),
    [
        ("30d", WindowSpec("rolling", 30), "30d"),
        ("28d", WindowSpec("rolling", 28), "28d"),
        ("7d", WindowSpec("rolling", 7), "7d"),
        ("1d", WindowSpec("rolling", 1), "1d"),
        ("400d", WindowSpec("rolling", 400), "400d"),
        (" 90D ", WindowSpec("rolling", 90), "90d"),
        ("week", WindowSpec("week"), "week"),
        ("Month", WindowSpec("month"), "month"),
        ("QUARTER", WindowSpec("quarter"), "quarter"),
    ],
)
def test_parse(text: str, spec: WindowSpec, shown: str) -> None:
    parsed = WindowSpec.parse(text)
    assert parsed == spec
    assert str(parsed) == shown
    assert WindowSpec.parse(str(parsed)) == parsed


@pytest.mark.parametrize("text", ["foo", "0d", "401d", "30", "d", "-5d", "30 d", "30days", "2w", "", "month2"])
def test_parse_rejects(text: str) -> None:
    with pytest.raises(ValueError) as error:
        WindowSpec.parse(text)
    message = str(error.value)
    assert message.startswith("window must be Nd (1 to 400 days), week, month or quarter, not ")
    assert repr(text.strip()) in message


def test_parse_error_message_exact() -> None:
    with pytest.raises(ValueError, match=r"^window must be Nd \(1 to 400 days\), week, month or quarter, not 'foo'$"):
        WindowSpec.parse("foo")


def test_spec_validation() -> None:
    with pytest.raises(ValueError):
        WindowSpec("rolling")
    with pytest.raises(ValueError):
        WindowSpec("rolling", 0)
    with pytest.raises(ValueError):
        WindowSpec("month", 30)


# --- rolling ------------------------------------------------------------------------------------------


def test_rolling_aligned_to_minutes() -> None:
    bounds = window_bounds(WindowSpec("rolling", 30), utc(2026, 11, 21, 10, 17, 59) + timedelta(microseconds=9), BERLIN)
    assert bounds == WindowBounds(
        start=utc(2026, 10, 22, 10, 17), end=utc(2026, 11, 21, 10, 17), now=utc(2026, 11, 21, 10, 17)
    )
    assert bounds.length_seconds == 30 * DAY
    assert bounds.elapsed_seconds == 30 * DAY


def test_rolling_ignores_dst() -> None:
    # 30 days across the end of DST in Berlin is still exactly 30 * 86400 seconds
    bounds = window_bounds(WindowSpec("rolling", 30), utc(2026, 11, 10, 0, 0), BERLIN)
    assert bounds.start == utc(2026, 10, 11, 0, 0)
    assert bounds.length_seconds == 30 * DAY


def test_now_in_other_zone_is_converted_to_utc() -> None:
    now = datetime(2026, 11, 21, 11, 30, 30, tzinfo=BERLIN)
    bounds = window_bounds(WindowSpec("rolling", 7), now, BERLIN)
    assert bounds.now == utc(2026, 11, 21, 10, 30)
    assert bounds.now.tzinfo is UTC


def test_naive_now_rejected() -> None:
    with pytest.raises(ValueError):
        window_bounds(WindowSpec("month"), datetime(2026, 11, 21), BERLIN)


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2090, 1, 1)), st.integers(1, 400))
def test_rolling_properties(naive: datetime, days: int) -> None:
    bounds = window_bounds(WindowSpec("rolling", days), naive.replace(tzinfo=UTC), BERLIN)
    assert bounds.end == bounds.now
    assert bounds.now.second == 0 and bounds.now.microsecond == 0
    assert timedelta(0) <= naive.replace(tzinfo=UTC) - bounds.now < timedelta(minutes=1)
    assert bounds.length_seconds == days * DAY


# --- calendar -----------------------------------------------------------------------------------------

CALENDAR = [
    # zone, kind, now (UTC), start (UTC), end (UTC), length
    (BERLIN, "month", utc(2026, 10, 15, 10, 3), utc(2026, 9, 30, 22), utc(2026, 10, 31, 23), 31 * DAY + HOUR),
    (BERLIN, "month", utc(2026, 3, 15, 12), utc(2026, 2, 28, 23), utc(2026, 3, 31, 22), 31 * DAY - HOUR),
    (BERLIN, "month", utc(2026, 11, 21, 10), utc(2026, 10, 31, 23), utc(2026, 11, 30, 23), 30 * DAY),
    (BERLIN, "month", utc(2026, 2, 10), utc(2026, 1, 31, 23), utc(2026, 2, 28, 23), 28 * DAY),
    (BERLIN, "month", utc(2028, 2, 10), utc(2028, 1, 31, 23), utc(2028, 2, 29, 23), 29 * DAY),
    (BERLIN, "month", utc(2026, 7, 1), utc(2026, 6, 30, 22), utc(2026, 7, 31, 22), 31 * DAY),
    (BERLIN, "week", utc(2026, 10, 21, 8), utc(2026, 10, 18, 22), utc(2026, 10, 25, 23), 7 * DAY + HOUR),
    (BERLIN, "week", utc(2026, 3, 26, 8), utc(2026, 3, 22, 23), utc(2026, 3, 29, 22), 7 * DAY - HOUR),
    (BERLIN, "week", utc(2026, 11, 22, 22, 59), utc(2026, 11, 15, 23), utc(2026, 11, 22, 23), 7 * DAY),
    (BERLIN, "quarter", utc(2026, 2, 14), utc(2025, 12, 31, 23), utc(2026, 3, 31, 22), 90 * DAY - HOUR),
    (BERLIN, "quarter", utc(2026, 5, 1), utc(2026, 3, 31, 22), utc(2026, 6, 30, 22), 91 * DAY),
    (BERLIN, "quarter", utc(2026, 11, 30), utc(2026, 9, 30, 22), utc(2026, 12, 31, 23), 92 * DAY + HOUR),
    (NEW_YORK, "month", utc(2026, 3, 10), utc(2026, 3, 1, 5), utc(2026, 4, 1, 4), 31 * DAY - HOUR),
    (NEW_YORK, "month", utc(2026, 11, 10), utc(2026, 11, 1, 4), utc(2026, 12, 1, 5), 30 * DAY + HOUR),
    (NEW_YORK, "week", utc(2026, 3, 8, 12), utc(2026, 3, 2, 5), utc(2026, 3, 9, 4), 7 * DAY - HOUR),
    (NEW_YORK, "week", utc(2026, 11, 1, 12), utc(2026, 10, 26, 4), utc(2026, 11, 2, 5), 7 * DAY + HOUR),
    (NEW_YORK, "quarter", utc(2026, 12, 31, 12), utc(2026, 10, 1, 4), utc(2027, 1, 1, 5), 92 * DAY + HOUR),
    (UTC_ZONE, "quarter", utc(2026, 12, 31, 23, 59), utc(2026, 10, 1), utc(2027, 1, 1), 92 * DAY),
    # Asuncion moved its clocks from 00:00 to 01:00 on 2017-10-01: that month starts at 01:00 local
    (
        ZoneInfo("America/Asuncion"),
        "month",
        utc(2017, 10, 9),
        utc(2017, 10, 1, 4),
        utc(2017, 11, 1, 3),
        31 * DAY - HOUR,
    ),
    (
        ZoneInfo("America/Asuncion"),
        "month",
        utc(2017, 9, 9),
        utc(2017, 9, 1, 4),
        utc(2017, 10, 1, 4),
        30 * DAY,
    ),
]


@pytest.mark.parametrize(("tz", "kind", "now", "start", "end", "length"), CALENDAR)
def test_calendar_windows(tz: ZoneInfo, kind: str, now: datetime, start: datetime, end: datetime, length: int) -> None:
    bounds = window_bounds(WindowSpec.parse(kind), now, tz)
    assert (bounds.start, bounds.end, bounds.now) == (start, end, now)
    assert bounds.length_seconds == length
    assert bounds.elapsed_seconds == (now - start) // timedelta(seconds=1)


def test_day_starts_when_a_gap_swallows_midnight() -> None:
    # Toronto jumped from 23:30 to 00:30 into Monday 31 March 1919: that week starts at 00:30 EDT
    toronto = ZoneInfo("America/Toronto")
    week = window_bounds(WindowSpec("week"), utc(1919, 4, 2), toronto)
    assert week.start == utc(1919, 3, 31, 4, 30)
    assert week.start.astimezone(toronto).replace(tzinfo=None) == datetime(1919, 3, 31, 0, 30)
    # Abidjan left local mean time (-0:16:08) at midnight on 1 January 1912
    month = window_bounds(WindowSpec("month"), utc(1912, 1, 15), ZoneInfo("Africa/Abidjan"))
    assert month.start == utc(1912, 1, 1, 0, 16, 8)
    assert month.length_seconds == 31 * DAY - 968


def test_calendar_local_midnights() -> None:
    bounds = window_bounds(WindowSpec("month"), utc(2026, 10, 15), BERLIN)
    assert bounds.start.astimezone(BERLIN).replace(tzinfo=None) == datetime(2026, 10, 1)
    assert bounds.end.astimezone(BERLIN).replace(tzinfo=None) == datetime(2026, 11, 1)
    week = window_bounds(WindowSpec("week"), utc(2026, 11, 21, 12), NEW_YORK)
    assert week.start.astimezone(NEW_YORK).weekday() == 0
    assert week.start.astimezone(NEW_YORK).replace(tzinfo=None) == datetime(2026, 11, 16)


def test_first_and_last_minute_of_a_month() -> None:
    first = datetime(2026, 10, 1, 0, 0, tzinfo=BERLIN)
    last = datetime(2026, 10, 31, 23, 59, 59, 999999, tzinfo=BERLIN)
    before = datetime(2026, 9, 30, 23, 59, 59, tzinfo=BERLIN)
    after = datetime(2026, 11, 1, 0, 0, tzinfo=BERLIN)
    october = window_bounds(WindowSpec("month"), first, BERLIN)
    assert october.start == first.astimezone(UTC)
    assert october.elapsed_seconds == 0
    at_last = window_bounds(WindowSpec("month"), last, BERLIN)
    assert (at_last.start, at_last.end) == (october.start, october.end)
    assert at_last.now == utc(2026, 10, 31, 22, 59)
    assert at_last.elapsed_seconds == at_last.length_seconds - 60
    assert window_bounds(WindowSpec("month"), before, BERLIN).end == october.start
    assert window_bounds(WindowSpec("month"), after, BERLIN).start == october.end


def test_calendar_uses_local_date_not_utc_date() -> None:
    # 23:30 UTC on 31 October is already November in Berlin, still October in New York
    now = utc(2026, 10, 31, 23, 30)
    assert window_bounds(WindowSpec("month"), now, BERLIN).start == utc(2026, 10, 31, 23)
    assert window_bounds(WindowSpec("month"), now, NEW_YORK).start == utc(2026, 10, 1, 4)


@given(
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2090, 1, 1)),
    st.sampled_from(["week", "month", "quarter"]),
    st.sampled_from([BERLIN, NEW_YORK, ZoneInfo("Australia/Sydney"), ZoneInfo("Asia/Kolkata")]),
)
def test_calendar_properties(naive: datetime, kind: str, tz: ZoneInfo) -> None:
    now = naive.replace(tzinfo=UTC)
    bounds = window_bounds(WindowSpec.parse(kind), now, tz)
    assert bounds.start <= bounds.now < bounds.end
    assert bounds.start.tzinfo is UTC and bounds.end.tzinfo is UTC
    local_start = bounds.start.astimezone(tz)
    assert (local_start.hour, local_start.minute) == (0, 0)
    assert abs(bounds.length_seconds % DAY) in (0, HOUR, DAY - HOUR)
    # the next period starts where this one ends
    following = window_bounds(WindowSpec.parse(kind), bounds.end, tz)
    assert following.start == bounds.end
