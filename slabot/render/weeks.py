"""How the digest's calendar reads: a week's period, week numbers, day and month names, and a weekly slot."""

from __future__ import annotations

from datetime import date, timedelta

from slabot.render.locale import Locale
from slabot.reports.schedule import Slot, Week

WEEKDAYS: dict[Locale, tuple[str, ...]] = {
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
MONTHS: dict[Locale, tuple[str, ...]] = {
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}


def weekday_name(day: date, *, locale: Locale, letters: int | None = None) -> str:
    """ "Monday", or its first `letters` letters: "Mon", "Mo"."""
    name = WEEKDAYS[locale][day.weekday()]
    return name if letters is None else name[:letters]


def month_name(day: date, *, locale: Locale) -> str:
    """ "Nov" """
    return MONTHS[locale][day.month - 1]


def day_month(day: date, *, locale: Locale) -> str:
    """ "13 Nov" """
    return f"{day.day} {month_name(day, locale=locale)}"


def week_number(monday: date, *, locale: Locale) -> str:
    """ "W46": the ISO week's number, as the trend labels its weeks."""
    return f"W{monday.isocalendar()[1]:02d}"


def week_period(week: Week, *, locale: Locale) -> str:
    """ "2026-W46 (9–15 Nov 2026)", "2026-W49 (30 Nov – 6 Dec 2026)", "2026-W53 (28 Dec 2026 – 3 Jan 2027)" """
    first, last = week.monday, week.monday + timedelta(days=6)
    if first.year != last.year:
        span = f"{day_month(first, locale=locale)} {first.year} – {day_month(last, locale=locale)} {last.year}"
    elif first.month != last.month:
        span = f"{day_month(first, locale=locale)} – {day_month(last, locale=locale)} {last.year}"
    else:
        span = f"{first.day}–{last.day} {month_name(last, locale=locale)} {last.year}"
    return f"{week.label} ({span})"


def time_of_day(at_minute: int) -> str:
    """ "09:00": minutes after midnight on a 24-hour clock."""
    return f"{at_minute // 60:02d}:{at_minute % 60:02d}"


def slot_text(slot: Slot, *, locale: Locale) -> str:
    """ "Mondays at 09:00 Europe/Berlin" """
    return f"{WEEKDAYS[locale][slot.weekday]}s at {time_of_day(slot.at_minute)} {slot.zone.key}"
