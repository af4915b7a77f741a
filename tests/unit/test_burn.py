from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from slabot.core.burn import (
    DEFAULT_RULES,
    LOOKBACKS,
    AlertRule,
    Counts,
    Forecast,
    check_rule,
    evaluate_rules,
    forecast,
    format_rule,
    parse_rule,
    trend,
)
from slabot.core.timefmt import format_duration

DAY = 86400
HOUR = 3600
P999 = Fraction(999, 1000)
P99 = Fraction(99, 100)
D30 = 30 * DAY
BUDGET_30D = Fraction(2592)  # seconds of budget for 99.9% over 30 days (43m 12s)


def test_lookbacks() -> None:
    assert LOOKBACKS == (300, 1800, 3600, 7200, 21600, 86400, 259200)


# --- DOMAIN.md section 4: thresholds derived per window ---------------------------------------------

THRESHOLDS = [
    # 30d, 28d, 7d
    (Fraction("14.4"), Fraction("13.44"), Fraction("3.36")),
    (Fraction(6), Fraction("5.6"), Fraction("1.4")),
    (Fraction(3), Fraction("2.8"), Fraction("0.7")),
    (Fraction(1), Fraction(14, 15), Fraction(7, 30)),
]


@pytest.mark.parametrize(("rule", "expected"), list(zip(DEFAULT_RULES, THRESHOLDS, strict=True)))
def test_default_thresholds(rule: AlertRule, expected: tuple[Fraction, Fraction, Fraction]) -> None:
    assert (rule.threshold(30 * DAY), rule.threshold(28 * DAY), rule.threshold(7 * DAY)) == expected
    for days in (30, 28, 7):
        check_rule(rule, P999, days * DAY)


def test_default_rules_shape() -> None:
    assert [format_rule(r) for r in DEFAULT_RULES] == [
        "page:2%:1h/5m",
        "page:5%:6h/30m",
        "ticket:10%:1d/2h",
        "ticket:10%:3d/6h",
    ]
    assert DEFAULT_RULES[0].describe() == "page: 2% of the budget in 1h (5m)"
    assert DEFAULT_RULES[3].describe() == "ticket: 10% of the budget in 3d (6h)"


# --- check_rule ----------------------------------------------------------------------------------


def test_threshold_that_can_never_fire_is_refused() -> None:
    rule = AlertRule("page", HOUR, 300, Fraction(1, 2))  # 0.5 * 720 = 360 > 100
    with pytest.raises(ValueError, match="can never fire") as info:
        check_rule(rule, P99, D30)
    message = str(info.value)
    assert "burn rate of 360" in message
    assert "highest possible is 100" in message
    assert "page:50%:1h/5m" in message and "99% over 30d" in message
    check_rule(rule, P99, 7 * DAY)  # 84 <= 100: fine


def test_refusal_rounds_to_two_decimals() -> None:
    rule = AlertRule("page", 7 * HOUR, 300, Fraction(1))  # 720 / 7 = 102.857…
    with pytest.raises(ValueError, match=r"burn rate of 102\.86, and the highest possible is 100 "):
        check_rule(rule, P99, D30)


def test_threshold_exactly_at_the_highest_burn_can_fire() -> None:
    check_rule(AlertRule("page", 3 * DAY, HOUR, Fraction(1)), P99, 300 * DAY)  # 100 == 100


