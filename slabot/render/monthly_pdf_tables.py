"""Tables on the monthly report's PDF pages: text in columns drawn on a Figure (Figure.text and lines in figure
coordinates, no pyplot), a header row in bold, rules between rows, and the objective rows the summary and the
service pages show, with the same figures as the Slack message (slabot.render.monthly_text).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from slabot.core.i18n import Locale, tr
from slabot.render import monthly_text as figures
from slabot.render.charts import style
from slabot.reports.monthly import ObjectiveMonth

ROW = 0.027  # row height, in figure fractions of an A4 landscape page
TABLE_SIZE = 8.5
LEFT, RIGHT = 0.04, 0.96


@dataclass(frozen=True)
class Column:
    title: str
    width: float  # share of the table's width
    align: Literal["left", "right", "center"] = "left"
    columns: int = 40  # text wider than this many columns is shortened


def draw_table(figure: Figure, top: float, columns: Sequence[Column], rows: Sequence[Sequence[str]]) -> float:
    """The table from `top` down; returns where it ends (figure fraction)."""
    total = sum(column.width for column in columns)
    span = RIGHT - LEFT
    edges, x = [], LEFT
    for column in columns:
        edges.append((x, x + column.width / total * span))
        x += column.width / total * span

    def cells(values: Sequence[str], y: float, weight: str, gid: str) -> None:
        for (left, right), column, value in zip(edges, columns, values, strict=True):
            at = {"left": left + 0.003, "right": right - 0.003, "center": (left + right) / 2}[column.align]
            figure.text(
                at,
                y,
                style.plain(style.shorten(value, column.columns)),
                ha=column.align,
                va="center",
                fontproperties=style.font(TABLE_SIZE, weight),
                color=style.TEXT,
                gid=gid,
            )

    y = top - ROW / 2
    cells([column.title for column in columns], y, "bold", "table-header")
    rule(figure, top - ROW, style.SPINE)
    for values in rows:
        y -= ROW
        cells(values, y, "normal", "table-cell")
        rule(figure, y - ROW / 2, style.GRID)
    return y - ROW / 2


def rule(figure: Figure, y: float, colour: str) -> None:
    figure.add_artist(Line2D([LEFT, RIGHT], [y, y], transform=figure.transFigure, color=colour, linewidth=0.6))


def objective_columns(*, locale: Locale) -> list[Column]:
    return [
        Column(tr(locale, "Objective"), 2.8, columns=32),
        Column(tr(locale, "Kind"), 0.7, "center"),
        Column(tr(locale, "Target"), 0.9, "right"),
        Column(tr(locale, "Actual"), 0.9, "right"),
        Column(tr(locale, "Outcome"), 1.0, "center"),
        Column(tr(locale, "Budget"), 1.4, "right", 18),
        Column(tr(locale, "Consumed"), 1.4, "right", 18),
        Column(tr(locale, "Left"), 2.3, "right", 30),
        Column(tr(locale, "Excluded"), 1.1, "right", 14),
        Column(tr(locale, "Credit owed"), 1.3, "right"),
    ]


def objective_row(line: ObjectiveMonth, *, locale: Locale) -> list[str]:
    month = line.figures
    has_data = month.attainment is not None
    left = (
        tr(
            locale,
            "{left} ({share})",
            left=figures.left_text(month, locale=locale),
            share=figures.left_share_text(month, locale=locale),
        )
        if has_data
        else "–"
    )
    return [
        line.name,
        figures.kind_label(line.objective.kind),
        figures.target_text(month),
        figures.attainment_text(month, locale=locale),
        figures.outcome_label(month.outcome, locale=locale),
        figures.budget_text(month, locale=locale) if has_data else "–",
        figures.consumed_text(month, locale=locale) if has_data else "–",
        left,
        figures.excluded_text(month, locale=locale),
        figures.credit_text(line, locale=locale),
    ]
