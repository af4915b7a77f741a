"""Incident SLAs over the database: targets per severity, business calendars, pausing incidents, the timers
of an incident and the breaches stored for the digest.

Calendars are looked up by name: a stored calendar first, then the built-in ones ("24x7", and "business":
Mon-Fri 09:00-17:00 in the bot's zone, used while no stored calendar is called "business").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from slabot.core.business_time import BusinessCalendar, WorkCalendar, parse_hours, target_seconds
from slabot.core.errors import UserError
from slabot.core.timefmt import parse_duration
from slabot.incidents.lifecycle import SEVERITIES
from slabot.incidents.timers import (
    ALWAYS_ON,
    BUILTIN_BUSINESS,
    BUSINESS_HOURS,
    DEFAULT_TARGETS,
    TargetSpec,
    TimerState,
    builtin_calendar,
    pauses_from,
    timer_state,
)
from storage.models.incidents import (
    Calendar,
    CalendarDay,
    CalendarDayKind,
    Incident,
    IncidentEvent,
    SeverityTarget,
    SlaBreach,
    SlaTimerKind,
)
from storage.queries.rows import insert_ignore

TEXT_MAX = 32
HOURS_MAX = 300
LIST_CALENDARS = "See /sla calendar list."


# ---- targets ----------------------------------------------------------------------------------------------


def targets(session: Session) -> dict[int, TargetSpec]:
    """Each severity's targets: the stored row, or DOMAIN.md's default."""
    found = dict(DEFAULT_TARGETS)
    for row in session.exec(select(SeverityTarget)).all():
        found[row.severity] = TargetSpec(row.severity, row.response, row.resolution, row.calendar, custom=True)
    return found


def _calendar_row(session: Session, name: str) -> Calendar | None:
    return session.exec(select(Calendar).where(Calendar.name == name)).first()


def _duration_text(key: str, text: str) -> str:
    cleaned = "".join(text.split()).lower()
    try:
        parse_duration(cleaned)
    except ValueError as error:
        raise UserError(f"{key}=: {error}") from None
    if len(cleaned) > TEXT_MAX:
        raise UserError(f"{key}= is too long: write it like 4h or 3d")
    return cleaned


def set_target(
    session: Session,
    severity: int,
    response_text: str | None,
    resolution_text: str | None,
    calendar_name: str | None,
    actor: str,
    *,
    now: datetime | None = None,
) -> TargetSpec:
    """Change some of a severity's targets; the parts not given keep their current (or default) values."""
    if severity not in SEVERITIES:
        raise UserError(f"severity must be sev1, sev2, sev3 or sev4 (got sev{severity})")
    current = targets(session)[severity]
    response = _duration_text("ack", response_text) if response_text is not None else current.response
    resolution = _duration_text("resolve", resolution_text) if resolution_text is not None else current.resolution
    calendar = current.calendar
    if calendar_name is not None:
        calendar = calendar_name.lower()
        if calendar not in (ALWAYS_ON, BUILTIN_BUSINESS) and _calendar_row(session, calendar) is None:
            raise UserError(f"There is no calendar '{calendar_name}'. {LIST_CALENDARS}")
    row = session.get(SeverityTarget, severity) or SeverityTarget(
        severity=severity, response=response, resolution=resolution, calendar=calendar, updated_by=actor
    )
    row.response, row.resolution, row.calendar, row.updated_by = response, resolution, calendar, actor
    if now is not None:
        row.updated_at = now
    session.add(row)
    session.flush()
    return TargetSpec(severity, response, resolution, calendar, custom=True)


# ---- calendars --------------------------------------------------------------------------------------------


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


def _zone(text: str) -> ZoneInfo:
    try:
        return ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        raise UserError(f"tz= '{text}' is not a time zone: use a name like Asia/Shanghai or Europe/Berlin") from None


def _country(text: str) -> str:
    code = text.strip().upper()
    if code not in holidays.list_supported_countries():
        raise UserError(f"country= '{text}' is not a country the holidays list knows: use a code like CN, US or DE")
    return code


