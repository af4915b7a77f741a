from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from slabot.core.budget import (
    BadInterval,
    BudgetReport,
    bad_seconds,
    budget_consumed_by_burn,
    burn_rate,
    burn_threshold,
    detection_seconds,
    event_budget,
    event_budget_report,
    interval_bad_seconds,
    max_burn_rate,
    percent_from_target,
    target_from_percent,
    threshold_can_fire,
    time_budget_report,
    time_budget_seconds,
    time_to_exhaust,
)
from slabot.core.timefmt import format_duration, format_percent

DAY = 86400
HOUR = 3600
MINUTE = 60
T0 = datetime(2026, 11, 1, tzinfo=UTC)
P999 = Fraction(999, 1000)


def at(minutes: int | float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def iv(start_min: float, end_min: float | None, impact: Fraction = Fraction(1)) -> BadInterval:
    return BadInterval(at(start_min), None if end_min is None else at(end_min), impact)


# --- DOMAIN.md section 2: budget by target and window, in minutes of full outage -------------------

GOLDEN = [
    # percent, 7d, 28d, 30d, highest burn rate
    ("99", "100.8", "403.2", "432", 100),
    ("99.5", "50.4", "201.6", "216", 200),
    ("99.9", "10.08", "40.32", "43.2", 1000),
    ("99.95", "5.04", "20.16", "21.6", 2000),
    ("99.99", "1.008", "4.032", "4.32", 10000),
]


@pytest.mark.parametrize(("percent", "d7", "d28", "d30", "highest"), GOLDEN)
def test_golden_budget_table(percent: str, d7: str, d28: str, d30: str, highest: int) -> None:
    target = target_from_percent(Decimal(percent))
    for days, minutes in ((7, d7), (28, d28), (30, d30)):
        budget = time_budget_seconds(target, days * DAY)
        assert budget / MINUTE == Fraction(Decimal(minutes))
    assert max_burn_rate(target) == highest


def test_golden_999_30d_is_exactly_43_2_minutes() -> None:
    budget = time_budget_seconds(P999, 30 * DAY)
    assert budget == Fraction(2592)
    assert budget / MINUTE == Fraction(432, 10)
    assert format_duration(budget) == "43m 12s"


def test_event_budget() -> None:
    assert event_budget(P999, 1_000_000) == 1000
    assert event_budget(Fraction(9995, 10000), 10_000) == 5
    assert event_budget(P999, 0) == 0


# --- worked example -----------------------------------------------------------------------------------


def test_worked_example_full_impact() -> None:
    bad = bad_seconds([iv(0, 30)], T0, T0 + timedelta(days=30))
    assert bad == 1800
    report = time_budget_report(P999, 30 * DAY, 30 * DAY, bad)
    assert report.total == 2592
    assert report.left == 792
    assert format_duration(report.left) == "13m 12s"
    assert report.left_fraction == Fraction(792, 2592)
    assert format_percent(report.left_fraction) == "30.6%"
    assert not report.exhausted


def test_worked_example_half_impact() -> None:
    bad = bad_seconds([iv(0, 30, Fraction(1, 2))], T0, T0 + timedelta(days=30))
    assert bad == 900
    assert format_duration(bad) == "15m"
    report = time_budget_report(P999, 30 * DAY, 30 * DAY, bad)
    assert report.consumed == 900
    assert format_duration(report.left) == "28m 12s"
    assert format_percent(report.left_fraction) == "65.3%"


def test_time_report_attainment_over_elapsed_part() -> None:
    report = time_budget_report(P999, 30 * DAY, 10 * DAY, 864)
    assert report.total == 2592
    assert report.attainment == Fraction(10 * DAY - 864, 10 * DAY)
    assert report.valid == 10 * DAY
    empty = time_budget_report(P999, 30 * DAY, 0, 0)
    assert empty.attainment is None
    assert not empty.exhausted


def test_time_report_overspent_keeps_true_value() -> None:
    report = time_budget_report(P999, 30 * DAY, 30 * DAY, 3600)
    assert report.left == -1008
    assert report.left_fraction == Fraction(-1008, 2592)
    assert format_percent(report.left_fraction) == "-38.9%"
    assert report.exhausted


def test_event_report() -> None:
    report = event_budget_report(P999, good=99_950, valid=100_000)
    assert report == BudgetReport(
        total=Fraction(100),
        consumed=Fraction(50),
        left=Fraction(50),
        left_fraction=Fraction(1, 2),
        attainment=Fraction(1999, 2000),
        valid=Fraction(100_000),
    )
    assert not report.exhausted
    exact = event_budget_report(P999, good=999, valid=1000)
    assert exact.left == 0 and exact.exhausted


def test_event_report_no_data_is_not_100_percent() -> None:
    report = event_budget_report(P999, good=0, valid=0)
    assert report.attainment is None
    assert report.left_fraction is None
    assert not report.exhausted


def test_event_report_rejects_good_above_valid() -> None:
    with pytest.raises(ValueError):
        event_budget_report(P999, good=11, valid=10)


# --- time to exhaust ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rate", "hours", "shown"),
    [
        (Fraction(1), 720, "30d"),
        (Fraction(2), 360, "15d"),
        (Fraction(6), 120, "5d"),
        (Fraction(10), 72, "3d"),
        (Fraction(144, 10), 50, "2d 2h"),
        (Fraction(36), 20, "20h"),
        (Fraction(1000), Fraction(72, 100), "43m 12s"),
    ],
)
def test_time_to_exhaust_full_30d_budget(rate: Fraction, hours: Fraction, shown: str) -> None:
    seconds = time_to_exhaust(Fraction(1), 30 * DAY, rate)
    assert seconds == hours * HOUR
    assert format_duration(seconds) == shown


