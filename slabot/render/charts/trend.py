"""Chart 4, the MTTA/MTTR trend: time to acknowledge and to resolve incidents week by week, in two panels
(median solid, p90 dashed in the same colour, gaps for weeks without any), in minutes, hours or days.

Artists carry gids: "mtta-median", "mtta-p90", "mttr-median", "mttr-p90".
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from slabot.core.i18n import tn, tr
from slabot.render.charts import style
from slabot.render.charts.alt_text import trend_alt
from slabot.render.charts.png import RenderedChart, to_png
from slabot.render.locale import Locale
from slabot.render.weeks import week_number
from slabot.reports.chart_data import WeekTimes

TIME_UNITS = (("minutes", 60), ("hours", 3600), ("days", 86400))
MARGINS = (84.0, 20.0, 24.0, 80.0)  # left, right, top, bottom (px of the panels' area)
GAPS = (86.0, 0.0)


def time_unit(values: Sequence[Fraction | None]) -> tuple[str, int]:
    """Minutes below 2 hours, hours below 3 days, else days: chosen from the largest value (seconds)."""
    largest = max((value for value in values if value is not None), default=Fraction(0))
    if largest < 2 * 3600:
        return TIME_UNITS[0]
    return TIME_UNITS[1] if largest < 3 * 86400 else TIME_UNITS[2]


def in_unit(values: Sequence[Fraction | None], size: int) -> np.ndarray:
    """Seconds as floats in the unit, NaN (a gap) for None."""
    return np.array([math.nan if value is None else float(value / size) for value in values], dtype=float)


def unit_label(unit: str, *, locale: Locale) -> str:
    """The value axis's label of a time unit: "Minutes", "Hours", "Days"."""
    if unit == "minutes":
        return tr(locale, "Minutes")
    return tr(locale, "Hours") if unit == "hours" else tr(locale, "Days")


def heading(weeks: Sequence[WeekTimes], *, locale: Locale) -> str:
    return tn(
        locale,
        "Time to acknowledge and to resolve incidents, last {n} week",
        "Time to acknowledge and to resolve incidents, last {n} weeks",
        len(weeks),
    )


def draw_trend(weeks: Sequence[WeekTimes], *, locale: Locale) -> Figure:
    """MTTA and MTTR per week in two panels: median solid, p90 dashed in the same colour; gaps where none."""
    title = heading(weeks, locale=locale)
    values = [v for w in weeks for v in (w.mtta_median, w.mtta_p90, w.mttr_median, w.mttr_p90)]
    if all(value is None for value in values):
        if not weeks:
            return style.message_figure(title, tr(locale, "No weeks to show"))
        count = len(weeks)
        if any(week.incidents for week in weeks):
            quiet = tn(
                locale,
                "No incident acknowledged or resolved in the last {n} week",
                "No incident acknowledged or resolved in the last {n} weeks",
                count,
            )
            return style.message_figure(title, quiet)
        return style.message_figure(
            title, tn(locale, "No incidents in the last {n} week", "No incidents in the last {n} weeks", count)
        )
    keys = [
        (style.line_key(color=style.MTTA, linewidth=2.4), tr(locale, "MTTA median")),
        (style.line_key(color=style.MTTA, linestyle="--", linewidth=1.6), tr(locale, "MTTA p90")),
        (style.line_key(color=style.MTTR, linewidth=2.4), tr(locale, "MTTR median")),
        (style.line_key(color=style.MTTR, linestyle="--", linewidth=1.6), tr(locale, "MTTR p90")),
    ]
    figure, body = style.chart_figure(title, keys)
    positions = list(range(len(weeks)))
    labels = [f"{week_number(week.monday, locale=locale)}\n({week.incidents})" for week in weeks]
    series = (
        (
            tr(locale, "Time to acknowledge (MTTA)"),
            style.MTTA,
            "mtta",
            [w.mtta_median for w in weeks],
            [w.mtta_p90 for w in weeks],
        ),
        (
            tr(locale, "Time to resolve (MTTR)"),
            style.MTTR,
            "mttr",
            [w.mttr_median for w in weeks],
            [w.mttr_p90 for w in weeks],
        ),
    )
    axes = style.panels(body, 2, 2, margins=MARGINS, gaps=GAPS)
    for ax, (name, colour, gid, medians, p90s) in zip(axes, series, strict=True):
        unit, size = time_unit([*medians, *p90s])
        median_y, p90_y = in_unit(medians, size), in_unit(p90s, size)
        highest = float(np.nanmax(np.r_[median_y, p90_y, 0.0]))
        ax.set_xlim(-0.5, len(weeks) - 0.5)
        ax.set_ylim(0, max(highest * 1.12, 1.0))
        style.frame(ax)
        ax.yaxis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10]))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: style.number(value, 1)))
        style.grid_lines(ax, "y")
        ax.set_xticks(positions, labels=labels)
        ax.plot(
            positions,
            p90_y,
            color=colour,
            linestyle="--",
            linewidth=1.6,
            marker="o",
            markersize=4,
            markerfacecolor=style.BACKGROUND,
            zorder=3,
            clip_on=False,
            gid=f"{gid}-p90",
        )
        ax.plot(
            positions,
            median_y,
            color=colour,
            linewidth=2.4,
            marker="o",
            markersize=5,
            zorder=4,
            clip_on=False,
            gid=f"{gid}-median",
        )
        ax.set_ylabel(unit_label(unit, locale=locale), fontproperties=style.font(style.LABEL_SIZE), color=style.MUTED)
        style.panel_title(ax, name, 40)
    style.axis_labels(body, tr(locale, "Week (incidents opened in it)"), None)
    return figure


def trend_chart(weeks: Sequence[WeekTimes], *, locale: Locale) -> RenderedChart:
    title = tn(locale, "MTTA and MTTR, last {n} week", "MTTA and MTTR, last {n} weeks", len(weeks))
    return RenderedChart("trend.png", title, trend_alt(weeks, locale=locale), to_png(draw_trend(weeks, locale=locale)))
