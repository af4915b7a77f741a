"""Chart 1, SLI vs target: small multiples of each objective's hourly SLI over the week against its dashed
target, filled where it fell below, day names at local noons and gridlines at local midnights of the
digest's zone.

Each panel is an Axes in percent (x in matplotlib date numbers) labelled with its objective; its artists
carry gids: "sli", "sli-points" (an hour between gaps), "target", "below-target", "sli-lowest", "no-data".
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import timedelta
from zoneinfo import ZoneInfo

import numpy as np
from matplotlib import dates as mdates
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator, NullLocator

from slabot.core.i18n import tr
from slabot.core.timefmt import format_attainment, no_data
from slabot.render.charts import style
from slabot.render.charts.alt_text import scope, sli_alt
from slabot.render.charts.png import RenderedChart, to_png
from slabot.render.locale import Locale
from slabot.render.weeks import week_period, weekday_name
from slabot.reports.chart_data import SliPanel
from slabot.reports.schedule import Week

MAX_COLUMNS = 4
DEPTH = 4  # a panel reaches this many target gaps below the target at most
HOUR = timedelta(hours=1)
MARGINS = (84.0, 14.0, 24.0, 52.0)  # left, right, top, bottom (px of the panels' area)
GAPS = (66.0, 38.0)


def heading(week: Week, count: int, total: int | None, *, locale: Locale) -> str:
    return tr(
        locale,
        "SLI vs target, {period}: {scope}",
        period=week_period(week, locale=locale),
        scope=scope(count, total, locale=locale),
    )


def value_range(values: np.ndarray, target: float) -> tuple[float, float]:
    """From a bit under the lowest point (or the target) to just over 100%, zoomed so that a 99.9% target
    stands clear of 100%: never deeper than target − DEPTH × (100% − target), 99.5% for 99.9%. Deeper dips
    are cut at the bottom (and their lowest value written there); never below 0."""
    known = values[~np.isnan(values)]
    low = min(float(known.min()), target) if known.size else target
    low = max(low, target - DEPTH * max(100 - target, 0.05))
    pad = max((100 - low) * 0.12, 0.02)
    return max(0.0, low - pad), 100 + pad * 0.6


def isolated(values: np.ndarray) -> np.ndarray:
    """Where a value has no neighbour on either side (NaN around it): invisible as part of a line."""
    known = ~np.isnan(values)
    before = np.r_[False, known[:-1]]
    after = np.r_[known[1:], False]
    return known & ~before & ~after


def _percent(value: float, _: int | None = None) -> str:
    return f"{style.number(value)}%"


def _day_axis(ax: Axes, zone: ZoneInfo, columns: int, *, locale: Locale) -> None:
    """Day names at local noons (no tick marks), and gridlines at local midnights (a line collection, not
    minor ticks: a tick is half a dozen artists, and a chart has a dozen panels)."""
    letters = None if columns <= 2 else 3 if columns <= 3 else 2

    def day(value: float, _: int | None = None) -> str:
        moment = mdates.num2date(value, tz=zone)
        name = weekday_name(moment.date(), locale=locale, letters=3 if letters is None else letters)
        # Translators: a day under a chart, like "Mon 16"
        return tr(locale, "{weekday} {day}", weekday=name, day=moment.day) if letters is None else name

    ax.xaxis.set_major_locator(mdates.HourLocator(byhour=12, tz=zone))
    ax.xaxis.set_major_formatter(FuncFormatter(day))
    ax.tick_params(axis="x", length=0, pad=6)
    start, end = ax.get_xlim()
    days = mdates.DayLocator(tz=zone).tick_values(mdates.num2date(start), mdates.num2date(end))
    midnights = [day for day in days if start < day < end]
    ax.vlines(midnights, 0, 1, transform=ax.get_xaxis_transform(), colors=style.GRID, linewidth=0.8, zorder=0.5)


def _panel(ax: Axes, panel: SliPanel, xlim: tuple[float, float], columns: int, *, locale: Locale) -> None:
    x = np.asarray(mdates.date2num([moment for moment, _ in panel.points]), dtype=float)
    y = np.array([math.nan if sli is None else float(sli) * 100 for _, sli in panel.points], dtype=float)
    target = float(panel.target) * 100
    bottom, top = value_range(y, target)
    ax.set_xlim(xlim)
    ax.set_ylim(bottom, top)
    style.frame(ax)
    ticks = [float(v) for v in MaxNLocator(nbins=2, steps=[1, 2, 2.5, 5, 10]).tick_values(bottom, 100.0)]
    inside = [v for v in ticks if bottom - 1e-9 <= v <= 100 + 1e-9]
    ax.yaxis.set_major_locator(FixedLocator(sorted({inside[0], 100.0}) if inside else [100.0]))
    ax.yaxis.set_major_formatter(FuncFormatter(_percent))
    style.grid_lines(ax, "y")
    known = ~np.isnan(y)
    if (y[known] < target).any():
        fill = ax.fill_between(x, np.minimum(y, target), target, facecolor=style.BREACH, linewidth=0, zorder=1)
        fill.set_gid("below-target")
    ax.axhline(target, color=style.TARGET, linestyle="--", linewidth=1.4, zorder=2, gid="target")
    ax.plot(x, y, color=style.SLI, linewidth=1.6, solid_capstyle="butt", zorder=3, gid="sli")
    lonely = isolated(y)
    if lonely.any():
        ax.plot(x[lonely], y[lonely], linestyle="none", marker="o", markersize=3, color=style.SLI, gid="sli-points")
    if not known.any():
        ax.text(
            0.5,
            0.5,
            no_data(locale),
            transform=ax.transAxes,
            ha="center",
            va="center",
            color=style.MUTED,
            fontproperties=style.font(),
            gid="no-data",
        )
    elif float(np.nanmin(y)) < bottom:  # a dip below the panel: say how deep
        at, lowest = min(((m, v) for m, v in panel.points if v is not None), key=lambda point: point[1])
        where = float(mdates.date2num(at))
        left = where < sum(xlim) / 2
        ax.annotate(
            tr(locale, "min {lowest}", lowest=format_attainment(lowest, panel.target, locale)),
            xy=(where, 0.04),
            xycoords=("data", "axes fraction"),
            xytext=(5 if left else -5, 0),
            textcoords="offset pixels",
            ha="left" if left else "right",
            va="bottom",
            color=style.TARGET,
            fontproperties=style.font(style.NOTE_SIZE, "bold"),
            gid="sli-lowest",
        )
    style.panel_title(ax, style.objective_label(panel.service, panel.objective), 30 if columns <= 3 else 23)


def draw_sli(panels: Sequence[SliPanel], week: Week, *, locale: Locale, total: int | None = None) -> Figure:
    """Small multiples: each objective's hourly SLI over the week (percent) against its dashed target."""
    title = heading(week, len(panels), total, locale=locale)
    moments = [moment for panel in panels for moment, _ in panel.points]
    if not panels or not moments:
        return style.message_figure(title, tr(locale, "No objectives to show"))
    keys = [
        (style.line_key(color=style.SLI, linewidth=1.6), tr(locale, "SLI")),
        (style.line_key(color=style.TARGET, linestyle="--", linewidth=1.4), tr(locale, "Target")),
        (style.patch_key(style.BREACH), tr(locale, "Below target")),
    ]
    figure, body = style.chart_figure(title, keys)
    columns = style.columns_for(len(panels), MAX_COLUMNS)
    axes = style.panels(body, len(panels), columns, margins=MARGINS, gaps=GAPS)
    xlim = (float(mdates.date2num(min(moments))), float(mdates.date2num(max(moments) + HOUR)))
    for index, (ax, panel) in enumerate(zip(axes, panels, strict=True)):
        _panel(ax, panel, xlim, columns, locale=locale)
        _day_axis(ax, week.zone, columns, locale=locale)
        if index + columns < len(panels):  # a panel below: only the lowest of a column names the days
            ax.xaxis.set_major_locator(NullLocator())
    style.axis_labels(
        body,
        tr(locale, "Day of the week ({zone} time)", zone=week.zone.key),
        tr(locale, "SLI per hour (%)"),
    )
    return figure


def sli_chart(panels: Sequence[SliPanel], week: Week, *, locale: Locale, total: int | None = None) -> RenderedChart:
    png = to_png(draw_sli(panels, week, locale=locale, total=total))
    title = tr(locale, "SLI vs target, {period}", period=week_period(week, locale=locale))
    return RenderedChart("sli.png", title, sli_alt(panels, week, total, locale=locale), png)
