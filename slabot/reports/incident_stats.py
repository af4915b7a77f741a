"""The incident side of the digest: counts per severity, MTTA and MTTR (median and p90), response and
resolution SLA attainment, breaches, the 8-week trend and where the bad time came from (by root cause). Pure.

- An incident belongs to the week it started in (local to the digest's zone).
- Time to acknowledge = acknowledged_at − started_at; time to resolve = resolved_at − started_at (wall clock).
- Median: the middle value, or the mean of the two middle ones. p90: the nearest-rank value (the
  ⌈0.9·n⌉-th smallest), so it is always a time that really happened.
- SLA attainment of a severity = incidents that met the target / incidents whose timer has an outcome (met
  or missed) at the end of the week; a timer still running within its target has no outcome yet.
- Breaches = the targets those same timers missed, by when they fell due: read from the incident record, not
  from the breaches the evaluation pass stored for its notices, so the counts and the list agree.
- Root causes: an incident's bad time in the week goes to the fishbone category of its newest finished 5-Why,
  or to no category (not analysed), a bar of its own, so the lead sees how much bad time is still unexplained.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction
from typing import TypeVar

from slabot.core.budget import exact_seconds, interval_bad_seconds
from slabot.incidents.timers import TimerState
from slabot.reports.chart_data import CauseMinutes, WeekTimes
from slabot.reports.schedule import Week
from slabot.slo.measurement import incident_interval
from storage.models.incidents import Incident, IncidentEvent, SlaTimerKind
from storage.models.rca import FishboneCategory

Cause = TypeVar("Cause", bound=Hashable)
Timers = Callable[[Incident, Sequence[IncidentEvent], datetime], tuple[TimerState, TimerState]]


def median(values: Sequence[Fraction]) -> Fraction | None:
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def percentile(values: Sequence[Fraction], share: Fraction) -> Fraction | None:
    """Nearest rank: the smallest value with at least `share` of the values at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(math.ceil(share * len(ordered)), 1)
    return ordered[rank - 1]


P90 = Fraction(9, 10)


def ack_seconds(incident: Incident) -> Fraction | None:
    return None if incident.acknowledged_at is None else exact_seconds(incident.acknowledged_at - incident.started_at)


def resolve_seconds(incident: Incident) -> Fraction | None:
    return None if incident.resolved_at is None else exact_seconds(incident.resolved_at - incident.started_at)


@dataclass(frozen=True)
class ResponseTimes:
    mtta_median: Fraction | None
    mtta_p90: Fraction | None
    mttr_median: Fraction | None
    mttr_p90: Fraction | None


def response_times(incidents: Iterable[Incident], until: datetime) -> ResponseTimes:
    """Over the incidents acknowledged (resolved) by `until`; later acknowledgements are not known yet."""
    acks, fixes = [], []
    for incident in incidents:
        ack, fix = ack_seconds(incident), resolve_seconds(incident)
        if ack is not None and incident.acknowledged_at is not None and incident.acknowledged_at <= until:
            acks.append(ack)
        if fix is not None and incident.resolved_at is not None and incident.resolved_at <= until:
            fixes.append(fix)
    return ResponseTimes(median(acks), percentile(acks, P90), median(fixes), percentile(fixes, P90))


@dataclass(frozen=True)
class Attainment:
    met: int = 0
    missed: int = 0

    @property
    def decided(self) -> int:
        return self.met + self.missed

    @property
    def ratio(self) -> Fraction | None:
        return Fraction(self.met, self.decided) if self.decided else None

    def add(self, state: TimerState) -> Attainment:
        if state.breached:
            return Attainment(self.met, self.missed + 1)
        if state.stopped:
            return Attainment(self.met + 1, self.missed)
        return self


@dataclass(frozen=True)
class SeverityStats:
    severity: int
    count: int
    times: ResponseTimes
    response: Attainment
    resolution: Attainment


