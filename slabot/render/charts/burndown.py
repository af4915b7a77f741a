"""Chart 2, error budget burn-down: small multiples of the budget left over each objective's window, with
the ideal (linear) burn, the policy thresholds, the budget left now, and each incident of its service where
it started (a dotted line, a triangle, and a label placed where labels do not overlap), dates in the
digest's zone.

Each panel is an Axes in percent of the budget (x in matplotlib date numbers) labelled with its objective;
its artists carry gids: "budget", "budget-now", "budget-now-label", "ideal", "threshold", "incidents",
"incident-markers", "incident-label".
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import timedelta
from zoneinfo import ZoneInfo

import numpy as np
from matplotlib import dates as mdates
from matplotlib.axes import Axes
from matplotlib.backend_bases import RendererBase
from matplotlib.dates import DateLocator
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from slabot.core.i18n import tr
from slabot.core.timefmt import format_percent
from slabot.render.charts import style
from slabot.render.charts.alt_text import burndown_alt, scope
from slabot.render.charts.png import RenderedChart, to_png
from slabot.render.locale import Locale
from slabot.render.weeks import day_month
from slabot.reports.chart_data import BurnDown

MAX_COLUMNS = 3
INCIDENT_ROWS = 2  # rows of incident labels under a burn-down
ROW_PX = 15  # the height of a row of incident labels
MARGINS = (84.0, 18.0, 24.0, 62.0)  # left, right, top, bottom (px of the panels' area)
GAPS = (70.0, 60.0)


def heading(count: int, total: int | None, *, locale: Locale) -> str:
    return tr(
        locale,
        "Error budget left over each objective's window: {scope}",
        scope=scope(count, total, at_risk=True, locale=locale),
    )


def date_locator(days: float, zone: ZoneInfo) -> DateLocator:
    """Local midnights to label a window: daily for a week, weekly-ish for a month, monthly (quarterly) beyond."""
    if days <= 10:
        return mdates.DayLocator(interval=2 if days > 6 else 1, tz=zone)
    if days <= 45:
        return mdates.DayLocator(bymonthday=(1, 8, 15, 22), tz=zone)
    return mdates.MonthLocator(bymonth=range(1, 13) if days <= 120 else (1, 4, 7, 10), tz=zone)


def budget_ticks(bottom: float, thresholds: Sequence[float]) -> list[float]:
    """100%, the thresholds and round values below 0, leaving out any too close to one already kept."""
    span = 100 - bottom
    below = [float(v) for v in MaxNLocator(nbins=3, steps=[1, 2, 2.5, 5, 10]).tick_values(bottom, 0) if v < 0]
    kept: list[float] = []
    for value in [100.0, 0.0, *thresholds, *below]:
        if value >= bottom and all(abs(value - other) >= span * 0.09 for other in kept):
            kept.append(value)
    return sorted(kept)


def _incidents(ax: Axes, burn: BurnDown, band: float, renderer: RendererBase) -> None:
    """A triangle at each incident's start under a dotted line, its label centred under them.

    The labels take the lowest of INCIDENT_ROWS rows with room (kept inside the panel); an incident whose
    label fits nowhere keeps its line and triangle only. Label widths are measured by the figure's renderer.
    """
    xs = np.asarray(mdates.date2num([marker.at for marker in burn.incidents]), dtype=float)
    on_x = ax.get_xaxis_transform()  # x in data, y in the panel's height (0 bottom, 1 top)
    lines = ax.vlines(
        xs, band, 1.0, transform=on_x, colors=style.INCIDENT, linestyles=(0, (1, 2)), linewidths=1.1, zorder=1.8
    )
    lines.set_gid("incidents")
    ax.plot(
        xs,
        np.zeros(len(xs)),
        transform=on_x,
        linestyle="none",
        marker="^",
        markersize=7,
        color=style.INCIDENT,
        zorder=4,
        clip_on=False,
        gid="incident-markers",
    )
    box = ax.bbox
    ends = [-math.inf] * INCIDENT_ROWS
    for at, marker in sorted(zip(xs.tolist(), burn.incidents, strict=True), key=lambda pair: pair[0]):
        label = ax.text(
            0,
            0,
            f"#{marker.incident_id} sev{marker.severity}",
            transform=ax.transAxes,
            ha="left",
            va="bottom",
            color=style.INCIDENT,
            fontproperties=style.font(),
            gid="incident-label",
        )
        width = label.get_window_extent(renderer).width
        centre = float(ax.transData.transform((at, 0))[0])
        start = min(max(centre - width / 2, box.x0 + 2), box.x1 - 2 - width)
        row = next((row for row, end in enumerate(ends) if start > end + 6), None)
        if row is None:
            label.remove()
            continue
        ends[row] = start + width
        label.set_position(((start - box.x0) / box.width, (7 + row * ROW_PX) / box.height))


def _panel(ax: Axes, burn: BurnDown, zone: ZoneInfo, columns: int, renderer: RendererBase, *, locale: Locale) -> None:
    x0, x1 = float(mdates.date2num(burn.window_start)), float(mdates.date2num(burn.window_end))
    x = np.asarray(mdates.date2num([moment for moment, _ in burn.points]), dtype=float)
    y = np.array([float(left) * 100 for _, left in burn.points], dtype=float)
    lowest = min(0.0, float(y.min())) if y.size else 0.0
    top = 100 + max(6.0, (100 - lowest) * 0.06)
    band = (9 + ROW_PX * INCIDENT_ROWS if burn.incidents else 10) / ax.bbox.height
    bottom = lowest - (top - lowest) * band / (1 - band)  # room under the lowest point for incident labels
    ax.set_xlim(x0, x1 if x1 > x0 else x0 + 1)
    ax.set_ylim(bottom, top)
    style.frame(ax)
    levels = [float(threshold * 100) for threshold in burn.thresholds]
    ticks = budget_ticks(bottom, levels)
    ax.set_yticks(ticks, labels=[f"{style.number(value)}%" for value in ticks])
    for label, value in zip(ax.get_yticklabels(), ticks, strict=True):
        label.set_color(style.THRESHOLD if value in levels else style.TEXT)
    style.grid_lines(ax, "y")
    for level in levels:
        ax.axhline(level, color=style.THRESHOLD, linestyle=":", linewidth=1.4, zorder=1.5, gid="threshold")
    ax.plot((x0, x1), (100.0, 0.0), color=style.IDEAL, linestyle="--", linewidth=1.2, zorder=2, gid="ideal")
    if burn.incidents:
        _incidents(ax, burn, band, renderer)
    ax.plot(x, y, color=style.SLI, linewidth=1.9, solid_capstyle="butt", zorder=3, gid="budget")
    if y.size:
        ax.plot(x[-1:], y[-1:], linestyle="none", marker="o", markersize=5, color=style.SLI, zorder=3, gid="budget-now")
        right = float(ax.transData.transform((x[-1], 0))[0]) > ax.bbox.x1 - 60
        ax.annotate(
            format_percent(burn.points[-1][1], 0, locale),
            xy=(float(x[-1]), float(y[-1])),
            xytext=(-4 if right else 4, 2),
            textcoords="offset pixels",
            ha="right" if right else "left",
            va="bottom",
            color=style.SLI,
            fontproperties=style.font(style.NOTE_SIZE, "bold"),
            gid="budget-now-label",
        )
    days = (burn.window_end - burn.window_start) / timedelta(days=1)
    ax.xaxis.set_major_locator(date_locator(days, zone))
    ax.xaxis.set_major_formatter(
        FuncFormatter(lambda value, _: day_month(mdates.num2date(value, tz=zone).date(), locale=locale))
    )
    style.panel_title(ax, style.objective_label(burn.service, burn.objective), 42 if columns <= 2 else 32)


def draw_burndown(burndowns: Sequence[BurnDown], zone: ZoneInfo, *, locale: Locale, total: int | None = None) -> Figure:
    """Small multiples: budget left over each window, with the ideal line, policy thresholds and incidents."""
    title = heading(len(burndowns), total, locale=locale)
    if not burndowns:
        return style.message_figure(title, tr(locale, "No error budgets to show"))
    keys = [
        (style.line_key(color=style.SLI, linewidth=1.9), tr(locale, "Budget left")),
        (style.line_key(color=style.IDEAL, linestyle="--", linewidth=1.2), tr(locale, "Ideal burn")),
        (style.line_key(color=style.THRESHOLD, linestyle=":", linewidth=1.4), tr(locale, "Policy threshold")),
        (
            style.line_key(color=style.INCIDENT, marker="^", markersize=7, linestyle="none"),
            tr(locale, "Incident start"),
        ),
    ]
    figure, body = style.chart_figure(title, keys)
    columns = style.columns_for(len(burndowns), MAX_COLUMNS)
    renderer = style.renderer_of(figure)
    for ax, burn in zip(
        style.panels(body, len(burndowns), columns, margins=MARGINS, gaps=GAPS), burndowns, strict=True
    ):
        _panel(ax, burn, zone, columns, renderer, locale=locale)
    style.axis_labels(body, tr(locale, "Date ({zone} time)", zone=zone.key), tr(locale, "Error budget left (%)"))
    return figure


def burndown_chart(
    burndowns: Sequence[BurnDown], zone: ZoneInfo, *, locale: Locale, total: int | None = None
) -> RenderedChart:
    png = to_png(draw_burndown(burndowns, zone, locale=locale, total=total))
    return RenderedChart(
        "burndown.png", tr(locale, "Error budget burn-down"), burndown_alt(burndowns, zone, total, locale=locale), png
    )
