"""Exact per-minute event counts from raw Prometheus counter samples: increments between consecutive
samples with counter resets, summed over series per minute (pure: no I/O, integers only).

The method (README, "Prometheus as a source"):

- Each sample's value is read as a whole number (rounded down: counters of events are whole).
- A sample's increment is its value minus the previous real sample of the same series, or its whole value
  when it dropped (the counter restarted from 0). It belongs to the minute that contains the sample.
- The previous sample counts only when it lies at most `MAX_GAP_MS` before; a series silent longer than
  that (or seen for the first time) starts over: its first sample is a baseline and adds nothing.
- NaN, ±Inf and staleness markers are not samples: skipped, the next real sample counts from the last real one.
- Minutes without any increment-bearing sample have no count (no data, not zero).

A minute's count depends only on the samples in [minute − MAX_GAP_MS, minute end), so pulling a span in any
number of pieces (each reading MAX_GAP_MS before its start) gives the same minutes: no drift.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

MINUTE_MS = 60_000
MAX_GAP_MS = 15 * MINUTE_MS


@dataclass(frozen=True)
class Sample:
    """One raw sample: its time in milliseconds since the epoch and its whole value (None: NaN, Inf, stale)."""

    t_ms: int
    value: int | None


def parse_value(text: str) -> int | None:
    """A sample value as Prometheus writes it ("12", "1.5e3", "NaN", "+Inf") as a whole number, or None."""
    if text.isdigit():  # the usual counter value: a whole number, as is
        return int(text)
    lowered = text.strip().lower()
    if lowered in ("nan", "+inf", "-inf", "inf"):
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    if not number.is_finite():
        return None
    return int(number.to_integral_value(rounding="ROUND_FLOOR"))


def parse_time_ms(raw: float | str) -> int:
    """A Prometheus timestamp (seconds, up to millisecond precision) in whole milliseconds. A float (as JSON
    gives it) times 1000 is within far less than half a millisecond of the whole number it stands for."""
    if isinstance(raw, float):
        return round(raw * 1000)
    return int((Decimal(str(raw)) * 1000).to_integral_value(rounding="ROUND_HALF_EVEN"))


def series_increments(samples: Sequence[Sample], start_ms: int, end_ms: int) -> dict[int, int]:
    """Per epoch minute, the increments of one series' samples with start_ms <= t < end_ms; samples before
    start_ms (read back MAX_GAP_MS) only serve as the previous value."""
    minutes: dict[int, int] = {}
    previous: Sample | None = None
    for sample in sorted(samples, key=lambda s: s.t_ms):
        if sample.value is None or sample.t_ms >= end_ms:
            continue
        if sample.value < 0:
            previous = None  # not a counter value: start over
            continue
        if sample.t_ms >= start_ms and previous is not None and sample.t_ms - previous.t_ms <= MAX_GAP_MS:
            assert previous.value is not None
            increment = sample.value - previous.value if sample.value >= previous.value else sample.value
            minute = sample.t_ms // MINUTE_MS
            minutes[minute] = minutes.get(minute, 0) + increment
        previous = sample
    return minutes


def sum_series(series: Iterable[Sequence[Sample]], start_ms: int, end_ms: int) -> dict[int, int]:
    """Per epoch minute, the increments of every series summed."""
    total: dict[int, int] = {}
    for samples in series:
        for minute, count in series_increments(samples, start_ms, end_ms).items():
            total[minute] = total.get(minute, 0) + count
    return total


@dataclass(frozen=True)
class MinuteCount:
    minute: int
    good: int
    total: int


def combine(good_or_bad: Mapping[int, int], total: Mapping[int, int], *, bad: bool) -> list[MinuteCount]:
    """Good and total per minute (good = total − bad with bad=), clamped to 0 <= good <= total.

    Good and total come from different series and can disagree by a sample's timing; a minute where good
    exceeds total (or bad does) is clamped rather than carried, so each minute stays independent of how the
    span was pulled. A minute with no total but a good or bad count has no data (nothing was valid)."""
    counts = []
    for minute in sorted(total):
        valid = total[minute]
        other = good_or_bad.get(minute, 0)
        good = valid - other if bad else other
        counts.append(MinuteCount(minute, min(max(good, 0), valid), valid))
    return counts
