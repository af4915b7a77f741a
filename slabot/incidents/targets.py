"""Severity targets: each severity's response and resolution targets on a calendar (stored, else the
defaults), and the TimerBook that reads them once to compute many incidents' timers; missed targets stored.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from slabot.core.business_time import BusinessCalendar, WorkCalendar, target_seconds
from slabot.core.errors import UserError, said_by
from slabot.core.i18n import t
from slabot.core.timefmt import parse_duration
from slabot.incidents.calendars import stored_calendars
from slabot.incidents.lifecycle import SEVERITIES
from slabot.incidents.timers import (
    ALWAYS_ON,
    BUILTIN_BUSINESS,
    DEFAULT_TARGETS,
    TargetSpec,
    TimerState,
    builtin_calendar,
    pauses_from,
    timer_state,
)
from storage.models.incidents import Incident, IncidentEvent, SeverityTarget, SlaBreach, SlaTimerKind
from storage.queries import calendars as queries
from storage.queries.rows import insert_ignore

TEXT_MAX = 32


def targets(session: Session) -> dict[int, TargetSpec]:
    """Each severity's targets: the stored row, or DOMAIN.md's default."""
    found = dict(DEFAULT_TARGETS)
    for row in queries.severity_targets(session):
        found[row.severity] = TargetSpec(row.severity, row.response, row.resolution, row.calendar, custom=True)
    return found


def _duration_text(key: str, text: str) -> str:
    cleaned = "".join(text.split()).lower()
    try:
        parse_duration(cleaned)
    except ValueError as error:
        raise UserError(t("{key}=: {problem}", key=key, problem=said_by(error))) from None
    if len(cleaned) > TEXT_MAX:
        raise UserError(t("{key}= is too long: write it like 4h or 3d", key=key))
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
        raise UserError(t("severity must be sev1, sev2, sev3 or sev4 (got '{text}')", text="sev" + str(severity)))
    current = targets(session)[severity]
    response = _duration_text("ack", response_text) if response_text is not None else current.response
    resolution = _duration_text("resolve", resolution_text) if resolution_text is not None else current.resolution
    calendar = current.calendar
    if calendar_name is not None:
        calendar = calendar_name.lower()
        if calendar not in (ALWAYS_ON, BUILTIN_BUSINESS) and queries.calendar_named(session, calendar) is None:
            raise UserError(t("There is no calendar '{name}'. See /sla calendar list.", name=calendar_name))
    row = session.get(SeverityTarget, severity) or SeverityTarget(
        severity=severity, response=response, resolution=resolution, calendar=calendar, updated_by=actor
    )
    row.response, row.resolution, row.calendar, row.updated_by = response, resolution, calendar, actor
    if now is not None:
        row.updated_at = now
    session.add(row)
    session.flush()
    return TargetSpec(severity, response, resolution, calendar, custom=True)


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
        return cls(targets(session), stored_calendars(session), default_zone)

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
    values = {
        "incident_id": incident.id,
        "timer": state.kind.value,
        "severity": incident.severity,
        "target_seconds": state.target_seconds,
        "due_at": state.due_at,
        "recorded_at": now,
    }
    return insert_ignore(session, SlaBreach, values)
