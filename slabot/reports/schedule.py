"""When a digest runs and which period it reports: weekdays, local times, ISO weeks and cron triggers.

A weekly digest fires on a weekday at a local time in its zone (APScheduler's CronTrigger, which follows DST)
and reports the last complete ISO week (Monday 00:00 to Monday 00:00 local) before it fires; a monthly one fires
on a day of the month and reports the last complete calendar month, a daily one the day before. Pure: no clock.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

from slabot.catalog import names
from slabot.core.errors import UserError
from slabot.core.i18n import Verbatim, t
from slabot.reports.monthly_period import day_before, last_complete_month
from storage.models.reports import ReportPeriod

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_FULL_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_TIME = re.compile(r"([01]?[0-9]|2[0-3]):([0-5][0-9])")
_WEEK = re.compile(r"([0-9]{4})-?W([0-9]{1,2})", re.IGNORECASE)
DEFAULT_WEEKDAY = 0
DEFAULT_AT_MINUTE = 9 * 60


def parse_weekday(text: str) -> int:
    """mon … sun (or the full name), as 0 … 6."""
    word = text.strip().lower()
    if word in WEEKDAYS:
        return WEEKDAYS.index(word)
    if word in _FULL_DAYS:
        return _FULL_DAYS.index(word)
    raise UserError(
        t("day= must be a weekday: mon, tue, wed, thu, fri, sat or sun (got '{text}')", text=Verbatim(text))
    )


def parse_time_of_day(text: str) -> int:
    """HH:MM on a 24-hour clock, as minutes after midnight."""
    match = _TIME.fullmatch(text.strip())
    if match is None:
        raise UserError(
            t("time= must be a time of day on a 24-hour clock, like 09:00 or 17:30 (got '{text}')", text=Verbatim(text))
        )
    return int(match.group(1)) * 60 + int(match.group(2))


def parse_zone(text: str) -> ZoneInfo:
    """A digest's tz= (the catalogue's one zone parser)."""
    return names.parse_zone(text)


def week_start_of(moment: datetime, zone: ZoneInfo) -> date:
    """The Monday of the ISO week `moment` falls in, in `zone`."""
    local = moment.astimezone(zone).date()
    return local - timedelta(days=local.weekday())


def last_complete_week(moment: datetime, zone: ZoneInfo) -> date:
    """The Monday of the last ISO week that ended at or before `moment` (local to `zone`)."""
    return week_start_of(moment, zone) - timedelta(days=7)


def parse_week(text: str, now: datetime, zone: ZoneInfo) -> date:
    """An ISO week like 2026-W46, as its Monday; it must have ended already."""
    match = _WEEK.fullmatch(text.strip())
    example = week_label(last_complete_week(now, zone))
    if match is None:
        raise UserError(
            t("week= must be an ISO week like {example} (got '{text}')", example=example, text=Verbatim(text))
        )
    year, number = int(match.group(1)), int(match.group(2))
    try:
        monday = date.fromisocalendar(year, number, 1)
    except ValueError:
        raise UserError(
            t("{year} has no week {number}: ISO weeks run from W01 to W52 or W53", year=year, number=number)
        ) from None
    if monday > last_complete_week(now, zone):
        raise UserError(
            t("{week} has not ended yet: the last complete week is {example}", week=week_label(monday), example=example)
        )
    return monday


def week_label(monday: date) -> str:
    year, number, _ = monday.isocalendar()
    return f"{year}-W{number:02d}"


@dataclass(frozen=True)
class Week:
    """An ISO week in a zone: [start, end) as UTC instants (167 to 169 hours across a DST change)."""

    monday: date
    zone: ZoneInfo

    @property
    def start(self) -> datetime:
        return datetime.combine(self.monday, time(), self.zone).astimezone(UTC)

    @property
    def end(self) -> datetime:
        return datetime.combine(self.monday + timedelta(days=7), time(), self.zone).astimezone(UTC)

    @property
    def label(self) -> str:
        return week_label(self.monday)

    def previous(self, weeks: int = 1) -> Week:
        return Week(self.monday - timedelta(days=7 * weeks), self.zone)


@dataclass(frozen=True)
class Slot:
    """Where and when a digest fires: weekly on a weekday, monthly on a day of the month, or daily."""

    weekday: int
    at_minute: int
    zone: ZoneInfo
    every: ReportPeriod = ReportPeriod.WEEK
    day_of_month: int = 1

    def trigger(self) -> CronTrigger:
        hour, minute = divmod(self.at_minute, 60)
        if self.every == ReportPeriod.MONTH:
            return CronTrigger(day=self.day_of_month, hour=hour, minute=minute, timezone=self.zone)
        if self.every == ReportPeriod.DAY:
            return CronTrigger(hour=hour, minute=minute, timezone=self.zone)
        return CronTrigger(day_of_week=WEEKDAYS[self.weekday], hour=hour, minute=minute, timezone=self.zone)

    def reported(self, fire: datetime) -> date:
        """The first day of the period a run firing at `fire` reports: the last complete ISO week (its Monday)
        or calendar month (its 1st), or the day before."""
        if self.every == ReportPeriod.MONTH:
            return last_complete_month(fire, self.zone)
        if self.every == ReportPeriod.DAY:
            return day_before(fire, self.zone)
        return last_complete_week(fire, self.zone)

    def next_run(self, now: datetime) -> datetime:
        fire = self.trigger().get_next_fire_time(None, now)
        assert fire is not None  # a weekly, monthly or daily cron trigger always has a next time
        return fire.astimezone(UTC)

    def missed_runs(self, now: datetime, since: datetime) -> list[datetime]:
        """Fire times in [since, now], oldest first (UTC)."""
        trigger = self.trigger()
        fires: list[datetime] = []
        fire = trigger.get_next_fire_time(None, since)
        while fire is not None and fire <= now:
            fires.append(fire.astimezone(UTC))
            fire = trigger.get_next_fire_time(fire, fire + timedelta(seconds=1))
        return fires