def add_calendar(
    session: Session, name: str, tz: str, hours: str, country: str | None, actor: str, *, now: datetime | None = None
) -> Calendar:
    """A new business calendar. Its hours are stored normalised (WeeklyHours.format)."""
    if name == ALWAYS_ON:
        raise UserError("24x7 is built in and counts every hour: give your calendar another name.")
    if _calendar_row(session, name) is not None:
        raise UserError(f"A calendar named {name} already exists: remove it first with /sla calendar remove {name}.")
    zone = _zone(tz)
    try:
        spec = parse_hours(hours).format()
    except ValueError as error:
        raise UserError(f"hours=: {error}") from None
    if len(spec) > HOURS_MAX:
        raise UserError(f"hours= is too long ({len(spec)} characters): keep it under {HOURS_MAX}")
    code = _country(country) if country else None
    row = Calendar(name=name, timezone=zone.key, hours=spec, country=code, created_by=actor)
    if now is not None:
        row.created_at = now
    session.add(row)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise UserError(f"A calendar named {name} already exists.") from None
    return row


def _stored_calendar(session: Session, name: str) -> Calendar:
    row = _calendar_row(session, name)
    if row is not None:
        return row
    if name in (ALWAYS_ON, BUILTIN_BUSINESS):
        raise UserError(
            f"{name} is built in and cannot be changed. For other hours or holidays, add your own calendar: "
            f'/sla calendar add <name> tz=<Area/City> hours="{BUSINESS_HOURS}" [country=<code>]'
        )
    raise UserError(f"There is no calendar '{name}'. {LIST_CALENDARS}")


def calendar_day(
    session: Session, name: str, day: date, kind: CalendarDayKind, actor: str
) -> tuple[Calendar, CalendarDay, str | None]:
    """Mark one date a holiday or an extra working day; returns the calendar, the day and its previous kind."""
    calendar = _stored_calendar(session, name)
    assert calendar.id is not None
    row = session.get(CalendarDay, (calendar.id, day))
    previous = row.kind if row is not None else None
    if row is None:
        row = CalendarDay(calendar_id=calendar.id, day=day, kind=kind, created_by=actor)
    row.kind, row.created_by = kind, actor
    session.add(row)
    session.flush()
    return calendar, row, previous


def _days(session: Session, calendar_ids: Sequence[int]) -> dict[int, list[CalendarDay]]:
    found: dict[int, list[CalendarDay]] = {calendar_id: [] for calendar_id in calendar_ids}
    if calendar_ids:
        query = select(CalendarDay).where(col(CalendarDay.calendar_id).in_(calendar_ids)).order_by(col(CalendarDay.day))
        for row in session.exec(query).all():
            found[row.calendar_id].append(row)
    return found


def remove_calendar(session: Session, name: str) -> Calendar:
    """Remove a stored calendar and its days; refused while a severity counts on it (except "business",
    which the built-in Mon-Fri 09:00-17:00 calendar then takes over)."""
    calendar = _stored_calendar(session, name)
    users = [spec.severity for spec in targets(session).values() if spec.calendar == name]
    if users and name != BUILTIN_BUSINESS:
        severities = ", ".join(f"sev{severity}" for severity in users)
        raise UserError(
            f"{severities} count on calendar {name}: move them first, like /sla policy sev{users[0]} calendar=24x7"
        )
    session.exec(delete(CalendarDay).where(col(CalendarDay.calendar_id) == calendar.id))
    session.delete(calendar)
    session.flush()
    return calendar


def list_calendars(session: Session, default_zone: ZoneInfo) -> list[CalendarInfo]:
    """The built-in calendars first, then the stored ones by name."""
    rows = list(session.exec(select(Calendar).order_by(col(Calendar.name))).all())
    days = _days(session, [row.id for row in rows if row.id is not None])
    specs = targets(session).values()

    def used_by(name: str) -> tuple[int, ...]:
        return tuple(spec.severity for spec in specs if spec.calendar == name)

    found = [CalendarInfo(ALWAYS_ON, default_zone.key, "every hour", None, (), True, used_by(ALWAYS_ON))]
    if not any(row.name == BUILTIN_BUSINESS for row in rows):
        found.append(
            CalendarInfo(BUILTIN_BUSINESS, default_zone.key, BUSINESS_HOURS, None, (), True, used_by(BUILTIN_BUSINESS))
        )
    for row in rows:
        assert row.id is not None
        found.append(
            CalendarInfo(row.name, row.timezone, row.hours, row.country, tuple(days[row.id]), False, used_by(row.name))
        )
    return found


