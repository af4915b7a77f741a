"""Small multiples over time for the digest: each objective's SLI over the week, and its error budget burn-down.

Panels are chart_canvas panels (plot areas without matplotlib Axes, for speed); their artists keep chart
units (percent; days since 1970 for x) and carry gids: "sli", "target", "below-target", "budget", "ideal",
"threshold", "incidents", "incident-markers", "incident-label", …
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.transforms import blended_transform_factory, offset_copy

from slabot.core.timefmt import format_attainment, format_percent
from slabot.reports.chart_data import BurnDown, SliPanel
from slabot.reports.charts import style, text
from slabot.reports.charts.canvas import Canvas, Panel

MAX_SLI_COLUMNS = 4
SLI_DEPTH = 4  # an SLI panel reaches this many target gaps below the target at most
MAX_BURNDOWN_COLUMNS = 3
INCIDENT_ROWS = 2  # rows of incident labels under a burn-down
HOUR = timedelta(hours=1)


# 1. SLI vs target


def _days(start: datetime, end: datetime, zone: ZoneInfo) -> tuple[list[float], list[float], list[date]]:
    """Local midnights inside [start, end], and the local noons inside it with their dates."""
    midnights, noons, days = [], [], []
    day = start.astimezone(zone).date()
    while (midnight := datetime.combine(day, time(0), zone)) <= end:
        noon = datetime.combine(day, time(12), zone)
        if midnight > start:
            midnights.append(style.to_num(midnight))
        if start <= noon <= end:
            noons.append(style.to_num(noon))
            days.append(day)
        day += timedelta(days=1)
    return midnights, noons, days


def _day_name(day: date, columns: int) -> str:
    name = style.WEEKDAYS[day.weekday()]
    return f"{name} {day.day}" if columns <= 2 else name if columns <= 3 else name[:2]


def _sli_range(values: np.ndarray, target: float) -> tuple[float, float]:
    """From a bit under the lowest point (or the target) to just over 100%, zoomed so that a 99.9% target
    stands clear of 100%: never deeper than target − SLI_DEPTH × (100% − target), 99.5% for 99.9%. Deeper
    dips are cut at the bottom (and their lowest value written there); never below 0."""
    known = values[~np.isnan(values)]
    low = min(float(known.min()), target) if known.size else target
    floor = target - SLI_DEPTH * max(100 - target, 0.05)
    low = max(low, floor)
    pad = max((100 - low) * 0.12, 0.02)
    return max(0.0, low - pad), 100 + pad * 0.6


def _below_target(x: np.ndarray, y: np.ndarray, target: float) -> list[np.ndarray]:
    """Polygons between the SLI and the target where the SLI is below it, one per run of known hours."""
    polygons = []
    known = ~np.isnan(y)
    edges = np.flatnonzero(np.diff(np.r_[0, known.astype(int), 0]))
    for first, stop in zip(edges[::2], edges[1::2], strict=True):
        part_y = np.minimum(y[first:stop], target)
        if (part_y < target).any():
            part_x = x[first:stop]
            polygons.append(
                np.column_stack([np.r_[part_x, part_x[::-1]], np.r_[part_y, np.full(stop - first, target)]])
            )
    return polygons


def _sli_panel(
    canvas: Canvas, box: tuple[float, float, float, float], panel: SliPanel, xlim: tuple[float, float], columns: int
) -> Panel:
    x = style.nums([moment for moment, _ in panel.points])
    y = np.array([math.nan if sli is None else float(sli) * 100 for _, sli in panel.points], dtype=float)
    target = float(panel.target) * 100
    bottom, top = _sli_range(y, target)
    area = canvas.panel(box, xlim, (bottom, top), panel.label)
    area.frame()
    ticks = style.nice_ticks(bottom, 100.0, 2)
    ticks = sorted({ticks[0], 100.0}) if ticks else [100.0]
    area.yticks(ticks, [f"{style.number(value)}%" for value in ticks])
    polygons = _below_target(x, y, target)
    if polygons:
        fill = PolyCollection(polygons, transform=area.transform, facecolors=style.BREACH, linewidths=0, zorder=1)
        area.add(fill, "below-target")
    area.hline(target, "target", color=style.TARGET, linestyle="--", linewidth=1.4, zorder=2)
    area.line(x, y, "sli", color=style.SLI, linewidth=1.6, zorder=3)
    lonely = style.isolated(y)
    if lonely.any():
        area.line(x[lonely], y[lonely], "sli-points", linestyle="none", marker="o", markersize=3, color=style.SLI)
    known = [(moment, sli) for moment, sli in panel.points if sli is not None]
    if not known:
        area.text(sum(xlim) / 2, (bottom + top) / 2, "no data", "no-data", ha="center", va="center", color=style.MUTED)
    elif float(np.nanmin(y)) < bottom:  # a dip below the panel: say how deep
        at, lowest = min(known, key=lambda point: point[1])
        left = area.fx(style.to_num(at)) < (area.box[0] + area.box[2]) / 2
        area.text(
            style.to_num(at),
            0.04,
            f"min {format_attainment(lowest, panel.target)}",
            "sli-lowest",
            ha="left" if left else "right",
            va="bottom",
            color=style.TARGET,
            fontweight="bold",
            transform=offset_copy(area.xaxis_transform, canvas.figure, x=5 if left else -5, units="dots"),
        )
    area.title(panel.label, 30 if columns <= 3 else 23)
    return area


def draw_sli(panels: Sequence[SliPanel], period: str, zone: ZoneInfo, *, total: int | None = None) -> Figure:
    """Small multiples: each objective's hourly SLI over the week (percent) against its dashed target."""
    heading = text.sli_title(period, len(panels), total)
    moments = [moment for panel in panels for moment, _ in panel.points]
    if not panels or not moments:
        return style.message_figure(heading, "No objectives to show")
    figure = style.new_figure()
    canvas = Canvas(figure)
    style.title(figure, heading)
    columns = style.columns_for(len(panels), MAX_SLI_COLUMNS)
    boxes = canvas.grid_boxes(len(panels), columns, left=84, right=14, top=84, bottom=52, wgap=66, hgap=38)
    start, end = min(moments), max(moments) + HOUR
    xlim = (style.to_num(start), style.to_num(end))
    midnights, noons, days = _days(start, end, zone)
    for index, (box, panel) in enumerate(zip(boxes, panels, strict=True)):
        area = _sli_panel(canvas, box, panel, xlim, columns)
        area.xgrid(midnights)
        if index + columns >= len(panels):  # nothing below: label the days
            area.xticks(noons, [_day_name(day, columns) for day in days], marks=False)
    canvas.finish()
    canvas.axis_labels(f"Day of the week ({zone.key} time)", "SLI per hour (%)")
    canvas.legend(
        [
            ("line", {"color": style.SLI, "linewidth": 1.6}, "SLI"),
            ("line", {"color": style.TARGET, "linestyle": "--", "linewidth": 1.4}, "Target"),
            ("patch", {"color": style.BREACH}, "Below target"),
        ]
    )
    return figure


