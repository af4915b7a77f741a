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
from typing import NamedTuple, TypeVar

from slabot.core.budget import BadInterval, interval_bad_seconds
from slabot.core.burn import LOOKBACKS, Counts
from slabot.core.windows import WindowBounds
from slabot.slo.bad_time import BadTimeline
from slabot.slo.ingest import EPOCH, epoch_minute
from storage.models.catalog import Budgeting, Objective, ObjectiveSource
from storage.models.incidents import Incident
from storage.queries.incidents import IncidentSpan
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
    service's objectives): their lookbacks' counts by start, whatever their windows, the incidents as
    bad intervals by id, and the running total of their bad time that every window and lookback reads."""

    counts: dict[datetime, Counts] = field(default_factory=dict)
    intervals: dict[int, BadInterval] = field(default_factory=dict)
    timeline: BadTimeline | None = None


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


def covered_seconds(spans: Iterable[Span], start: datetime, end: datetime) -> int:
    """Whole seconds of [start, end) the spans cover, overlaps counted once (maintenance inside a period)."""
    return _seconds(_clip(merge_spans(spans), start, end))


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


def incident_interval(incident: Incident | IncidentSpan) -> BadInterval:
    """An incident as bad time: from its start to its resolution (or on), at its impact."""
    numerator, denominator = incident.impact_percent.as_integer_ratio()
    return BadInterval(incident.started_at, incident.resolved_at, Fraction(numerator, denominator * 100))


def time_counts(intervals: Sequence[BadInterval], start: datetime, end: datetime, excluded: Sequence[Span]) -> Counts:
    """Bad and valid seconds in [start, end), the excluded spans (merged, maintenance) left out."""
    return timeline_counts(BadTimeline(intervals), start, end, excluded)


def timeline_counts(timeline: BadTimeline, start: datetime, end: datetime, excluded: Sequence[Span]) -> Counts:
    """time_counts read from intervals already summed up (one service's incidents, for all its windows)."""
    bad, valid = _time_parts(timeline, start, end, excluded)
    return Counts(bad=timeline.seconds(bad), valid=Fraction(valid))


def _time_parts(timeline: BadTimeline, start: datetime, end: datetime, excluded: Sequence[Span]) -> tuple[int, int]:
    """Bad time (in the timeline's units) and valid seconds in [start, end), the excluded spans left out."""
    inside = _clip(excluded, start, end)
    bad = timeline.bad_units(start, end) - sum(timeline.bad_units(a, b) for a, b in inside)
    return bad, int((end - start).total_seconds()) - _seconds(inside)


def _full_seconds(bounds: WindowBounds, excluded: Sequence[Span]) -> int:
    """A time window's valid seconds in full (its budget is for all of it), maintenance left out."""
    return bounds.length_seconds - _seconds(_clip(excluded, bounds.start, bounds.end))


def _timeline(memo: Shared, incidents: Sequence[Incident] | Sequence[IncidentSpan], now: datetime) -> BadTimeline:
    """The memo's running total of the incidents that started before `now`: summed up once, for every window
    and lookback of the objectives sharing it."""
    if memo.timeline is None:
        started = [incident for incident in incidents if incident.started_at < now]
        for incident in started:
            if incident.id not in memo.intervals:
                memo.intervals[incident.id] = incident_interval(incident)
        memo.timeline = BadTimeline(memo.intervals[incident.id] for incident in started)
    return memo.timeline


def _counts(
    memo: Shared, timeline: BadTimeline, starts: Mapping[int, datetime], now: datetime, excluded: Sequence[Span]
) -> dict[int, Counts]:
    for start in starts.values():
        if start not in memo.counts:
            memo.counts[start] = timeline_counts(timeline, start, now, excluded)
    return {key: memo.counts[start] for key, start in starts.items()}


def measure_incidents(
    incidents: Sequence[Incident],
    bounds: WindowBounds,
    maintenance: Sequence[Span],
    extra: Iterable[int] = (),
    shared: Shared | None = None,
) -> Measurement:
    """The window, every lookback and the incidents that consumed the budget. shared: what this call works out
    is kept there for the next objective measured on the same incidents and maintenance until the same now."""
    memo = shared if shared is not None else Shared()
    timeline = _timeline(memo, incidents, bounds.now)
    excluded = merge_spans(maintenance)
    counts = _counts(memo, timeline, lookback_starts(bounds, extra), bounds.now, excluded)
    window = counts.pop(0)
    consumers = []
    for incident in incidents:
        if incident.started_at >= bounds.now:
            continue
        interval = memo.intervals[incident.id]
        own = interval_bad_seconds(interval, bounds.start, bounds.now)
        own -= sum(
            (interval_bad_seconds(interval, a, b) for a, b in _clip(excluded, bounds.start, bounds.now)), Fraction(0)
        )
        if own > 0:
            consumers.append(Consumer(incident, own))
    consumers.sort(key=lambda c: (-c.bad_seconds, c.incident.id))
    return Measurement(window, Fraction(_full_seconds(bounds, excluded)), counts, tuple(consumers))


def measure_incident_window(
    incidents: Sequence[Incident] | Sequence[IncidentSpan],
    bounds: WindowBounds,
    maintenance: Sequence[Span],
    shared: Shared | None = None,
) -> Measurement:
    """The window alone, with no lookbacks (so no burn rates) and no consumers: enough for the state and the
    budget left. shared: as for measure_incidents."""
    memo = shared if shared is not None else Shared()
    excluded = merge_spans(maintenance)
    counts = _counts(memo, _timeline(memo, incidents, bounds.now), {0: bounds.start}, bounds.now, excluded)
    return Measurement(counts[0], Fraction(_full_seconds(bounds, excluded)), {})


class WindowTime(NamedTuple):
    """A time window measured alone, in whole numbers: bad time is ``bad / per_second`` seconds (exact),
    ``elapsed`` the valid seconds so far, ``full`` those of the whole window (the budget's), maintenance out."""

    bad: int
    per_second: int
    elapsed: int
    full: int


def window_time(timeline: BadTimeline, bounds: WindowBounds, maintenance: Sequence[Span]) -> WindowTime:
    """What measure_incident_window counts, as ints: the same figures without building them as Fractions (a
    whole catalogue is ranked this way)."""
    excluded = merge_spans(maintenance)
    bad, elapsed = _time_parts(timeline, bounds.start, bounds.now, excluded)
    return WindowTime(bad, timeline.per_second, elapsed, _full_seconds(bounds, excluded))


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