def severity_stats(
    incidents: Sequence[Incident],
    timelines: Mapping[int, Sequence[IncidentEvent]],
    timers: Timers,
    until: datetime,
) -> list[SeverityStats]:
    """One row per severity that had incidents, most severe first."""
    by_severity: dict[int, list[Incident]] = defaultdict(list)
    for incident in incidents:
        by_severity[incident.severity].append(incident)
    rows = []
    for severity in sorted(by_severity):
        mine = by_severity[severity]
        response, resolution = Attainment(), Attainment()
        for incident in mine:
            ack_timer, fix_timer = timers(incident, timelines.get(incident.id, ()), until)
            response, resolution = response.add(ack_timer), resolution.add(fix_timer)
        rows.append(SeverityStats(severity, len(mine), response_times(mine, until), response, resolution))
    return rows


@dataclass(frozen=True)
class BreachLine:
    incident: Incident
    service: str
    timer: SlaTimerKind
    target_seconds: int
    due_at: datetime


def missed_targets(
    incidents: Iterable[Incident],
    timelines: Mapping[int, Sequence[IncidentEvent]],
    timers: Timers,
    services: Mapping[int, str],
    start: datetime,
    until: datetime,
) -> list[BreachLine]:
    """Targets the record says were missed in [start, until], in the order they fell due.

    Each timer as it stands at `until` (acknowledged_at and resolved_at against the target on its calendar,
    less the pauses): the same states severity_stats counts, so a target counted as missed is listed here
    when it fell due in the span, and one the record says was met never is, whatever was stored for notices.
    """
    lines = []
    for incident in incidents:
        for state in timers(incident, timelines.get(incident.id, ()), until):
            if state.breached and state.due_at is not None and start <= state.due_at <= until:
                service = services.get(incident.service_id, "")
                lines.append(BreachLine(incident, service, state.kind, state.target_seconds, state.due_at))
    return sorted(lines, key=lambda line: (line.due_at, line.incident.id, line.timer.value))


def weekly_trend(incidents: Iterable[Incident], weeks: Sequence[Week]) -> list[WeekTimes]:
    """MTTA and MTTR of the incidents started in each week, as known at the end of the last week."""
    until = weeks[-1].end
    started: dict[int, list[Incident]] = defaultdict(list)
    for incident in incidents:
        for index, week in enumerate(weeks):
            if week.start <= incident.started_at < week.end:
                started[index].append(incident)
                break
    trend = []
    for index, week in enumerate(weeks):
        times = response_times(started[index], until)
        trend.append(
            WeekTimes(
                week.monday, len(started[index]), times.mtta_median, times.mtta_p90, times.mttr_median, times.mttr_p90
            )
        )
    return trend


def incident_bad_minutes(incidents: Iterable[Incident], week: Week) -> list[tuple[Incident, Fraction]]:
    """Each incident's own bad time inside the week (duration × impact, in minutes); incidents without any left out."""
    pairs = []
    for incident in incidents:
        bad = interval_bad_seconds(incident_interval(incident), week.start, week.end)
        if bad > 0:
            pairs.append((incident, bad / 60))
    return pairs


def bad_minutes_by(
    incidents: Iterable[Incident], week: Week, cause: Callable[[Incident], Cause]
) -> dict[Cause, Fraction]:
    """Each incident's own bad time inside the week (duration × impact, in minutes), added up per cause."""
    return _add_up(incident_bad_minutes(incidents, week), cause)


def _add_up(bad: Iterable[tuple[Incident, Fraction]], cause: Callable[[Incident], Cause]) -> dict[Cause, Fraction]:
    minutes: dict[Cause, Fraction] = defaultdict(Fraction)
    for incident, value in bad:
        minutes[cause(incident)] += value
    return dict(minutes)


@dataclass(frozen=True)
class RootCauses:
    items: tuple[CauseMinutes, ...]  # bad minutes per fishbone category, and of the incidents not analysed
    unanalysed: tuple[int, ...]  # incidents with bad time and no root cause, the most bad time first


def root_causes(incidents: Iterable[Incident], week: Week, categories: Mapping[int, FishboneCategory]) -> RootCauses:
    """Bad time inside the week by the root-cause category of each incident (None when it has none)."""
    bad = incident_bad_minutes(incidents, week)
    minutes = _add_up(bad, lambda incident: categories.get(incident.id))
    open_ones = sorted(
        ((incident.id, value) for incident, value in bad if incident.id not in categories),
        key=lambda pair: (-pair[1], pair[0]),
    )
    items = tuple(CauseMinutes(category, value) for category, value in minutes.items())
    return RootCauses(items, tuple(incident_id for incident_id, _ in open_ones))