@pytest.mark.parametrize(
    ("rule", "window", "fragment"),
    [
        (AlertRule("page", 300, 300, Fraction(2, 100)), D30, "short window"),
        (AlertRule("page", 300, HOUR, Fraction(2, 100)), D30, "short window"),
        (AlertRule("ticket", 3 * DAY, 6 * HOUR, Fraction(1, 10)), DAY, r"long window \(3d\) is longer"),
        (AlertRule("page", HOUR, 300, Fraction(0)), D30, "above 0%"),
        (AlertRule("page", HOUR, 300, Fraction(3, 2)), D30, "at most 100%"),
        (AlertRule("page", HOUR, 0, Fraction(1, 100)), D30, "longer than zero"),
    ],
)
def test_bad_rules_refused(rule: AlertRule, window: int, fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        check_rule(rule, P999, window)


# --- parse_rule / format_rule --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("page:2%:1h/5m", AlertRule("page", HOUR, 300, Fraction(2, 100))),
        ("ticket:10%:3d/6h", AlertRule("ticket", 3 * DAY, 6 * HOUR, Fraction(1, 10))),
        ("page:2.5%:1h30m/7m30s", AlertRule("page", 5400, 450, Fraction(1, 40))),
        ("ticket:0.125%:1w/12h", AlertRule("ticket", 7 * DAY, 12 * HOUR, Fraction(1, 800))),
        ("ticket:100%:1d1h1m1s/1s", AlertRule("ticket", 90061, 1, Fraction(1))),
    ],
)
def test_parse_and_format_round_trip(text: str, rule: AlertRule) -> None:
    assert parse_rule(text) == rule
    assert parse_rule(format_rule(rule)) == rule
    assert format_rule(parse_rule(format_rule(rule))) == format_rule(rule)


def test_format_rule_exact() -> None:
    assert format_rule(parse_rule("ticket:0.125%:1w/12h")) == "ticket:0.125%:7d/12h"
    assert format_rule(parse_rule(" PAGE : 2% : 1h / 5m ")) == "page:2%:1h/5m"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "page",
        "page:2%:1h",
        "page:2:1h/5m",
        "warn:2%:1h/5m",
        "page:-2%:1h/5m",
        "page:0%:1h/5m",
        "page:150%:1h/5m",
        "page:2%:1x/5m",
        "page:2%:0m/0s",
        "page:2%:5m/1h",
        "page:2%:1h/1h",
        "page:2%:1h/5m/1m",
        "page:2,5%:1h/5m",
    ],
)
def test_parse_rule_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_rule(text)


def test_parse_rule_error_shows_an_example() -> None:
    with pytest.raises(ValueError, match="page:2%:1h/5m"):
        parse_rule("page 2% 1h")


# --- evaluate_rules ------------------------------------------------------------------------------


def counts_at(error_ratio: Fraction, valid: int = 100_000, **overrides: Counts) -> dict[int, Counts]:
    """Every lookback with the same error ratio, some replaced (keys like s300)."""
    base = {lb: Counts(error_ratio * valid, valid) for lb in LOOKBACKS}
    base.update({int(k[1:]): v for k, v in overrides.items()})
    return base


def run(counts: dict[int, Counts], min_events: int = 0, events_based: bool = True) -> list[bool]:
    results = evaluate_rules(
        DEFAULT_RULES,
        counts,
        target=P999,
        window_seconds=D30,
        budget_total=BUDGET_30D,
        min_events=min_events,
        events_based=events_based,
    )
    return [r.firing for r in results]


def test_full_outage_fires_everything() -> None:
    assert run(counts_at(Fraction(1))) == [True, True, True, True]


def test_page_fires_when_both_windows_reach_14_4() -> None:
    at = counts_at(Fraction(0), s3600=Counts(144, 10_000), s300=Counts(144, 10_000))  # exactly 14.4
    assert run(at)[0] is True
    just_below = counts_at(Fraction(0), s3600=Counts(143, 10_000), s300=Counts(144, 10_000))
    assert run(just_below)[0] is False
    short_below = counts_at(Fraction(0), s3600=Counts(144, 10_000), s300=Counts(143, 10_000))
    assert run(short_below)[0] is False


def test_one_percent_errors_fire_the_6h_page_only() -> None:
    firing = run(counts_at(Fraction(1, 100)))  # burn 10
    assert firing == [False, True, True, True]


def test_resets_when_the_short_window_recovers() -> None:
    recovered = counts_at(Fraction(1), s300=Counts(0, 10_000), s1800=Counts(0, 10_000))
    assert run(recovered) == [False, False, True, True]


def test_low_traffic_does_not_fire() -> None:
    few = counts_at(Fraction(1), valid=50)
    assert run(few, min_events=100) == [False, False, False, False]
    results = evaluate_rules(
        DEFAULT_RULES[:1],
        few,
        target=P999,
        window_seconds=D30,
        budget_total=BUDGET_30D,
        min_events=100,
        events_based=True,
    )
    assert results[0].low_traffic and results[0].long_rate == 1000
    assert run(few, min_events=50) == [True, True, True, True]
    assert run(few, min_events=100, events_based=False) == [True, True, True, True]  # seconds: no such rule