def test_time_to_exhaust_edges() -> None:
    assert time_to_exhaust(Fraction(1, 2), 30 * DAY, Fraction(1)) == 15 * DAY
    assert time_to_exhaust(Fraction(1), 30 * DAY, Fraction(0)) is None
    assert time_to_exhaust(Fraction(1), 30 * DAY, Fraction(-1)) is None
    assert time_to_exhaust(Fraction(0), 30 * DAY, Fraction(5)) == 0
    # already exhausted says 0 even when nothing burns any more
    assert time_to_exhaust(Fraction(0), 30 * DAY, Fraction(0)) == 0
    assert time_to_exhaust(Fraction(-1, 4), 30 * DAY, Fraction(5)) == 0


# --- burn rates and thresholds (section 4) ------------------------------------------------------------


def test_burn_rate() -> None:
    assert burn_rate(1, 100, P999) == 10
    assert burn_rate(0, 100, P999) == 0
    assert burn_rate(100, 100, P999) == 1000
    assert burn_rate(0, 0, P999) is None


THRESHOLDS = [
    # budget fraction, long lookback, short lookback, 30d, 28d, 7d
    (Fraction(2, 100), HOUR, 5 * MINUTE, Fraction(144, 10), Fraction(1344, 100), Fraction(336, 100)),
    (Fraction(5, 100), 6 * HOUR, 30 * MINUTE, Fraction(6), Fraction(56, 10), Fraction(14, 10)),
    (Fraction(10, 100), DAY, 2 * HOUR, Fraction(3), Fraction(28, 10), Fraction(7, 10)),
    (Fraction(10, 100), 3 * DAY, 6 * HOUR, Fraction(1), Fraction(14, 15), Fraction(7, 30)),
]


@pytest.mark.parametrize(("fraction", "long", "short", "d30", "d28", "d7"), THRESHOLDS)
def test_threshold_table(fraction: Fraction, long: int, short: int, d30: Fraction, d28: Fraction, d7: Fraction) -> None:
    assert short * 12 == long
    for days, expected in ((30, d30), (28, d28), (7, d7)):
        threshold = burn_threshold(fraction, days * DAY, long)
        assert threshold == expected
        assert budget_consumed_by_burn(threshold, long, days * DAY) == fraction


def test_7d_thresholds_are_not_30d_ones() -> None:
    assert burn_threshold(Fraction(2, 100), 7 * DAY, HOUR) != Fraction(144, 10)


@pytest.mark.parametrize(
    ("threshold", "lookback", "seconds", "shown"),
    [
        (Fraction(144, 10), HOUR, Fraction(5184, 100), "51s"),
        (Fraction(144, 10), 5 * MINUTE, Fraction(432, 100), "4.3s"),
        (Fraction(6), 6 * HOUR, Fraction(1296, 10), "2m 9s"),
        (Fraction(3), DAY, Fraction(2592, 10), "4m 19s"),
        (Fraction(1), 3 * DAY, Fraction(2592, 10), "4m 19s"),
    ],
)
def test_detection_full_outage(threshold: Fraction, lookback: int, seconds: Fraction, shown: str) -> None:
    detected = detection_seconds(threshold, P999, lookback)
    assert detected == seconds
    assert format_duration(detected) == shown


