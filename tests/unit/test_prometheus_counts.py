"""Per-minute counts from raw counter samples: resets, NaN, gaps, and pulls split anywhere giving the same minutes."""

from __future__ import annotations

import itertools
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from slabot.sources.prometheus_client import QueryShapeError, counter_selector
from slabot.sources.prometheus_counts import (
    MAX_GAP_MS,
    MINUTE_MS,
    Sample,
    combine,
    parse_time_ms,
    parse_value,
    series_increments,
)

# A series: steps of 1 to 60 s, each either an increment, a reset (back to a small value) or a NaN.
steps = st.lists(
    st.tuples(st.integers(1_000, 60_000), st.sampled_from(["inc", "inc", "inc", "reset", "nan"]), st.integers(0, 50)),
    min_size=1,
    max_size=120,
)


def build(raw: list[tuple[int, str, int]]) -> tuple[list[Sample], int]:
    """Samples and their true increment (every increment after the first sample, resets counting from 0)."""
    t, value, true = 1_800_000_000_000, 7, 0
    samples = [Sample(t, value)]
    for gap, kind, amount in raw:
        t += gap
        if kind == "nan":
            samples.append(Sample(t, None))
            continue
        if kind == "reset" and amount % 5 < value:  # a reset shows as a drop
            value = amount % 5
            true += value
        elif kind == "reset":
            pass
        else:
            value += amount
            true += amount
        samples.append(Sample(t, value))
    return samples, true


@given(steps)
def test_the_minutes_add_up_to_every_increment_with_resets(raw: list[tuple[int, str, int]]) -> None:
    samples, true = build(raw)
    minutes = series_increments(samples, samples[0].t_ms, samples[-1].t_ms + 1)
    assert sum(minutes.values()) == true
    assert all(count >= 0 for count in minutes.values())


@given(steps, st.lists(st.integers(0, 10**7), max_size=6))
def test_splitting_the_span_into_pulls_gives_the_same_minutes(raw: list[tuple[int, str, int]], cuts: list[int]) -> None:
    samples, _ = build(raw)
    first = samples[0].t_ms // MINUTE_MS * MINUTE_MS
    end = (samples[-1].t_ms // MINUTE_MS + 1) * MINUTE_MS
    whole = series_increments(samples, first, end)
    bounds = sorted({first, end, *(first + cut // MINUTE_MS * MINUTE_MS for cut in cuts if first + cut < end)})
    pieced: dict[int, int] = {}
    for lo, hi in itertools.pairwise(bounds):
        # each pull sees only what it read: MAX_GAP_MS before its start, up to its end
        seen = [s for s in samples if lo - MAX_GAP_MS <= s.t_ms < hi]
        for minute, count in series_increments(seen, lo, hi).items():
            assert minute not in pieced
            pieced[minute] = count
    assert pieced == whole


def test_a_series_silent_longer_than_the_gap_starts_over() -> None:
    t = 1_800_000_000_000
    samples = [
        Sample(t, 10),
        Sample(t + 15_000, 12),
        Sample(t + 15_000 + MAX_GAP_MS + 1, 40),
        Sample(t + 2 * MAX_GAP_MS, 41),
    ]
    assert sum(series_increments(samples, t, t + 3 * MAX_GAP_MS).values()) == 2 + 1


def test_values_and_times_are_read_exactly() -> None:
    assert parse_value("NaN") is None and parse_value("+Inf") is None and parse_value("-Inf") is None
    assert parse_value("1.5e3") == 1500 and parse_value("12") == 12 and parse_value("2.9") == 2
    assert parse_time_ms(1764547200.123) == 1764547200123 and parse_time_ms("1764547200") == 1764547200000


def test_good_is_clamped_to_total_and_bad_gives_good() -> None:
    assert [(c.good, c.total) for c in combine({1: 5, 2: 9}, {1: 4, 2: 10}, bad=False)] == [(4, 4), (9, 10)]
    assert [(c.good, c.total) for c in combine({1: 5, 2: 1}, {1: 4, 2: 10, 3: 3}, bad=True)] == [
        (0, 4),
        (9, 10),
        (3, 3),
    ]


@pytest.mark.parametrize(
    ("query", "selector"),
    [
        ('http_requests_total{job="api"}', 'http_requests_total{job="api"}'),
        ('sum(http_requests_total{code!~"5.."})', 'http_requests_total{code!~"5.."}'),
        ("sum by (job) (x_total)", "x_total"),
        ("sum(x_total) by (job)", "x_total"),
    ],
)
def test_accepted_query_shapes(query: str, selector: str) -> None:
    assert counter_selector(query) == selector


@pytest.mark.parametrize("query", ["rate(x_total[5m])", "sum(increase(x_total[1h]))", "x_total[5m]", "x_total / 2"])
def test_other_shapes_are_refused_saying_what_is_accepted(query: str) -> None:
    with pytest.raises(QueryShapeError, match="counter"):
        counter_selector(query)


def test_float_timestamps_read_as_the_exact_millisecond() -> None:
    """JSON gives seconds as floats; every millisecond of the years slabot will see reads back exactly."""
    rng = random.Random(7)
    for ms in [rng.randint(1_500_000_000_000, 2_500_000_000_000) for _ in range(50_000)] + [1_700_000_000_999]:
        assert parse_time_ms(float(f"{ms // 1000}.{ms % 1000:03d}")) == ms
        assert parse_time_ms(f"{ms // 1000}.{ms % 1000:03d}") == ms
