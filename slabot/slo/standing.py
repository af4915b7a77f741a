"""Where objectives stand, ranked cheaply and exactly: each window measured alone, its state and the share of
its budget left worked out in integers, the same as its full status would say, without building its report,
burn rates or forecast (the App Home ranks a whole catalogue this way and measures in full the few shown)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

from sqlmodel import Session

from slabot.core.budget import target_from_percent
from slabot.slo.bad_time import BadTimeline
from slabot.slo.measurement import incident_interval, window_time
from slabot.slo.status import AT_RISK_BELOW, State, measure_event_objectives, plan
from storage.models.catalog import ObjectiveSource
from storage.queries import incidents as incident_queries
from storage.queries.catalog import ObjectiveRow
from storage.queries.incidents import IncidentSpan


@dataclass(frozen=True)
class Standing:
    """An objective ranked by its window alone: the state and the share of the budget left its status gives."""

    objective: ObjectiveRow
    state: State
    left: tuple[int, int] | None  # the share of the budget left, as numerator and (positive) denominator

    @property
    def left_fraction(self) -> Fraction | None:
        return None if self.left is None else Fraction(*self.left)


def _standing(
    objective: ObjectiveRow, target: Fraction, base: Fraction | int, bad: Fraction | int, has_data: bool
) -> Standing:
    """What classify says of the report built on these amounts: with target t = n/d the budget is
    B = (1 - t) × base; with b bad, the share left is (B - b) / B, none without a budget (no valid events, or
    a time window wholly excluded). Numerators and denominators only (denominators are positive)."""
    if base.numerator <= 0:
        return Standing(objective, State.NO_DATA, None)
    spare = (target.denominator - target.numerator) * base.numerator * bad.denominator
    left = spare - bad.numerator * target.denominator * base.denominator
    if not has_data:
        state = State.NO_DATA
    elif left <= 0:
        state = State.EXHAUSTED
    elif left * AT_RISK_BELOW.denominator < spare * AT_RISK_BELOW.numerator:
        state = State.AT_RISK
    else:
        state = State.HEALTHY
    return Standing(objective, state, (left, spare))


def standings(session: Session, now: datetime, zone: ZoneInfo, objectives: list[ObjectiveRow]) -> list[Standing]:
    """Each objective's standing, in the order given: the same maintenance, incidents and event counts its
    status reads, the window alone; one sweep over each service's incidents."""
    if not objectives:
        return []
    planned = plan(session, now, zone, objectives)
    targets: dict[Decimal, Fraction] = {}
    for objective in objectives:
        if objective.target_percent not in targets:
            targets[objective.target_percent] = target_from_percent(objective.target_percent)
    found: dict[int, Standing] = {}
    timed = [i for i, objective in enumerate(objectives) if objective.source == ObjectiveSource.INCIDENTS]
    if timed:
        ids = sorted({objectives[i].service_id for i in timed})
        by_service: dict[int, list[IncidentSpan]] = {}
        for incident in incident_queries.incident_spans(session, ids, planned.earliest, now):
            by_service.setdefault(incident.service_id, []).append(incident)
        timelines: dict[tuple[int, datetime], BadTimeline] = {}
        for i in timed:
            objective, bounds = objectives[i], planned.bounds[i]
            key = (objective.service_id, bounds.now)
            if key not in timelines:
                started = [x for x in by_service.get(objective.service_id, []) if x.started_at < bounds.now]
                timelines[key] = BadTimeline(incident_interval(x) for x in started)
            time = window_time(timelines[key], bounds, planned.spans[i])
            bad = Fraction(time.bad, time.per_second)
            found[i] = _standing(objective, targets[objective.target_percent], time.full, bad, time.elapsed > 0)
    for i, measured in measure_event_objectives(session, objectives, planned, window_only=True).items():
        valid, bad_events = int(measured.window.valid), int(measured.window.bad)
        found[i] = _standing(objectives[i], targets[objectives[i].target_percent], valid, bad_events, valid > 0)
    return [found[i] for i in range(len(objectives))]
