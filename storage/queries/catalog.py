"""Reads the domain needs, in one place, each a single query."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from storage.models.catalog import (
    AlertRule,
    Incident,
    IncidentEvent,
    IncidentStatus,
    MaintenanceWindow,
    Objective,
    Service,
)


def service_by_name(session: Session, name: str) -> Service | None:
    return session.exec(select(Service).where(Service.name == name)).first()


def all_services(session: Session) -> Sequence[Service]:
    return session.exec(select(Service).order_by(col(Service.name))).all()


def objective_by_name(session: Session, service_id: int, name: str) -> Objective | None:
    query = select(Objective).where(Objective.service_id == service_id, Objective.name == name)
    return session.exec(query).first()


def objective_and_service(session: Session, service_name: str, name: str) -> tuple[Objective, Service] | None:
    """One query for the usual case of both existing."""
    query = (
        select(Objective, Service)
        .join(Service, col(Service.id) == Objective.service_id)
        .where(Service.name == service_name, Objective.name == name)
    )
    row = session.exec(query).first()
    return None if row is None else (row[0], row[1])


def objectives_with_services(session: Session, service_id: int | None = None) -> list[tuple[Objective, Service]]:
    query = select(Objective, Service).join(Service, col(Service.id) == Objective.service_id)
    if service_id is not None:
        query = query.where(Objective.service_id == service_id)
    rows = session.exec(query.order_by(col(Service.name), col(Objective.name))).all()
    return [(objective, service) for objective, service in rows]


def count_objectives(session: Session, service_id: int) -> int:
    query = select(func.count()).select_from(Objective).where(Objective.service_id == service_id)
    return session.exec(query).one()


def count_incidents(session: Session, service_id: int) -> int:
    query = select(func.count()).select_from(Incident).where(Incident.service_id == service_id)
    return session.exec(query).one()


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


def maintenance_overlapping(
    session: Session, service_ids: Sequence[int], start: datetime, end: datetime
) -> Sequence[MaintenanceWindow]:
    """Maintenance windows of these services that overlap [start, end)."""
    if not service_ids:
        return []
    query = (
        select(MaintenanceWindow)
        .where(col(MaintenanceWindow.service_id).in_(service_ids))
        .where(MaintenanceWindow.starts_at < end, MaintenanceWindow.ends_at > start)
        .order_by(col(MaintenanceWindow.starts_at), col(MaintenanceWindow.id))
    )
    return session.exec(query).all()


def alert_rules_by_objective(session: Session) -> dict[int, list[AlertRule]]:
    """Stored alert rules of every objective, in the order they were set."""
    rules: dict[int, list[AlertRule]] = {}
    for rule in session.exec(select(AlertRule).order_by(col(AlertRule.objective_id), col(AlertRule.id))):
        rules.setdefault(rule.objective_id, []).append(rule)
    return rules
