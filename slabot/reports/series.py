"""Time series for the digest's charts, hour by hour: an objective's SLI over the week and its budget left
over its window. Pure: the caller brings hourly event sums (UTC hours) or the service's incidents.

Charts read the hourly rollups, so a maintenance window removes bad time from incident-based series but
not events from event-based ones; the figures in the text come from the exact window measurement.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from fractions import Fraction

from slabot.core.burn import Counts
from slabot.reports.chart_data import BurnDown, IncidentMarker, SliPanel
from slabot.slo.ingest import epoch_minute
from slabot.slo.measurement import event_counts, incident_interval, merge_spans, time_counts
from slabot.slo.status import ObjectiveStatus
from storage.models.catalog import ObjectiveSource
from storage.models.incidents import Incident
from storage.queries.sli import Sums

HOUR = timedelta(hours=1)
MAX_BURNDOWN_POINTS = 720


def hours(start: datetime, end: datetime) -> list[datetime]:
    """The UTC hours that overlap [start, end), by their starts."""
    first = start.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    moments = []
    moment = first
    while moment < end:
        moments.append(moment)
        moment += HOUR
    return moments


def sort_name(status: ObjectiveStatus) -> str:
    """ "checkout/availability": how objectives are ordered among equals in the digest."""
    return f"{status.service.name}/{status.objective.name}"


def hourly_counts(
    status: ObjectiveStatus,
    start: datetime,
    end: datetime,
    hourly: Mapping[int, Sums],
    incidents: Sequence[Incident],
) -> list[tuple[datetime, Counts]]:
    """Bad and valid amounts of each UTC hour overlapping [start, end) (an edge hour only inside it)."""
    rows = []
    if status.objective.source == ObjectiveSource.INCIDENTS:
        intervals = [incident_interval(i) for i in incidents]
        excluded = merge_spans((w.starts_at, w.ends_at) for w in status.maintenance)
        for hour in hours(start, end):
            rows.append((hour, time_counts(intervals, max(hour, start), min(hour + HOUR, end), excluded)))
        return rows
    for hour in hours(start, end):
        rows.append((hour, event_counts(hourly.get(epoch_minute(hour), Sums()), status.objective.budgeting)))
    return rows


def sli_panel(status: ObjectiveStatus, counts: Sequence[tuple[datetime, Counts]]) -> SliPanel:
    points = tuple((hour, None if c.valid <= 0 else 1 - Fraction(c.bad) / Fraction(c.valid)) for hour, c in counts)
    return SliPanel(status.service.name, status.objective.name, status.target, points)


def budget_left_points(
    status: ObjectiveStatus, counts: Sequence[tuple[datetime, Counts]]
) -> tuple[tuple[datetime, Fraction], ...]:
    """Share of the budget left after each hour of the window, from 1 at its start.

    Time: 1 − bad so far / ((1 − target) × the window's valid time). Events: 1 − bad so far / ((1 − target)
    × valid so far), which at the last point is the budget left the digest reports.
    """
    allowed = 1 - status.target
    full_valid = Fraction(status.measurement.window_valid_total)
    time_based = status.objective.source == ObjectiveSource.INCIDENTS
    step = max(1, math.ceil(len(counts) / MAX_BURNDOWN_POINTS))
    points: list[tuple[datetime, Fraction]] = [(status.bounds.start, Fraction(1))]
    bad, valid = Fraction(0), Fraction(0)
    for index, (hour, hour_counts) in enumerate(counts):
        bad += Fraction(hour_counts.bad)
        valid += Fraction(hour_counts.valid)
        if (index + 1) % step and index + 1 < len(counts):
            continue
        budget = allowed * (full_valid if time_based else valid)
        left = Fraction(1) if budget <= 0 else 1 - bad / budget
        points.append((min(hour + HOUR, status.bounds.now), left))
    return tuple(points)


def burn_down(
    status: ObjectiveStatus, counts: Sequence[tuple[datetime, Counts]], incidents: Sequence[Incident]
) -> BurnDown:
    bounds = status.bounds
    markers = tuple(
        IncidentMarker(i.started_at, i.id, i.severity) for i in incidents if bounds.start <= i.started_at < bounds.now
    )
    points = budget_left_points(status, counts)
    return BurnDown(status.service.name, status.objective.name, bounds.start, bounds.end, points, markers)


def minute_bounds(start: datetime, end: datetime) -> tuple[int, int]:
    """The minutes of the hourly rollups covering [start, end)."""
    first = epoch_minute(start) - epoch_minute(start) % 60
    return first, epoch_minute(end - timedelta(microseconds=1)) + 1
