"""How the digest's calendar reads: a week's period, week numbers, day and month names, and a weekly slot, in
the reader's language ("2026-W46 (9–15 Nov 2026)", in Chinese "2026-W46（2026年11月9日–15日）")."""

from __future__ import annotations

from datetime import date, timedelta

from slabot.core.i18n import tr
from slabot.render.locale import Locale
from slabot.render.monthly_commands import period_slot_text
from slabot.reports.schedule import Slot, Week
from storage.models.reports import ReportPeriod


def _weekdays(locale: Locale) -> tuple[str, ...]:
    return (
        tr(locale, "Monday"),
        tr(locale, "Tuesday"),
        tr(locale, "Wednesday"),
        tr(locale, "Thursday"),
        tr(locale, "Friday"),
        tr(locale, "Saturday"),
        tr(locale, "Sunday"),
    )


def _short_weekdays(locale: Locale) -> tuple[str, ...]:
    # Translators: weekday abbreviations under a chart's days
    return (
        tr(locale, "Mon"),
        tr(locale, "Tue"),
        tr(locale, "Wed"),
        tr(locale, "Thu"),
        tr(locale, "Fri"),
        tr(locale, "Sat"),
        tr(locale, "Sun"),
    )


def _shortest_weekdays(locale: Locale) -> tuple[str, ...]:
    # Translators: the shortest weekday names, two letters, under the days of a narrow chart
    return (
        tr(locale, "Mo"),
        tr(locale, "Tu"),
        tr(locale, "We"),
        tr(locale, "Th"),
        tr(locale, "Fr"),
        tr(locale, "Sa"),
        tr(locale, "Su"),
    )


def _months(locale: Locale) -> tuple[str, ...]:
    # Translators: month abbreviations, as in "13 Nov"
    return (
        tr(locale, "Jan"),
        tr(locale, "Feb"),
        tr(locale, "Mar"),
        tr(locale, "Apr"),
        tr(locale, "May"),
        tr(locale, "Jun"),
        tr(locale, "Jul"),
        tr(locale, "Aug"),
        tr(locale, "Sep"),
        tr(locale, "Oct"),
        tr(locale, "Nov"),
        tr(locale, "Dec"),
    )


def weekday_name(day: date, *, locale: Locale, letters: int | None = None) -> str:
    """ "Monday"; with `letters` 3 "Mon", fewer "Mo" (in Chinese 星期一, 周一, 一)."""
    if letters is None:
        names = _weekdays(locale)
    else:
        names = _short_weekdays(locale) if letters >= 3 else _shortest_weekdays(locale)
    return names[day.weekday()]


def month_name(day: date, *, locale: Locale) -> str:
    """ "Nov" (11月)"""
    return _months(locale)[day.month - 1]


def day_month(day: date, *, locale: Locale) -> str:
    """ "13 Nov" (11月13日)"""
    # Translators: a day of a month, like "13 Nov"
    return tr(locale, "{day} {month}", day=day.day, month=month_name(day, locale=locale))


def week_number(monday: date, *, locale: Locale) -> str:
    """ "W46" (第46周): the ISO week's number, as the trend labels its weeks."""
    return tr(locale, "W{week:02d}", week=monday.isocalendar()[1])


def week_period(week: Week, *, locale: Locale) -> str:
    """ "2026-W46 (9–15 Nov 2026)", "2026-W49 (30 Nov – 6 Dec 2026)", "2026-W53 (28 Dec 2026 – 3 Jan 2027)" """
    first, last = week.monday, week.monday + timedelta(days=6)
    if first.year != last.year:
        return tr(
            locale,
            "{week} ({first} {first_year} – {last} {last_year})",
            week=week.label,
            first=day_month(first, locale=locale),
            first_year=first.year,
            last=day_month(last, locale=locale),
            last_year=last.year,
        )
    if first.month != last.month:
        return tr(
            locale,
            "{week} ({first} – {last} {year})",
            week=week.label,
            first=day_month(first, locale=locale),
            last=day_month(last, locale=locale),
            year=last.year,
        )
    return tr(
        locale,
        "{week} ({first_day}–{last_day} {month} {year})",
        week=week.label,
        first_day=first.day,
        last_day=last.day,
        month=month_name(last, locale=locale),
        year=last.year,
    )


def time_of_day(at_minute: int) -> str:
    """ "09:00": minutes after midnight on a 24-hour clock."""
    return f"{at_minute // 60:02d}:{at_minute % 60:02d}"


def slot_text(slot: Slot, *, locale: Locale) -> str:
    """ "Mondays at 09:00 Europe/Berlin" (每周一 09:00（Europe/Berlin））"""
    if slot.every != ReportPeriod.WEEK:  # "On day 1 of each month at …", "Every day at …"
        return period_slot_text(slot, locale=locale)
    time, zone = time_of_day(slot.at_minute), slot.zone.key
    texts = (
        tr(locale, "Mondays at {time} {zone}", time=time, zone=zone),
        tr(locale, "Tuesdays at {time} {zone}", time=time, zone=zone),
        tr(locale, "Wednesdays at {time} {zone}", time=time, zone=zone),
        tr(locale, "Thursdays at {time} {zone}", time=time, zone=zone),
        tr(locale, "Fridays at {time} {zone}", time=time, zone=zone),
        tr(locale, "Saturdays at {time} {zone}", time=time, zone=zone),
        tr(locale, "Sundays at {time} {zone}", time=time, zone=zone),
    )
    return texts[slot.weekday]
