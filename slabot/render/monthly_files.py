"""The files of a monthly report, ready for the outbox to upload: the PDF and the CSV, with their names and titles."""

from __future__ import annotations

from dataclasses import dataclass

from slabot.core.i18n import Locale, tr
from slabot.render.monthly_text import period_title
from slabot.reports.monthly import MonthlyReport


@dataclass(frozen=True)
class ReportFile:
    """A report file to upload (the outbox's FileToShare: it calls a file's bytes `png`, whatever they are)."""

    filename: str  # "report-2026-11.pdf"; the writer makes it unique per run
    title: str
    alt_text: str
    png: bytes


def report_filename(report: MonthlyReport, extension: str) -> str:
    """ "report-2026-11.pdf": the period and the format (the writer adds the run)."""
    return f"report-{report.period.label}.{extension}"


def pdf_title(report: MonthlyReport, *, locale: Locale) -> str:
    return tr(locale, "Monthly service levels · {month} (PDF)", month=period_title(report.period, locale=locale))


def csv_title(report: MonthlyReport, *, locale: Locale) -> str:
    return tr(locale, "Monthly service levels · {month} (CSV)", month=period_title(report.period, locale=locale))
