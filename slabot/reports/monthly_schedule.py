"""How often a digest runs, as typed: every=week|month|day and the day= that goes with it (a weekday for a weekly
digest, a day of the month from 1 to 28 for a monthly one, none for a daily one), checked together into a Slot.

Pure. A monthly digest reports the calendar month before it fires, a daily one the day before (both local to
its zone); the weekly digest's rules are slabot.reports.schedule's.
"""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from slabot.core.errors import UserError
from slabot.core.i18n import Verbatim, t
from slabot.reports.schedule import DEFAULT_AT_MINUTE, DEFAULT_WEEKDAY, WEEKDAYS, Slot, parse_weekday
from storage.models.reports import ReportPeriod

LAST_DAY_OF_MONTH = 28  # every month has it, so a monthly digest never skips one
DEFAULT_DAY_OF_MONTH = 1
EVERY = ("week", "month", "day")


@dataclass(frozen=True)
class DayChoice:
    """day= as typed: a weekday (0 = Monday) or a day of the month."""

    weekday: int | None = None
    day_of_month: int | None = None


def parse_every(text: str) -> ReportPeriod:
    word = text.strip().lower()
    if word not in EVERY:
        raise UserError(
            t("every= must be week, month or day (got '{text}'), like every=month", text=Verbatim(text.strip())),
            field="every",
        )
    return ReportPeriod(word)


def parse_day(text: str) -> DayChoice:
    """A weekday (mon … sun) or a day of the month (1 … 28)."""
    word = text.strip()
    if word.isdigit():
        number = int(word)
        if not 1 <= number <= LAST_DAY_OF_MONTH:
            raise UserError(
                t(
                    "day= of a monthly digest must be from 1 to {last}, so that every month has it (got '{text}')",
                    last=LAST_DAY_OF_MONTH,
                    text=Verbatim(word),
                ),
                field="day",
            )
        return DayChoice(day_of_month=number)
    try:
        return DayChoice(weekday=parse_weekday(word))
    except UserError:
        raise UserError(
            t(
                "day= must be a weekday (mon, tue, wed, thu, fri, sat or sun) for a weekly digest, or a day of the "
                "month from 1 to {last} with every=month (got '{text}')",
                last=LAST_DAY_OF_MONTH,
                text=Verbatim(word),
            ),
            field="day",
        ) from None


def digest_slot(every: ReportPeriod, day: DayChoice | None, at_minute: int | None, zone: ZoneInfo) -> Slot:
    """The slot the options give together, each left out taking its default (Monday, the 1st, 09:00)."""
    minute = DEFAULT_AT_MINUTE if at_minute is None else at_minute
    if every == ReportPeriod.DAY:
        if day is not None:
            raise UserError(
                t("A daily digest posts every day: leave out day=, or use every=week or every=month"), field="day"
            )
        return Slot(DEFAULT_WEEKDAY, minute, zone, every=every)
    if every == ReportPeriod.MONTH:
        if day is not None and day.day_of_month is None:
            raise UserError(
                t(
                    "day= of a monthly digest is a day of the month from 1 to {last}, like day=1 (got a weekday)",
                    last=LAST_DAY_OF_MONTH,
                ),
                field="day",
            )
        chosen = DEFAULT_DAY_OF_MONTH if day is None or day.day_of_month is None else day.day_of_month
        return Slot(DEFAULT_WEEKDAY, minute, zone, every=every, day_of_month=chosen)
    if day is not None and day.weekday is None:
        raise UserError(
            t("day= of a weekly digest is a weekday, like day=mon: for a day of the month add every=month"),
            field="day",
        )
    weekday = DEFAULT_WEEKDAY if day is None or day.weekday is None else day.weekday
    return Slot(weekday, minute, zone)


def day_text(slot: Slot) -> str:
    """What day= a form shows for a slot: "mon", "1", or "" for a daily one."""
    if slot.every == ReportPeriod.MONTH:
        return str(slot.day_of_month)
    if slot.every == ReportPeriod.DAY:
        return ""
    return WEEKDAYS[slot.weekday]