# 2. Error budget burn-down


def _date_ticks(start: datetime, end: datetime, zone: ZoneInfo) -> list[datetime]:
    """Local midnights to label a window: daily for a week, weekly-ish for a month, monthly beyond."""
    days = (end - start) / timedelta(days=1)
    first, last = start.astimezone(zone).date(), end.astimezone(zone).date()
    ticks = []
    day = first
    while day <= last:
        if days <= 10:
            wanted = (day - first).days % (2 if days > 6 else 1) == 0
        elif days <= 45:
            wanted = day.day in (1, 8, 15, 22)
        else:
            wanted = day.day == 1 and (days <= 120 or day.month in (1, 4, 7, 10))
        moment = datetime.combine(day, time(0), zone)
        if wanted and start <= moment <= end:
            ticks.append(moment)
        day += timedelta(days=1)
    return ticks


def _budget_ticks(bottom: float, thresholds: Sequence[float]) -> list[float]:
    """100%, the thresholds and round values below 0, leaving out any too close to one already kept."""
    span = 100 - bottom
    kept: list[float] = []
    for value in [100.0, 0.0, *thresholds, *(v for v in style.nice_ticks(bottom, 0, 3) if v < 0)]:
        if value >= bottom and all(abs(value - other) >= span * 0.09 for other in kept):
            kept.append(value)
    return sorted(kept)


