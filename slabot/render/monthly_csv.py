"""The monthly report as CSV for spreadsheets: one row per objective and month (the trend's months, oldest first,
then the report's), UTF-8 with a byte-order mark so Excel shows Chinese, headers in the report's language.

Numbers are plain (no units, a point for decimals): percentages as the Slack report shows them (attainment
floored with the target's precision), budget, consumed and left in minutes for time (at most 4 decimals,
towards zero) or in events, maintenance in minutes, the credit owed in percent (empty without a schedule or data).
"""

from __future__ import annotations

import csv
import io
from decimal import ROUND_DOWN, Decimal
from fractions import Fraction

from slabot.core.i18n import Locale, tr
from slabot.core.timefmt import format_attainment, format_percent
from slabot.render import monthly_text as figures
from slabot.render.monthly_files import ReportFile, csv_title, report_filename
from slabot.reports.monthly import MonthlyReport, ObjectiveMonth, PeriodFigures
from slabot.slo.measurement import Measure

PLACES = Decimal("0.0001")


def number(value: Fraction | int) -> str:
    """Exact to 4 decimals (towards zero), without trailing zeros: 43.2, -46.8, 1680, 0."""
    exact = Fraction(value)
    decimal = (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(PLACES, ROUND_DOWN)
    text = f"{decimal:f}"
    text = text.rstrip("0").rstrip(".") if "." in text else text
    return "0" if text in ("-0", "") else text


def _percent(text: str) -> str:
    return text.removesuffix("%")


def headers(*, locale: Locale) -> list[str]:
    return [
        tr(locale, "Month"),
        tr(locale, "Service"),
        tr(locale, "Objective"),
        tr(locale, "Kind"),
        tr(locale, "Target (%)"),
        tr(locale, "Attainment (%)"),
        tr(locale, "Outcome"),
        tr(locale, "Unit"),
        tr(locale, "Budget"),
        tr(locale, "Consumed"),
        tr(locale, "Left"),
        tr(locale, "Left (%)"),
        tr(locale, "Maintenance excluded (min)"),
        tr(locale, "Incidents"),
        tr(locale, "Credit owed (%)"),
    ]


def unit_label(measure: Measure, *, locale: Locale) -> str:
    if measure == Measure.SECONDS:
        return tr(locale, "minutes")
    if measure == Measure.SLICES:
        return tr(locale, "minute slices")
    return tr(locale, "events")


def amount(measure: Measure, value: Fraction) -> str:
    """Minutes for time, the count for events and slices (a slice is a minute already)."""
    return number(value / 60 if measure == Measure.SECONDS else value)


def row(line: ObjectiveMonth, month: PeriodFigures, *, locale: Locale) -> list[str]:
    measure = Measure.of(line.objective)
    report, has_data = month.report, month.attainment is not None
    credit = "" if line.credits is None or not has_data else (month.credit.percent_text if month.credit else "0")
    return [
        figures.month_short(month.first),
        line.service.name,
        line.objective.name,
        figures.kind_label(line.objective.kind),
        _percent(figures.target_text(month)),
        _percent(format_attainment(month.attainment, month.status.target)) if has_data else "",
        figures.outcome_label(month.outcome, locale=locale),
        unit_label(measure, locale=locale),
        amount(measure, report.total) if has_data else "",
        amount(measure, report.consumed) if has_data else "",
        amount(measure, report.left) if has_data else "",
        _percent(format_percent(report.left_fraction)) if has_data and report.left_fraction is not None else "",
        number(Fraction(month.excluded_seconds, 60)),
        str(month.incidents),
        credit,
    ]


def monthly_csv(report: MonthlyReport, *, locale: Locale) -> bytes:
    """The rows as UTF-8 with BOM, CRLF line ends (what Excel writes)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headers(locale=locale))
    ordered = sorted(report.objectives, key=lambda line: line.name)
    for line in ordered:
        for month in (*line.trend, line.figures):
            writer.writerow(row(line, month, locale=locale))
    return buffer.getvalue().encode("utf-8-sig")


def csv_file(report: MonthlyReport, *, locale: Locale) -> ReportFile:
    alt = tr(
        locale,
        "One row per objective and month, {count} objectives, {months} months.",
        count=len(report.objectives),
        months=len(report.trend_firsts) + 1,
    )
    return ReportFile(
        report_filename(report, "csv"), csv_title(report, locale=locale), alt, monthly_csv(report, locale=locale)
    )
