"""Reads of incidents: one with its service, lists, overlaps with a span, timelines, and the timer pass's."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import or_, update
from sqlmodel import Session, col, select

from storage.models.catalog import Service
from storage.models.incidents import Incident, IncidentEvent, IncidentStatus


def incidents_overlapping(
    session: Session, service_ids: Sequence[int], start: datetime, end: datetime
) -> Sequence[Incident]:
    """Incidents of these services that were ongoing at some moment of [start, end)."""
    if not service_ids:
        return []
    query = (
        select(Incident)
        .where(col(Incident.service_id).in_(service_ids))
        .where(Incident.started_at < end)
        .where(or_(col(Incident.resolved_at).is_(None), col(Incident.resolved_at) > start))
        .order_by(col(Incident.started_at), col(Incident.id))
    )
    return session.exec(query).all()


def incident_with_service(session: Session, incident_id: int) -> tuple[Incident, Service] | None:
    query = (
        select(Incident, Service)
        .join(Service, col(Service.id) == Incident.service_id)
        .where(Incident.id == incident_id)
    )
    row = session.exec(query).first()
    return None if row is None else (row[0], row[1])


def incidents_with_services(session: Session, *, only_unresolved: bool, limit: int) -> list[tuple[Incident, Service]]:
    """Newest first; unresolved means open or acknowledged."""
    query = select(Incident, Service).join(Service, col(Service.id) == Incident.service_id)
    if only_unresolved:
        query = query.where(Incident.status != IncidentStatus.RESOLVED.value)
    rows = session.exec(query.order_by(col(Incident.started_at).desc(), col(Incident.id).desc()).limit(limit)).all()
    return [(incident, service) for incident, service in rows]


def incident_timeline(session: Session, incident_id: int) -> Sequence[IncidentEvent]:
    query = (
        select(IncidentEvent)
        .where(IncidentEvent.incident_id == incident_id)
        .order_by(col(IncidentEvent.at), col(IncidentEvent.id))
    )
    return session.exec(query).all()


def incidents_for_timers(session: Session, resolved_since: datetime) -> list[tuple[Incident, Service]]:
    """Unresolved incidents, and those resolved since `resolved_since` (their breaches may not be stored yet)."""
    query = (
        select(Incident, Service)
        .join(Service, col(Service.id) == Incident.service_id)
        .where(
            or_(
                col(Incident.status) != IncidentStatus.RESOLVED.value,
                col(Incident.resolved_at) >= resolved_since,
            )
        )
        .order_by(col(Incident.id))
    )
    return [(incident, service) for incident, service in session.exec(query).all()]


def timelines(session: Session, incident_ids: Sequence[int]) -> dict[int, list[IncidentEvent]]:
    found: dict[int, list[IncidentEvent]] = defaultdict(list)
    if not incident_ids:
        return found
    query = (
        select(IncidentEvent)
        .where(col(IncidentEvent.incident_id).in_(incident_ids))
        .order_by(col(IncidentEvent.at), col(IncidentEvent.id))
    )
    for event in session.exec(query).all():
        found[event.incident_id].append(event)
    return found


def record_thread(session: Session, incident_id: int, channel_id: str, ts: str) -> None:
    """The incident's announcement was delivered: its message becomes the incident's thread."""
    session.execute(update(Incident).where(col(Incident.id) == incident_id).values(channel_id=channel_id, thread_ts=ts))
