"""How much of each objective's error budget one incident consumed (DOMAIN.md §2 and §5). Pure reads.

The incident's span is [started_at, resolved_at or now). Each objective is measured over its own window (rolling
or calendar, in the objective's zone) ending where the incident ends, so a 30-minute full outage against 99.9%
over 30 days consumed 1800 s of a 2592 s budget (69.4%), whatever happened since.

- Incident-based objectives: bad = the incident's own time in the window × its impact, maintenance that applies
  to the objective left out; budget = (1 − target) × the window's full length less that maintenance, the total
  `/sla budget` shows.
- Event-based objectives: bad = bad events (or bad slices, for timeslices) in the minutes the incident touches;
  budget = (1 − target) × valid events (or slices with data) over the window as recorded by now (for a
  calendar period still running, up to now). Maintenance minutes count neither way.

Exact Fractions throughout; rounding is for display.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from fractions import Fraction
from zoneinfo import ZoneInfo

from sqlmodel import Session

from slabot.core.budget import BadInterval, event_budget, target_from_percent, time_budget_seconds
from slabot.core.windows import WindowBounds, WindowSpec, window_bounds
from slabot.slo.ingest import EPOCH, epoch_minute
from slabot.slo.measurement import (
    MinuteRange,
    Span,
    event_counts,
    incident_interval,
    merge_spans,
    minute_ranges,
    time_counts,
)
from slabot.slo.status import maintenance_applies, objective_zone
from storage.models.catalog import Objective, ObjectiveSource
from storage.models.incidents import Incident
from storage.queries import catalog as queries
from storage.queries.sli import Sums, range_sums

__all__ = ["POSTMORTEM_SHARE", "BudgetImpact", "incident_impacts", "needs_postmortem", "over_threshold"]

POSTMORTEM_SHARE = Fraction(1, 5)  # DOMAIN.md §5: more than 20% of the budget requires a postmortem
_MINUTE = timedelta(minutes=1)


@dataclass(frozen=True)
class BudgetImpact:
    """What one incident cost one objective, in seconds (time-based) or events/slices (event-based)."""

    objective: Objective
    time_based: bool  # objective.source == incidents
    bad: Fraction  # bad seconds (time-based) or bad events/slices (event-based) in the incident's span
    budget: Fraction  # the window's whole error budget in the same unit
    consumed: Fraction | None  # bad / budget; None when it can't be told (no events in the window, zero budget)
    bounds: WindowBounds | None = None  # the window measured


def over_threshold(impacts: Sequence[BudgetImpact]) -> list[BudgetImpact]:
    """The impacts that used more than (strictly) 20% of their objective's budget: each calls for a postmortem."""
    return [i for i in impacts if i.consumed is not None and i.consumed > POSTMORTEM_SHARE]


def needs_postmortem(impacts: Sequence[BudgetImpact]) -> bool:
    """True when the incident consumed more than (strictly) 20% of some objective's budget."""
    return bool(over_threshold(impacts))


def incident_end(incident: Incident, now: datetime) -> datetime:
    """Where the incident's span ends: its resolution, or now while it is ongoing (never before its start)."""
    return max(incident.resolved_at or now, incident.started_at)


def _ceil_minute(moment: datetime) -> datetime:
    floored = EPOCH + (moment - EPOCH) // _MINUTE * _MINUTE
    return floored if floored == moment else floored + _MINUTE


def impact_window(spec: WindowSpec, end: datetime, zone: ZoneInfo) -> WindowBounds:
    """The objective's window ending at ``end`` (rounded up to the whole minute, so no second of the incident is
    cut off): rolling N days before it, or the calendar period holding the incident's last minute."""
    anchor = _ceil_minute(end)
    if not spec.is_calendar:
        return window_bounds(spec, anchor, zone)
    # An incident ending exactly at midnight on the 1st belongs to the month before: look at its last minute.
    return replace(window_bounds(spec, anchor - _MINUTE, zone), now=anchor)


def incident_impacts(session: Session, incident: Incident, zone: ZoneInfo, now: datetime) -> list[BudgetImpact]:
    """Every objective of the incident's service, in objective name order."""
    objectives = [objective for objective, _ in queries.objectives_with_services(session, incident.service_id)]
    if not objectives:
        return []
    end = incident_end(incident, now)
    windows = [impact_window(WindowSpec.parse(o.window), end, objective_zone(o, zone)) for o in objectives]
    maintenance = queries.maintenance_overlapping(
        session, [incident.service_id], min(w.start for w in windows), max(max(w.end for w in windows), now)
    )
    impacts = []
    for objective, bounds in zip(objectives, windows, strict=True):
        spans = merge_spans([(w.starts_at, w.ends_at) for w in maintenance if maintenance_applies(w, objective)])
        if objective.source == ObjectiveSource.INCIDENTS:
            impacts.append(_time_impact(objective, incident, end, bounds, spans))
        else:
            impacts.append(_event_impact(session, objective, incident, end, bounds, spans, now))
    return impacts


def _time_impact(
    objective: Objective, incident: Incident, end: datetime, bounds: WindowBounds, excluded: Sequence[Span]
) -> BudgetImpact:
    interval = BadInterval(incident.started_at, end, incident_interval(incident).impact)
    counts = time_counts([interval], bounds.start, bounds.end, excluded)  # valid: the full window less maintenance
    valid = Fraction(counts.valid)
    target = target_from_percent(objective.target_percent)
    budget = time_budget_seconds(target, valid) if valid > 0 else Fraction(0)
    bad = Fraction(counts.bad)
    return BudgetImpact(objective, True, bad, budget, bad / budget if budget > 0 else None, bounds)


def _excluded_parts(span: MinuteRange, excluded: Sequence[MinuteRange]) -> list[MinuteRange]:
    """The parts of ``span`` that excluded ranges cover (to subtract from its sums)."""
    lo, hi = span
    return [(max(a, lo), min(b, hi)) for a, b in excluded if min(b, hi) > max(a, lo)]


def _event_impact(
    session: Session,
    objective: Objective,
    incident: Incident,
    end: datetime,
    bounds: WindowBounds,
    maintenance: Sequence[Span],
    now: datetime,
) -> BudgetImpact:
    objective_id = objective.id
    excluded = minute_ranges(maintenance)
    window_end = min(epoch_minute(bounds.end), max(epoch_minute(bounds.now), epoch_minute(now)))
    window: MinuteRange = (epoch_minute(bounds.start), window_end)
    touched = minute_ranges([(incident.started_at, end)])
    # The incident's minutes inside the measured window (an empty range when they fall outside).
    own: MinuteRange = (window[0], window[0])
    if touched:
        lo, hi = max(touched[0][0], window[0]), min(touched[0][1], window[1])
        own = (lo, max(hi, lo))
    wanted = [window, own, *_excluded_parts(window, excluded), *_excluded_parts(own, excluded)]
    sums = range_sums(session, [objective_id], [r for r in wanted if r[1] > r[0]])

    def measured(span: MinuteRange) -> Sums:
        total = sums.get(span, {}).get(objective_id, Sums())
        for part in _excluded_parts(span, excluded):
            total = total - sums[part].get(objective_id, Sums())
        return total

    valid = Fraction(event_counts(measured(window), objective.budgeting).valid)
    bad = Fraction(event_counts(measured(own), objective.budgeting).bad)
    target = target_from_percent(objective.target_percent)
    budget = event_budget(target, int(valid)) if valid > 0 else Fraction(0)
    return BudgetImpact(objective, False, bad, budget, bad / budget if budget > 0 else None, bounds)
