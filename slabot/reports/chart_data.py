"""What the digest's four charts show, as plain data: built by the report from exact numbers, drawn by charts.

Values stay exact (Fraction seconds and ratios); charts converts them to floats only to draw.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction

# Error budget policy thresholds drawn on the burn-down (share of the budget left).
POLICY_THRESHOLDS: tuple[Fraction, ...] = (Fraction(1, 2), Fraction(1, 4), Fraction(0))


@dataclass(frozen=True)
class SliPanel:
    """Chart 1, one panel: an objective's SLI over the week, hour by hour, against its target."""

    label: str  # "checkout/availability"
    target: Fraction  # 0.999
    points: tuple[tuple[datetime, Fraction | None], ...]  # (hour start, SLI in that hour); None = no data


@dataclass(frozen=True)
class IncidentMarker:
    at: datetime  # when the incident started
    label: str  # "#12 sev2"


@dataclass(frozen=True)
class BurnDown:
    """Chart 2, one panel: budget left over the objective's window up to the end of the week."""

    label: str
    window_start: datetime
    window_end: datetime  # the window's end (past the week's end for a calendar month still running)
    points: tuple[tuple[datetime, Fraction], ...]  # (time, share of budget left: 1 = full, negative = overspent)
    incidents: tuple[IncidentMarker, ...] = ()
    thresholds: tuple[Fraction, ...] = POLICY_THRESHOLDS


@dataclass(frozen=True)
class ParetoItem:
    label: str  # a cause: a fishbone category, or an objective when no root causes are recorded
    value: Fraction  # minutes of bad time, or a count


@dataclass(frozen=True)
class Pareto:
    """Chart 3: causes by bad time (or count), largest first, with the cumulative share."""

    title: str  # "Bad time by objective" / "Bad time by root cause"
    unit: str  # "minutes" or "incidents"
    items: tuple[ParetoItem, ...]  # any order; the chart sorts them


@dataclass(frozen=True)
class WeekTimes:
    """Chart 4, one week: incidents opened that week, their time to acknowledge and to resolve (seconds)."""

    label: str  # "W46"
    incidents: int
    mtta_median: Fraction | None
    mtta_p90: Fraction | None
    mttr_median: Fraction | None
    mttr_p90: Fraction | None


@dataclass(frozen=True)
class RenderedChart:
    """A chart ready to upload."""

    filename: str  # "sli.png"; the runner makes it unique per run
    title: str
    alt_text: str  # what the chart shows, for screen readers (Slack's alt_txt, at most 1000 characters)
    png: bytes
