"""Reading incidents for the SLA timer pass: the ones whose timers may still move, with their timelines."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import or_
from sqlmodel import Session, col, select

from storage.models.catalog import Incident, IncidentEvent, IncidentStatus, Service


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
