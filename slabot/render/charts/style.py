"""How the digest's charts look: one palette, the 1000 × 560 px figure with its header (title and legend), its
grid of panels, fonts of at least 10 pt with a CJK fallback, the empty state, and text made to fit.

Everything goes through the Figure API with explicit properties: no pyplot, no rcParams (the bot is
multi-threaded and matplotlib's global state is shared).
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Literal, cast

import numpy as np
from matplotlib import font_manager
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.figure import Figure, SubFigure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.text import Text

from slabot.render.reply import char_width, text_width

# Palette (colour-blind safe, after Okabe–Ito), defined once for all four charts.
SLI = "#0072B2"  # an objective's SLI, budget left: the "actual" line
TARGET = "#D55E00"  # the target an SLI must stay above
BREACH = "#F6CDB8"  # fill where the SLI is below its target
IDEAL = "#8C8C8C"  # the ideal (linear) burn of the error budget
THRESHOLD = "#A67C00"  # error budget policy thresholds (50%, 25%, 0%)
INCIDENT = "#C0392B"  # incident markers
MTTA = "#009E73"  # time to acknowledge
MTTR = "#7B3FA0"  # time to resolve
BAR = "#A9C7DF"  # Pareto bars right of the 80% mark, and "Other"
BAR_VITAL = "#0B4F8A"  # Pareto bars left of the 80% mark: the vital few
CUMULATIVE = "#D55E00"  # Pareto cumulative share line
MARK = "#333333"  # the Pareto 80% mark
TEXT = "#222222"
MUTED = "#555555"
GRID = "#E4E4E4"
SPINE = "#9A9A9A"
BACKGROUND = "#FFFFFF"

# Sized for Slack's preview: 1000 x 560 px, the top HEADER_PX for the title and the legend.
WIDTH_PX, HEIGHT_PX, HEADER_PX = 1000, 560, 60
DPI = 100
FIGSIZE = (WIDTH_PX / DPI, HEIGHT_PX / DPI)
TITLE_SIZE = 14.0
PANEL_TITLE_SIZE = 11.0
LABEL_SIZE = 10.5
TICK_SIZE = 10.0
NOTE_SIZE = 10.0

BASE_FAMILY = "DejaVu Sans"
CJK_CANDIDATES = (
    "Noto Sans CJK SC",
    "Noto Sans CJK JP",
    "Noto Sans CJK TC",
    "Noto Sans CJK KR",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Droid Sans Fallback",
)


# fonts


def first_cjk(available: Iterable[str]) -> str | None:
    """The first of CJK_CANDIDATES among these font family names."""
    names = set(available)
    return next((family for family in CJK_CANDIDATES if family in names), None)


CJK_FILE_HINTS = ("sanscjk", "sourcehansans", "wqy", "wenquanyi", "droidsansfallback")
_ADDING_FONTS = threading.Lock()


def _known_families() -> Iterable[str]:
    return (entry.name for entry in font_manager.fontManager.ttflist)


@functools.cache
def cjk_family() -> str | None:
    """A CJK font family matplotlib knows of, looked up once; None when none is installed.

    matplotlib keeps its list of fonts in a cache file written the first time it ran: a CJK font installed
    after that (apt-get install fonts-noto-cjk) is not in it, so the system's font files are looked through
    once and the CJK ones added (FontManager.addfont) before giving up."""
    found = first_cjk(_known_families())
    if found is not None:
        return found
    with _ADDING_FONTS:
        for path in font_manager.findSystemFonts():
            name = Path(path).name.lower().replace("-", "").replace("_", "")
            if any(hint in name for hint in CJK_FILE_HINTS):
                font_manager.fontManager.addfont(path)
    return first_cjk(_known_families())


def families() -> list[str]:
    """DejaVu Sans, falling back to a CJK font for the glyphs it lacks (a family list is a fallback chain)."""
    cjk = cjk_family()
    return [BASE_FAMILY] if cjk is None else [BASE_FAMILY, cjk]


def font(size: float = NOTE_SIZE, weight: str = "normal") -> FontProperties:
    return FontProperties(family=families(), size=size, weight=weight)


# text made to fit


def plain(text: str) -> str:
    """Text shown as it is: a "$" must not start mathtext."""
    return text.replace("$", r"\$")


def shorten(text: str, columns: int) -> str:
    """At most `columns` columns wide, with "…" when cut."""
    if text_width(text) <= columns:
        return text
    out, used = "", 0
    for char in text:
        used += char_width(char)
        if used > columns - 1:
            break
        out += char
    return out + "…"


def wrap(text: str, columns: int, lines: int = 3) -> str:
    """Wrapped at spaces and after / - _ . when it can, anywhere when it must; at most `lines` lines."""
    tokens, token = [], ""
    for char in text:
        token += char
        if char in " /-_.":
            tokens.append(token)
            token = ""
    if token:
        tokens.append(token)
    rows = [""]
    for piece in tokens:
        if rows[-1].strip() and text_width(rows[-1] + piece.rstrip()) > columns:
            rows.append("")
        for char in piece:
            if text_width(rows[-1] + char) > columns and rows[-1].strip():
                rows.append("")
            rows[-1] += char
    kept = [row.strip() for row in rows if row.strip()]
    if len(kept) > lines:
        kept = [*kept[: lines - 1], shorten(kept[lines - 1] + " " * columns, columns)]
    return "\n".join(kept)


def number(value: float, digits: int = 4) -> str:
    """A tick value with as few decimals as it needs: 100, 99.9, 99.95, 2.5."""
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def objective_label(service: str, objective: str) -> str:
    """ "checkout/availability": how a panel names its objective."""
    return f"{service}/{objective}"


# the figure


def new_figure() -> Figure:
    """A blank chart on its own Agg canvas (no pyplot: nothing global)."""
    figure = Figure(figsize=FIGSIZE, dpi=DPI, facecolor=BACKGROUND)
    FigureCanvasAgg(figure)
    return figure


def renderer_of(figure: Figure) -> RendererAgg:
    """The figure's Agg renderer, to measure text before the figure is drawn."""
    return cast(FigureCanvasAgg, figure.canvas).get_renderer()


