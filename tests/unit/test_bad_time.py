"""A service's bad time as a running total (slabot.slo.bad_time): every span it is asked for gives exactly what
bad_seconds gives for the same intervals, overlaps capped at a full outage, microseconds and ongoing ones too."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from slabot.core.budget import BadInterval, bad_seconds
from slabot.slo.bad_time import BadTimeline

T0 = datetime(2026, 11, 1, tzinfo=UTC)
instants = st.builds(
    lambda seconds, micros: T0 + timedelta(seconds=seconds, microseconds=micros),
    st.integers(0, 20_000),
    st.sampled_from([0, 0, 1, 500_000, 999_999]),
)
impacts = st.builds(Fraction, st.integers(1, 1000), st.sampled_from([1000, 8, 3, 7])).filter(lambda f: 0 < f <= 1)


@st.composite
def intervals(draw: st.DrawFn) -> BadInterval:
    start = draw(instants)
    length = draw(st.none() | st.integers(0, 5_000))
    end = None if length is None else start + timedelta(seconds=length, microseconds=draw(st.integers(0, 3)))
    return BadInterval(start, end, draw(impacts))


@given(st.lists(intervals(), max_size=7), st.lists(st.tuples(instants, instants), min_size=1, max_size=5))
def test_every_span_gives_what_bad_seconds_gives(found: list[BadInterval], spans: list[tuple[datetime, ...]]) -> None:
    timeline = BadTimeline(found)
    for start, end in spans:
        assert timeline.bad_seconds(start, end) == bad_seconds(found, start, end)


def test_overlaps_are_capped_at_a_full_outage_and_an_ongoing_one_runs_on() -> None:
    minute = timedelta(minutes=1)
    found = [
        BadInterval(T0, T0 + 10 * minute, Fraction(3, 5)),
        BadInterval(T0 + 5 * minute, T0 + 20 * minute, Fraction(3, 5)),
        BadInterval(T0 + 30 * minute, None, Fraction(1, 8)),
    ]
    timeline = BadTimeline(found)
    # 5 min at 60%, 5 min at 100% (capped), 10 min at 60%, then an eighth from minute 30 on
    assert timeline.bad_seconds(T0, T0 + 20 * minute) == 5 * 60 * Fraction(3, 5) + 5 * 60 + 10 * 60 * Fraction(3, 5)
    assert timeline.bad_seconds(T0 + 40 * minute, T0 + 48 * minute) == 60
    assert timeline.bad_seconds(T0 + 48 * minute, T0 + 40 * minute) == 0
    assert BadTimeline([]).bad_seconds(T0, T0 + minute) == 0
    parts = timeline.bad_units(T0, T0 + 7 * minute) + timeline.bad_units(T0 + 7 * minute, T0 + 50 * minute)
    assert timeline.seconds(parts) == timeline.bad_seconds(T0, T0 + 50 * minute)
