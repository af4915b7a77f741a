"""The Pareto ranking, exact: causes largest first with their cumulative share, the vital few that reach 80%,
the bars drawn (at most MAX_BARS, the smallest merged into "Other (N)"), and the digest's root causes as a
ranking in words (the chart and the message both read it)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from fractions import Fraction

from slabot.core.i18n import tn, tr
from slabot.render.locale import DEFAULT_LOCALE, Locale
from slabot.render.rca import category_label
from slabot.reports.chart_data import CauseMinutes

MAX_BARS = 10  # Pareto bars drawn: more causes become MAX_BARS - 1 bars and one "Other (N)"
VITAL_SHARE = Fraction(4, 5)


class ParetoUnit(Enum):
    MINUTES = "minutes"
    INCIDENTS = "incidents"


@dataclass(frozen=True)
class ParetoItem:
    label: str  # a cause, as the reader sees it
    value: Fraction  # minutes of bad time, or a count


@dataclass(frozen=True)
class Pareto:
    """What the Pareto chart ranks: causes by bad time (or count), in any order."""

    title: str
    unit: ParetoUnit
    items: tuple[ParetoItem, ...]


def cause_label(cause: CauseMinutes, *, locale: Locale) -> str:
    """ "Technology", or "Not analysed" for the bad time of incidents without a finished 5-Why."""
    return tr(locale, "Not analysed") if cause.category is None else category_label(cause.category, locale)


def causes_pareto(causes: Sequence[CauseMinutes], *, locale: Locale) -> Pareto:
    """The week's bad time by root cause, in words."""
    items = tuple(ParetoItem(cause_label(cause, locale=locale), cause.minutes) for cause in causes)
    return Pareto(tr(locale, "Bad time by root cause (incidents)"), ParetoUnit.MINUTES, items)


def pareto_rows(items: Sequence[ParetoItem]) -> list[tuple[ParetoItem, Fraction]]:
    """Items largest first (ties by label), each with the exact cumulative share of the total (0 if it is 0)."""
    ordered = sorted(items, key=lambda item: (-item.value, item.label))
    total = sum((item.value for item in ordered), Fraction(0))
    rows, running = [], Fraction(0)
    for item in ordered:
        running += item.value
        rows.append((item, running / total if total > 0 else Fraction(0)))
    return rows


def vital_few(items: Sequence[ParetoItem]) -> int:
    """How many leading causes it takes to reach 80% of the total: the bars left of the 80% mark (0 if none)."""
    for index, (_, share) in enumerate(pareto_rows(items), start=1):
        if share >= VITAL_SHARE:
            return index
    return 0


def pareto_bars(
    items: Sequence[ParetoItem], *, locale: Locale = DEFAULT_LOCALE
) -> list[tuple[str, Fraction, Fraction]]:
    """(label, value, cumulative share) of each bar drawn: at most MAX_BARS, the smallest merged into "Other (N)"."""
    rows = pareto_rows(items)
    if len(rows) <= MAX_BARS:
        return [(item.label, item.value, share) for item, share in rows]
    kept, rest = rows[: MAX_BARS - 1], rows[MAX_BARS - 1 :]
    other = sum((item.value for item, _ in rest), Fraction(0))
    label = tr(locale, "Other ({n})", n=len(rest))
    return [*((item.label, item.value, share) for item, share in kept), (label, other, rest[-1][1])]


def amount(value: Fraction, unit: ParetoUnit, *, locale: Locale) -> str:
    """ "60 min", "12.5 min", "3 incidents", "1 incident": one decimal at most (60分钟, 3起事件)."""
    tenths = round(value * 10)
    shown = str(tenths // 10) if tenths % 10 == 0 else f"{tenths / 10:.1f}"
    if unit == ParetoUnit.MINUTES:
        return tr(locale, "{amount} min", amount=shown)
    # "1 incident" only for exactly one; 0, 1.5 and 3 are plural
    return tn(locale, "{amount} incident", "{amount} incidents", 1 if tenths == 10 else 2, amount=shown)


def unit_name(unit: ParetoUnit, *, locale: Locale) -> str:
    """The value axis's label: "Minutes", "Incidents"."""
    return tr(locale, "Minutes") if unit == ParetoUnit.MINUTES else tr(locale, "Incidents")
