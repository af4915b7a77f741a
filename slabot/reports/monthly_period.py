"""The periods of the monthly report and the daily summary: a calendar month or a day, local to the report's
zone, as UTC instants; which one a report asks for (month=2026-11) and which one a scheduled run reports. Pure.

A month runs from local midnight on its 1st to local midnight on the next month's 1st, so a month with a DST
change is an hour shorter or longer, and the budget follows its real length (as calendar windows do).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from slabot.core.errors import UserError
from slabot.core.i18n import t
from storage.models.reports import ReportPeriod

_MONTH = re.compile(r"([0-9]{4})-([0-9]{1,2})")


def _month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


def _month_at(index: int) -> date:
    return date(index // 12, index % 12 + 1, 1)


def month_of(moment: datetime, zone: ZoneInfo) -> date:
    """The 1st of the month `moment` falls in, in `zone`."""
    return moment.astimezone(zone).date().replace(day=1)


def last_complete_month(moment: datetime, zone: ZoneInfo) -> date:
    """The 1st of the last calendar month that ended at or before `moment` (local to `zone`)."""
    return _month_at(_month_index(month_of(moment, zone)) - 1)


def day_before(moment: datetime, zone: ZoneInfo) -> date:
    """The local day before the one `moment` falls in: what a daily summary reports."""
    return moment.astimezone(zone).date() - timedelta(days=1)


def month_label(first: date) -> str:
    return f"{first.year}-{first.month:02d}"


def parse_month(text: str, now: datetime, zone: ZoneInfo) -> date:
    """A calendar month like 2026-11, as its 1st; it must have ended already (in `zone`)."""
    latest = last_complete_month(now, zone)
    last = month_label(latest)
    match = _MONTH.fullmatch(text.strip())
    if match is None or not 1 <= int(match.group(2)) <= 12:
        raise UserError(
            t("month= must be a calendar month like {example} (got '{text}')", example=last, text=text.strip()),
            field="month",
        )
    first = date(int(match.group(1)), int(match.group(2)), 1)
    if first > latest:
        raise UserError(
            t(
                "{month} has not ended yet: the last complete month is {last}",
                month=month_label(first),
                last=last,
            ),
            field="month",
        )
    return first


@dataclass(frozen=True)
class Period:
    """A calendar month or a day in a zone: [start, end) as UTC instants."""

    kind: ReportPeriod  # MONTH or DAY
    first: date  # the 1st of the month, or the day
    zone: ZoneInfo

    def __post_init__(self) -> None:
        if self.kind == ReportPeriod.WEEK:
            raise ValueError("a week is a schedule.Week, not a Period")
        if self.kind == ReportPeriod.MONTH and self.first.day != 1:
            raise ValueError(f"a month starts on its 1st, not {self.first}")

    @property
    def following(self) -> date:
        """The first day after the period."""
        if self.kind == ReportPeriod.DAY:
            return self.first + timedelta(days=1)
        return _month_at(_month_index(self.first) + 1)

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, time(), self.zone).astimezone(UTC)

    @property
    def end(self) -> datetime:
        return datetime.combine(self.following, time(), self.zone).astimezone(UTC)

    @property
    def seconds(self) -> int:
        return (self.end - self.start) // timedelta(seconds=1)

    @property
    def label(self) -> str:
        """ "2026-11", or "2026-11-21" for a day."""
        return self.first.isoformat() if self.kind == ReportPeriod.DAY else month_label(self.first)

    def previous(self, count: int = 1) -> Period:
        if self.kind == ReportPeriod.DAY:
            return Period(self.kind, self.first - timedelta(days=count), self.zone)
        return Period(self.kind, _month_at(_month_index(self.first) - count), self.zone)


def month(first: date, zone: ZoneInfo) -> Period:
    return Period(ReportPeriod.MONTH, first, zone)


def day(first: date, zone: ZoneInfo) -> Period:
    return Period(ReportPeriod.DAY, first, zone)
