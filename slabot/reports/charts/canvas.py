"""Light panels for the digest charts: plot areas drawn straight on the figure, without matplotlib Axes.

A Figure with a dozen Axes spends most of its time creating and drawing ticks; a chart here must render in
well under 200 ms. A Panel maps its own data limits onto a box of the figure, so its lines, patches and
texts keep their data in chart units (percent, date numbers), while gridlines, frames and tick marks of all
panels are two line collections. Artists carry a gid ("sli", "target", …) for tests and readers.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.artist import Artist
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.text import Text
from matplotlib.transforms import Bbox, BboxTransform, Transform, TransformedBbox, blended_transform_factory

from slabot.reports.charts import style

Segment = tuple[tuple[float, float], tuple[float, float]]


class Canvas:
    """A figure laid out in pixels, with the gridlines and frames of its panels collected."""

    def __init__(self, figure: Figure) -> None:
        self.figure = figure
        self.width = figure.get_figwidth() * figure.dpi
        self.height = figure.get_figheight() * figure.dpi
        self.grid: list[Segment] = []
        self.frame: list[Segment] = []

    def x(self, pixels: float) -> float:
        return pixels / self.width

    def y(self, pixels: float) -> float:
        return pixels / self.height

    def panel(
        self, box: tuple[float, float, float, float], xlim: tuple[float, float], ylim: tuple[float, float], name: str
    ) -> Panel:
        """A plot area at box (x0, y0, x1, y1 in figure fraction) showing xlim × ylim."""
        return Panel(self, box, xlim, ylim, name)

    def grid_boxes(
        self,
        count: int,
        columns: int,
        *,
        left: float,
        right: float,
        top: float,
        bottom: float,
        wgap: float,
        hgap: float,
    ) -> list[tuple[float, float, float, float]]:
        """Boxes for `count` panels in rows of `columns`, margins and gaps in pixels, row by row from the top."""
        rows = -(-count // columns)
        cell_w = (self.width - left - right - wgap * (columns - 1)) / columns
        cell_h = (self.height - top - bottom - hgap * (rows - 1)) / rows
        boxes = []
        for index in range(count):
            row, column = divmod(index, columns)
            x0 = left + column * (cell_w + wgap)
            y1 = self.height - top - row * (cell_h + hgap)
            boxes.append((self.x(x0), self.y(y1 - cell_h), self.x(x0 + cell_w), self.y(y1)))
        return boxes

    def text(self, x: float, y: float, text: str, **kwargs: Any) -> Text:
        """A text at figure fraction (x, y) in the chart font (DejaVu Sans with its CJK fallback)."""
        kwargs.setdefault("fontsize", style.NOTE_SIZE)
        kwargs.setdefault("color", style.TEXT)
        return self.figure.text(x, y, style.plain(text), fontfamily=style.families(), **kwargs)

    def axis_labels(self, x: str | None, y: str, *, left: float = 8) -> None:
        """Axis labels shared by all panels: x centred at the bottom, y along the left edge."""
        if x is not None:
            self.text(0.5, self.y(6), x, ha="center", va="bottom", fontsize=style.LABEL_SIZE, color=style.MUTED)
        self.text(
            self.x(left), 0.47, y, ha="left", va="center", rotation=90, fontsize=style.LABEL_SIZE, color=style.MUTED
        )

    def legend(self, entries: Sequence[tuple[str, dict[str, Any], str]]) -> None:
        """One legend row under the title: (kind, properties, label) with kind "line", "marker" or "patch"."""
        left, middle = 10.0, self.height - 42.0
        for kind, properties, label in entries:
            if kind == "patch":
                width = 16.0
                box = Rectangle((self.x(left), self.y(middle - 5)), self.x(width), self.y(10), **properties)
                self.figure.add_artist(box).set_gid("legend-handle")
            else:
                width = 26.0
                xs = [left + width / 2] if kind == "marker" else [left, left + width / 2, left + width]
                if kind == "line" and "marker" in properties:
                    properties = {**properties, "markevery": [1]}  # one marker, in the middle
                line = Line2D([self.x(x) for x in xs], [self.y(middle)] * len(xs), **properties)
                self.figure.add_artist(line).set_gid("legend-handle")
            text = self.text(self.x(left + width + 6), self.y(middle), label, ha="left", va="center")
            text.set_gid("legend")
            left += width + 6 + style.text_px(label) + 20

    def finish(self) -> None:
        """Adds the collected gridlines (behind everything) and frames."""
        if self.grid:
            grid = LineCollection(self.grid, colors=style.GRID, linewidths=0.8, zorder=0.5, gid="grid")
            self.figure.add_artist(grid)
        if self.frame:
            frame = LineCollection(self.frame, colors=style.SPINE, linewidths=0.9, zorder=2.5, gid="frame")
            self.figure.add_artist(frame)


class Panel:
    """One plot area: data limits mapped onto a box of the figure, clipped to it."""

    def __init__(
        self,
        canvas: Canvas,
        box: tuple[float, float, float, float],
        xlim: tuple[float, float],
        ylim: tuple[float, float],
        name: str,
    ) -> None:
        self.canvas, self.box, self.name = canvas, box, name
        self.xlim = xlim if xlim[1] > xlim[0] else (xlim[0] - 0.5, xlim[0] + 0.5)
        self.ylim = ylim if ylim[1] > ylim[0] else (ylim[0] - 0.5, ylim[0] + 0.5)
        figure = canvas.figure
        limits = Bbox.from_extents(self.xlim[0], self.ylim[0], self.xlim[1], self.ylim[1])
        self.transform: Transform = BboxTransform(limits, Bbox.from_extents(*box)) + figure.transFigure
        self.clip = TransformedBbox(Bbox.from_extents(*box), figure.transFigure)
        # x in data, y in the panel's fraction (0 bottom, 1 top)
        self.xaxis_transform = blended_transform_factory(self.transform, self.fraction_transform)

    @property
    def fraction_transform(self) -> Transform:
        return BboxTransform(Bbox.unit(), Bbox.from_extents(*self.box)) + self.canvas.figure.transFigure

    def fx(self, x: float) -> float:
        """Data x as figure fraction."""
        x0, _, x1, _ = self.box
        return x0 + (x - self.xlim[0]) / (self.xlim[1] - self.xlim[0]) * (x1 - x0)

    def fy(self, y: float) -> float:
        _, y0, _, y1 = self.box
        return y0 + (y - self.ylim[0]) / (self.ylim[1] - self.ylim[0]) * (y1 - y0)

    def add(self, artist: Artist, gid: str, *, clip: bool = True) -> Artist:
        artist.set_gid(gid)
        artist.set_label(self.name)
        if clip:
            artist.set_clip_box(self.clip)
        self.canvas.figure.add_artist(artist)
        return artist

    def line(self, x: Sequence[float] | np.ndarray, y: Sequence[float] | np.ndarray, gid: str, **kwargs: Any) -> Line2D:
        kwargs.setdefault("solid_capstyle", "butt")
        kwargs.setdefault("transform", self.transform)
        made = Line2D(np.asarray(x, dtype=float), np.asarray(y, dtype=float), **kwargs)
        self.add(made, gid, clip=kwargs.get("clip_on", True))
        return made

    def hline(self, y: float, gid: str, **kwargs: Any) -> Line2D:
        return self.line(self.xlim, (y, y), gid, **kwargs)

    def vlines(
        self, xs: Sequence[float], gid: str, low: float = 0.0, high: float = 1.0, **kwargs: Any
    ) -> LineCollection:
        """Vertical lines at data xs, from `low` to `high` as fractions of the box's height."""
        segments = [((x, low), (x, high)) for x in xs]
        made = LineCollection(segments, transform=self.xaxis_transform, **kwargs)
        self.add(made, gid)
        return made

    def rectangle(self, x: float, y: float, width: float, height: float, gid: str, **kwargs: Any) -> Rectangle:
        made = Rectangle((x, y), width, height, transform=self.transform, **kwargs)
        self.add(made, gid)
        return made

    def text(self, x: float, y: float, text: str, gid: str, **kwargs: Any) -> Text:
        """A text at data (x, y)."""
        kwargs.setdefault("fontsize", style.NOTE_SIZE)
        kwargs.setdefault("color", style.TEXT)
        kwargs.setdefault("transform", self.transform)
        made = Text(x, y, style.plain(text), fontfamily=style.families(), **kwargs)
        self.add(made, gid, clip=False)
        return made

    def title(self, text: str, columns: int) -> Text:
        x0, _, x1, y1 = self.box
        made = self.canvas.text(
            (x0 + x1) / 2,
            y1 + self.canvas.y(5),
            style.shorten(text, columns),
            ha="center",
            va="bottom",
            fontsize=style.PANEL_TITLE_SIZE,
        )
        made.set_gid("panel-title")
        made.set_label(self.name)
        return made

    def frame(self, *, right: bool = False) -> None:
        """Left (or right) and bottom edges of the box."""
        x0, y0, x1, y1 = self.box
        side = x1 if right else x0
        self.canvas.frame.extend((((side, y0), (side, y1)), ((x0, y0), (x1, y0))))

    def yticks(
        self,
        values: Sequence[float],
        labels: Sequence[str],
        *,
        grid: bool = True,
        right: bool = False,
        colors: Sequence[str] | None = None,
    ) -> list[Text]:
        """Tick labels on the left (or right) edge, with gridlines across the box."""
        x0, _, x1, _ = self.box
        made = []
        for index, (value, label) in enumerate(zip(values, labels, strict=True)):
            y = self.fy(value)
            if grid:
                self.canvas.grid.append(((x0, y), (x1, y)))
            edge, tick = (x1, self.canvas.x(4)) if right else (x0, -self.canvas.x(4))
            self.canvas.frame.append(((edge, y), (edge + tick, y)))
            text = self.canvas.text(
                edge + tick * 1.6,
                y,
                label,
                ha="left" if right else "right",
                va="center",
                fontsize=style.TICK_SIZE,
                color=colors[index] if colors else style.TEXT,
            )
            text.set_gid("ytick")
            text.set_label(self.name)
            made.append(text)
        return made

    def xticks(self, values: Sequence[float], labels: Sequence[str], *, marks: bool = True) -> list[Text]:
        """Tick labels under the box."""
        _, y0, _, _ = self.box
        made = []
        for value, label in zip(values, labels, strict=True):
            x = self.fx(value)
            if marks:
                self.canvas.frame.append(((x, y0), (x, y0 - self.canvas.y(4))))
            text = self.canvas.text(x, y0 - self.canvas.y(6), label, ha="center", va="top", fontsize=style.TICK_SIZE)
            text.set_gid("xtick")
            text.set_label(self.name)
            made.append(text)
        return made

    def xgrid(self, values: Sequence[float]) -> None:
        _, y0, _, y1 = self.box
        self.canvas.grid.extend(((self.fx(v), y0), (self.fx(v), y1)) for v in values)