def test_detection_at_one_percent_errors() -> None:
    one_percent = Fraction(1, 100)
    assert burn_rate(1, 100, P999) == 10
    assert detection_seconds(Fraction(144, 10), P999, HOUR, one_percent) is None
    six_hours = detection_seconds(Fraction(6), P999, 6 * HOUR, one_percent)
    assert six_hours == Fraction(36, 10) * HOUR
    assert format_duration(six_hours) == "3h 36m"


def test_detection_never_with_no_errors_and_at_exact_threshold() -> None:
    assert detection_seconds(Fraction(1), P999, HOUR, Fraction(0)) is None
    # error ratio 1% is burn 10: a threshold of exactly 10 is reached after the whole lookback
    assert detection_seconds(Fraction(10), P999, HOUR, Fraction(1, 100)) == HOUR


def test_threshold_can_fire() -> None:
    assert threshold_can_fire(Fraction(144, 10), P999)
    assert threshold_can_fire(Fraction(1000), P999)
    assert not threshold_can_fire(Fraction(1001), P999)
    assert threshold_can_fire(Fraction(144, 10), Fraction(95, 100))
    assert not threshold_can_fire(Fraction(21), Fraction(95, 100))
    assert threshold_can_fire(Fraction(20), Fraction(95, 100))


def test_max_burn_rate_rejects_bad_targets() -> None:
    with pytest.raises(ValueError):
        max_burn_rate(Fraction(1))
    with pytest.raises(ValueError):
        max_burn_rate(Fraction(0))


# --- bad_seconds --------------------------------------------------------------------------------------

WINDOW = (at(0), at(600))


def test_bad_seconds_single_and_outside() -> None:
    assert bad_seconds([iv(10, 40)], *WINDOW) == 1800
    assert bad_seconds([iv(-100, -10), iv(700, 800)], *WINDOW) == 0
    assert bad_seconds([iv(600, 610)], *WINDOW) == 0  # the end is exclusive
    assert bad_seconds([], *WINDOW) == 0


def test_bad_seconds_clips_to_window() -> None:
    assert bad_seconds([iv(-30, 10)], *WINDOW) == 600
    assert bad_seconds([iv(590, 700)], *WINDOW) == 600
    assert bad_seconds([iv(-10, 700, Fraction(1, 4))], *WINDOW) == 600 * 60 // 4


def test_bad_seconds_overlap_capped_at_100_percent() -> None:
    sixty = Fraction(6, 10)
    # 10..20 at 60%, 20..30 at 100% (capped from 120%), 30..40 at 60%
    intervals = [iv(10, 30, sixty), iv(20, 40, sixty)]
    assert bad_seconds(intervals, *WINDOW) == 600 * sixty + 600 + 600 * sixty
    assert sum(interval_bad_seconds(i, *WINDOW) for i in intervals) == 2400 * sixty


def test_bad_seconds_same_incident_twice_counts_once() -> None:
    assert bad_seconds([iv(10, 40), iv(10, 40)], *WINDOW) == 1800
    assert bad_seconds([iv(10, 40), iv(20, 30, Fraction(1, 2))], *WINDOW) == 1800


def test_bad_seconds_partial_overlaps_below_cap_add_up() -> None:
    quarter = Fraction(1, 4)
    assert bad_seconds([iv(0, 20, quarter), iv(10, 30, quarter)], *WINDOW) == 600 * (quarter + 2 * quarter + quarter)


def test_bad_seconds_ongoing_counts_up_to_end() -> None:
    assert bad_seconds([iv(590, None)], *WINDOW) == 600
    assert bad_seconds([iv(-60, None, Fraction(1, 2))], *WINDOW) == 600 * 60 // 2
    assert bad_seconds([iv(700, None)], *WINDOW) == 0
    assert interval_bad_seconds(iv(590, None), *WINDOW) == 600


def test_bad_seconds_subsecond_exact() -> None:
    interval = BadInterval(T0, T0 + timedelta(microseconds=1500), Fraction(1, 3))
    assert bad_seconds([interval], T0, T0 + timedelta(hours=1)) == Fraction(1500, 1_000_000) / 3


