"""Chart 3, the Pareto of causes: bars largest first (the vital few that reach 80% in a stronger colour, the
smallest merged into "Other (N)"), each with its amount, and the cumulative share on a second axis
(Axes.twinx) with its 80% mark.

Artists carry gids: "bar" (each bar's Rectangle), "bar-label", "cumulative" and "mark80" (on the share axis).
"""

from __future__ import annotations

from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator, PercentFormatter

from slabot.core.i18n import tr
from slabot.render.charts import style
from slabot.render.charts.alt_text import pareto_alt
from slabot.render.charts.png import RenderedChart, to_png
from slabot.render.charts.ranking import Pareto, ParetoUnit, amount, pareto_bars, unit_name, vital_few
from slabot.render.locale import Locale

MARGINS = (84.0, 84.0, 24.0, 78.0)  # left, right, top, bottom (px of the panel's area)


def draw_pareto(pareto: Pareto, *, locale: Locale) -> Figure:
    """Causes as bars, largest first, the vital few stronger; the cumulative share with its 80% mark."""
    bars = pareto_bars(pareto.items, locale=locale)
    if not bars or bars[0][1] <= 0:
        return style.message_figure(pareto.title, tr(locale, "Nothing recorded: no causes to rank"))
    few = vital_few(pareto.items)
    keys = [
        (style.patch_key(style.BAR_VITAL), tr(locale, "Vital few: {few} reach 80%", few=few)),
        (style.patch_key(style.BAR), tr(locale, "Others")),
        (
            style.line_key(color=style.CUMULATIVE, marker="o", markersize=5, linewidth=2.2),
            tr(locale, "Cumulative share"),
        ),
        (style.line_key(color=style.MARK, linestyle="--", linewidth=1.2), tr(locale, "80% mark")),
    ]
    figure, body = style.chart_figure(pareto.title, keys)
    (ax,) = style.panels(body, 1, 1, margins=MARGINS, gaps=(0, 0))
    positions = list(range(len(bars)))
    heights = [float(value) for _, value, _ in bars]
    ax.set_xlim(-0.6, len(bars) - 0.4)
    ax.set_ylim(0, max(heights) * 1.12)
    style.frame(ax)
    drawn = ax.bar(
        positions,
        heights,
        width=0.7,
        color=[style.BAR_VITAL if index < few else style.BAR for index in positions],
        linewidth=0,
        zorder=2,
    )
    for bar in drawn:
        bar.set_gid("bar")
    labels = ax.bar_label(
        drawn,
        labels=[amount(value, pareto.unit, locale=locale) for _, value, _ in bars],
        padding=2,
        color=style.MUTED,
        fontproperties=style.font(),
    )
    for label in labels:
        label.set_gid("bar-label")
    width = max(8, min(30, 112 // len(bars)))
    ax.set_xticks(positions, labels=[style.plain(style.wrap(label, width)) for label, _, _ in bars])
    ax.tick_params(axis="x", length=0, pad=5)
    integer = pareto.unit != ParetoUnit.MINUTES
    ax.yaxis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10], integer=integer))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: style.number(value, 1)))
    style.grid_lines(ax, "y")
    ax.set_ylabel(unit_name(pareto.unit, locale=locale), fontproperties=style.font(style.LABEL_SIZE), color=style.MUTED)
    shares = ax.twinx()
    shares.set_ylim(0, 105)
    style.frame(shares, right=True)
    shares.yaxis.set_major_locator(FixedLocator(range(0, 101, 20)))
    shares.yaxis.set_major_formatter(PercentFormatter(xmax=100, decimals=0))
    shares.set_ylabel(
        tr(locale, "Cumulative share (%)"), fontproperties=style.font(style.LABEL_SIZE), color=style.MUTED
    )
    shares.axhline(80, color=style.MARK, linestyle="--", linewidth=1.2, zorder=3, gid="mark80")
    shares.plot(
        positions,
        [float(share * 100) for _, _, share in bars],
        color=style.CUMULATIVE,
        linewidth=2.2,
        marker="o",
        markersize=5,
        zorder=4,
        clip_on=False,
        gid="cumulative",
    )
    return figure


def pareto_chart(pareto: Pareto, *, locale: Locale) -> RenderedChart:
    png = to_png(draw_pareto(pareto, locale=locale))
    return RenderedChart("pareto.png", pareto.title, pareto_alt(pareto, locale=locale), png)
