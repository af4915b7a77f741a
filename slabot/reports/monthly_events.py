"""What the monthly report asks to be posted: a run's report (a month, or a day for the daily summary), built,
with the formats it goes out in."""

from __future__ import annotations

from dataclasses import dataclass

from slabot.reports.monthly import MonthlyReport
from storage.models.reports import ReportFormat


@dataclass(frozen=True)
class ReportReady:
    """A run's report, built: a message and/or files (PDF, CSV) for the run's channel, each posted once."""

    run_id: int
    channel_id: str
    report: MonthlyReport
    formats: tuple[ReportFormat, ...]
