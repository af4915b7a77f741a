"""What an objective measured: bad and valid amounts over its window and over each burn-rate lookback.

Event-based objectives count events (occurrences) or one-minute slices (timeslices); incident-based ones
count seconds. Maintenance windows are removed from both bad and valid. Pure: the caller brings the data.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from fractions import Fraction
from typing import TypeVar

from slabot.core.budget import BadInterval, bad_seconds, interval_bad_seconds
from slabot.core.burn import LOOKBACKS, Counts
from slabot.core.windows import WindowBounds
from slabot.slo.ingest import EPOCH, epoch_minute
from storage.models.catalog import Budgeting, Objective, ObjectiveSource
from storage.models.incidents import Incident
from storage.queries.sli import Sums

Span = tuple[datetime, datetime]
MinuteRange = tuple[int, int]
T = TypeVar("T", datetime, int)


class Measure(StrEnum):
    """What an objective's budget is counted in."""

    EVENTS = "events"
    SECONDS = "seconds"  # time-based (incident) objectives
    SLICES = "slices"  # timeslices: one slice is one minute

    @classmethod
    def of(cls, objective: Objective) -> Measure:
        if objective.source == ObjectiveSource.INCIDENTS:
            return cls.SECONDS
        return cls.SLICES if objective.budgeting == Budgeting.TIMESLICES else cls.EVENTS


@dataclass(frozen=True)
class Consumer:
    """An incident and the bad time it alone brought into the window."""

    incident: Incident
    bad_seconds: Fraction


@dataclass
class Shared:
    """What objectives measured on the same incidents and maintenance until the same now have in common (a
    service's objectives): their lookbacks' counts by start, whatever their windows, and the incidents as
    bad intervals by id."""

    counts: dict[datetime, Counts] = field(default_factory=dict)
    intervals: dict[int, BadInterval] = field(default_factory=dict)


@dataclass(frozen=True)
class Measurement:
    window: Counts  # the elapsed part of the window
    window_valid_total: Fraction | int  # valid amount the budget is computed on (the full window, for time)
    lookbacks: dict[int, Counts]
    consumers: tuple[Consumer, ...] = ()