def _business_calendar(row: Calendar, days: Sequence[CalendarDay]) -> BusinessCalendar:
    return BusinessCalendar(
        row.name,
        ZoneInfo(row.timezone),
        parse_hours(row.hours),
        row.country,
        days_off=frozenset(d.day for d in days if d.kind == CalendarDayKind.HOLIDAY),
        extra_workdays=frozenset(d.day for d in days if d.kind == CalendarDayKind.WORKDAY),
    )


# ---- timers -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TargetRow:
    """A severity's targets for display: as typed, in working seconds, and the calendar's hours and zone."""

    spec: TargetSpec
    response_seconds: int
    resolution_seconds: int
    hours: str
    zone: ZoneInfo


class TimerBook:
    """Targets and calendars read once (per evaluation pass or command), to compute many incidents' timers."""

    def __init__(self, specs: dict[int, TargetSpec], calendars: dict[str, WorkCalendar], default_zone: ZoneInfo):
        self.specs = specs
        self.calendars = calendars
        self.default_zone = default_zone
        self._seconds: dict[tuple[int, SlaTimerKind], int] = {}

    @classmethod
    def load(cls, session: Session, default_zone: ZoneInfo) -> TimerBook:
        rows = list(session.exec(select(Calendar)).all())
        days = _days(session, [row.id for row in rows if row.id is not None])
        calendars: dict[str, WorkCalendar] = {row.name: _business_calendar(row, days[row.id or 0]) for row in rows}
        return cls(targets(session), calendars, default_zone)

    def calendar(self, name: str) -> WorkCalendar:
        """A stored calendar, else a built-in one; an unknown name (never stored) counts as 24x7."""
        found = self.calendars.get(name) or builtin_calendar(name, self.default_zone)
        if found is None:
            found = builtin_calendar(ALWAYS_ON, self.default_zone)
            assert found is not None
        self.calendars[name] = found
        return found

    def spec(self, severity: int) -> TargetSpec:
        return self.specs.get(severity) or DEFAULT_TARGETS[max(SEVERITIES)]

    def target_seconds(self, severity: int, kind: SlaTimerKind) -> int:
        key = (severity, kind)
        if key not in self._seconds:
            spec = self.spec(severity)
            self._seconds[key] = target_seconds(spec.text(kind), self.calendar(spec.calendar))
        return self._seconds[key]

    def row(self, severity: int) -> TargetRow:
        spec = self.spec(severity)
        calendar = self.calendar(spec.calendar)
        hours = calendar.hours.format() if isinstance(calendar, BusinessCalendar) else "every hour"
        return TargetRow(
            spec,
            self.target_seconds(severity, SlaTimerKind.RESPONSE),
            self.target_seconds(severity, SlaTimerKind.RESOLUTION),
            hours,
            calendar.zone,
        )

    def timers(
        self, incident: Incident, timeline: Sequence[IncidentEvent], now: datetime
    ) -> tuple[TimerState, TimerState]:
        """(response, resolution). Response stops at acknowledge (resolving without one acknowledges too),
        resolution at resolve; neither runs while the incident is paused."""
        calendar = self.calendar(self.spec(incident.severity).calendar)
        pauses = pauses_from(timeline)
        stops = ((SlaTimerKind.RESPONSE, incident.acknowledged_at), (SlaTimerKind.RESOLUTION, incident.resolved_at))
        response, resolution = (
            timer_state(
                kind,
                incident.started_at,
                stopped_at,
                pauses,
                self.target_seconds(incident.severity, kind),
                calendar,
                now,
            )
            for kind, stopped_at in stops
        )
        return response, resolution


def record_breach(session: Session, incident: Incident, state: TimerState, now: datetime) -> bool:
    """Store a missed target once; True if this call stored it (a repeat or a concurrent call gets False)."""
    if not state.breached or state.due_at is None:
        return False
    assert incident.id is not None
    values = {
        "incident_id": incident.id,
        "timer": state.kind.value,
        "severity": incident.severity,
        "target_seconds": state.target_seconds,
        "due_at": state.due_at,
        "recorded_at": now,
    }
    return insert_ignore(session, SlaBreach, values)
