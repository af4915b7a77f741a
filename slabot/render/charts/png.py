"""Charts as files: a figure encoded as PNG through its Agg canvas, and a chart ready to upload."""

from __future__ import annotations

import io
from dataclasses import dataclass

from matplotlib.figure import Figure

from slabot.render.charts.style import BACKGROUND, DPI


@dataclass(frozen=True)
class RenderedChart:
    """A chart ready to upload."""

    filename: str  # "sli.png"; the digest's writer makes it unique per run
    title: str
    alt_text: str  # what the chart shows, for screen readers (Slack's alt_txt, at most 1000 characters)
    png: bytes


def to_png(figure: Figure) -> bytes:
    """The figure as PNG at the chart resolution, drawn once by Figure.savefig on its Agg canvas."""
    buffer = io.BytesIO()
    figure.savefig(
        buffer,
        format="png",
        dpi=DPI,
        facecolor=BACKGROUND,
        metadata={"Software": None},
        pil_kwargs={"compress_level": 3},
    )
    return buffer.getvalue()