def test_no_data_does_not_fire() -> None:
    empty = {lb: Counts(0, 0) for lb in LOOKBACKS}
    results = evaluate_rules(
        DEFAULT_RULES, empty, target=P999, window_seconds=D30, budget_total=BUDGET_30D, min_events=0, events_based=False
    )
    assert [r.firing for r in results] == [False] * 4
    assert results[0].long_rate is None and results[0].short_rate is None
    assert results[0].budget_consumed == 0
    half = counts_at(Fraction(1), s300=Counts(0, 0))
    assert run(half, events_based=False)[0] is False


def test_budget_consumed_by_14_4_over_1h_on_30d_is_2_percent() -> None:
    counts = counts_at(Fraction(0), s3600=Counts(Fraction("51.84"), HOUR), s300=Counts(Fraction("4.32"), 300))
    result = evaluate_rules(
        DEFAULT_RULES[:1],
        counts,
        target=P999,
        window_seconds=D30,
        budget_total=BUDGET_30D,
        min_events=0,
        events_based=False,
    )[0]
    assert result.long_rate == Fraction("14.4") and result.threshold == Fraction("14.4")
    assert result.firing is True
    assert result.budget_consumed == Fraction(2, 100)
    none = evaluate_rules(
        DEFAULT_RULES[:1],
        counts,
        target=P999,
        window_seconds=D30,
        budget_total=Fraction(0),
        min_events=0,
        events_based=False,
    )[0]
    assert none.budget_consumed is None


def test_counts_accept_int_and_refuse_nonsense() -> None:
    assert Counts(1, 2) == Counts(Fraction(1), Fraction(2))
    assert Counts(Fraction(1, 2), 1).bad == Fraction(1, 2) and Counts(1, 2).bad == 1
    with pytest.raises(ValueError):
        Counts(3, 2)
    with pytest.raises(ValueError):
        Counts(-1, 2)


@given(
    valid_long=st.integers(1, 10_000),
    valid_short=st.integers(1, 10_000),
    data=st.data(),
)
def test_firing_is_monotonic_in_bad(valid_long: int, valid_short: int, data: st.DataObject) -> None:
    bad_long = data.draw(st.integers(0, valid_long))
    bad_short = data.draw(st.integers(0, valid_short))
    more_long = data.draw(st.integers(bad_long, valid_long))
    more_short = data.draw(st.integers(bad_short, valid_short))
    rule = DEFAULT_RULES[0]

    def one(bl: int, bs: int) -> tuple[bool, Fraction | None, Fraction | None]:
        counts = {HOUR: Counts(bl, valid_long), 300: Counts(bs, valid_short)}
        r = evaluate_rules(
            [rule],
            counts,
            target=P99,
            window_seconds=7 * DAY,
            budget_total=Fraction(1),
            min_events=0,
            events_based=True,
        )[0]
        return r.firing, r.long_rate, r.short_rate

    before, after = one(bad_long, bad_short), one(more_long, more_short)
    assert not before[0] or after[0]
    assert before[1] is not None and after[1] is not None and before[2] is not None and after[2] is not None
    assert after[1] >= before[1] and after[2] >= before[2]
    if more_long > bad_long:
        assert after[1] > before[1]


# --- forecast and trend --------------------------------------------------------------------------


def fc(counts: dict[int, Counts], window: Counts, left: Fraction | None, remaining: int, calendar: bool) -> Forecast:
    return forecast(
        counts,
        window,
        target=P999,
        window_seconds=D30,
        left_fraction=left,
        remaining_seconds=remaining,
        calendar=calendar,
    )


def test_time_to_exhaust_golden() -> None:
    f = fc(counts_at(Fraction(144, 10_000), valid=10_000), Counts(0, 10), Fraction(1), 0, calendar=False)
    assert f.burn_rates[HOUR] == Fraction("14.4")
    assert f.exhaust_at_1h == 50 * HOUR and f.exhaust_at_6h == 50 * HOUR
    outage = fc(counts_at(Fraction(1)), Counts(0, 10), Fraction(1), 0, calendar=False)
    assert outage.exhaust_at_1h == 2592 and format_duration(outage.exhaust_at_1h) == "43m 12s"


