"""What the digest charts say in words: their titles, alt texts, and the Pareto ranking (exact, from Fractions)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import timedelta
from fractions import Fraction
from zoneinfo import ZoneInfo

import numpy as np

from slabot.core.timefmt import format_attainment, format_duration, format_percent, format_target
from slabot.reports.chart_data import BurnDown, Pareto, ParetoItem, SliPanel, WeekTimes
from slabot.reports.charts import style

MAX_BARS = 10  # Pareto bars drawn: more causes become MAX_BARS - 1 bars and one "Other (N)"
VITAL_SHARE = Fraction(4, 5)
TIME_UNITS = (("minutes", 60), ("hours", 3600), ("days", 86400))


def scope(count: int, total: int | None, order: str) -> str:
    """ "12 of 100 objectives, lowest first" when only some are shown, else "3 objectives"."""
    if total is not None and total > count:
        return f"{count} of {total} objectives, {order}"
    return f"{count} objective" + ("" if count == 1 else "s")


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


# 1. SLI vs target


def sli_title(period: str, count: int, total: int | None) -> str:
    return f"SLI vs target, {period}: {scope(count, total, 'lowest first')}"


def sli_alt(panels: Sequence[SliPanel], period: str, zone: ZoneInfo, total: int | None) -> str:
    parts = []
    for panel in panels:
        known = [sli for _, sli in panel.points if sli is not None]
        if not known:
            parts.append(f"{panel.label}: no data, target {format_target(panel.target)}.")
            continue
        below = sum(1 for sli in known if sli < panel.target)
        hours = f", below target in {below} of {plural(len(known), 'hour')}" if below else ""
        lowest = format_attainment(min(known), panel.target)
        parts.append(f"{panel.label}: lowest {lowest}, target {format_target(panel.target)}{hours}.")
    head = f"Hourly SLI vs target, {period}, {scope(len(panels), total, 'lowest first')}."
    return style.within(head, parts, f"Times in {zone.key}.")


# 2. Error budget burn-down


def burndown_title(count: int, total: int | None) -> str:
    return f"Error budget left over each objective's window: {scope(count, total, 'most at risk first')}"


def ideal_left(burn: BurnDown, at_seconds: float) -> Fraction:
    """The share of the budget the ideal (linear) burn leaves this many seconds into the window."""
    span = (burn.window_end - burn.window_start) / timedelta(seconds=1)
    return 1 - Fraction(at_seconds) / Fraction(span) if span > 0 else Fraction(0)


def burndown_alt(burndowns: Sequence[BurnDown], zone: ZoneInfo, total: int | None) -> str:
    parts = []
    for burn in burndowns:
        if not burn.points:
            parts.append(f"{burn.label}: no data.")
            continue
        at, left = burn.points[-1]
        local = at.astimezone(zone)
        ideal = ideal_left(burn, (at - burn.window_start) / timedelta(seconds=1))
        lowest = min(value for _, value in burn.points)
        low = f", lowest {format_percent(lowest)}" if lowest < left else ""
        incidents = f", {plural(len(burn.incidents), 'incident')}" if burn.incidents else ""
        parts.append(
            f"{burn.label}: {format_percent(left)} left on {local.day} {style.MONTHS[local.month - 1]} "
            f"(ideal {format_percent(ideal)}){low}{incidents}."
        )
    thresholds = ", ".join(format_target(t) for t in burndowns[0].thresholds) if burndowns else ""
    head = f"Error budget left over each objective's window, {scope(len(burndowns), total, 'most at risk first')}."
    return style.within(head, parts, f"Policy thresholds: {thresholds} left." if thresholds else "")


# 3. Pareto of causes


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


def pareto_bars(items: Sequence[ParetoItem]) -> list[tuple[str, Fraction, Fraction]]:
    """(label, value, cumulative share) of each bar drawn: at most MAX_BARS, the smallest merged into "Other (N)"."""
    rows = pareto_rows(items)
    if len(rows) <= MAX_BARS:
        return [(item.label, item.value, share) for item, share in rows]
    kept, rest = rows[: MAX_BARS - 1], rows[MAX_BARS - 1 :]
    other = sum((item.value for item, _ in rest), Fraction(0))
    return [*((item.label, item.value, share) for item, share in kept), (f"Other ({len(rest)})", other, rest[-1][1])]


def amount(value: Fraction, unit: str) -> str:
    """ "60 min", "12.5 min", "3 incidents", "1 incident": one decimal at most."""
    tenths = round(value * 10)
    number = str(tenths // 10) if tenths % 10 == 0 else f"{tenths / 10:.1f}"
    if unit == "minutes":
        return f"{number} min"
    return f"{number} {unit[:-1] if tenths == 10 and unit.endswith('s') else unit}"


def pareto_alt(pareto: Pareto) -> str:
    rows = pareto_rows(pareto.items)
    total = sum((item.value for item, _ in rows), Fraction(0))
    heading = pareto.title[:1].lower() + pareto.title[1:]
    if total <= 0:
        return f"Pareto of {heading}: nothing recorded."
    parts = [
        f"{item.label} {amount(item.value, pareto.unit)} ({format_percent(item.value / total, 0)})" for item, _ in rows
    ]
    parts = [f"{part}," for part in parts[:-1]] + [f"{parts[-1]};"]
    few = vital_few(pareto.items)
    verb = "makes" if few == 1 else "make"
    tail = f"{few} of {plural(len(rows), 'cause')} {verb} up 80% of the total."
    return style.within(f"Pareto of {heading}, {amount(total, pareto.unit)} in all:", parts, tail)


# 4. MTTA / MTTR trend


def time_unit(values: Sequence[Fraction | None]) -> tuple[str, int]:
    """Minutes below 2 hours, hours below 3 days, else days: chosen from the largest value (seconds)."""
    largest = max((value for value in values if value is not None), default=Fraction(0))
    if largest < 2 * 3600:
        return TIME_UNITS[0]
    return TIME_UNITS[1] if largest < 3 * 86400 else TIME_UNITS[2]


def in_unit(values: Sequence[Fraction | None], size: int) -> np.ndarray:
    """Seconds as floats in the unit, NaN (a gap) for None."""
    return np.array([math.nan if value is None else float(value / size) for value in values], dtype=float)


def trend_alt(weeks: Sequence[WeekTimes]) -> str:
    def pair(median: Fraction | None, p90: Fraction | None) -> str:
        if median is None:
            return "none yet"
        return format_duration(median) + ("" if p90 is None else f" (p90 {format_duration(p90)})")

    parts = []
    for week in weeks:
        if not week.incidents:
            parts.append(f"{week.label}: no incidents;")
            continue
        parts.append(
            f"{week.label}: {plural(week.incidents, 'incident')}, MTTA {pair(week.mtta_median, week.mtta_p90)}, "
            f"MTTR {pair(week.mttr_median, week.mttr_p90)};"
        )
    if parts:
        parts[-1] = parts[-1][:-1] + "."
    return style.within(f"MTTA and MTTR medians (and p90) over {plural(len(weeks), 'week')}:", parts)
