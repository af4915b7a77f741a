"""Where each objective stands now: window, budget, attainment, burn rates, forecast and state.

`statuses` gathers what the objectives measured with a handful of queries (incidents, maintenance, one
range-sum pass over the event counts) and hands it to the pure functions in measurement and policy.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from fractions import Fraction
from typing import TypeVar
from zoneinfo import ZoneInfo

from sqlmodel import Session

from slabot.core.budget import BudgetReport, event_budget_report, target_from_percent, time_budget_report
from slabot.core.burn import Forecast, forecast, trend
from slabot.core.windows import WindowBounds, WindowSpec, window_bounds
from slabot.slo.measurement import (
    Consumer,
    Measurement,
    Shared,
    Span,
    event_ranges,
    measure_events,
    measure_incident_window,
    measure_incidents,
)
from slabot.slo.source_problems import SourceProblem, problem_of
from storage.models.catalog import MaintenanceWindow, Objective, ObjectiveSource, Service
from storage.models.incidents import Incident
from storage.queries import catalog as queries
from storage.queries import incidents as incident_queries
from storage.queries import prometheus as prometheus_queries
from storage.queries.catalog import ObjectiveRow
from storage.queries.incidents import IncidentSpan
from storage.queries.sli import range_sums

IncidentT = TypeVar("IncidentT", Incident, IncidentSpan)
# Less than this share of the budget left, and the objective is "at risk".
AT_RISK_BELOW = Fraction(1, 4)


class State(StrEnum):
    HEALTHY = "healthy"
    AT_RISK = "at risk"
    EXHAUSTED = "exhausted"
    NO_DATA = "no data"


@dataclass(frozen=True)
class ObjectiveStatus:
    objective: Objective
    service: Service
    target: Fraction
    bounds: WindowBounds
    measurement: Measurement
    report: BudgetReport
    forecast: Forecast
    maintenance: tuple[MaintenanceWindow, ...]
    source_problem: SourceProblem | None = None  # its pulled source (Prometheus) is not measuring it now

    @property
    def state(self) -> State:
        return classify(self.report)

    @property
    def trend(self) -> str:
        return trend(self.forecast)

    @property
    def time_based(self) -> bool:
        return self.objective.source == ObjectiveSource.INCIDENTS

    @property
    def consumers(self) -> tuple[Consumer, ...]:
        return self.measurement.consumers


def classify(report: BudgetReport) -> State:
    if report.attainment is None:
        return State.NO_DATA
    if report.left <= 0:
        return State.EXHAUSTED
    if report.left_fraction is not None and report.left_fraction < AT_RISK_BELOW:
        return State.AT_RISK
    return State.HEALTHY


def objective_zone(objective: Objective | ObjectiveRow, default: ZoneInfo) -> ZoneInfo:
    return ZoneInfo(objective.timezone) if objective.timezone else default


def _report(objective: Objective, target: Fraction, measured: Measurement) -> BudgetReport:
    window = measured.window
    if objective.source == ObjectiveSource.INCIDENTS:
        if measured.window_valid_total <= 0:  # the whole window is excluded
            return event_budget_report(target, 0, 0)
        return time_budget_report(target, measured.window_valid_total, window.valid, window.bad)
    valid = int(window.valid)
    return event_budget_report(target, valid - int(window.bad), valid)


def maintenance_applies(window: MaintenanceWindow, objective: Objective | ObjectiveRow) -> bool:
    return window.service_id == objective.service_id and window.objective_id in (None, objective.id)


def _status(
    objective: Objective,
    service: Service,
    bounds: WindowBounds,
    measured: Measurement,
    maintenance: Sequence[MaintenanceWindow],
    source_problem: SourceProblem | None = None,
    *,
    window_only: bool = False,
) -> ObjectiveStatus:
    target = target_from_percent(objective.target_percent)
    report = _report(objective, target, measured)
    if window_only:  # no lookbacks measured: no burn rates, so nothing to forecast
        unknown = Forecast(burn_rates={}, exhaust_at_1h=None, exhaust_at_6h=None, projected_left_fraction=None)
        return ObjectiveStatus(
            objective, service, target, bounds, measured, report, unknown, tuple(maintenance), source_problem
        )
    outlook = forecast(
        measured.lookbacks,
        measured.window,
        target=target,
        window_seconds=bounds.length_seconds,
        left_fraction=report.left_fraction if report.attainment is not None else None,
        remaining_seconds=int((bounds.end - bounds.now).total_seconds()),
        calendar=WindowSpec.parse(objective.window).is_calendar,
    )
    return ObjectiveStatus(
        objective, service, target, bounds, measured, report, outlook, tuple(maintenance), source_problem
    )


def statuses(
    session: Session,
    now: datetime,
    zone: ZoneInfo,
    pairs: Sequence[tuple[Objective, Service]],
    extra_lookbacks: Mapping[int, Iterable[int]] | None = None,
    *,
    span: WindowBounds | None = None,
    window_only: bool = False,
) -> list[ObjectiveStatus]:
    """Status of each (objective, service) pair, in the order given.

    extra_lookbacks: per objective id, lookbacks (seconds) beyond the standard ones, for custom alert rules.
    span: measure every objective over these bounds instead of its own window (a digest's week).
    window_only: measure each window alone (no lookbacks, so no burn rates, trend or consumers).
    """
    if not pairs:
        return []
    objectives = [objective for objective, _ in pairs]
    bounds, maintenance, measured = _measure(session, now, zone, objectives, extra_lookbacks, span, window_only)
    pulled = prometheus_queries.sources_of(session, [o.id for o, _ in pairs if o.source == ObjectiveSource.EVENTS])
    return [
        _status(
            objective,
            service,
            bounds[i],
            measured[i],
            maintenance[i],
            problem_of(pulled.get(objective.id)),
            window_only=window_only,
        )
        for i, (objective, service) in enumerate(pairs)
    ]


def _bounds(now: datetime, zone: ZoneInfo, objectives: Iterable[Objective | ObjectiveRow]) -> list[WindowBounds]:
    """Each objective's window at `now`, worked out once for objectives with the same window and zone."""
    known: dict[tuple[str, str | None], WindowBounds] = {}
    found = []
    for objective in objectives:
        key = (objective.window, objective.timezone)
        if key not in known:
            known[key] = window_bounds(WindowSpec.parse(objective.window), now, objective_zone(objective, zone))
        found.append(known[key])
    return found


@dataclass(frozen=True)
class Plan:
    """What measuring objectives starts from: each one's window, the maintenance that applies to it (and as
    spans), and the earliest start of all the windows."""

    bounds: list[WindowBounds]
    maintenance: list[list[MaintenanceWindow]]
    spans: list[list[Span]]
    earliest: datetime


def plan(
    session: Session,
    now: datetime,
    zone: ZoneInfo,
    objectives: Sequence[Objective | ObjectiveRow],
    span: WindowBounds | None = None,
) -> Plan:
    """The windows of `objectives` at `now` (or `span` for all of them) and their maintenance, one query."""
    bounds = [span] * len(objectives) if span is not None else _bounds(now, zone, objectives)
    earliest = min(b.start for b in bounds)
    latest = max(b.end for b in bounds)
    service_ids = sorted({o.service_id for o in objectives})
    windows = queries.maintenance_overlapping(session, service_ids, earliest, latest)
    maintenance = [[w for w in windows if maintenance_applies(w, o)] for o in objectives]
    spans: list[list[Span]] = [[(w.starts_at, w.ends_at) for w in mine] for mine in maintenance]
    return Plan(bounds, maintenance, spans, earliest)


def _measure(
    session: Session,
    now: datetime,
    zone: ZoneInfo,
    objectives: Sequence[Objective | ObjectiveRow],
    extra_lookbacks: Mapping[int, Iterable[int]] | None,
    span: WindowBounds | None,
    window_only: bool,
) -> tuple[list[WindowBounds], list[list[MaintenanceWindow]], list[Measurement]]:
    """Each objective's window, the maintenance that applies to it, and what it measured (window_only: the
    window alone, with no lookbacks, so no burn rates, trend or consumers)."""
    planned = plan(session, now, zone, objectives, span)
    bounds, spans = planned.bounds, planned.spans
    extra = [tuple(sorted((extra_lookbacks or {}).get(o.id, ()))) for o in objectives]
    measured: dict[int, Measurement] = {}
    incident_rows = [i for i, o in enumerate(objectives) if o.source == ObjectiveSource.INCIDENTS]
    if incident_rows:
        ids = sorted({objectives[i].service_id for i in incident_rows})
        # Objectives of one service with the same maintenance measure the same lookbacks: counted once.
        shared: dict[tuple[int, tuple[Span, ...], datetime], Shared] = defaultdict(Shared)

        def memo(i: int) -> Shared:
            return shared[(objectives[i].service_id, tuple(spans[i]), bounds[i].now)]

        if window_only:  # the incidents' columns alone are enough for bad time: no ORM objects by the thousand
            light = _by_service(incident_queries.incident_spans(session, ids, planned.earliest, now))
            for i in incident_rows:
                spanned = light[objectives[i].service_id]
                measured[i] = measure_incident_window(spanned, bounds[i], spans[i], memo(i))
        else:
            full = _by_service(incident_queries.incidents_overlapping(session, ids, planned.earliest, now))
            for i in incident_rows:
                incidents = full[objectives[i].service_id]
                measured[i] = measure_incidents(incidents, bounds[i], spans[i], extra[i], memo(i))
    measured.update(measure_event_objectives(session, objectives, planned, extra, window_only=window_only))
    return bounds, planned.maintenance, [measured[i] for i in range(len(objectives))]


def measure_event_objectives(
    session: Session,
    objectives: Sequence[Objective | ObjectiveRow],
    planned: Plan,
    extra: Sequence[Iterable[int]] | None = None,
    *,
    window_only: bool = False,
) -> dict[int, Measurement]:
    """What the event-based ones among `objectives` measured, by their index: objectives needing the same
    minute ranges share one pass over the counts."""
    bounds, spans = planned.bounds, planned.spans
    more: Sequence[Iterable[int]] = extra if extra is not None else [()] * len(objectives)
    groups: dict[tuple[tuple[int, int], ...], list[int]] = defaultdict(list)
    for i, objective in enumerate(objectives):
        if objective.source == ObjectiveSource.EVENTS:
            groups[tuple(event_ranges(bounds[i], spans[i], more[i], window_only=window_only))].append(i)
    measured: dict[int, Measurement] = {}
    for ranges, rows in groups.items():
        sums = range_sums(session, [objectives[i].id for i in rows], ranges)
        for i in rows:
            objective_id = objectives[i].id
            own = {span_range: per[objective_id] for span_range, per in sums.items() if objective_id in per}
            budgeting = objectives[i].budgeting
            measured[i] = measure_events(own, bounds[i], spans[i], budgeting, more[i], window_only=window_only)
    return measured


def _by_service(incidents: Iterable[IncidentT]) -> dict[int, list[IncidentT]]:
    """Incidents grouped by service once: objectives x incidents comparisons add up in a large catalogue."""
    grouped: dict[int, list[IncidentT]] = defaultdict(list)
    for incident in incidents:
        grouped[incident.service_id].append(incident)
    return grouped