def test_burn_rates_order_and_whole_window() -> None:
    f = fc({HOUR: Counts(1, 1000)}, Counts(1, 2000), Fraction(1, 2), 0, calendar=True)
    assert list(f.burn_rates) == [*LOOKBACKS, 0]
    assert f.burn_rates[HOUR] == 1 and f.burn_rates[0] == Fraction(1, 2) and f.burn_rates[300] is None
    assert f.exhaust_at_1h == D30 / 2 and f.exhaust_at_6h is None


def test_calendar_projection() -> None:
    # 10 days in: 432 s bad of 864000 s (burn 0.5), 5/6 of the budget left; 20 more days at 0.5 spend 1/3.
    f = fc(counts_at(Fraction(0)), Counts(432, 10 * DAY), Fraction(5, 6), 20 * DAY, calendar=True)
    assert f.burn_rates[0] == Fraction(1, 2)
    assert f.projected_left_fraction == Fraction(1, 2)
    assert f.exhaust_at_1h is None  # no burn in the last hour: never
    done = fc(counts_at(Fraction(0)), Counts(432, 10 * DAY), Fraction(5, 6), 0, calendar=True)
    assert done.projected_left_fraction == Fraction(5, 6)


def test_rolling_projection() -> None:
    f = fc(counts_at(Fraction(3, 1000)), Counts(0, D30), Fraction(1), 0, calendar=False)  # 1d burn 3
    assert f.projected_left_fraction == -2
    g = fc(counts_at(Fraction(1, 4000)), Counts(0, D30), Fraction(1), 0, calendar=False)  # 1d burn 1/4
    assert g.projected_left_fraction == Fraction(3, 4)


def test_forecast_none_cases() -> None:
    no_1d = fc({HOUR: Counts(1, 10)}, Counts(1, 10), Fraction(1, 2), 0, calendar=False)
    assert no_1d.projected_left_fraction is None
    no_window = fc(counts_at(Fraction(1, 100)), Counts(0, 0), Fraction(1, 2), DAY, calendar=True)
    assert no_window.burn_rates[0] is None and no_window.projected_left_fraction is None
    no_left = fc(counts_at(Fraction(1, 100)), Counts(1, 10), None, DAY, calendar=True)
    assert no_left.projected_left_fraction is None and no_left.exhaust_at_1h is None
    exhausted = fc({}, Counts(1, 10), Fraction(-1, 10), DAY, calendar=True)
    assert exhausted.exhaust_at_1h == 0 and exhausted.exhaust_at_6h == 0
    gone = fc({}, Counts(1, 10), Fraction(0), DAY, calendar=True)  # nothing left, no recent data: gone now
    assert gone.exhaust_at_1h == 0


def rates(one_hour: Fraction | None, six_hours: Fraction | None) -> Forecast:
    return Forecast({HOUR: one_hour, 6 * HOUR: six_hours}, None, None, None)


@pytest.mark.parametrize(
    ("one_hour", "six_hours", "expected"),
    [
        (Fraction(5), Fraction(2), "down"),
        (Fraction(5), None, "down"),
        (Fraction(2), Fraction(5), "flat"),
        (Fraction(2), Fraction(2), "flat"),
        (Fraction(1), Fraction(0), "flat"),
        (Fraction(1, 2), Fraction(5), "up"),
        (Fraction(0), Fraction(0), "up"),
        (None, Fraction(3), "flat"),
    ],
)
def test_trend(one_hour: Fraction | None, six_hours: Fraction | None, expected: str) -> None:
    assert trend(rates(one_hour, six_hours)) == expected


@given(st.integers(0, 999), st.integers(1, 1000))
def test_burn_rate_rises_with_bad(bad: int, extra: int) -> None:
    valid = 2000
    low = fc({HOUR: Counts(bad, valid)}, Counts(0, 1), Fraction(1), 0, calendar=False).burn_rates[HOUR]
    high = fc({HOUR: Counts(bad + extra, valid)}, Counts(0, 1), Fraction(1), 0, calendar=False).burn_rates[HOUR]
    assert low is not None and high is not None and high > low
