"""What the reports domain asks to be posted: a digest run whose week is ready to go out."""

from __future__ import annotations

from dataclasses import dataclass

from slabot.reports.weekly import DigestReport


@dataclass(frozen=True)
class DigestReady:
    """A run's digest, built: its message goes to the run's channel, its charts into that message's thread."""

    run_id: int
    channel_id: str
    report: DigestReport