def test_bad_interval_validation() -> None:
    with pytest.raises(ValueError):
        iv(0, 10, Fraction(0))
    with pytest.raises(ValueError):
        iv(0, 10, Fraction(11, 10))
    with pytest.raises(ValueError):
        iv(10, 0)
    with pytest.raises(ValueError):
        BadInterval(datetime(2026, 1, 1), None, Fraction(1))


# --- percent conversions ------------------------------------------------------------------------------


def test_percent_round_trip() -> None:
    assert target_from_percent(Decimal("99.9")) == Fraction(999, 1000)
    assert target_from_percent(Decimal("99.95")) == Fraction(1999, 2000)
    assert target_from_percent(99) == Fraction(99, 100)
    assert percent_from_target(Fraction(999, 1000)) == Decimal("99.9")
    assert str(percent_from_target(Fraction(999, 1000))) == "99.9"
    assert str(percent_from_target(Fraction(99, 100))) == "99"
    assert str(percent_from_target(Fraction(9999, 10000))) == "99.99"
    for text in ("99.9", "99.95", "99.999", "50", "0.5"):
        assert str(percent_from_target(target_from_percent(Decimal(text)))) == text


@pytest.mark.parametrize("bad", ["100", "0", "-1", "120", "NaN", "Infinity"])
def test_target_from_percent_rejects(bad: str) -> None:
    with pytest.raises(ValueError):
        target_from_percent(Decimal(bad))


def test_percent_from_target_rejects_repeating() -> None:
    with pytest.raises(ValueError):
        percent_from_target(Fraction(2, 3))


# --- properties ---------------------------------------------------------------------------------------

targets = st.sampled_from([Fraction(99, 100), Fraction(995, 1000), P999, Fraction(9995, 10000)])
impacts = st.integers(1, 100).map(lambda n: Fraction(n, 100))
intervals = st.builds(
    lambda s, length, impact, ongoing: BadInterval(
        T0 + timedelta(seconds=s), None if ongoing else T0 + timedelta(seconds=s + length), impact
    ),
    st.integers(-5000, 20000),
    st.integers(0, 8000),
    impacts,
    st.booleans(),
)
WIN_START, WIN_END = T0, T0 + timedelta(seconds=15000)


@given(targets, st.integers(1, 90 * DAY), st.integers(0, 90 * DAY), st.integers(0, 10 * DAY))
def test_consumed_plus_left_is_total_time(target: Fraction, window: int, elapsed: int, bad: int) -> None:
    report = time_budget_report(target, window, elapsed, bad)
    assert report.consumed + report.left == report.total
    assert report.exhausted == (elapsed > 0 and bad >= report.total)


@given(targets, st.integers(0, 10**6), st.integers(0, 10**6))
def test_consumed_plus_left_is_total_events(target: Fraction, a: int, b: int) -> None:
    good, valid = min(a, b), max(a, b)
    report = event_budget_report(target, good, valid)
    assert report.consumed + report.left == report.total
    assert report.total == event_budget(target, valid)


@given(st.lists(intervals, max_size=8))
def test_bad_seconds_bounds(items: list[BadInterval]) -> None:
    bad = bad_seconds(items, WIN_START, WIN_END)
    each = [interval_bad_seconds(i, WIN_START, WIN_END) for i in items]
    assert 0 <= bad <= 15000
    assert bad >= max(each, default=Fraction(0))
    assert bad <= sum(each)


@given(st.lists(intervals, max_size=8), st.randoms(use_true_random=False))
def test_bad_seconds_order_independent(items: list[BadInterval], rnd: random.Random) -> None:
    shuffled = list(items)
    rnd.shuffle(shuffled)
    assert bad_seconds(shuffled, WIN_START, WIN_END) == bad_seconds(items, WIN_START, WIN_END)
    assert bad_seconds(list(reversed(items)), WIN_START, WIN_END) == bad_seconds(items, WIN_START, WIN_END)


@given(targets, st.integers(0, 1000), st.integers(1, 1000), st.integers(1, 10**6))
def test_burn_rate_rises_with_bad_events(target: Fraction, bad: int, more: int, valid: int) -> None:
    low = burn_rate(bad, valid, target)
    high = burn_rate(bad + more, valid, target)
    assert low is not None and high is not None
    assert high > low
    if bad + more <= valid:
        assert high <= max_burn_rate(target)
