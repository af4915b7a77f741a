"""The monthly report's charts, drawn into a region of a PDF page (a SubFigure) on the Figure/Axes API: each
objective's attainment month by month against its dashed target (small multiples, each point labelled with
the figure the tables show), and the share of each objective's monthly budget consumed (horizontal bars, the
100% mark dashed).

Artists carry gids: "attainment", "attainment-met", "attainment-missed", "target", "attainment-label",
"consumed", "consumed-label", "budget-mark".
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import SubFigure
from matplotlib.ticker import FixedLocator, FuncFormatter

from slabot.core.i18n import Locale, tr
from slabot.core.timefmt import format_percent
from slabot.render import monthly_text as figures
from slabot.render.charts import style
from slabot.reports.monthly import ObjectiveMonth, Outcome, PeriodFigures

MET = style.SLI
MISSED = style.INCIDENT
MAX_PANELS = 6


def _months(line: ObjectiveMonth) -> list[PeriodFigures]:
    return [*line.trend, line.figures]


def value_range(values: Sequence[float], target: float) -> tuple[float, float]:
    """From a bit under the lowest point (or the target) to just over 100%, never deeper than 4 target gaps
    below the target (deeper points sit on the bottom edge), never below 0."""
    low = min([*values, target])
    low = max(low, target - 4 * max(100 - target, 0.05))
    pad = max((100 - low) * 0.15, 0.02)
    return max(0.0, low - pad), 100 + pad * 1.6  # room above 100% for the labels


def month_ticks(firsts: Sequence[date]) -> list[str]:
    """ "2026-08", "09", "10", "11": the year where it starts or changes, then the months alone (narrow panels)."""
    labels = []
    for index, first in enumerate(firsts):
        new_year = index == 0 or firsts[index - 1].year != first.year
        labels.append(figures.month_short(first) if new_year else f"{first.month:02d}")
    return labels


def _percent_tick(value: float, _: int | None = None) -> str:
    return f"{style.number(value)}%"


def _attainment_panel(ax: Axes, line: ObjectiveMonth, *, locale: Locale) -> None:
    months = _months(line)
    target = float(line.figures.status.target) * 100
    known = [(i, float(m.attainment) * 100, m) for i, m in enumerate(months) if m.attainment is not None]
    bottom, top = value_range([value for _, value, _ in known], target)
    ax.set_xlim(-0.5, len(months) - 0.5)
    ax.set_ylim(bottom, top)
    style.frame(ax)
    ax.yaxis.set_major_locator(FixedLocator(sorted({target, 100.0})))
    ax.yaxis.set_major_formatter(FuncFormatter(_percent_tick))
    ax.set_xticks(range(len(months)), labels=month_ticks([m.first for m in months]))
    style.grid_lines(ax, "y")
    ax.axhline(target, color=style.TARGET, linestyle="--", linewidth=1.2, zorder=2, gid="target")
    if known:
        xs = np.array([i for i, _, _ in known], dtype=float)
        ys = np.array([max(value, bottom) for _, value, _ in known], dtype=float)
        ax.plot(xs, ys, color=style.SLI, linewidth=1.4, zorder=3, gid="attainment")
        for outcome, colour in ((Outcome.MET, MET), (Outcome.MISSED, MISSED)):
            chosen = [k for k, (_, _, month) in enumerate(known) if month.outcome == outcome]
            if chosen:
                ax.plot(
                    xs[chosen],
                    ys[chosen],
                    linestyle="none",
                    marker="o",
                    markersize=5,
                    color=colour,
                    zorder=4,
                    gid=f"attainment-{outcome.value}",
                )
    for index, month in enumerate(months):
        value = float(month.attainment) * 100 if month.attainment is not None else None
        y = bottom + (top - bottom) * 0.5 if value is None else max(value, bottom)
        ax.annotate(
            style.plain(figures.attainment_text(month, locale=locale)),
            xy=(index, y),
            xytext=(0, 6),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontproperties=style.font(7.5),
            color=style.TEXT if value is not None else style.MUTED,
            gid="attainment-label",
        )
    style.panel_title(ax, line.name, 34)


def draw_attainment(region: SubFigure, lines: Sequence[ObjectiveMonth], *, locale: Locale) -> list[Axes]:
    """Small multiples of each objective's attainment month by month against its target (at most MAX_PANELS)."""
    shown = list(lines[:MAX_PANELS])
    if not shown:
        return []
    style.title(region, tr(locale, "Attainment by month against target"))
    columns = min(3, len(shown))
    axes = style.panels(region, len(shown), columns, margins=(60.0, 16.0, 64.0, 26.0), gaps=(56.0, 52.0))
    for ax, line in zip(axes, shown, strict=True):
        _attainment_panel(ax, line, locale=locale)
    return axes


def consumed_share(month: PeriodFigures) -> float | None:
    """Consumed / budget for the month, as a percentage to draw; None without data or budget."""
    report = month.report
    if month.attainment is None or report.total <= 0:
        return None
    return float(report.consumed / report.total) * 100


def draw_consumed(region: SubFigure, lines: Sequence[ObjectiveMonth], *, locale: Locale) -> Axes | None:
    """How much of its month's budget each objective consumed, against the 100% mark."""
    shown = list(lines[:MAX_PANELS])
    if not shown:
        return None
    style.title(region, tr(locale, "Error budget consumed this month"))
    ax = region.add_axes((0.30, 0.12, 0.66, 0.70))
    style.frame(ax)
    shares = [consumed_share(line.figures) for line in shown]
    drawn = [0.0 if share is None else min(share, 200.0) for share in shares]
    positions = np.arange(len(shown))[::-1]
    colours = [MISSED if share is not None and share > 100 else MET for share in shares]
    ax.barh(positions, drawn, color=colours, height=0.6, gid="consumed")
    ax.axvline(100, color=style.TARGET, linestyle="--", linewidth=1.2, gid="budget-mark")
    ax.set_yticks(positions, labels=[style.shorten(line.name, 34) for line in shown])
    for label in ax.get_yticklabels():
        label.set_fontproperties(style.font(8.5))
    highest = max([*drawn, 100.0])
    ax.set_xlim(0, math.ceil(highest * 1.8 / 10) * 10)  # room right of the longest bar for its label
    ax.xaxis.set_major_formatter(FuncFormatter(_percent_tick))
    style.grid_lines(ax, "x")
    for position, share, line in zip(positions, shares, shown, strict=True):
        if share is None:
            text = figures.outcome_label(Outcome.NO_DATA, locale=locale)
        else:
            text = tr(
                locale,
                "{share} of {budget}",
                share=format_percent(line.figures.report.consumed / line.figures.report.total, locale=locale),
                budget=figures.budget_text(line.figures, locale=locale),
            )
        ax.annotate(
            style.plain(text),
            xy=(min(share or 0.0, 200.0), position),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontproperties=style.font(8),
            color=style.TEXT,
            gid="consumed-label",
        )
    return ax
