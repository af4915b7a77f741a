"""Incident lifecycle: open, acknowledge, resolve, pause and resume, each written once to the incident's
timeline (the one writer of IncidentEvent rows) and returned as an IncidentChange for notify to announce."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlmodel import Session

from slabot.catalog.services import get_service
from slabot.core.errors import NotFound, UserError
from slabot.core.mentions import user_mention
from slabot.incidents.events import IncidentChange
from storage.models.catalog import Service
from storage.models.incidents import Incident, IncidentEvent, IncidentEventKind, IncidentStatus
from storage.queries import incidents as queries

SEVERITIES = (1, 2, 3, 4)
TITLE_MAX = 300
REASON_MAX = 500
# Clocks drift; a start or resolve time this far ahead of ours is still taken as "now".
CLOCK_SKEW = timedelta(minutes=1)


@dataclass(frozen=True)
class NewIncident:
    service_name: str
    severity: int
    title: str
    started_at: datetime
    impact_percent: Decimal


def get_incident(session: Session, incident_id: int) -> tuple[Incident, Service]:
    found = queries.incident_with_service(session, incident_id)
    if found is None:
        raise NotFound(f"There is no incident #{incident_id}. See /incident list all.")
    return found


def _record(
    session: Session,
    incident: Incident,
    service: Service,
    kind: IncidentEventKind,
    at: datetime,
    actor: str,
    detail: str | None = None,
) -> IncidentChange:
    """Write one timeline row; the change it describes."""
    event = IncidentEvent(incident_id=incident.id, kind=kind, at=at, actor=actor, detail=detail)
    session.add(event)
    session.flush()
    return IncidentChange(kind, incident, service, event.id, at, actor, reason=detail)


def open_incident(
    session: Session, new: NewIncident, actor: str, now: datetime, where: str | None = None
) -> IncidentChange:
    """Record a new incident, to be announced in its service's channel (else `where`, the channel the
    person typed in; nowhere when neither is known)."""
    if new.started_at > now + CLOCK_SKEW:
        raise UserError("started= is in the future: give a past time like started=30m or started=2026-11-21T09:30")
    title = " ".join(new.title.split())
    if not title:
        raise UserError("An incident needs a title after the severity, like: Checkout returns 500s")
    if len(title) > TITLE_MAX:
        raise UserError(f"The title is {len(title)} characters; keep it under {TITLE_MAX}.")
    service = get_service(session, new.service_name)
    incident = Incident(
        service_id=service.id,
        severity=new.severity,
        title=title,
        impact_percent=new.impact_percent,
        started_at=min(new.started_at, now),
        opened_by=actor,
        channel_id=service.channel_id or where,
    )
    session.add(incident)
    session.flush()
    return _record(session, incident, service, IncidentEventKind.OPENED, incident.started_at, actor)


def acknowledge(session: Session, incident_id: int, actor: str, now: datetime) -> IncidentChange:
    incident, service = get_incident(session, incident_id)
    if incident.status == IncidentStatus.RESOLVED:
        raise UserError(f"Incident #{incident_id} is already resolved.")
    if incident.status == IncidentStatus.ACKNOWLEDGED:
        raise UserError(
            f"Incident #{incident_id} was already acknowledged by {user_mention(incident.acknowledged_by or '')}."
        )
    incident.status = IncidentStatus.ACKNOWLEDGED
    incident.acknowledged_at = max(now, incident.started_at)
    incident.acknowledged_by = actor
    session.add(incident)
    return _record(session, incident, service, IncidentEventKind.ACKNOWLEDGED, incident.acknowledged_at, actor)


def resolve(
    session: Session, incident_id: int, actor: str, now: datetime, resolved_at: datetime | None = None
) -> IncidentChange:
    """Resolve; an incident never acknowledged counts as acknowledged at the same moment."""
    incident, service = get_incident(session, incident_id)
    if incident.status == IncidentStatus.RESOLVED:
        raise UserError(f"Incident #{incident_id} is already resolved.")
    at = now if resolved_at is None else resolved_at
    if at > now + CLOCK_SKEW:
        raise UserError("resolved= is in the future: give a past time like resolved=10m or leave it out for now.")
    at = min(at, now)
    if at < incident.started_at:
        raise UserError(f"resolved= is before the incident started; #{incident_id} started earlier than that.")
    if incident.acknowledged_at is None or incident.acknowledged_at > at:
        incident.acknowledged_at = at
        incident.acknowledged_by = incident.acknowledged_by or actor
        _record(session, incident, service, IncidentEventKind.ACKNOWLEDGED, at, actor)
    incident.status = IncidentStatus.RESOLVED
    incident.paused_at = None  # resolving ends a pause (the timers close it at the RESOLVED event)
    incident.resolved_at = at
    incident.resolved_by = actor
    session.add(incident)
    return _record(session, incident, service, IncidentEventKind.RESOLVED, at, actor)


def pause(session: Session, incident_id: int, actor: str, now: datetime, reason: str | None) -> IncidentChange:
    """Stop the incident's SLA timers while it waits on someone outside the team (the reason is kept)."""
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
    return _record(session, incident, service, IncidentEventKind.PAUSED, incident.paused_at, actor, cleaned)


def resume(session: Session, incident_id: int, actor: str, now: datetime) -> IncidentChange:
    """Restart the timers of a paused incident; the change says when the pause began."""
    incident, service = get_incident(session, incident_id)
    if incident.status == IncidentStatus.RESOLVED:
        raise UserError(f"Incident #{incident_id} is already resolved: its timers have stopped.")
    if incident.paused_at is None:
        raise UserError(f"Incident #{incident_id} is not paused. Pause it with /incident pause {incident_id} <reason>.")
    paused_at = incident.paused_at
    incident.paused_at = None
    session.add(incident)
    change = _record(session, incident, service, IncidentEventKind.RESUMED, max(now, paused_at), actor)
    return IncidentChange(**{**change.__dict__, "paused_since": paused_at})