def title(target: Figure | SubFigure, text: str) -> Text:
    """The chart's title, 12 px from the left and 10 px from the top of `target`."""
    width, height = target.bbox.width, target.bbox.height
    return target.text(
        12 / width,
        1 - 10 / height,
        plain(text),
        ha="left",
        va="top",
        fontproperties=font(TITLE_SIZE, "bold"),
        color=TEXT,
        gid="title",
    )


def line_key(**properties: Any) -> Line2D:
    """A legend entry drawn as a line (and/or marker) with these properties."""
    return Line2D([], [], **properties)


def patch_key(colour: str) -> Patch:
    """A legend entry drawn as a filled box."""
    return Patch(facecolor=colour, edgecolor="none")


def chart_figure(heading: str, keys: Sequence[tuple[Artist, str]]) -> tuple[Figure, SubFigure]:
    """A chart: its header (title, and one legend row under it) and the subfigure its panels go in."""
    figure = new_figure()
    parts = cast(np.ndarray, figure.subfigures(2, 1, height_ratios=(HEADER_PX, HEIGHT_PX - HEADER_PX)))
    header, body = cast(SubFigure, parts[0]), cast(SubFigure, parts[1])
    title(header, heading)
    legend = header.legend(
        [handle for handle, _ in keys],
        [label for _, label in keys],
        loc="center left",
        bbox_to_anchor=(10 / WIDTH_PX, 1 - 42 / HEADER_PX),
        ncols=len(keys),
        frameon=False,
        prop=font(),
        labelcolor=TEXT,
        handlelength=2.4,
        handletextpad=0.5,
        columnspacing=1.8,
        borderaxespad=0,
        borderpad=0,
    )
    legend.set_gid("legend")
    return figure, body


def message_figure(heading: str, message: str) -> Figure:
    """A chart with nothing to draw: its title and a short centred message."""
    figure = new_figure()
    title(figure, heading)
    figure.text(
        0.5,
        0.5,
        plain(message),
        ha="center",
        va="center",
        fontproperties=font(TITLE_SIZE),
        color=MUTED,
        gid="message",
    )
    return figure


def columns_for(count: int, max_columns: int) -> int:
    """Columns for `count` small multiples: square-ish, wider than tall."""
    if count <= 3:
        return count
    if count == 4:
        return 2
    return min(max_columns, 3 if count in (5, 6, 9) else 4)


def panels(
    body: SubFigure,
    count: int,
    columns: int,
    *,
    margins: tuple[float, float, float, float],
    gaps: tuple[float, float],
) -> list[Axes]:
    """Axes for `count` panels in rows of `columns`, row by row from the top: margins (left, right, top,
    bottom) and gaps (between columns, between rows) in pixels."""
    rows = -(-count // columns)
    width, height = body.bbox.width, body.bbox.height
    left, right, top, bottom = margins
    cell_w = (width - left - right - gaps[0] * (columns - 1)) / columns
    cell_h = (height - top - bottom - gaps[1] * (rows - 1)) / rows
    grid = body.add_gridspec(
        rows,
        columns,
        left=left / width,
        right=1 - right / width,
        top=1 - top / height,
        bottom=bottom / height,
        wspace=gaps[0] / cell_w,
        hspace=gaps[1] / cell_h,
    )
    return [body.add_subplot(grid[divmod(index, columns)]) for index in range(count)]


def frame(ax: Axes, *, right: bool = False) -> None:
    """A panel's look: left (or right) and bottom spines, ticks and tick labels in the chart font."""
    ax.set_facecolor(BACKGROUND)
    ax.set_axisbelow(True)
    for side, spine in ax.spines.items():
        shown = side == "bottom" or side == ("right" if right else "left")
        spine.set_visible(shown)
        spine.set_color(SPINE)
        spine.set_linewidth(0.9)
    ax.tick_params(
        labelsize=TICK_SIZE,
        labelcolor=TEXT,
        labelfontfamily=families(),
        color=SPINE,
        width=0.9,
        length=4,
        pad=3,
    )


def grid_lines(ax: Axes, axis: Literal["x", "y"]) -> None:
    """Gridlines across the panel at the major ticks of one axis, behind the data."""
    ax.grid(True, axis=axis, color=GRID, linewidth=0.8)


def panel_title(ax: Axes, label: str, columns: int) -> Text:
    # y given: the title sits 5 pt above the panel, not placed by measuring every tick label first
    made = ax.set_title(plain(shorten(label, columns)), fontproperties=font(PANEL_TITLE_SIZE), color=TEXT, y=1.0, pad=5)
    made.set_gid("panel-title")
    ax.set_label(label)
    return made


def axis_labels(body: SubFigure, x: str | None, y: str | None) -> None:
    """Axis labels shared by all panels: x centred at the bottom, y along the left edge, 8 px from it."""
    if x is not None:
        body.supxlabel(
            plain(x), y=6 / body.bbox.height, va="bottom", fontproperties=font(LABEL_SIZE), color=MUTED, gid="x-label"
        )
    if y is None:
        return
    body.supylabel(
        plain(y),
        x=8 / body.bbox.width,
        ha="left",
        fontproperties=font(LABEL_SIZE),
        color=MUTED,
        gid="y-label",
    )
