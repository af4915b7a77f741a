"""A service's bad time as a running total: its incidents swept once, then the bad time of any window or
lookback is the difference of two look-ups, the same exact figure ``slabot.core.budget.bad_seconds`` gives
(at every instant the rate is min(1, the sum of the impacts active then)).

Exact in integers: instants in microseconds, impacts scaled to whole numbers by the least common denominator
of theirs, so the rate and the running total stay ints until the one Fraction a look-up returns."""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from fractions import Fraction

from slabot.core.budget import BadInterval

_MICROSECOND = timedelta(microseconds=1)
_ORIGIN = datetime(1970, 1, 1, tzinfo=UTC)  # instants are counted in microseconds from here


class BadTimeline:
    """Built from the intervals once; ``bad_seconds(start, end)`` for any span after that."""

    def __init__(self, intervals: Iterable[BadInterval]) -> None:
        intervals = list(intervals)
        scale = 1
        for interval in intervals:
            scale = math.lcm(scale, interval.impact.denominator)
        changes: dict[int, int] = {}  # microsecond -> change of the rate (times scale)
        for interval in intervals:
            weight = interval.impact.numerator * (scale // interval.impact.denominator)
            start = (interval.start - _ORIGIN) // _MICROSECOND
            changes[start] = changes.get(start, 0) + weight
            if interval.end is not None:
                end = (interval.end - _ORIGIN) // _MICROSECOND
                changes[end] = changes.get(end, 0) - weight
        self._scale = scale
        self._moments = sorted(changes)
        self._rates: list[int] = []  # from each moment to the next (the sum of impacts, times scale)
        self._totals: list[int] = []  # bad time before each moment
        rate = total = 0
        previous: int | None = None
        for moment in self._moments:
            if previous is not None:
                total += min(scale, rate) * (moment - previous)
            rate += changes[moment]
            self._totals.append(total)
            self._rates.append(rate)
            previous = moment

    def _before(self, instant: datetime) -> int:
        at = (instant - _ORIGIN) // _MICROSECOND
        i = bisect.bisect_right(self._moments, at) - 1
        if i < 0:
            return 0
        return self._totals[i] + min(self._scale, self._rates[i]) * (at - self._moments[i])

    def bad_units(self, start: datetime, end: datetime) -> int:
        """Bad time in [start, end) in this timeline's own unit (see ``seconds``), to add and subtract spans
        as ints."""
        return self._before(end) - self._before(start) if end > start else 0

    @property
    def per_second(self) -> int:
        """How many ``bad_units`` make one second of bad time."""
        return self._scale * 1_000_000

    def seconds(self, units: int) -> Fraction:
        """An amount of ``bad_units`` as exact seconds."""
        return Fraction(units, self.per_second)

    def bad_seconds(self, start: datetime, end: datetime) -> Fraction:
        """Bad time inside [start, end)."""
        return self.seconds(self.bad_units(start, end))
