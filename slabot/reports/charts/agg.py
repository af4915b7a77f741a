"""Agg output for the digest charts, with text drawn a string at a time.

Matplotlib 3.11's Agg renderer lays out and draws text glyph by glyph in Python, which here costs about
0.2 ms a glyph, and a chart has several hundred. ChartCanvas draws a string the way matplotlib up to 3.10 did
(FreeType lays out and rasterises the whole string, then Agg blends one bitmap): the same pixels for our
scripts at about half the cost. Strings that may need shaping (scripts other than Latin, Greek, Cyrillic
and CJK), mathtext, and any matplotlib without the pieces this relies on take matplotlib's own path.
"""

from __future__ import annotations

import io
import math
from typing import Any

from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg, get_hinting_flag
from matplotlib.figure import Figure
from matplotlib.font_manager import fontManager, get_font
from matplotlib.ft2font import FT2Font

# Code point ranges drawn the fast way: Latin, IPA, Greek, Cyrillic, Armenian; Latin/Greek extended;
# punctuation and symbols; CJK, kana, Hangul and full-width forms (none of which need shaping).
_SIMPLE_RANGES = (
    (0x0000, 0x058F),
    (0x1E00, 0x1FFF),
    (0x2000, 0x2BFF),
    (0x2E80, 0x9FFF),
    (0xAC00, 0xD7AF),
    (0xF900, 0xFAFF),
    (0xFE30, 0xFE4F),
    (0xFF00, 0xFFEF),
)

FAST_TEXT = (
    hasattr(RendererAgg, "_draw_text_glyphs_and_boxes")  # matplotlib >= 3.11; before, this was the default
    and hasattr(fontManager, "_find_fonts_by_props")
    and all(
        hasattr(FT2Font, name)
        for name in ("clear", "set_size", "set_text", "draw_glyphs_to_bitmap", "get_image", "get_descent")
    )
)


def simple_script(text: str) -> bool:
    """Whether every character is in a script drawn correctly without shaping."""
    return all(any(low <= ord(char) <= high for low, high in _SIMPLE_RANGES) for char in text)


class _TextRenderer(RendererAgg):
    """Lays a simple-script string out once for its size and once more only if another came in between."""

    def __init__(self, width: float, height: float, dpi: float) -> None:
        super().__init__(width, height, dpi)
        self._laid_out: tuple[Any, ...] | None = None  # (font, text, size, flags) the font holds glyphs of

    def clear(self) -> None:
        super().clear()
        self._laid_out = None  # between draws, other code may have used the (per-thread, shared) fonts

    def _set_text(self, text: str, prop: Any) -> Any:
        font = get_font(fontManager._find_fonts_by_props(prop))
        size, flags = prop.get_size_in_points(), get_hinting_flag()
        key = (font, text, size, self.dpi, flags)
        if self._laid_out is None or any(a is not b and a != b for a, b in zip(key, self._laid_out, strict=True)):
            font.clear()
            font.set_size(size, self.dpi)
            font.set_text(text, 0, flags=flags)
            self._laid_out = key
        return font

    def get_text_width_height_descent(self, s: str, prop: Any, ismath: Any) -> tuple[float, float, float]:
        if ismath or not simple_script(s):
            self._laid_out = None
            return super().get_text_width_height_descent(s, prop, ismath)
        font = self._set_text(s, prop)
        width, height = font.get_width_height()
        return width / 64.0, height / 64.0, font.get_descent() / 64.0

    def draw_text(
        self, gc: Any, x: float, y: float, s: str, prop: Any, angle: float, ismath: Any = False, mtext: Any = None
    ) -> None:
        if ismath or not simple_script(s):
            self._laid_out = None
            super().draw_text(gc, x, y, s, prop, angle, ismath, mtext)
            return
        font = self._set_text(s, prop)
        font.draw_glyphs_to_bitmap(antialiased=gc.get_antialiased())
        descent = font.get_descent() / 64.0
        x_offset, y_offset = font.get_bitmap_offset()
        x = round(x + x_offset / 64.0 + descent * math.sin(math.radians(angle)))
        y = round(y + y_offset / 64.0 + descent * math.cos(math.radians(angle)))
        self._renderer.draw_text_image(font.get_image(), x, y + 1, angle, gc)


class ChartCanvas(FigureCanvasAgg):
    """An Agg canvas whose renderer draws simple-script text a string at a time (see the module docstring)."""

    def get_renderer(self) -> RendererAgg:
        if not FAST_TEXT:
            return super().get_renderer()
        width, height = self.get_width_height(physical=True)
        key = (width, height, self.figure.dpi)
        if self._lastKey != key or not isinstance(self.renderer, _TextRenderer):
            self.renderer = _TextRenderer(width, height, self.figure.dpi)
            self._lastKey = key
        return self.renderer


def png(figure: Figure, dpi: float, background: str) -> bytes:
    """The figure as PNG, drawn on a ChartCanvas (no pyplot, no global state)."""
    if not isinstance(figure.canvas, ChartCanvas):
        ChartCanvas(figure)
    buffer = io.BytesIO()
    figure.savefig(
        buffer,
        format="png",
        dpi=dpi,
        facecolor=background,
        metadata={"Software": None},
        pil_kwargs={"compress_level": 3},
    )
    return buffer.getvalue()
