"""What each digest chart tells a screen reader (Slack's alt_txt): the same figures as the picture, in at
most 1000 characters, saying how many parts were left out when they do not all fit."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from fractions import Fraction
from zoneinfo import ZoneInfo

from slabot.core.timefmt import format_attainment, format_duration, format_percent, format_target
from slabot.render.charts.ranking import Pareto, amount, pareto_rows, vital_few
from slabot.render.charts.style import objective_label
from slabot.render.locale import Locale
from slabot.render.weeks import day_month, week_number, week_period
from slabot.reports.chart_data import BurnDown, SliPanel, WeekTimes
from slabot.reports.schedule import Week

LIMIT = 1000


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def scope(count: int, total: int | None, order: str) -> str:
    """ "12 of 100 objectives, lowest first" when only some are shown, else "3 objectives"."""
    if total is not None and total > count:
        return f"{count} of {total} objectives, {order}"
    return plural(count, "objective")


def within(head: str, parts: Sequence[str], tail: str = "", limit: int = LIMIT) -> str:
    """head, as many parts as fit and tail in `limit` characters, saying how many parts were left out."""
    text = head
    for index, part in enumerate(parts):
        left_out = len(parts) - index - 1
        room = limit - len(tail) - 1 - (len(f" …and {left_out} more.") if left_out else 0)
        if len(text) + 1 + len(part) > room:
            text += f" …and {len(parts) - index} more."
            break
        text += " " + part
    return (f"{text} {tail}" if tail else text)[:limit]


def ideal_left(burn: BurnDown, at_seconds: float) -> Fraction:
    """The share of the budget the ideal (linear) burn leaves this many seconds into the window."""
    span = (burn.window_end - burn.window_start) / timedelta(seconds=1)
    return 1 - Fraction(at_seconds) / Fraction(span) if span > 0 else Fraction(0)


def sli_alt(panels: Sequence[SliPanel], week: Week, total: int | None, *, locale: Locale) -> str:
    parts = []
    for panel in panels:
        name = objective_label(panel.service, panel.objective)
        known = [sli for _, sli in panel.points if sli is not None]
        if not known:
            parts.append(f"{name}: no data, target {format_target(panel.target)}.")
            continue
        below = sum(1 for sli in known if sli < panel.target)
        hours = f", below target in {below} of {plural(len(known), 'hour')}" if below else ""
        lowest = format_attainment(min(known), panel.target)
        parts.append(f"{name}: lowest {lowest}, target {format_target(panel.target)}{hours}.")
    period = week_period(week, locale=locale)
    head = f"Hourly SLI vs target, {period}, {scope(len(panels), total, 'lowest first')}."
    return within(head, parts, f"Times in {week.zone.key}.")


def burndown_alt(burndowns: Sequence[BurnDown], zone: ZoneInfo, total: int | None, *, locale: Locale) -> str:
    parts = []
    for burn in burndowns:
        name = objective_label(burn.service, burn.objective)
        if not burn.points:
            parts.append(f"{name}: no data.")
            continue
        at, left = burn.points[-1]
        ideal = ideal_left(burn, (at - burn.window_start) / timedelta(seconds=1))
        lowest = min(value for _, value in burn.points)
        low = f", lowest {format_percent(lowest)}" if lowest < left else ""
        incidents = f", {plural(len(burn.incidents), 'incident')}" if burn.incidents else ""
        on = day_month(at.astimezone(zone).date(), locale=locale)
        parts.append(f"{name}: {format_percent(left)} left on {on} (ideal {format_percent(ideal)}){low}{incidents}.")
    thresholds = ", ".join(format_target(t) for t in burndowns[0].thresholds) if burndowns else ""
    head = f"Error budget left over each objective's window, {scope(len(burndowns), total, 'most at risk first')}."
    return within(head, parts, f"Policy thresholds: {thresholds} left." if thresholds else "")


def pareto_alt(pareto: Pareto, *, locale: Locale) -> str:
    rows = pareto_rows(pareto.items)
    total = sum((item.value for item, _ in rows), Fraction(0))
    heading = pareto.title[:1].lower() + pareto.title[1:]
    if total <= 0:
        return f"Pareto of {heading}: nothing recorded."
    parts = [
        f"{item.label} {amount(item.value, pareto.unit, locale=locale)} ({format_percent(item.value / total, 0)})"
        for item, _ in rows
    ]
    parts = [f"{part}," for part in parts[:-1]] + [f"{parts[-1]};"]
    few = vital_few(pareto.items)
    verb = "makes" if few == 1 else "make"
    tail = f"{few} of {plural(len(rows), 'cause')} {verb} up 80% of the total."
    return within(f"Pareto of {heading}, {amount(total, pareto.unit, locale=locale)} in all:", parts, tail)


def trend_alt(weeks: Sequence[WeekTimes], *, locale: Locale) -> str:
    def pair(median: Fraction | None, p90: Fraction | None) -> str:
        if median is None:
            return "none yet"
        return format_duration(median) + ("" if p90 is None else f" (p90 {format_duration(p90)})")

    parts = []
    for week in weeks:
        label = week_number(week.monday, locale=locale)
        if not week.incidents:
            parts.append(f"{label}: no incidents;")
            continue
        parts.append(
            f"{label}: {plural(week.incidents, 'incident')}, MTTA {pair(week.mtta_median, week.mtta_p90)}, "
            f"MTTR {pair(week.mttr_median, week.mttr_p90)};"
        )
    if parts:
        parts[-1] = parts[-1][:-1] + "."
    return within(f"MTTA and MTTR medians (and p90) over {plural(len(weeks), 'week')}:", parts)
