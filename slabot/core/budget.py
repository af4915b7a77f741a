"""Error budget arithmetic, exact.

Everything here is pure: no I/O, no clock, no database. Targets are ratios in (0, 1) held as
``Fraction`` (``Fraction(999, 1000)`` is 99.9%), seconds are ``int`` or ``Fraction``, and no float is
ever involved, so 99.9% of 30 days is exactly 43.2 minutes of budget and comparisons happen before any
rounding (rounding is for display only, see ``slabot.core.timefmt``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from fractions import Fraction

Seconds = int | Fraction

__all__ = [
    "BadInterval",
    "BudgetReport",
    "bad_seconds",
    "budget_consumed_by_burn",
    "burn_rate",
    "burn_threshold",
    "detection_seconds",
    "event_budget",
    "event_budget_report",
    "interval_bad_seconds",
    "max_burn_rate",
    "percent_from_target",
    "target_from_percent",
    "threshold_can_fire",
    "time_budget_report",
    "time_budget_seconds",
    "time_to_exhaust",
]


def _check_target(target: Fraction) -> Fraction:
    if type(target) is not Fraction:
        target = Fraction(target)
    if not 0 < target.numerator < target.denominator:
        raise ValueError(f"a target must be above 0% and below 100%, not {target}")
    return target


def exact_seconds(delta: timedelta) -> Fraction:
    """A timedelta as exact seconds (microseconds included)."""
    if not delta.microseconds:
        return Fraction(delta.days * 86400 + delta.seconds)
    return Fraction((delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds, 1_000_000)


def _check_aware(name: str, value: datetime) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime, not {value!r}")


@dataclass(frozen=True)
class BadInterval:
    """A span of bad time: an incident at ``impact`` (1 = full outage); ``end`` None = still ongoing."""

    start: datetime
    end: datetime | None
    impact: Fraction

    def __post_init__(self) -> None:
        _check_aware("start", self.start)
        if self.end is not None:
            _check_aware("end", self.end)
            if self.end < self.start:
                raise ValueError(f"an interval cannot end ({self.end}) before it starts ({self.start})")
        impact = Fraction(self.impact)
        if not 0 < impact <= 1:
            raise ValueError(f"impact must be above 0 and at most 1, not {impact}")
        object.__setattr__(self, "impact", impact)

    def clipped(self, start: datetime, end: datetime) -> tuple[datetime, datetime] | None:
        """The part of this interval inside [start, end), an ongoing one reaching ``end``; None if empty."""
        lo = max(self.start, start)
        hi = end if self.end is None else min(self.end, end)
        return (lo, hi) if hi > lo else None


def interval_bad_seconds(interval: BadInterval, start: datetime, end: datetime) -> Fraction:
    """One interval's own bad time inside [start, end): overlap * impact, not capped by others."""
    part = interval.clipped(start, end)
    if part is None:
        return Fraction(0)
    return exact_seconds(part[1] - part[0]) * interval.impact


def bad_seconds(intervals: Iterable[BadInterval], start: datetime, end: datetime) -> Fraction:
    """Bad time inside [start, end), never counting one instant more than once.

    At every instant the bad rate is min(1, sum of the impacts active then): two 60% incidents
    overlapping count 100% during the overlap. A sweep over the interval boundaries, exact.
    """
    _check_aware("start", start)
    _check_aware("end", end)
    parts = [(part, interval.impact) for interval in intervals if (part := interval.clipped(start, end)) is not None]
    if len(parts) <= 1:  # nothing overlaps (the usual case of a short lookback), or one interval (impact <= 1)
        return sum((exact_seconds(hi - lo) * impact for (lo, hi), impact in parts), Fraction(0))
    changes: dict[datetime, Fraction] = {}
    for (lo, hi), impact in parts:
        changes[lo] = changes.get(lo, Fraction(0)) + impact
        changes[hi] = changes.get(hi, Fraction(0)) - impact
    total = Fraction(0)
    rate = Fraction(0)
    previous: datetime | None = None
    for moment in sorted(changes):
        if previous is not None and rate > 0:
            total += exact_seconds(moment - previous) * min(Fraction(1), rate)
        rate += changes[moment]
        previous = moment
    return total


def time_budget_seconds(target: Fraction, window_seconds: Seconds) -> Fraction:
    """Budget of a time-based objective: (1 - target) * window length."""
    return (1 - _check_target(target)) * window_seconds


def event_budget(target: Fraction, valid: int) -> Fraction:
    """Budget of an event-based objective: (1 - target) * valid events."""
    return (1 - _check_target(target)) * valid


@dataclass(frozen=True)
class BudgetReport:
    """Where an objective stands. ``attainment`` None means no data (never shown as 100%)."""

    total: Fraction
    consumed: Fraction
    left: Fraction
    left_fraction: Fraction | None
    attainment: Fraction | None
    valid: Fraction

    @property
    def has_data(self) -> bool:
        return self.attainment is not None

    @property
    def exhausted(self) -> bool:
        """Nothing (or less than nothing) left, and there is data to say so."""
        return self.has_data and self.left <= 0


def _report(total: Fraction, consumed: Fraction, attainment: Fraction | None, valid: Fraction) -> BudgetReport:
    left = total - consumed
    left_fraction = left / total if total != 0 else None
    return BudgetReport(
        total=total,
        consumed=consumed,
        left=left,
        left_fraction=left_fraction,
        attainment=attainment,
        valid=valid,
    )


