"""The monthly report's figures and labels as text, one place for the Slack message, the PDF and the CSV, so the
three always show the same numbers: months and days by name, outcomes, attainment against target, budget,
consumed, left, maintenance excluded, the credit owed, incidents by severity and the breaches' causes.

Attainment is floored with the target's precision (a miss never reads as met); amounts are the budget's unit
(durations truncated, events counted); a share of targets met is floored too.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from fractions import Fraction
from zoneinfo import ZoneInfo

from slabot.core.i18n import Locale, tr
from slabot.core.timefmt import (
    format_attainment,
    format_duration,
    format_percent,
    format_share,
    format_target,
    format_when,
)
from slabot.render.monthly_credits import credit_percent_text
from slabot.render.rca import category_label as rca_category_label
from slabot.render.status import format_amount
from slabot.reports.incident_stats import Attainment, BreachLine
from slabot.reports.monthly import MonthlyReport, ObjectiveMonth, Outcome, PeriodFigures
from slabot.reports.monthly_period import Period, month_label
from storage.models.catalog import ObjectiveKind
from storage.models.incidents import SlaTimerKind
from storage.models.rca import FishboneCategory
from storage.models.reports import ReportPeriod

# How an output shows what people typed (service names, titles): escaped in Slack, as typed on a PDF page.
Typed = Callable[[str], str]
OUTCOME_ICON = {Outcome.MISSED: ":red_circle:", Outcome.NO_DATA: ":white_circle:", Outcome.MET: ":large_green_circle:"}


def month_title(first: date, *, locale: Locale) -> str:
    """ "November 2026" (2026年11月)."""
    year = first.year
    titles = (
        tr(locale, "January {year}", year=year),
        tr(locale, "February {year}", year=year),
        tr(locale, "March {year}", year=year),
        tr(locale, "April {year}", year=year),
        tr(locale, "May {year}", year=year),
        tr(locale, "June {year}", year=year),
        tr(locale, "July {year}", year=year),
        tr(locale, "August {year}", year=year),
        tr(locale, "September {year}", year=year),
        tr(locale, "October {year}", year=year),
        tr(locale, "November {year}", year=year),
        tr(locale, "December {year}", year=year),
    )
    return titles[first.month - 1]


def day_title(day: date, *, locale: Locale) -> str:
    """ "2026-11-21" (2026年11月21日)."""
    return tr(locale, "{year}-{month:02d}-{day:02d}", year=day.year, month=day.month, day=day.day)


def period_title(period: Period, *, locale: Locale) -> str:
    if period.kind == ReportPeriod.DAY:
        return day_title(period.first, locale=locale)
    return month_title(period.first, locale=locale)


def month_short(first: date) -> str:
    """ "2026-08": how the trend names a month, the same in every language."""
    return month_label(first)


def outcome_label(outcome: Outcome, *, locale: Locale) -> str:
    if outcome == Outcome.MISSED:
        return tr(locale, "missed")
    if outcome == Outcome.MET:
        return tr(locale, "met")
    return tr(locale, "no data")


def kind_label(kind: ObjectiveKind) -> str:
    """SLA, OLA, SLO: the same in every language."""
    return kind.value.upper()


def target_text(figures: PeriodFigures) -> str:
    return format_target(figures.status.target)


def attainment_text(figures: PeriodFigures, *, locale: Locale) -> str:
    return format_attainment(figures.attainment, figures.status.target, locale)


def budget_text(figures: PeriodFigures, *, locale: Locale) -> str:
    return format_amount(figures.status, figures.report.total, locale)


def consumed_text(figures: PeriodFigures, *, locale: Locale) -> str:
    return format_amount(figures.status, figures.report.consumed, locale)


def left_text(figures: PeriodFigures, *, locale: Locale) -> str:
    return format_amount(figures.status, figures.report.left, locale)


def left_share_text(figures: PeriodFigures, *, locale: Locale) -> str:
    return format_percent(figures.report.left_fraction, locale=locale)


def excluded_text(figures: PeriodFigures, *, locale: Locale) -> str:
    return format_duration(figures.excluded_seconds, locale)


def credit_text(line: ObjectiveMonth, *, locale: Locale) -> str:
    """The credit an SLA owes for the period: "10%", "none", "no data"; "–" for objectives without credits."""
    if line.credits is None:
        return "–"
    if line.figures.attainment is None:
        return tr(locale, "no data")
    return credit_percent_text(line.credit, locale=locale)


def met_share(value: Attainment, *, locale: Locale) -> str:
    """ "3/4 met (75.0%)", or "–" when no timer had an outcome."""
    if not value.decided:
        return "–"
    return tr(
        locale,
        "{met}/{decided} met ({share})",
        met=value.met,
        decided=value.decided,
        share=format_share(value.ratio, locale=locale),
    )


def time_text(value: Fraction | int | None, *, locale: Locale) -> str:
    return "–" if value is None else format_duration(value, locale)


def timer_label(kind: SlaTimerKind, *, locale: Locale) -> str:
    if kind == SlaTimerKind.RESPONSE:
        return tr(locale, "response")
    return tr(locale, "resolution")


def category_label(category: FishboneCategory | None, *, locale: Locale) -> str:
    """A breach's root-cause category, or "Not analysed" when no 5-Why of it has finished."""
    return tr(locale, "Not analysed") if category is None else rca_category_label(category, locale)


def scope_names(scope: tuple[str, ...], *, locale: Locale) -> str:
    """The services a report covers, as typed (not escaped: each output escapes its own way)."""
    return ", ".join(scope) if scope else tr(locale, "all services")


def scope_line(report: MonthlyReport, *, locale: Locale, typed: Typed) -> str:
    """The services a report covers and how it measures them: the message's context, the PDF's subtitle."""
    return tr(
        locale,
        "{services} · calendar month in {zone} · maintenance excluded",
        services=typed(scope_names(report.scope, locale=locale)),
        zone=report.period.zone.key,
    )


def breach_head(line: BreachLine, zone: ZoneInfo, *, locale: Locale, typed: Typed) -> str:
    """ "• #12 checkout sev1: response target 15m missed at … · <title>": what one breach missed, and when."""
    return tr(
        locale,
        "• #{id} {service} sev{severity}: {timer} target {target} missed at {due} · {title}",
        id=line.incident.id,
        service=typed(line.service),
        severity=line.incident.severity,
        timer=timer_label(line.timer, locale=locale),
        target=time_text(line.target_seconds, locale=locale),
        due=format_when(line.due_at, zone, locale=locale),
        title=typed(line.incident.title),
    )
