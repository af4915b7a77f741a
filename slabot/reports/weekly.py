"""The numbers of one digest: a week, for some services (or all), read in a handful of queries.

Each objective is judged on its own window as it stood at the end of the week (met, at risk, breached, no
data), a calendar window being the period that holds the week's last instant, with its budget left then and
a week before, and measured over the week itself (attainment, bad time or bad events, incidents). Incidents
are counted in the week they started. Response and resolution outcomes and the breach list both come from
the incident record (its times against the targets on their calendars, at the week's last instant), so they
always agree; the stored breaches serve the notices only. Bad time is ranked by root cause
(incident_stats.root_causes); satisfaction counts the ratings of the incidents resolved in the week.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from fractions import Fraction
from zoneinfo import ZoneInfo

from sqlmodel import Session

from slabot.core.windows import WindowBounds, WindowSpec, window_through
from slabot.incidents.targets import TimerBook
from slabot.reports import incident_stats, series
from slabot.reports.chart_data import BurnDown, CauseMinutes, SliPanel, WeekTimes
from slabot.reports.incident_stats import BreachLine, ResponseTimes, SeverityStats
from slabot.reports.satisfaction_stats import CsatSummary, csat_summary
from slabot.reports.schedule import Week
from slabot.slo.status import ObjectiveStatus, State, objective_zone, statuses
from storage.models.catalog import Objective, ObjectiveSource, Service
from storage.models.incidents import Incident
from storage.queries import catalog as queries
from storage.queries import incidents as incident_queries
from storage.queries import rca as rca_queries
from storage.queries.incidents import timelines
from storage.queries.sli import hourly_sums

TREND_WEEKS = 8
MAX_SLI_PANELS = 12
MAX_BURNDOWNS = 6


class Verdict(StrEnum):
    BREACHED = "breached"
    AT_RISK = "at risk"
    NO_DATA = "no data"
    MET = "met"


VERDICT_ORDER = tuple(Verdict)  # failing first
_VERDICT_OF = {State.EXHAUSTED: Verdict.BREACHED, State.AT_RISK: Verdict.AT_RISK, State.NO_DATA: Verdict.NO_DATA}


@dataclass(frozen=True)
class ObjectiveLine:
    window: ObjectiveStatus  # its own window, at the end of the week
    week: ObjectiveStatus  # measured over the week alone
    left_before: Fraction | None  # budget left (share) at the end of the week before; None = no data then
    incidents: int  # incidents of its service that started in the week

    @property
    def verdict(self) -> Verdict:
        return _VERDICT_OF.get(self.window.state, Verdict.MET)

    @property
    def left(self) -> Fraction | None:
        return self.window.report.left_fraction if self.window.report.has_data else None

    @property
    def left_change(self) -> Fraction | None:
        """Change of the budget left since a week before, in shares of the budget (−0.1 = 10 points less)."""
        if self.left is None or self.left_before is None:
            return None
        return self.left - self.left_before

    def sort_key(self) -> tuple[int, Fraction, str]:
        left = self.left if self.left is not None else Fraction(2)
        return VERDICT_ORDER.index(self.verdict), left, series.sort_name(self.window)


@dataclass(frozen=True)
class DigestReport:
    week: Week
    scope: tuple[str, ...]  # the services asked for, by name; empty = every service
    objectives: tuple[ObjectiveLine, ...]  # failing first
    incidents: tuple[Incident, ...]  # started in the week
    services: dict[int, str]  # service id -> name, for the incidents
    overall: ResponseTimes
    severities: tuple[SeverityStats, ...]
    breaches: tuple[BreachLine, ...]
    causes: tuple[CauseMinutes, ...]  # bad time by root-cause category, and of the incidents not analysed
    unanalysed: tuple[int, ...]  # incidents with bad time in the week and no root cause, the most bad time first
    satisfaction: CsatSummary  # ratings of the incidents resolved in the week
    trend: tuple[WeekTimes, ...]
    sli_panels: tuple[SliPanel, ...]
    burndowns: tuple[BurnDown, ...]

    def count(self, verdict: Verdict) -> int:
        return sum(1 for line in self.objectives if line.verdict == verdict)


def _incidents_by_service(incidents: Sequence[Incident]) -> dict[int, list[Incident]]:
    grouped: dict[int, list[Incident]] = defaultdict(list)
    for incident in incidents:
        grouped[incident.service_id].append(incident)
    return grouped


def _charts(
    session: Session, lines: Sequence[ObjectiveLine], week: Week, incidents: dict[int, list[Incident]]
) -> tuple[tuple[SliPanel, ...], tuple[BurnDown, ...]]:
    """The SLI panels of the objectives that did worst in the week, and the burn-downs of the lowest budgets."""

    def week_gap(line: ObjectiveLine) -> Fraction:
        attainment = line.week.report.attainment
        return Fraction(2) if attainment is None else attainment - line.week.target

    worst_week = sorted(lines, key=lambda line: (week_gap(line), series.sort_name(line.window)))[:MAX_SLI_PANELS]
    lowest = [line for line in lines if line.left is not None][:MAX_BURNDOWNS]
    charted = {id(line) for line in (*worst_week, *lowest)}
    event_ids = [
        line.window.objective.id
        for line in lines
        if id(line) in charted and line.window.objective.source == ObjectiveSource.EVENTS
    ]
    start = min([week.start, *(line.window.bounds.start for line in lowest)])
    hourly = hourly_sums(session, event_ids, *series.minute_bounds(start, week.end))
    panels = []
    for line in worst_week:
        status, own = line.window, incidents.get(line.window.service.id, [])
        counts = series.hourly_counts(status, week.start, week.end, hourly.get(status.objective.id, {}), own)
        panels.append(series.sli_panel(status, counts))
    burndowns = []
    for line in lowest:
        status, own = line.window, incidents.get(line.window.service.id, [])
        bounds = status.bounds
        counts = series.hourly_counts(status, bounds.start, bounds.now, hourly.get(status.objective.id, {}), own)
        burndowns.append(series.burn_down(status, counts, own))
    return tuple(panels), tuple(burndowns)


def statuses_at(
    session: Session, end: datetime, default_zone: ZoneInfo, pairs: Sequence[tuple[Objective, Service]]
) -> list[ObjectiveStatus]:
    """Each objective on its own window as it stood when a week ended at `end`, in the order given: a
    calendar window is the period holding the week's last instant (not the empty one `end` starts),
    measured up to `end`; objectives sharing bounds are measured together."""
    groups: dict[WindowBounds, list[int]] = defaultdict(list)
    for index, (objective, _) in enumerate(pairs):
        spec = WindowSpec.parse(objective.window)
        groups[window_through(spec, end, objective_zone(objective, default_zone))].append(index)
    found: dict[int, ObjectiveStatus] = {}
    for bounds, indexes in groups.items():
        measured = statuses(session, end, default_zone, [pairs[i] for i in indexes], span=bounds)
        found.update(zip(indexes, measured, strict=True))
    return [found[index] for index in range(len(pairs))]


def build_report(
    session: Session, week: Week, service_ids: Sequence[int] | None, default_zone: ZoneInfo
) -> DigestReport:
    """The digest of `week` for these services (None = every service)."""
    pairs = [
        (objective, service)
        for objective, service in queries.objectives_with_services(session)
        if service_ids is None or service.id in service_ids
    ]
    end = week.end
    windows = statuses_at(session, end, default_zone, pairs)
    before = statuses_at(session, week.start, default_zone, pairs)
    weekly = statuses(session, end, default_zone, pairs, span=WindowBounds(week.start, end, end))

    trend_weeks = [week.previous(n) for n in range(TREND_WEEKS - 1, -1, -1)]
    earliest = min([trend_weeks[0].start, *(status.bounds.start for status in windows)])
    names = {service.id: service.name for service in queries.all_services(session)}
    scope_ids = sorted(names) if service_ids is None else list(service_ids)
    overlapping = list(incident_queries.incidents_overlapping(session, scope_ids, earliest, end))
    by_service = _incidents_by_service(overlapping)
    started = [i for i in overlapping if week.start <= i.started_at < end]
    started_count: dict[int, int] = defaultdict(int)
    for incident in started:
        started_count[incident.service_id] += 1

    lines = sorted(
        (
            ObjectiveLine(
                window,
                week_status,
                previous.report.left_fraction if previous.report.has_data else None,
                started_count[window.service.id],
            )
            for window, previous, week_status in zip(windows, before, weekly, strict=True)
        ),
        key=ObjectiveLine.sort_key,
    )
    # Timers as they stood at the week's last instant: an acknowledgement at `end` belongs to the next week.
    last = end - timedelta(microseconds=1)
    book = TimerBook.load(session, default_zone)
    timed = [i for i in overlapping if i.started_at < end and (i.resolved_at is None or i.resolved_at >= week.start)]
    events = timelines(session, [i.id for i in timed])
    severities = incident_stats.severity_stats(started, events, book.timers, last)
    breaches = incident_stats.missed_targets(timed, events, book.timers, names, week.start, last)
    # the incidents that may have bad time in the week (root_causes keeps those that do), and those resolved in it
    in_week = [i for i in overlapping if i.started_at < end and (i.resolved_at is None or i.resolved_at > week.start)]
    causes = incident_stats.root_causes(
        in_week, week, rca_queries.categories_by_incident(session, [i.id for i in in_week])
    )
    resolved = [i.id for i in overlapping if i.resolved_at is not None and week.start <= i.resolved_at < end]
    scope = tuple(names[i] for i in sorted(service_ids or (), key=lambda i: names.get(i, ""))) if service_ids else ()
    panels, burndowns = _charts(session, lines, week, by_service)
    return DigestReport(
        week=week,
        scope=scope,
        objectives=tuple(lines),
        incidents=tuple(started),
        services=names,
        overall=incident_stats.response_times(started, end),
        severities=tuple(severities),
        breaches=tuple(breaches),
        causes=causes.items,
        unanalysed=causes.unanalysed,
        satisfaction=csat_summary(rca_queries.csat_for_incidents(session, resolved)),
        trend=tuple(incident_stats.weekly_trend(overlapping, trend_weeks)),
        sli_panels=panels,
        burndowns=burndowns,
    )
