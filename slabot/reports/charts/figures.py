"""The weekly digest's four charts as PNG: SLI vs target, error budget burn-down, Pareto of causes, MTTA/MTTR trend.

Inputs are the exact values of chart_data; floats appear only to draw. Panels are chart_canvas panels (plot
areas without matplotlib Axes, for speed); their artists keep chart units and carry gids. The Pareto chart
draws at most MAX_BARS bars: beyond that the smallest causes are merged into one "Other (N)" bar at the end
(pareto_rows and vital_few work on all the items given). A chart with nothing to show is a short message.
"""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

import numpy as np
from matplotlib.figure import Figure

from slabot.reports.chart_data import BurnDown, Pareto, RenderedChart, SliPanel, WeekTimes
from slabot.reports.charts import style, text
from slabot.reports.charts.canvas import Canvas
from slabot.reports.charts.multiples import draw_burndown, draw_sli
from slabot.reports.charts.style import to_png
from slabot.reports.charts.text import pareto_rows, vital_few

__all__ = [
    "burndown_chart",
    "draw_burndown",
    "draw_pareto",
    "draw_sli",
    "draw_trend",
    "pareto_chart",
    "pareto_rows",
    "sli_chart",
    "to_png",
    "trend_chart",
    "vital_few",
]

MAX_BARS = text.MAX_BARS


# 1. and 2.: SLI vs target and error budget burn-down (drawn in chart_multiples)


def sli_chart(panels: Sequence[SliPanel], period: str, zone: ZoneInfo, *, total: int | None = None) -> RenderedChart:
    png = to_png(draw_sli(panels, period, zone, total=total))
    return RenderedChart("sli.png", f"SLI vs target, {period}", text.sli_alt(panels, period, zone, total), png)


def burndown_chart(burndowns: Sequence[BurnDown], zone: ZoneInfo, *, total: int | None = None) -> RenderedChart:
    png = to_png(draw_burndown(burndowns, zone, total=total))
    return RenderedChart("burndown.png", "Error budget burn-down", text.burndown_alt(burndowns, zone, total), png)


# 3. Pareto of causes