def _burndown_panel(
    canvas: Canvas, box: tuple[float, float, float, float], burn: BurnDown, zone: ZoneInfo, columns: int
) -> Panel:
    x0, x1 = style.to_num(burn.window_start), style.to_num(burn.window_end)
    x = style.nums([moment for moment, _ in burn.points])
    y = np.array([float(left) * 100 for _, left in burn.points], dtype=float)
    lowest = min(0.0, float(y.min())) if y.size else 0.0
    top = 100 + max(6.0, (100 - lowest) * 0.06)
    band = (9 + 15 * INCIDENT_ROWS if burn.incidents else 10) / ((box[3] - box[1]) * canvas.height)
    bottom = lowest - (top - lowest) * band / (1 - band)  # room under the lowest point for incident labels
    area = canvas.panel(box, (x0, x1), (bottom, top), burn.label)
    area.frame()
    levels = [float(threshold * 100) for threshold in burn.thresholds]
    ticks = _budget_ticks(bottom, levels)
    colours = [style.THRESHOLD if value in levels else style.TEXT for value in ticks]
    area.yticks(ticks, [f"{style.number(value)}%" for value in ticks], colors=colours)
    for level in levels:
        area.hline(level, "threshold", color=style.THRESHOLD, linestyle=":", linewidth=1.4, zorder=1.5)
    area.line((x0, x1), (100.0, 0.0), "ideal", color=style.IDEAL, linestyle="--", linewidth=1.2, zorder=2)
    if burn.incidents:
        _incidents(area, burn, band)
    area.line(x, y, "budget", color=style.SLI, linewidth=1.9, zorder=3)
    if y.size:
        area.line(x[-1:], y[-1:], "budget-now", linestyle="none", marker="o", markersize=5, color=style.SLI, zorder=3)
        right = area.fx(float(x[-1])) > area.box[2] - canvas.x(60)
        area.text(
            float(x[-1]),
            float(y[-1]),
            format_percent(burn.points[-1][1], 0),
            "budget-now-label",
            ha="right" if right else "left",
            va="bottom",
            fontweight="bold",
            color=style.SLI,
            transform=offset_copy(area.transform, canvas.figure, x=-4 if right else 4, y=2, units="dots"),
        )
    dates = _date_ticks(burn.window_start, burn.window_end, zone)
    area.xticks([style.to_num(d) for d in dates], [f"{d.day} {style.MONTHS[d.month - 1]}" for d in dates])
    area.title(burn.label, 42 if columns <= 2 else 32)
    return area


def _incidents(area: Panel, burn: BurnDown, band: float) -> None:
    """A triangle at each incident's start under a dotted line, its label centred between them.

    The labels take the lowest of INCIDENT_ROWS rows with room (kept inside the panel); an incident whose
    label fits nowhere keeps its line and triangle only.
    """
    canvas = area.canvas
    xs = style.nums([marker.at for marker in burn.incidents])
    dotted = {"colors": style.INCIDENT, "linestyles": (0, (1, 2)), "linewidths": 1.1, "zorder": 1.8}
    area.vlines(xs.tolist(), "incidents", band, 1.0, **dotted)
    area.line(
        xs,
        np.zeros(len(xs)),
        "incident-markers",
        transform=area.xaxis_transform,
        linestyle="none",
        marker="^",
        markersize=7,
        color=style.INCIDENT,
        zorder=4,
        clip_on=False,
    )
    box_left, box_right = area.box[0] * canvas.width + 2, area.box[2] * canvas.width - 2
    height = (area.box[3] - area.box[1]) * canvas.height
    ends = [-math.inf] * INCIDENT_ROWS
    in_figure_x = blended_transform_factory(canvas.figure.transFigure, area.fraction_transform)
    for at, marker in sorted(zip(xs.tolist(), burn.incidents, strict=True), key=lambda pair: pair[0]):
        width = style.text_px(marker.label)
        start = min(max(area.fx(at) * canvas.width - width / 2, box_left), box_right - width)
        row = next((row for row, end in enumerate(ends) if start > end + 6), None)
        if row is None:
            continue
        ends[row] = start + width
        area.text(
            canvas.x(start),
            (7 + row * 15) / height,
            marker.label,
            "incident-label",
            ha="left",
            va="bottom",
            color=style.INCIDENT,
            transform=in_figure_x,
        )


def draw_burndown(burndowns: Sequence[BurnDown], zone: ZoneInfo, *, total: int | None = None) -> Figure:
    """Small multiples: budget left over each window, with the ideal line, policy thresholds and incidents."""
    heading = text.burndown_title(len(burndowns), total)
    if not burndowns:
        return style.message_figure(heading, "No error budgets to show")
    figure = style.new_figure()
    canvas = Canvas(figure)
    style.title(figure, heading)
    columns = style.columns_for(len(burndowns), MAX_BURNDOWN_COLUMNS)
    boxes = canvas.grid_boxes(len(burndowns), columns, left=84, right=18, top=84, bottom=62, wgap=70, hgap=60)
    for box, burn in zip(boxes, burndowns, strict=True):
        _burndown_panel(canvas, box, burn, zone, columns)
    canvas.finish()
    canvas.axis_labels(f"Date ({zone.key} time)", "Error budget left (%)")
    canvas.legend(
        [
            ("line", {"color": style.SLI, "linewidth": 1.9}, "Budget left"),
            ("line", {"color": style.IDEAL, "linestyle": "--", "linewidth": 1.2}, "Ideal burn"),
            ("line", {"color": style.THRESHOLD, "linestyle": ":", "linewidth": 1.4}, "Policy threshold"),
            ("marker", {"color": style.INCIDENT, "marker": "^", "markersize": 7}, "Incident start"),
        ]
    )
    return figure
