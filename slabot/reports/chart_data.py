"""What the digest's four charts show, as typed data: built by the report from exact numbers, drawn (and put
into words) by slabot.render.charts.

Values stay exact (Fraction seconds and ratios); the charts convert them to floats only to draw.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from fractions import Fraction

from storage.models.rca import FishboneCategory

# Error budget policy thresholds drawn on the burn-down (share of the budget left).
POLICY_THRESHOLDS: tuple[Fraction, ...] = (Fraction(1, 2), Fraction(1, 4), Fraction(0))


@dataclass(frozen=True)
class SliPanel:
    """Chart 1, one panel: an objective's SLI over the week, hour by hour, against its target."""

    service: str
    objective: str
    target: Fraction  # 0.999
    points: tuple[tuple[datetime, Fraction | None], ...]  # (hour start, SLI in that hour); None = no data


@dataclass(frozen=True)
class IncidentMarker:
    """An incident of the objective's service, marked on its burn-down where it started."""

    at: datetime
    incident_id: int
    severity: int


@dataclass(frozen=True)
class BurnDown:
    """Chart 2, one panel: budget left over the objective's window up to the end of the week."""

    service: str
    objective: str
    window_start: datetime
    window_end: datetime  # the window's end (past the week's end for a calendar month still running)
    points: tuple[tuple[datetime, Fraction], ...]  # (time, share of budget left: 1 = full, negative = overspent)
    incidents: tuple[IncidentMarker, ...] = ()
    thresholds: tuple[Fraction, ...] = POLICY_THRESHOLDS


@dataclass(frozen=True)
class CauseMinutes:
    """Chart 3, one cause: the bad minutes inside the week of the incidents with this root cause."""

    category: FishboneCategory | None  # None: no finished 5-Why yet (not analysed)
    minutes: Fraction


@dataclass(frozen=True)
class WeekTimes:
    """Chart 4, one week: incidents opened that week, their time to acknowledge and to resolve (seconds)."""

    monday: date  # the ISO week's Monday
    incidents: int
    mtta_median: Fraction | None
    mtta_p90: Fraction | None
    mttr_median: Fraction | None
    mttr_p90: Fraction | None