def draw_pareto(pareto: Pareto) -> Figure:
    """Causes as bars, largest first, the vital few stronger; the cumulative share with its 80% mark."""
    bars = text.pareto_bars(pareto.items)
    if not bars or bars[0][1] <= 0:
        return style.message_figure(pareto.title, "Nothing recorded: no causes to rank")
    few = vital_few(pareto.items)
    figure = style.new_figure()
    canvas = Canvas(figure)
    style.title(figure, pareto.title)
    (box,) = canvas.grid_boxes(1, 1, left=84, right=84, top=84, bottom=78, wgap=0, hgap=0)
    heights = [float(value) for _, value, _ in bars]
    xlim = (-0.6, len(bars) - 0.4)
    values = style.nice_ticks(0, max(heights) * 1.12, 6, integer=pareto.unit != "minutes")
    area = canvas.panel(box, xlim, (0, max(max(heights) * 1.12, values[-1])), pareto.unit)
    area.frame()
    area.yticks(values, [style.number(value, 1) for value in values])
    for index, (_, value, _) in enumerate(bars):
        colour = style.BAR_VITAL if index < few else style.BAR
        area.rectangle(index - 0.35, 0, 0.7, float(value), "bar", facecolor=colour, linewidth=0, zorder=2)
        area.text(
            index,
            float(value),
            text.amount(value, pareto.unit),
            "bar-label",
            ha="center",
            va="bottom",
            color=style.MUTED,
        )
    width = max(8, min(30, 112 // len(bars)))
    area.xticks(list(range(len(bars))), [style.wrap(label, width) for label, _, _ in bars], marks=False)
    shares = canvas.panel(box, xlim, (0, 105), "cumulative share")
    shares.frame(right=True)
    shares.yticks([0, 20, 40, 60, 80, 100], [f"{v}%" for v in (0, 20, 40, 60, 80, 100)], grid=False, right=True)
    shares.hline(80, "mark80", color=style.MARK, linestyle="--", linewidth=1.2, zorder=3)
    cumulative = [float(share * 100) for _, _, share in bars]
    shares.line(
        range(len(bars)),
        cumulative,
        "cumulative",
        color=style.CUMULATIVE,
        linewidth=2.2,
        marker="o",
        markersize=5,
        zorder=4,
        clip_on=False,
    )
    canvas.finish()
    canvas.axis_labels(None, pareto.unit.capitalize(), left=14)
    canvas.text(
        1 - canvas.x(12),
        0.47,
        "Cumulative share (%)",
        ha="right",
        va="center",
        rotation=90,
        fontsize=style.LABEL_SIZE,
        color=style.MUTED,
    )
    canvas.legend(
        [
            ("patch", {"color": style.BAR_VITAL}, f"Vital few: {few} reach 80%"),
            ("patch", {"color": style.BAR}, "Others"),
            ("line", {"color": style.CUMULATIVE, "marker": "o", "markersize": 5, "linewidth": 2.2}, "Cumulative share"),
            ("line", {"color": style.MARK, "linestyle": "--", "linewidth": 1.2}, "80% mark"),
        ]
    )
    return figure


def pareto_chart(pareto: Pareto) -> RenderedChart:
    return RenderedChart("pareto.png", pareto.title, text.pareto_alt(pareto), to_png(draw_pareto(pareto)))


# 4. MTTA / MTTR trend


def draw_trend(weeks: Sequence[WeekTimes]) -> Figure:
    """MTTA and MTTR per week in two panels: median solid, p90 dashed in the same colour; gaps where none."""
    heading = f"Time to acknowledge and to resolve incidents, last {len(weeks)} weeks"
    values = [v for w in weeks for v in (w.mtta_median, w.mtta_p90, w.mttr_median, w.mttr_p90)]
    if all(value is None for value in values):
        if not weeks:
            return style.message_figure(heading, "No weeks to show")
        if any(week.incidents for week in weeks):
            return style.message_figure(heading, f"No incident acknowledged or resolved in the last {len(weeks)} weeks")
        return style.message_figure(heading, f"No incidents in the last {len(weeks)} weeks")
    figure = style.new_figure()
    canvas = Canvas(figure)
    style.title(figure, heading)
    boxes = canvas.grid_boxes(2, 2, left=84, right=20, top=84, bottom=80, wgap=86, hgap=0)
    xlim = (-0.5, len(weeks) - 0.5)
    positions = list(range(len(weeks)))
    series = (
        ("Time to acknowledge (MTTA)", style.MTTA, "mtta", [w.mtta_median for w in weeks], [w.mtta_p90 for w in weeks]),
        ("Time to resolve (MTTR)", style.MTTR, "mttr", [w.mttr_median for w in weeks], [w.mttr_p90 for w in weeks]),
    )
    for box, (name, colour, gid, medians, p90s) in zip(boxes, series, strict=True):
        unit, size = text.time_unit([*medians, *p90s])
        median_y, p90_y = text.in_unit(medians, size), text.in_unit(p90s, size)
        highest = float(np.nanmax(np.r_[median_y, p90_y, 0.0]))
        ticks = style.nice_ticks(0, max(highest * 1.12, 1.0), 6)
        area = canvas.panel(box, xlim, (0, max(ticks[-1], highest * 1.12)), name)
        area.frame()
        area.yticks(ticks, [style.number(value, 1) for value in ticks])
        area.line(
            positions,
            p90_y,
            f"{gid}-p90",
            color=colour,
            linestyle="--",
            linewidth=1.6,
            marker="o",
            markersize=4,
            markerfacecolor=style.BACKGROUND,
            zorder=3,
            clip_on=False,
        )
        area.line(
            positions,
            median_y,
            f"{gid}-median",
            color=colour,
            linewidth=2.4,
            marker="o",
            markersize=5,
            zorder=4,
            clip_on=False,
        )
        area.xticks(positions, [f"{week.label}\n({week.incidents})" for week in weeks])
        area.title(name, 40)
        x0, _, _, _ = box
        canvas.text(
            x0 - canvas.x(52),
            (box[1] + box[3]) / 2,
            unit.capitalize(),
            ha="right",
            va="center",
            rotation=90,
            fontsize=style.LABEL_SIZE,
            color=style.MUTED,
        )
    canvas.finish()
    canvas.text(
        0.5,
        canvas.y(8),
        "Week (incidents opened in it)",
        ha="center",
        va="bottom",
        fontsize=style.LABEL_SIZE,
        color=style.MUTED,
    )
    canvas.legend(
        [
            ("line", {"color": style.MTTA, "linewidth": 2.4}, "MTTA median"),
            ("line", {"color": style.MTTA, "linestyle": "--", "linewidth": 1.6}, "MTTA p90"),
            ("line", {"color": style.MTTR, "linewidth": 2.4}, "MTTR median"),
            ("line", {"color": style.MTTR, "linestyle": "--", "linewidth": 1.6}, "MTTR p90"),
        ]
    )
    return figure


def trend_chart(weeks: Sequence[WeekTimes]) -> RenderedChart:
    title = f"MTTA and MTTR, last {len(weeks)} weeks"
    return RenderedChart("trend.png", title, text.trend_alt(weeks), to_png(draw_trend(weeks)))
