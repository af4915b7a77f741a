"""The digest charts' look: one palette, fonts with a CJK fallback, figure helpers, tick maths, PNG output.

Everything goes through the Figure API with explicit properties: no pyplot, no rcParams (the bot is
multi-threaded and matplotlib's global state is shared).
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import datetime

import numpy as np
from matplotlib import font_manager
from matplotlib.artist import Artist
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.ft2font import FT2Font
from matplotlib.ticker import MaxNLocator

from slabot.reports.charts.agg import ChartCanvas, png

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

# Sized for Slack's preview: 1000 x 560 px.
FIGSIZE = (10.0, 5.6)
DPI = 100
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

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def first_cjk(available: Iterable[str]) -> str | None:
    """The first of CJK_CANDIDATES among these font family names."""
    names = set(available)
    return next((family for family in CJK_CANDIDATES if family in names), None)


@functools.cache
def cjk_family() -> str | None:
    """A CJK font family matplotlib knows of, looked up once; None when none is installed."""
    return first_cjk(entry.name for entry in font_manager.fontManager.ttflist)


def families() -> list[str]:
    """DejaVu Sans, falling back to a CJK font for the glyphs it lacks (a family list is a fallback chain)."""
    cjk = cjk_family()
    return [BASE_FAMILY] if cjk is None else [BASE_FAMILY, cjk]


@functools.cache
def _base_glyphs() -> frozenset[int]:
    return frozenset(FT2Font(font_manager.findfont(FontProperties(family=BASE_FAMILY))).get_charmap())


@functools.cache
def _advance(char: str, size: float) -> float:
    """How far a character moves the pen, in pixels at DPI; a CJK (fallback) character counts one em."""
    if ord(char) not in _base_glyphs():
        return size * DPI / 72
    path = font_manager.findfont(FontProperties(family=BASE_FAMILY))
    metrics = FT2Font(path)  # a private instance: the shared ones hold the renderer's laid-out text
    metrics.set_size(size, DPI)
    return float(metrics.load_char(ord(char)).linearHoriAdvance) / 65536  # unhinted, scaled linearly


def text_px(text: str, size: float = NOTE_SIZE) -> float:
    """The width of a one-line text in pixels, near enough to lay labels out without drawing them."""
    return sum(_advance(char, size) for char in text) * 1.03  # kerning and hinting: a little more


def plain(text: str) -> str:
    """Text shown as it is: a "$" must not start mathtext."""
    return text.replace("$", r"\$")


def char_width(char: str) -> int:
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def text_width(text: str) -> int:
    """Width in columns: CJK characters count two."""
    return sum(char_width(char) for char in text)


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


def new_figure() -> Figure:
    """A blank chart on a ChartCanvas (Agg)."""
    figure = Figure(figsize=FIGSIZE, dpi=DPI, facecolor=BACKGROUND)
    ChartCanvas(figure)
    return figure


def title(figure: Figure, text: str) -> Artist:
    return figure.text(
        0.012,
        1 - 10 / (FIGSIZE[1] * DPI),
        plain(text),
        ha="left",
        va="top",
        fontsize=TITLE_SIZE,
        fontweight="bold",
        fontfamily=families(),
        color=TEXT,
        gid="title",
    )


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
        fontsize=TITLE_SIZE,
        color=MUTED,
        fontfamily=families(),
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


def nice_ticks(low: float, high: float, bins: int, *, integer: bool = False) -> list[float]:
    """Round values inside [low, high] for ticks (whole numbers only, for counts, if `integer`)."""
    locator = MaxNLocator(nbins=bins, steps=[1, 2, 2.5, 5, 10], integer=integer)
    values = [float(v) for v in locator.tick_values(low, high)]
    slack = (high - low) * 1e-9
    return [0.0 if abs(v) <= slack else v for v in values if low - slack <= v <= high + slack]


def number(value: float, digits: int = 4) -> str:
    """A tick value with as few decimals as it needs: 100, 99.9, 99.95, 2.5."""
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def to_num(moment: datetime) -> float:
    """An aware datetime as a chart x value: days since 1970-01-01 UTC."""
    return moment.timestamp() / 86400.0


def nums(moments: Sequence[datetime]) -> np.ndarray:
    """Aware datetimes as chart x values, like to_num."""
    return np.fromiter((moment.timestamp() for moment in moments), dtype=float, count=len(moments)) / 86400.0


def to_png(figure: Figure) -> bytes:
    """The figure as PNG at the chart resolution (Agg, no pyplot)."""
    return png(figure, DPI, BACKGROUND)


def within(head: str, parts: Sequence[str], tail: str = "", limit: int = 1000) -> str:
    """head, as many parts as fit and tail in `limit` characters, saying how many parts were left out."""
    text = head
    for index, part in enumerate(parts):
        left_out = len(parts) - index - 1
        room = limit - len(tail) - 1 - (len(f" …and {left_out} more.") if left_out else 0)
        if len(text) + 1 + len(part) > room:
            text += f" …and {len(parts) - index} more."
            break
        text += " " + part
    return (f"{text} {tail}" if tail else text)[:limit]


def isolated(values: np.ndarray) -> np.ndarray:
    """Where a value has no neighbour on either side (NaN around it): invisible as part of a line."""
    known = ~np.isnan(values)
    before = np.r_[False, known[:-1]]
    after = np.r_[known[1:], False]
    return known & ~before & ~after
