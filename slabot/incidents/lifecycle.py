"""Incident lifecycle: open, acknowledge, resolve, each recorded with its time in the incident's timeline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlmodel import Session

from slabot.catalog.services import get_service
from slabot.core.errors import UserError
from storage.models.catalog import Service
from storage.models.incidents import Incident, IncidentEvent, IncidentEventKind, IncidentStatus
from storage.queries import incidents as incident_queries

SEVERITIES = (1, 2, 3, 4)
TITLE_MAX = 300
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
    found = incident_queries.incident_with_service(session, incident_id)
    if found is None:
        raise UserError(f"There is no incident #{incident_id}. See /incident list all.")
    return found


def _record(session: Session, incident: Incident, kind: IncidentEventKind, at: datetime, actor: str) -> None:
    assert incident.id is not None
    session.add(IncidentEvent(incident_id=incident.id, kind=kind, at=at, actor=actor))


def open_incident(session: Session, new: NewIncident, actor: str, now: datetime) -> tuple[Incident, Service]:
    if new.started_at > now + CLOCK_SKEW:
        raise UserError("started= is in the future: give a past time like started=30m or started=2026-11-21T09:30")
    title = " ".join(new.title.split())
    if not title:
        raise UserError("An incident needs a title after the severity, like: Checkout returns 500s")
    if len(title) > TITLE_MAX:
        raise UserError(f"The title is {len(title)} characters; keep it under {TITLE_MAX}.")
    service = get_service(session, new.service_name)
    assert service.id is not None
    incident = Incident(
        service_id=service.id,
        severity=new.severity,
        title=title,
        impact_percent=new.impact_percent,
        started_at=min(new.started_at, now),
        opened_by=actor,
    )
    session.add(incident)
    session.flush()
    _record(session, incident, IncidentEventKind.OPENED, incident.started_at, actor)
    return incident, service


def acknowledge(session: Session, incident_id: int, actor: str, now: datetime) -> tuple[Incident, Service]:
    incident, service = get_incident(session, incident_id)
    if incident.status == IncidentStatus.RESOLVED:
        raise UserError(f"Incident #{incident_id} is already resolved.")
    if incident.status == IncidentStatus.ACKNOWLEDGED:
        raise UserError(f"Incident #{incident_id} was already acknowledged by <@{incident.acknowledged_by}>.")
    incident.status = IncidentStatus.ACKNOWLEDGED
    incident.acknowledged_at = max(now, incident.started_at)
    incident.acknowledged_by = actor
    session.add(incident)
    _record(session, incident, IncidentEventKind.ACKNOWLEDGED, incident.acknowledged_at, actor)
    return incident, service


def resolve(
    session: Session, incident_id: int, actor: str, now: datetime, resolved_at: datetime | None = None
) -> tuple[Incident, Service]:
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
        _record(session, incident, IncidentEventKind.ACKNOWLEDGED, at, actor)
    incident.status = IncidentStatus.RESOLVED
    incident.paused_at = None  # resolving ends a pause (the timers close it at the RESOLVED event)
    incident.resolved_at = at
    incident.resolved_by = actor
    session.add(incident)
    _record(session, incident, IncidentEventKind.RESOLVED, at, actor)
    return incident, service


def record_announcement(session: Session, incident_id: int, channel_id: str, ts: str) -> None:
    """The announcement message becomes the incident's thread."""
    incident, _ = get_incident(session, incident_id)
    incident.channel_id = channel_id
    incident.thread_ts = ts
    session.add(incident)
