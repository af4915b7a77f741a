"""Pausing an incident's SLA timers while it waits on someone outside the team, and resuming them.

Each is recorded in the incident's timeline (PAUSED with the reason as its detail, RESUMED); the timers are
recomputed from the timeline (slabot.incidents.timers.pauses_from), and resolving ends a pause.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from slabot.core.errors import UserError
from slabot.incidents.lifecycle import get_incident
from storage.models.catalog import Service
from storage.models.incidents import Incident, IncidentEvent, IncidentEventKind, IncidentStatus

REASON_MAX = 500


def _record(
    session: Session, incident: Incident, kind: IncidentEventKind, at: datetime, actor: str, detail: str | None
) -> None:
    assert incident.id is not None
    session.add(IncidentEvent(incident_id=incident.id, kind=kind, at=at, actor=actor, detail=detail))


def pause(
    session: Session, incident_id: int, actor: str, now: datetime, reason: str | None
) -> tuple[Incident, Service]:
    """Stop the incident's SLA timers while it waits on someone outside the team."""
    incident, service = get_incident(session, incident_id)
    if incident.status == IncidentStatus.RESOLVED:
        raise UserError(f"Incident #{incident_id} is already resolved: its timers have stopped.")
    if incident.paused_at is not None:
        raise UserError(f"Incident #{incident_id} is already paused. Resume it with /incident resume {incident_id}.")
    cleaned = " ".join((reason or "").split()) or None
    if cleaned is not None and len(cleaned) > REASON_MAX:
        raise UserError(f"The reason is {len(cleaned)} characters; keep it under {REASON_MAX}.")
    incident.paused_at = max(now, incident.started_at)
    session.add(incident)
    _record(session, incident, IncidentEventKind.PAUSED, incident.paused_at, actor, cleaned)
    return incident, service


def resume(session: Session, incident_id: int, actor: str, now: datetime) -> tuple[Incident, Service, datetime]:
    """Restart the timers of a paused incident; also returns when it was paused."""
    incident, service = get_incident(session, incident_id)
    if incident.status == IncidentStatus.RESOLVED:
        raise UserError(f"Incident #{incident_id} is already resolved: its timers have stopped.")
    if incident.paused_at is None:
        raise UserError(f"Incident #{incident_id} is not paused. Pause it with /incident pause {incident_id} <reason>.")
    paused_at = incident.paused_at
    incident.paused_at = None
    session.add(incident)
    _record(session, incident, IncidentEventKind.RESUMED, max(now, paused_at), actor, None)
    return incident, service, paused_at
