"""Business calendars: working hours per weekday in a zone, a country's public holidays, and explicit days off
or extra working days; added, changed, listed and removed (the built-in "24x7" and "business" excepted).

A calendar is looked up by name: a stored one first, then the built-in ones ("24x7", and "business": Mon-Fri
09:00-17:00 in the bot's zone, used while no stored calendar is called "business").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import holidays
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from slabot.catalog.names import parse_zone
from slabot.core.business_time import BusinessCalendar, WorkCalendar, parse_hours
from slabot.core.errors import UserError, said_by
from slabot.core.i18n import t
from slabot.incidents.timers import ALWAYS_ON, BUILTIN_BUSINESS, BUSINESS_HOURS, TargetSpec
from storage.models.incidents import CALENDAR_HOURS_MAX as HOURS_MAX
from storage.models.incidents import Calendar, CalendarDay, CalendarDayKind
from storage.queries import calendars as queries


@dataclass(frozen=True)
class CalendarInfo:
    """A calendar as listed: stored or built in, with its explicit days and the severities counting on it."""

    name: str
    timezone: str
    hours: str
    country: str | None
    days: tuple[CalendarDay, ...]
    builtin: bool
    used_by: tuple[int, ...]


def _country(text: str) -> str:
    code = text.strip().upper()
    if code not in holidays.list_supported_countries():
        raise UserError(
            t("country= '{text}' is not a country the holidays list knows: use a code like CN, US or DE", text=text)
        )
    return code


def add_calendar(
    session: Session, name: str, tz: str, hours: str, country: str | None, actor: str, *, now: datetime | None = None
) -> Calendar:
    """A new business calendar. Its hours are stored normalised (WeeklyHours.format)."""
    if name == ALWAYS_ON:
        raise UserError(t("24x7 is built in and counts every hour: give your calendar another name."))
    if queries.calendar_named(session, name) is not None:
        raise UserError(
            t("A calendar named {name} already exists: remove it first with /sla calendar remove {name}.", name=name)
        )
    zone = parse_zone(tz)
    try:
        spec = parse_hours(hours).format()
    except ValueError as error:
        raise UserError(t("{key}=: {problem}", key="hours", problem=said_by(error))) from None
    if len(spec) > HOURS_MAX:
        raise UserError(t("hours= is too long ({n} characters): keep it to {max} at most", n=len(spec), max=HOURS_MAX))
    code = _country(country) if country else None
    row = Calendar(name=name, timezone=zone.key, hours=spec, country=code, created_by=actor)
    if now is not None:
        row.created_at = now
    session.add(row)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise UserError(t("A calendar named {name} already exists.", name=name)) from None
    return row


def _stored_calendar(session: Session, name: str) -> Calendar:
    row = queries.calendar_named(session, name)
    if row is not None:
        return row
    if name in (ALWAYS_ON, BUILTIN_BUSINESS):
        usage = f'/sla calendar add <name> tz=<Area/City> hours="{BUSINESS_HOURS}" [country=<code>]'
        raise UserError(
            t("{name} is built in and cannot be changed. For other hours or holidays, add your own calendar: {usage}",
              name=name, usage=usage)
        )  # fmt: skip
    raise UserError(t("There is no calendar '{name}'. See /sla calendar list.", name=name))


def calendar_day(
    session: Session, name: str, day: date, kind: CalendarDayKind, actor: str
) -> tuple[Calendar, CalendarDay, str | None]:
    """Mark one date a holiday or an extra working day; returns the calendar, the day and its previous kind."""
    calendar = _stored_calendar(session, name)
    row = session.get(CalendarDay, (calendar.id, day))
    previous = row.kind if row is not None else None
    if row is None:
        row = CalendarDay(calendar_id=calendar.id, day=day, kind=kind, created_by=actor)
    row.kind, row.created_by = kind, actor
    session.add(row)
    session.flush()
    return calendar, row, previous


def remove_calendar(session: Session, name: str, specs: Sequence[TargetSpec]) -> Calendar:
    """Remove a stored calendar and its days; refused while a severity (of `specs`) counts on it, except
    "business", which the built-in Mon-Fri 09:00-17:00 calendar then takes over."""
    calendar = _stored_calendar(session, name)
    users = [spec.severity for spec in specs if spec.calendar == name]
    if users and name != BUILTIN_BUSINESS:
        severities = ", ".join(f"sev{severity}" for severity in users)
        raise UserError(
            t("{severities} count on calendar {name}: move them first, like /sla policy sev{first} calendar=24x7",
              severities=severities, name=name, first=users[0])
        )  # fmt: skip
    queries.delete_days(session, calendar.id)
    session.delete(calendar)
    session.flush()
    return calendar


def list_calendars(session: Session, default_zone: ZoneInfo, specs: Sequence[TargetSpec]) -> list[CalendarInfo]:
    """The built-in calendars first, then the stored ones by name, each with the severities (of `specs`)
    counting on it."""
    rows = queries.calendars(session)
    days = queries.days_of(session, [row.id for row in rows])

    def used_by(name: str) -> tuple[int, ...]:
        return tuple(spec.severity for spec in specs if spec.calendar == name)

    found = [CalendarInfo(ALWAYS_ON, default_zone.key, "every hour", None, (), True, used_by(ALWAYS_ON))]
    if not any(row.name == BUILTIN_BUSINESS for row in rows):
        found.append(
            CalendarInfo(BUILTIN_BUSINESS, default_zone.key, BUSINESS_HOURS, None, (), True, used_by(BUILTIN_BUSINESS))
        )
    for row in rows:
        found.append(
            CalendarInfo(row.name, row.timezone, row.hours, row.country, tuple(days[row.id]), False, used_by(row.name))
        )
    return found


def stored_calendars(session: Session) -> dict[str, WorkCalendar]:
    """Every stored calendar as working time, by name (read once for many timers)."""
    rows = queries.calendars(session)
    days = queries.days_of(session, [row.id for row in rows])
    return {row.name: _business_calendar(row, days[row.id]) for row in rows}


def _business_calendar(row: Calendar, days: Sequence[CalendarDay]) -> BusinessCalendar:
    return BusinessCalendar(
        row.name,
        ZoneInfo(row.timezone),
        parse_hours(row.hours),
        row.country,
        days_off=frozenset(d.day for d in days if d.kind == CalendarDayKind.HOLIDAY),
        extra_workdays=frozenset(d.day for d in days if d.kind == CalendarDayKind.WORKDAY),
    )
