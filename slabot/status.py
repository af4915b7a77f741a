"""Where each objective stands now: its window, budget, attainment, state and what consumed the budget."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from fractions import Fraction
from zoneinfo import ZoneInfo

from sqlmodel import Session

from slabot.budget import (
    BadInterval,
    BudgetReport,
    bad_seconds,
    event_budget_report,
    interval_bad_seconds,
    target_from_percent,
    time_budget_report,
)
from slabot.windows import WindowBounds, WindowSpec, window_bounds
from storage import queries
from storage.models import Incident, Objective, ObjectiveSource, Service

# Less than this share of the budget left, and the objective is "at risk".
AT_RISK_BELOW = Fraction(1, 4)


class State(StrEnum):
    HEALTHY = "healthy"
    AT_RISK = "at risk"
    EXHAUSTED = "exhausted"
    NO_DATA = "no data"


@dataclass(frozen=True)
class Consumer:
    """An incident and the bad time it alone brought into the window."""

    incident: Incident
    bad_seconds: Fraction


@dataclass(frozen=True)
class ObjectiveStatus:
    objective: Objective
    service: Service
    target: Fraction
    bounds: WindowBounds
    report: BudgetReport
    consumers: tuple[Consumer, ...]

    @property
    def state(self) -> State:
        return classify(self.report)

    @property
    def time_based(self) -> bool:
        return self.objective.source == ObjectiveSource.INCIDENTS


def classify(report: BudgetReport) -> State:
    if report.attainment is None:
        return State.NO_DATA
    if report.left <= 0:
        return State.EXHAUSTED
    if report.left_fraction is not None and report.left_fraction < AT_RISK_BELOW:
        return State.AT_RISK
    return State.HEALTHY


def objective_zone(objective: Objective, default: ZoneInfo) -> ZoneInfo:
    return ZoneInfo(objective.timezone) if objective.timezone else default


def _interval(incident: Incident) -> BadInterval:
    return BadInterval(incident.started_at, incident.resolved_at, Fraction(incident.impact_percent) / 100)


def evaluate(
    objective: Objective, service: Service, incidents: Sequence[Incident], now: datetime, zone: ZoneInfo
) -> ObjectiveStatus:
    """Pure: the status of one objective from the service's incidents (any superset of those in the window)."""
    target = target_from_percent(objective.target_percent)
    bounds = window_bounds(WindowSpec.parse(objective.window), now, objective_zone(objective, zone))
    if objective.source != ObjectiveSource.INCIDENTS:
        # Event counts arrive with the ingest API; until then there is nothing to measure.
        return ObjectiveStatus(objective, service, target, bounds, event_budget_report(target, 0, 0), ())
    mine = [incident for incident in incidents if incident.service_id == objective.service_id]
    intervals = [_interval(incident) for incident in mine]
    bad = bad_seconds(intervals, bounds.start, bounds.now)
    report = time_budget_report(target, bounds.length_seconds, bounds.elapsed_seconds, bad)
    consumers = [
        Consumer(incident, interval_bad_seconds(interval, bounds.start, bounds.now))
        for incident, interval in zip(mine, intervals, strict=True)
    ]
    ranked = sorted((c for c in consumers if c.bad_seconds > 0), key=lambda c: (-c.bad_seconds, c.incident.id or 0))
    return ObjectiveStatus(objective, service, target, bounds, report, tuple(ranked))


def statuses(
    session: Session, now: datetime, zone: ZoneInfo, pairs: Sequence[tuple[Objective, Service]]
) -> list[ObjectiveStatus]:
    """Status of each (objective, service) pair, with one query for the incidents of all of them."""
    if not pairs:
        return []
    windows = [
        window_bounds(WindowSpec.parse(objective.window), now, objective_zone(objective, zone))
        for objective, _ in pairs
    ]
    earliest = min(bounds.start for bounds in windows)
    service_ids = sorted({objective.service_id for objective, _ in pairs})
    incidents = queries.incidents_overlapping(session, service_ids, earliest, now)
    return [evaluate(objective, service, incidents, now, zone) for objective, service in pairs]