def merge_spans(spans: Iterable[tuple[T, T]]) -> list[tuple[T, T]]:
    """Overlapping or touching spans joined, in order; empty ones dropped."""
    merged: list[tuple[T, T]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        elif end > start:
            merged.append((start, end))
    return merged


def _clip(spans: Sequence[Span], start: datetime, end: datetime) -> list[Span]:
    return [(max(a, start), min(b, end)) for a, b in spans if min(b, end) > max(a, start)]


def _seconds(spans: Iterable[Span]) -> int:
    return sum(int((b - a).total_seconds()) for a, b in spans)


def lookback_starts(
    bounds: WindowBounds, extra: Iterable[int] = (), *, window_only: bool = False
) -> dict[int, datetime]:
    """Each lookback's start (the standard ones and any `extra` a custom policy uses), and 0 for the window;
    window_only: the window alone (enough for the state and the budget left, not for burn rates)."""
    if window_only:
        return {0: bounds.start}
    seconds = sorted({*LOOKBACKS, *extra})
    return {0: bounds.start, **{s: bounds.now - timedelta(seconds=s) for s in seconds}}


# --- incidents: seconds -------------------------------------------------------------------------------


def incident_interval(incident: Incident) -> BadInterval:
    """An incident as bad time: from its start to its resolution (or on), at its impact."""
    return BadInterval(incident.started_at, incident.resolved_at, Fraction(incident.impact_percent) / 100)


def time_counts(intervals: Sequence[BadInterval], start: datetime, end: datetime, excluded: Sequence[Span]) -> Counts:
    """Bad and valid seconds in [start, end), the excluded spans (merged, maintenance) left out."""
    inside = _clip(excluded, start, end)
    bad = bad_seconds(intervals, start, end) - sum((bad_seconds(intervals, a, b) for a, b in inside), Fraction(0))
    return Counts(bad=bad, valid=Fraction(int((end - start).total_seconds()) - _seconds(inside)))


def measure_incidents(
    incidents: Sequence[Incident],
    bounds: WindowBounds,
    maintenance: Sequence[Span],
    extra: Iterable[int] = (),
    shared: Shared | None = None,
    *,
    window_only: bool = False,
) -> Measurement:
    """shared: what this call works out is kept there for the next objective measured on the same incidents
    and maintenance until the same now. window_only: the window alone, with no lookbacks and no consumers."""
    starts = lookback_starts(bounds, extra, window_only=window_only)
    earliest = min(starts.values())
    # Only incidents that overlap some lookback or the window can count: the rest are skipped unconverted.
    incidents = [
        i for i in incidents if i.started_at < bounds.now and (i.resolved_at is None or i.resolved_at > earliest)
    ]
    memo = shared if shared is not None else Shared()
    for incident in incidents:
        if incident.id not in memo.intervals:
            memo.intervals[incident.id] = incident_interval(incident)
    intervals = [memo.intervals[incident.id] for incident in incidents]
    excluded = merge_spans(maintenance)
    counts = {}
    for key, start in starts.items():
        if start not in memo.counts:
            memo.counts[start] = time_counts(intervals, start, bounds.now, excluded)
        counts[key] = memo.counts[start]
    window = counts.pop(0)
    full_valid = bounds.length_seconds - _seconds(_clip(excluded, bounds.start, bounds.end))
    consumers = []
    for incident, interval in zip(incidents, intervals, strict=True) if not window_only else ():
        own = interval_bad_seconds(interval, bounds.start, bounds.now)
        own -= sum(
            (interval_bad_seconds(interval, a, b) for a, b in _clip(excluded, bounds.start, bounds.now)), Fraction(0)
        )
        if own > 0:
            consumers.append(Consumer(incident, own))
    consumers.sort(key=lambda c: (-c.bad_seconds, c.incident.id))
    return Measurement(window, Fraction(full_valid), counts, tuple(consumers))


# --- events: counts per minute ------------------------------------------------------------------------


def minute_ranges(spans: Sequence[Span]) -> list[MinuteRange]:
    """Spans as whole minutes, widened to cover every minute they touch, merged."""
    ranges = []
    for start, end in spans:
        last = (end - EPOCH).total_seconds() / 60
        ranges.append((epoch_minute(start), int(-(-last // 1))))
    return merge_spans(ranges)


def event_ranges(
    bounds: WindowBounds, maintenance: Sequence[Span], extra: Iterable[int] = (), *, window_only: bool = False
) -> list[MinuteRange]:
    """Every minute range whose sums measure_events needs: the lookbacks and their excluded parts."""
    end = epoch_minute(bounds.now)
    excluded = minute_ranges(maintenance)
    ranges = []
    for start in lookback_starts(bounds, extra, window_only=window_only).values():
        lo = epoch_minute(start)
        ranges.append((lo, end))
        ranges += [(max(a, lo), min(b, end)) for a, b in excluded if min(b, end) > max(a, lo)]
    return ranges


def event_counts(sums: Sums, budgeting: str) -> Counts:
    if budgeting == Budgeting.TIMESLICES:
        return Counts(bad=sums.slices - sums.good_slices, valid=sums.slices)
    return Counts(bad=sums.total - sums.good, valid=sums.total)


def measure_events(
    sums: Mapping[MinuteRange, Sums],
    bounds: WindowBounds,
    maintenance: Sequence[Span],
    budgeting: str,
    extra: Iterable[int] = (),
    *,
    window_only: bool = False,
) -> Measurement:
    """Counts from the sums of event_ranges' ranges (for this objective), exclusions subtracted."""
    end = epoch_minute(bounds.now)
    excluded = minute_ranges(maintenance)
    counts: dict[int, Counts] = {}
    for key, start in lookback_starts(bounds, extra, window_only=window_only).items():
        lo = epoch_minute(start)
        total = sums.get((lo, end), Sums())
        for a, b in excluded:
            if min(b, end) > max(a, lo):
                total = total - sums.get((max(a, lo), min(b, end)), Sums())
        counts[key] = event_counts(total, budgeting)
    window = counts.pop(0)
    return Measurement(window, window.valid, counts)
