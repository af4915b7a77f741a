"""What each digest chart tells a screen reader (Slack's alt_txt): the same figures as the picture, in at
most 1000 characters, saying how many parts were left out when they do not all fit, in the reader's language."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from fractions import Fraction
from zoneinfo import ZoneInfo

from slabot.core.i18n import tn, tr
from slabot.core.timefmt import format_attainment, format_duration, format_percent, format_target
from slabot.render.charts.ranking import Pareto, amount, pareto_rows, vital_few
from slabot.render.charts.style import objective_label
from slabot.render.locale import DEFAULT_LOCALE, Locale
from slabot.render.reply import listed
from slabot.render.weeks import day_month, week_number, week_period
from slabot.reports.chart_data import BurnDown, SliPanel, WeekTimes
from slabot.reports.schedule import Week

LIMIT = 1000


def scope(count: int, total: int | None, *, at_risk: bool = False, locale: Locale = DEFAULT_LOCALE) -> str:
    """ "12 of 100 objectives, lowest first" (or "…, most at risk first") when only some are shown, else
    "3 objectives"."""
    if total is not None and total > count:
        if at_risk:
            return tr(locale, "{count} of {total} objectives, most at risk first", count=count, total=total)
        return tr(locale, "{count} of {total} objectives, lowest first", count=count, total=total)
    return tn(locale, "{n} objective", "{n} objectives", count)


def _left_out(count: int, locale: Locale) -> str:
    return tr(locale, "…and {n} more.", n=count)


def within(
    head: str, parts: Sequence[str], tail: str = "", limit: int = LIMIT, *, locale: Locale = DEFAULT_LOCALE
) -> str:
    """head, as many parts as fit and tail in `limit` characters, saying how many parts were left out."""
    text = head
    for index, part in enumerate(parts):
        left_out = len(parts) - index - 1
        room = limit - len(tail) - 1 - (len(" " + _left_out(left_out, locale)) if left_out else 0)
        if len(text) + 1 + len(part) > room:
            text += " " + _left_out(len(parts) - index, locale)
            break
        text += " " + part
    return (f"{text} {tail}" if tail else text)[:limit]


def ideal_left(burn: BurnDown, at_seconds: float) -> Fraction:
    """The share of the budget the ideal (linear) burn leaves this many seconds into the window."""
    span = (burn.window_end - burn.window_start) / timedelta(seconds=1)
    return 1 - Fraction(at_seconds) / Fraction(span) if span > 0 else Fraction(0)


def _sli_part(panel: SliPanel, locale: Locale) -> str:
    name, target = objective_label(panel.service, panel.objective), format_target(panel.target)
    known = [sli for _, sli in panel.points if sli is not None]
    if not known:
        return tr(locale, "{name}: no data, target {target}.", name=name, target=target)
    below = sum(1 for sli in known if sli < panel.target)
    lowest = format_attainment(min(known), panel.target, locale)
    if not below:
        return tr(locale, "{name}: lowest {lowest}, target {target}.", name=name, lowest=lowest, target=target)
    return tn(
        locale,
        "{name}: lowest {lowest}, target {target}, below target in {below} of {n} hour.",
        "{name}: lowest {lowest}, target {target}, below target in {below} of {n} hours.",
        len(known),
        name=name,
        lowest=lowest,
        target=target,
        below=below,
    )


def sli_alt(panels: Sequence[SliPanel], week: Week, total: int | None, *, locale: Locale) -> str:
    head = tr(
        locale,
        "Hourly SLI vs target, {period}, {scope}.",
        period=week_period(week, locale=locale),
        scope=scope(len(panels), total, locale=locale),
    )
    parts = [_sli_part(panel, locale) for panel in panels]
    return within(head, parts, tr(locale, "Times in {zone}.", zone=week.zone.key), locale=locale)


def _burndown_part(burn: BurnDown, zone: ZoneInfo, locale: Locale) -> str:
    name = objective_label(burn.service, burn.objective)
    if not burn.points:
        return tr(locale, "{name}: no data.", name=name)
    at, left = burn.points[-1]
    lowest = min(value for _, value in burn.points)
    figures = {
        "name": name,
        "left": format_percent(left, locale=locale),
        "on": day_month(at.astimezone(zone).date(), locale=locale),
        "ideal": format_percent(ideal_left(burn, (at - burn.window_start) / timedelta(seconds=1)), locale=locale),
        "lowest": format_percent(lowest, locale=locale),
    }
    count = len(burn.incidents)
    if lowest < left and count:
        return tn(
            locale,
            "{name}: {left} left on {on} (ideal {ideal}), lowest {lowest}, {n} incident.",
            "{name}: {left} left on {on} (ideal {ideal}), lowest {lowest}, {n} incidents.",
            count,
            **figures,
        )
    if lowest < left:
        return tr(locale, "{name}: {left} left on {on} (ideal {ideal}), lowest {lowest}.", **figures)
    if count:
        return tn(
            locale,
            "{name}: {left} left on {on} (ideal {ideal}), {n} incident.",
            "{name}: {left} left on {on} (ideal {ideal}), {n} incidents.",
            count,
            **figures,
        )
    return tr(locale, "{name}: {left} left on {on} (ideal {ideal}).", **figures)


def burndown_alt(burndowns: Sequence[BurnDown], zone: ZoneInfo, total: int | None, *, locale: Locale) -> str:
    parts = [_burndown_part(burn, zone, locale) for burn in burndowns]
    head = tr(
        locale,
        "Error budget left over each objective's window, {scope}.",
        scope=scope(len(burndowns), total, at_risk=True, locale=locale),
    )
    if not burndowns:
        return within(head, parts, locale=locale)
    thresholds = listed([format_target(t) for t in burndowns[0].thresholds], locale=locale)
    tail = tr(locale, "Policy thresholds: {thresholds} left.", thresholds=thresholds) if thresholds else ""
    return within(head, parts, tail, locale=locale)


def _cause_makes_up(few: int, causes: int, locale: Locale) -> str:
    """ "2 of 5 causes make up 80% of the total." """
    if causes == 1:
        return tr(locale, "{few} of {total} cause makes up 80% of the total.", few=few, total=causes)
    return tn(
        locale,
        "{n} of {total} causes makes up 80% of the total.",
        "{n} of {total} causes make up 80% of the total.",
        few,
        total=causes,
    )


def pareto_alt(pareto: Pareto, *, locale: Locale) -> str:
    rows = pareto_rows(pareto.items)
    total = sum((item.value for item, _ in rows), Fraction(0))
    heading = pareto.title[:1].lower() + pareto.title[1:]
    if total <= 0:
        return tr(locale, "Pareto of {heading}: nothing recorded.", heading=heading)
    parts = []
    for index, (item, _) in enumerate(rows):
        figures = {
            "label": item.label,
            "amount": amount(item.value, pareto.unit, locale=locale),
            "share": format_percent(item.value / total, 0, locale),
        }
        if index + 1 < len(rows):
            parts.append(tr(locale, "{label} {amount} ({share}),", **figures))
        else:
            parts.append(tr(locale, "{label} {amount} ({share});", **figures))
    tail = _cause_makes_up(vital_few(pareto.items), len(rows), locale)
    head = tr(
        locale,
        "Pareto of {heading}, {amount} in all:",
        heading=heading,
        amount=amount(total, pareto.unit, locale=locale),
    )
    return within(head, parts, tail, locale=locale)


def _pair(median: Fraction | None, p90: Fraction | None, locale: Locale) -> str:
    if median is None:
        return tr(locale, "none yet")
    if p90 is None:
        return format_duration(median, locale)
    return tr(locale, "{median} (p90 {p90})", median=format_duration(median, locale), p90=format_duration(p90, locale))


def _week_part(week: WeekTimes, last: bool, locale: Locale) -> str:
    label = week_number(week.monday, locale=locale)
    if not week.incidents:
        if last:
            return tr(locale, "{week}: no incidents.", week=label)
        return tr(locale, "{week}: no incidents;", week=label)
    figures = {
        "week": label,
        "mtta": _pair(week.mtta_median, week.mtta_p90, locale),
        "mttr": _pair(week.mttr_median, week.mttr_p90, locale),
    }
    if last:
        return tn(
            locale,
            "{week}: {n} incident, MTTA {mtta}, MTTR {mttr}.",
            "{week}: {n} incidents, MTTA {mtta}, MTTR {mttr}.",
            week.incidents,
            **figures,
        )
    return tn(
        locale,
        "{week}: {n} incident, MTTA {mtta}, MTTR {mttr};",
        "{week}: {n} incidents, MTTA {mtta}, MTTR {mttr};",
        week.incidents,
        **figures,
    )


def trend_alt(weeks: Sequence[WeekTimes], *, locale: Locale) -> str:
    parts = [_week_part(week, index == len(weeks) - 1, locale) for index, week in enumerate(weeks)]
    head = tn(
        locale,
        "MTTA and MTTR medians (and p90) over {n} week:",
        "MTTA and MTTR medians (and p90) over {n} weeks:",
        len(weeks),
    )
    return within(head, parts, locale=locale)