def time_budget_report(
    target: Fraction, window_seconds: Seconds, elapsed_seconds: Seconds, bad: Seconds
) -> BudgetReport:
    """Time-based objective: the budget is for the full window, attainment over the elapsed part."""
    if window_seconds <= 0:
        raise ValueError(f"a window must be longer than zero, not {window_seconds} seconds")
    if elapsed_seconds < 0 or bad < 0:
        raise ValueError("elapsed and bad time cannot be negative")
    elapsed = Fraction(elapsed_seconds)
    consumed = Fraction(bad)
    attainment = (elapsed - consumed) / elapsed if elapsed > 0 else None
    return _report(time_budget_seconds(target, window_seconds), consumed, attainment, elapsed)


def event_budget_report(target: Fraction, good: int, valid: int) -> BudgetReport:
    """Event-based objective: good / valid events; no valid events means no data."""
    if not 0 <= good <= valid:
        raise ValueError(f"good events ({good}) must be between 0 and valid events ({valid})")
    attainment = Fraction(good, valid) if valid > 0 else None
    return _report(event_budget(target, valid), Fraction(valid - good), attainment, Fraction(valid))


def burn_rate(bad: Seconds, valid: Seconds, target: Fraction) -> Fraction | None:
    """(bad / valid) / (1 - target); None when there is nothing valid to measure."""
    target = _check_target(target)
    if valid == 0:
        return None
    # (bad/valid) / ((d − n)/d) for target n/d, built as one exact fraction rather than through two divisions;
    # ints and Fractions both have numerator and denominator.
    return Fraction(
        bad.numerator * valid.denominator * target.denominator,
        bad.denominator * valid.numerator * (target.denominator - target.numerator),
    )


def time_to_exhaust(left_fraction: Fraction, window_seconds: Seconds, rate: Fraction) -> Fraction | None:
    """Seconds until what is left runs out at burn ``rate``: left_fraction * window / rate.

    0 when nothing is left (already exhausted, whatever the rate); None when it never runs out (rate <= 0).
    """
    if left_fraction <= 0:
        return Fraction(0)
    if rate <= 0:
        return None
    return Fraction(left_fraction) * window_seconds / rate


def budget_consumed_by_burn(rate: Fraction, lookback_seconds: Seconds, window_seconds: Seconds) -> Fraction:
    """Fraction of the window's budget a burn of ``rate`` consumes over the lookback: rate * L / window."""
    return Fraction(rate) * lookback_seconds / window_seconds


def burn_threshold(fraction: Fraction, window_seconds: Seconds, lookback_seconds: Seconds) -> Fraction:
    """Burn rate at which the lookback consumes ``fraction`` of the budget: fraction * window / L."""
    if lookback_seconds <= 0:
        raise ValueError(f"a lookback must be longer than zero, not {lookback_seconds} seconds")
    return Fraction(fraction) * window_seconds / lookback_seconds


def max_burn_rate(target: Fraction) -> Fraction:
    """The burn rate of a full outage: 1 / (1 - target)."""
    return 1 / (1 - _check_target(target))


def threshold_can_fire(threshold: Fraction, target: Fraction) -> bool:
    """False when the threshold is above the highest possible burn rate (threshold * (1 - target) > 1)."""
    return Fraction(threshold) * (1 - _check_target(target)) <= 1


def detection_seconds(
    threshold: Fraction,
    target: Fraction,
    lookback_seconds: Seconds,
    error_ratio: Fraction = Fraction(1),
) -> Fraction | None:
    """How long a constant ``error_ratio`` (after a clean lookback) takes to reach the threshold.

    threshold * (1 - target) * L / error_ratio; None when the burn at that error ratio stays below the
    threshold, so the rule never fires. A burn exactly at the threshold reaches it after the full lookback.
    """
    target = _check_target(target)
    error_ratio = Fraction(error_ratio)
    if not 0 <= error_ratio <= 1:
        raise ValueError(f"an error ratio must be between 0 and 1, not {error_ratio}")
    if error_ratio == 0 or error_ratio / (1 - target) < threshold:
        return None
    return Fraction(threshold) * (1 - target) * lookback_seconds / error_ratio


def target_from_percent(p: Decimal | int) -> Fraction:
    """99.9 -> Fraction(999, 1000), exactly; a target must be above 0% and below 100%."""
    if isinstance(p, Decimal) and not p.is_finite():
        raise ValueError(f"a target must be a percentage above 0 and below 100, not {p}")
    target = Fraction(p) / 100
    if not 0 < target < 1:
        raise ValueError(f"a target must be a percentage above 0 and below 100, not {p}")
    return target


def percent_from_target(t: Fraction) -> Decimal:
    """Fraction(999, 1000) -> Decimal('99.9'), exactly, with no trailing zeros.

    Raises ValueError when the percentage has no finite decimal form (like 2/3).
    """
    percent = Fraction(t) * 100
    rest, twos, fives = percent.denominator, 0, 0
    while rest % 2 == 0:
        rest, twos = rest // 2, twos + 1
    while rest % 5 == 0:
        rest, fives = rest // 5, fives + 1
    if rest != 1:
        raise ValueError(f"{t} has no exact decimal percentage")
    places = max(twos, fives)
    scaled = percent.numerator * 10**places // percent.denominator
    sign = 1 if scaled < 0 else 0
    return Decimal((sign, tuple(int(c) for c in str(abs(scaled))), -places))
