"""Golden figures for the digest's corrections: windows as they stood at a week's end, the breach list read
from the incident record, timer attainment floored to one decimal, and the zero-burn outlook. Pure."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from slabot.core.timefmt import format_duration, format_percent, format_share
from slabot.core.windows import WindowBounds, WindowSpec, window_bounds, window_through
from slabot.incidents.targets import TimerBook
from slabot.incidents.timers import DEFAULT_TARGETS
from slabot.render.digest import severity_text
from slabot.reports.incident_stats import Attainment, ResponseTimes, SeverityStats, missed_targets, severity_stats
from slabot.reports.schedule import Week
from storage.models.incidents import Incident, SlaTimerKind

UTC_ZONE = ZoneInfo("UTC")
BERLIN = ZoneInfo("Europe/Berlin")


def utc(month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


# --- windows as they stood at the end of a week ----------------------------------------------------------


@pytest.mark.parametrize(
    ("window", "tz", "end", "start", "stop"),
    [
        # W48 ends Monday 30 Nov: the week that ended, not the one starting
        ("week", UTC_ZONE, utc(11, 30), utc(11, 23), utc(11, 30)),
        # W22 ends 1 June: May, whole
        ("month", UTC_ZONE, utc(6, 1), utc(5, 1), utc(6, 1)),
        # a week inside a month: the month so far
        ("month", UTC_ZONE, utc(11, 30), utc(11, 1), utc(12, 1)),
        # a week ending 1 January 2029 (a Monday): the last quarter of 2028
        ("quarter", UTC_ZONE, datetime(2029, 1, 1, tzinfo=UTC), datetime(2028, 10, 1, tzinfo=UTC), None),
        # a Berlin week ends at 23:00 UTC on Sunday
        ("week", BERLIN, datetime(2026, 11, 29, 23, 0, tzinfo=UTC), utc(11, 22, 23), utc(11, 29, 23)),
    ],
)
def test_a_calendar_window_at_a_weeks_end_is_the_period_that_ends(
    window: str, tz: ZoneInfo, end: datetime, start: datetime, stop: datetime | None
) -> None:
    stop = stop or end
    bounds = window_through(WindowSpec.parse(window), end, tz)
    assert bounds == WindowBounds(start, stop, min(end, stop))
    # evaluated at `end` itself, the window would be the next, empty period
    assert window_bounds(WindowSpec.parse(window), end, tz).start == (end if stop == end else start)


def test_a_rolling_window_at_a_weeks_end_is_as_at_the_end() -> None:
    spec = WindowSpec.parse("30d")
    assert window_through(spec, utc(11, 30), UTC_ZONE) == window_bounds(spec, utc(11, 30), UTC_ZONE)


@given(st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 1, 1), timezones=st.just(UTC)))
def test_the_window_through_an_end_always_holds_the_instant_before_it(end: datetime) -> None:
    end = end.replace(second=0, microsecond=0)
    for kind in ("week", "month", "quarter"):
        bounds = window_through(WindowSpec(kind), end, BERLIN)  # type: ignore[arg-type]
        assert bounds.start < end <= bounds.end and bounds.now == end


# --- breaches from the incident record --------------------------------------------------------------------

WEEK = Week(date(2026, 11, 23), UTC_ZONE)
LAST = WEEK.end - timedelta(microseconds=1)


def incident(number: int, severity: int, started: datetime, ack: int | None, fixed: int | None) -> Incident:
    return Incident(
        id=number,
        service_id=1,
        severity=severity,
        title=f"incident {number}",
        impact_percent=Decimal(100),
        status="open",
        started_at=started,
        acknowledged_at=None if ack is None else started + timedelta(seconds=ack),
        resolved_at=None if fixed is None else started + timedelta(seconds=fixed),
        opened_by="U1",
    )


def test_the_breach_list_is_what_the_attainment_counts_as_missed() -> None:
    book = TimerBook(dict(DEFAULT_TARGETS), {}, UTC_ZONE)
    incidents = [
        incident(1, 1, utc(11, 25, 10), 20 * 60, 30 * 60),  # response 15m missed at 10:15
        incident(2, 1, utc(11, 25, 12), 5 * 60, 5 * 3600),  # resolution 4h missed at 16:00
        incident(3, 2, utc(11, 26, 9), 10 * 60, 3600),  # both met
        incident(4, 1, utc(11, 29, 23, 45), None, None),  # 15m due exactly at the week's end: next week's
        incident(5, 1, utc(11, 22, 23, 50), 30 * 60, 40 * 60),  # started last week, missed at 00:05 this week
    ]
    lines = missed_targets(incidents, {}, book.timers, {1: "checkout"}, WEEK.start, LAST)
    assert [(line.incident.id, line.timer, line.due_at) for line in lines] == [
        (5, SlaTimerKind.RESPONSE, utc(11, 23, 0, 5)),
        (1, SlaTimerKind.RESPONSE, utc(11, 25, 10, 15)),
        (2, SlaTimerKind.RESOLUTION, utc(11, 25, 16)),
    ]
    assert {line.service for line in lines} == {"checkout"}
    started = [i for i in incidents if i.started_at >= WEEK.start]
    missed = sum(row.response.missed + row.resolution.missed for row in severity_stats(started, {}, book.timers, LAST))
    assert missed == len([line for line in lines if line.incident.started_at >= WEEK.start]) == 2


# --- timer attainment: one decimal, floored -------------------------------------------------------------


@pytest.mark.parametrize(
    ("ratio", "shown"),
    [
        (Fraction(199, 200), "99.5%"),
        (Fraction(1999, 2000), "99.9%"),  # 99.95% floored: never "100.0%" with a miss
        (Fraction(2, 3), "66.6%"),
        (Fraction(1), "100.0%"),
        (Fraction(0), "0.0%"),
        (None, "no data"),
    ],
)
def test_format_share_floors_to_one_decimal(ratio: Fraction | None, shown: str) -> None:
    assert format_share(ratio) == shown


def test_199_of_200_met_is_not_100_percent() -> None:
    times = ResponseTimes(None, None, None, None)
    row = SeverityStats(1, 200, times, Attainment(199, 1), Attainment(200, 0))
    assert "response 199/200 met (99.5%) · resolution 200/200 met (100.0%)" in severity_text(row)


# --- durations truncated, signs kept ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [
        (2 * 3600 + 12 * 60 + 32, "2h 12m"),
        (2 * 3600 + 12 * 60 + 59, "2h 12m"),
        (3 * 86400 + 4 * 3600 + 3599, "3d 4h"),
        (59 * 60 + 59, "59m 59s"),
        (Fraction(599, 10), "59s"),
        (Fraction(99, 10), "9.9s"),
        (Fraction(999, 100), "9.9s"),
        (-1, "-1s"),
        (Fraction(-1, 100), "-0s"),
        (-(2 * 3600 + 12 * 60 + 32), "-2h 12m"),
    ],
)
def test_durations_are_truncated_at_the_unit_shown(seconds: int | Fraction, shown: str) -> None:
    assert format_duration(seconds) == shown


@given(st.fractions(min_value=0, max_value=10**8))
def test_a_duration_never_reads_larger_than_it_is(seconds: Fraction) -> None:
    text = format_duration(seconds)
    units = {"d": 86400, "h": 3600, "m": 60, "s": 1}
    shown = sum(Fraction(part[:-1]) * units[part[-1]] for part in text.split())
    assert shown <= seconds
    assert format_duration(-seconds) == (f"-{text}" if seconds else text)


def test_an_overspent_budget_keeps_its_sign_as_a_percentage() -> None:
    # 1 s over a 43m 12s budget: −0.0386% rounds to nothing, and still reads as over
    assert format_percent(Fraction(-1, 2592)) == "-0.0%"
    assert format_percent(Fraction(792, 2592)) == "30.6%"  # DOMAIN.md's worked example, to the nearest
