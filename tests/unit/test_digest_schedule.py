"""When digests fire and which week they report: weekdays, local times, ISO weeks, DST, missed runs."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from slabot.core.errors import UserError
from slabot.render.weeks import slot_text, week_period
from slabot.reports.schedule import (
    Slot,
    Week,
    last_complete_week,
    parse_time_of_day,
    parse_week,
    parse_weekday,
    parse_zone,
    week_label,
)

BERLIN = ZoneInfo("Europe/Berlin")
SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)  # a Saturday


@pytest.mark.parametrize(("text", "day"), [("mon", 0), ("Tue", 1), ("sunday", 6), ("FRI", 4)])
def test_weekdays(text: str, day: int) -> None:
    assert parse_weekday(text) == day


@pytest.mark.parametrize(("text", "minute"), [("09:00", 540), ("9:05", 545), ("00:00", 0), ("23:59", 1439)])
def test_times_of_day(text: str, minute: int) -> None:
    assert parse_time_of_day(text) == minute


@pytest.mark.parametrize(
    ("call", "text", "message"),
    [
        (parse_weekday, "someday", "day= must be a weekday: mon, tue"),
        (parse_time_of_day, "24:00", "time= must be a time of day on a 24-hour clock, like 09:00"),
        (parse_time_of_day, "9am", "like 09:00 or 17:30 (got '9am')"),
        (parse_zone, "Mars/Olympus", "tz= must be a time zone like Europe/Berlin"),
    ],
)
def test_bad_schedule_input_says_what_to_type(call: object, text: str, message: str) -> None:
    with pytest.raises(UserError, match=message.replace("(", r"\(").replace(")", r"\)")):
        call(text)  # type: ignore[operator]


def test_the_last_complete_week_is_the_one_before_the_current_one_in_the_zone() -> None:
    assert last_complete_week(NOW, BERLIN) == date(2026, 11, 9)
    # Monday 00:30 in Shanghai is still Sunday in UTC: Shanghai's week W47 has ended, UTC's has not.
    monday_early = datetime(2026, 11, 22, 16, 30, tzinfo=UTC)
    assert last_complete_week(monday_early, SHANGHAI) == date(2026, 11, 16)
    assert last_complete_week(monday_early, ZoneInfo("UTC")) == date(2026, 11, 9)


def test_iso_weeks_are_parsed_and_must_have_ended() -> None:
    assert parse_week("2026-W46", NOW, BERLIN) == date(2026, 11, 9)
    assert parse_week("2026w1", NOW, BERLIN) == date(2025, 12, 29)
    with pytest.raises(UserError, match="2026-W47 has not ended yet: the last complete week is 2026-W46"):
        parse_week("2026-W47", NOW, BERLIN)
    with pytest.raises(UserError, match="2025 has no week 53"):
        parse_week("2025-W53", NOW, BERLIN)
    with pytest.raises(UserError, match="week= must be an ISO week like 2026-W46"):
        parse_week("last week", NOW, BERLIN)


def test_week_labels_and_periods() -> None:
    assert week_period(Week(date(2026, 11, 9), BERLIN), locale="en") == "2026-W46 (9–15 Nov 2026)"
    assert week_period(Week(date(2026, 11, 30), BERLIN), locale="en") == "2026-W49 (30 Nov – 6 Dec 2026)"
    assert week_period(Week(date(2026, 12, 28), BERLIN), locale="en") == "2026-W53 (28 Dec 2026 – 3 Jan 2027)"
    assert week_label(date(2027, 1, 4)) == "2027-W01"


def test_a_week_spans_local_midnights_and_follows_dst() -> None:
    autumn = Week(date(2026, 10, 19), BERLIN)  # clocks go back on Sunday 25 October
    assert autumn.start == datetime(2026, 10, 18, 22, 0, tzinfo=UTC)
    assert autumn.end == datetime(2026, 10, 25, 23, 0, tzinfo=UTC)
    assert autumn.end - autumn.start == timedelta(hours=169)
    spring = Week(date(2026, 3, 23), BERLIN)  # clocks go forward on Sunday 29 March
    assert spring.end - spring.start == timedelta(hours=167)
    assert Week(date(2026, 11, 9), BERLIN).previous(2).monday == date(2026, 10, 26)


def test_a_slot_fires_at_local_time_across_dst() -> None:
    slot = Slot(0, 9 * 60, BERLIN)
    assert slot_text(slot, locale="en") == "Mondays at 09:00 Europe/Berlin"
    assert slot.next_run(NOW) == datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # CET
    assert slot.next_run(datetime(2026, 10, 1, tzinfo=UTC)) == datetime(2026, 10, 5, 7, 0, tzinfo=UTC)  # CEST
    friday = Slot(4, 17 * 60 + 30, SHANGHAI)
    assert friday.next_run(NOW) == datetime(2026, 11, 27, 9, 30, tzinfo=UTC)


def test_missed_runs_are_the_fire_times_between_since_and_now() -> None:
    slot = Slot(0, 9 * 60, BERLIN)
    now = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
    assert slot.missed_runs(now, now - timedelta(hours=12)) == [datetime(2026, 11, 23, 8, 0, tzinfo=UTC)]
    assert slot.missed_runs(now, now - timedelta(hours=5)) == []
    assert slot.missed_runs(now, now - timedelta(days=8)) == [
        datetime(2026, 11, 16, 8, 0, tzinfo=UTC),
        datetime(2026, 11, 23, 8, 0, tzinfo=UTC),
    ]
    exactly = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
    assert slot.missed_runs(exactly, exactly) == [exactly]
