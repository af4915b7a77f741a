"""The monthly report as the PDF a lead brings to a review: a cover (month, scope, the headline figures), the
summary table of every objective, one page per service (its objectives' rows, their attainment month by month
and the budget they consumed), and the breaches with their root causes, incidents by severity, satisfaction and
action items. A4 landscape, in the report's language.

Matplotlib's PdfPages writes the pages from Figures (no pyplot, no rcParams changed): text keeps the default
pdf.fonttype 3 (Type 42 breaks Noto CJK), with DejaVu Sans falling back to a CJK font for Chinese. Every figure
comes from slabot.render.monthly_text, the same text as the Slack message and the CSV.
"""

from __future__ import annotations

import io
import itertools
from collections import defaultdict
from collections.abc import Iterator, Sequence

from matplotlib.backends.backend_pdf import FigureCanvasPdf, PdfPages
from matplotlib.figure import Figure

from slabot.core.i18n import Locale, tr
from slabot.render import monthly_text as figures
from slabot.render.charts import style
from slabot.render.charts.monthly import MAX_PANELS, draw_attainment, draw_consumed
from slabot.render.digest import format_mean
from slabot.render.monthly import summary_parts
from slabot.render.monthly_files import ReportFile, pdf_title, report_filename
from slabot.render.monthly_pdf_tables import LEFT, ROW, Column, draw_table, objective_columns, objective_row
from slabot.reports.monthly import BreachCause, MonthlyReport, ObjectiveMonth

PAGE = (11.69, 8.27)  # A4 landscape, inches
DPI = 100
SUMMARY_ROWS = 26
BREACH_LINES = 22  # text lines of breaches per page
TOP = 0.88  # where a page's content starts, under its title


def new_page(title: str, subtitle: str | None = None) -> Figure:
    figure = Figure(figsize=PAGE, dpi=DPI, facecolor=style.BACKGROUND)
    FigureCanvasPdf(figure)
    figure.text(
        LEFT,
        0.955,
        style.plain(title),
        va="top",
        fontproperties=style.font(16, "bold"),
        color=style.TEXT,
        gid="page-title",
    )
    if subtitle:
        figure.text(
            LEFT,
            0.915,
            style.plain(subtitle),
            va="top",
            fontproperties=style.font(10),
            color=style.MUTED,
            gid="page-subtitle",
        )
    return figure


def cover(report: MonthlyReport, *, locale: Locale) -> Figure:
    figure = Figure(figsize=PAGE, dpi=DPI, facecolor=style.BACKGROUND)
    FigureCanvasPdf(figure)
    month = figures.period_title(report.period, locale=locale)
    figure.text(
        0.5,
        0.70,
        style.plain(tr(locale, "Monthly service levels")),
        ha="center",
        fontproperties=style.font(22),
        color=style.MUTED,
    )
    figure.text(
        0.5,
        0.60,
        style.plain(month),
        ha="center",
        fontproperties=style.font(34, "bold"),
        color=style.TEXT,
        gid="cover-month",
    )
    figure.text(
        0.5,
        0.52,
        style.plain(figures.scope_line(report, locale=locale, typed=str)),
        ha="center",
        fontproperties=style.font(12),
        color=style.MUTED,
        gid="cover-scope",
    )
    for index, part in enumerate(summary_parts(report, locale=locale)):
        figure.text(
            0.5,
            0.42 - index * 0.04,
            style.plain(part),
            ha="center",
            fontproperties=style.font(13),
            color=style.TEXT,
            gid="cover-figure",
        )
    return figure


def _chunks(items: Sequence[ObjectiveMonth], size: int) -> Iterator[Sequence[ObjectiveMonth]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def summary_pages(report: MonthlyReport, *, locale: Locale) -> Iterator[Figure]:
    columns = objective_columns(locale=locale)
    for number, chunk in enumerate(_chunks(report.objectives, SUMMARY_ROWS)):
        title = tr(locale, "Summary") if number == 0 else tr(locale, "Summary (continued)")
        figure = new_page(title, figures.scope_line(report, locale=locale, typed=str))
        end = draw_table(figure, TOP, columns, [objective_row(line, locale=locale) for line in chunk])
        note = tr(locale, "Excluded: maintenance windows in the period, counted neither good nor bad.")
        figure.text(LEFT, end - ROW, style.plain(note), va="center", fontproperties=style.font(9), color=style.MUTED)
        yield figure


def service_pages(report: MonthlyReport, *, locale: Locale) -> Iterator[Figure]:
    """One page per service (more for a service with more than MAX_PANELS objectives)."""
    by_service: dict[str, list[ObjectiveMonth]] = defaultdict(list)
    for line in report.objectives:
        by_service[line.service.name].append(line)
    columns = objective_columns(locale=locale)
    for name in sorted(by_service):
        lines = sorted(by_service[name], key=lambda line: line.objective.name)
        subtitle = tr(
            locale,
            "Objectives: {objectives} · Incidents started: {incidents}",
            objectives=len(lines),
            incidents=lines[0].incidents,
        )
        for chunk in _chunks(lines, MAX_PANELS):
            figure = new_page(name, subtitle)
            bottom = draw_table(figure, TOP, columns, [objective_row(line, locale=locale) for line in chunk])
            # subfigures take their place from the grid's ratios (not its margins): rows above, charts, below
            charts = bottom - 0.04
            grid = figure.add_gridspec(3, 2, height_ratios=(1 - bottom + 0.02, charts, 0.02), width_ratios=(3, 2))
            draw_attainment(figure.add_subfigure(grid[1, 0]), chunk, locale=locale)
            draw_consumed(figure.add_subfigure(grid[1, 1]), chunk, locale=locale)
            yield figure


def breach_lines(breach: BreachCause, report: MonthlyReport, *, locale: Locale) -> list[str]:
    """A breach as plain lines for the page: what was missed, then its root cause, wrapped."""
    line = breach.line
    head = figures.breach_head(line, report.period.zone, locale=locale, typed=str)
    if breach.root_cause is None and breach.category is None:
        cause = tr(locale, "Root cause: not analysed yet (`/sla why {id}`)", id=line.incident.id).replace("`", "")
    else:
        cause = tr(
            locale,
            "Root cause ({category}): {cause}",
            category=figures.category_label(breach.category, locale=locale),
            cause=" ".join((breach.root_cause or "–").split()),
        )
    wrapped = style.wrap(cause, 150, lines=3).split("\n")
    return [style.shorten(head, 160), *(f"      {part}" for part in wrapped)]


def _incident_rows(report: MonthlyReport, *, locale: Locale) -> list[list[str]]:
    return [
        [
            f"sev{row.severity}",
            str(row.count),
            figures.met_share(row.response, locale=locale),
            figures.met_share(row.resolution, locale=locale),
            figures.time_text(row.times.mtta_median, locale=locale),
            figures.time_text(row.times.mttr_median, locale=locale),
        ]
        for row in report.severities
    ]


def _notes(report: MonthlyReport, *, locale: Locale) -> list[str]:
    summary = report.satisfaction
    if summary.mean is None:
        satisfaction = tr(locale, "Satisfaction: no ratings in this period.")
    else:
        satisfaction = tr(
            locale, "Satisfaction: {mean}/5 from {count} ratings", mean=format_mean(summary.mean), count=summary.count
        )
    actions = tr(
        locale, "Action items: opened {opened} · closed {closed}", opened=len(report.opened), closed=len(report.closed)
    )
    return [satisfaction, actions]


def breach_pages(report: MonthlyReport, *, locale: Locale) -> Iterator[Figure]:
    title = tr(locale, "Incidents, SLA breaches and root causes")
    figure = new_page(title, tr(locale, "SLA breaches: {n}", n=len(report.breaches)))
    columns = [
        Column(tr(locale, "Severity"), 1.0),
        Column(tr(locale, "Incidents"), 1.0, "right"),
        Column(tr(locale, "Response met"), 2.0, "right"),
        Column(tr(locale, "Resolution met"), 2.0, "right"),
        Column(tr(locale, "MTTA (median)"), 1.5, "right"),
        Column(tr(locale, "MTTR (median)"), 1.5, "right"),
    ]
    y = draw_table(figure, TOP, columns, _incident_rows(report, locale=locale)) - ROW
    for note in _notes(report, locale=locale):
        figure.text(LEFT, y, style.plain(note), va="center", fontproperties=style.font(10), color=style.TEXT)
        y -= ROW
    lines = [text for breach in report.breaches for text in breach_lines(breach, report, locale=locale)]
    if not lines:
        lines = [tr(locale, "No response or resolution target was missed in this period.")]
    y -= ROW / 2
    for text in lines:
        if y < 0.05:
            yield figure
            figure = new_page(tr(locale, "SLA breaches and root causes (continued)"))
            y = TOP
        figure.text(
            LEFT, y, style.plain(text), va="center", fontproperties=style.font(9.5), color=style.TEXT, gid="breach"
        )
        y -= ROW * 0.95
    yield figure


def monthly_pdf(report: MonthlyReport, *, locale: Locale) -> bytes:
    buffer = io.BytesIO()
    metadata = {"Title": pdf_title(report, locale=locale), "Creator": "slabot", "Producer": "slabot"}
    pages = itertools.chain(
        [cover(report, locale=locale)],
        summary_pages(report, locale=locale),
        service_pages(report, locale=locale),
        breach_pages(report, locale=locale),
    )
    with PdfPages(buffer, metadata=metadata) as pdf:
        for page in pages:  # drawn one at a time: a page is let go once it is written
            pdf.savefig(page)
    return buffer.getvalue()


def pdf_file(report: MonthlyReport, *, locale: Locale) -> ReportFile:
    alt = tr(
        locale,
        "The monthly report of {month}: summary, a page per service and the breaches, {count} objectives.",
        month=figures.period_title(report.period, locale=locale),
        count=len(report.objectives),
    )
    return ReportFile(
        report_filename(report, "pdf"), pdf_title(report, locale=locale), alt, monthly_pdf(report, locale=locale)
    )
