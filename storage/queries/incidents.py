"""Incidents: one with its service, lists, overlaps with a span, timelines, the timer pass's reads, and the
guarded state changes (each an UPDATE that applies only while the incident is as the caller last read it)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import ColumnElement, func, or_, update
from sqlalchemy import select as select_columns
from sqlmodel import Session, col, select

from storage.models.catalog import Service
from storage.models.incidents import Incident, IncidentEvent, IncidentEventKind, IncidentStatus


def _ongoing(service_ids: Sequence[int], start: datetime, end: datetime) -> tuple[ColumnElement[bool], ...]:
    """Of these services, and ongoing at some moment of [start, end)."""
    return (
        col(Incident.service_id).in_(service_ids),
        col(Incident.started_at) < end,
        or_(col(Incident.resolved_at).is_(None), col(Incident.resolved_at) > start),
    )


def incidents_overlapping(
    session: Session, service_ids: Sequence[int], start: datetime, end: datetime
) -> Sequence[Incident]:
    """Incidents of these services that were ongoing at some moment of [start, end)."""
    if not service_ids:
        return []
    query = (
        select(Incident).where(*_ongoing(service_ids, start, end)).order_by(col(Incident.started_at), col(Incident.id))
    )
    return session.exec(query).all()


class IncidentSpan(NamedTuple):
    """The columns that make an incident bad time, read without its ORM object (for a whole catalogue)."""

    id: int
    service_id: int
    started_at: datetime
    resolved_at: datetime | None
    impact_percent: Decimal


def incident_spans(session: Session, service_ids: Sequence[int], start: datetime, end: datetime) -> list[IncidentSpan]:
    """incidents_overlapping's incidents as IncidentSpans, in the same order."""
    if not service_ids:
        return []
    columns = (Incident.id, Incident.service_id, Incident.started_at, Incident.resolved_at, Incident.impact_percent)
    query = (
        select_columns(*(col(column) for column in columns))
        .where(*_ongoing(service_ids, start, end))
        .order_by(col(Incident.started_at), col(Incident.id))
    )
    return [IncidentSpan(*row) for row in session.execute(query)]


def incident_with_service(session: Session, incident_id: int) -> tuple[Incident, Service] | None:
    """The incident as stored now (an object this session already holds is refreshed from its row)."""
    query = (
        select(Incident, Service)
        .join(Service, col(Service.id) == Incident.service_id)
        .where(Incident.id == incident_id)
        .execution_options(populate_existing=True)
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


def unresolved_by_urgency(
    session: Session, service_ids: Sequence[int] | None = None, limit: int | None = None
) -> list[tuple[Incident, Service]]:
    """The unresolved incidents (of these services, or all) with their service: the most severe first, then
    the longest running; the first `limit` of them."""
    if service_ids is not None and not service_ids:
        return []
    query = (
        select(Incident, Service)
        .join(Service, col(Service.id) == Incident.service_id)
        .where(col(Incident.status) != IncidentStatus.RESOLVED.value)
    )
    if service_ids is not None:
        query = query.where(col(Incident.service_id).in_(list(service_ids)))
    query = query.order_by(col(Incident.severity), col(Incident.started_at), col(Incident.id)).limit(limit)
    return [(incident, service) for incident, service in session.exec(query).all()]


def count_unresolved(session: Session, service_ids: Sequence[int] | None = None) -> int:
    """How many incidents (of these services, or all) are unresolved."""
    if service_ids is not None and not service_ids:
        return 0
    query = select(func.count()).select_from(Incident).where(col(Incident.status) != IncidentStatus.RESOLVED.value)
    if service_ids is not None:
        query = query.where(col(Incident.service_id).in_(list(service_ids)))
    return session.exec(query).one()


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


def latest_event(session: Session, incident_id: int, kinds: Sequence[IncidentEventKind]) -> IncidentEvent | None:
    """The incident's last timeline row of one of these kinds."""
    query = (
        select(IncidentEvent)
        .where(IncidentEvent.incident_id == incident_id)
        .where(col(IncidentEvent.kind).in_(kinds))
        .order_by(col(IncidentEvent.at).desc(), col(IncidentEvent.id).desc())
        .limit(1)
    )
    return session.exec(query).first()


# The state changes below are conditional UPDATEs: True when this caller made the change, False when the row
# no longer matched (someone else changed it first). A concurrent writer waits on the row (Postgres) or the
# database (SQLite) and then finds the condition false, so a change is made once however many ask at once.
# The session's Incident objects are left as they were: read the incident again (incident_with_service).


def _guarded(session: Session, incident_id: int, condition: ColumnElement[bool], **values: object) -> bool:
    statement = (
        update(Incident)
        .where(col(Incident.id) == incident_id)
        .where(condition)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return bool(session.execute(statement).rowcount == 1)  # type: ignore[attr-defined]


def mark_acknowledged(session: Session, incident_id: int, at: datetime, actor: str) -> bool:
    """Open → acknowledged at `at` by `actor`, if it is still open."""
    return _guarded(
        session,
        incident_id,
        col(Incident.status) == IncidentStatus.OPEN,
        status=IncidentStatus.ACKNOWLEDGED,
        acknowledged_at=at,
        acknowledged_by=actor,
    )


def mark_resolved(
    session: Session,
    incident_id: int,
    was: IncidentStatus,
    at: datetime,
    actor: str,
    acknowledged_at: datetime,
    acknowledged_by: str,
) -> bool:
    """Resolved at `at` by `actor` (its acknowledgement as given, its pause ended), if its status is still
    `was` (open or acknowledged: an acknowledgement made meanwhile changes what the resolve writes)."""
    return _guarded(
        session,
        incident_id,
        col(Incident.status) == was,
        status=IncidentStatus.RESOLVED,
        resolved_at=at,
        resolved_by=actor,
        acknowledged_at=acknowledged_at,
        acknowledged_by=acknowledged_by,
        paused_at=None,
    )


def mark_paused(session: Session, incident_id: int, at: datetime) -> bool:
    """Paused since `at`, if it is neither resolved nor paused."""
    condition = (col(Incident.status) != IncidentStatus.RESOLVED) & col(Incident.paused_at).is_(None)
    return _guarded(session, incident_id, condition, paused_at=at)


def mark_resumed(session: Session, incident_id: int, paused_at: datetime) -> bool:
    """No longer paused, if it is unresolved and still in the pause that began at `paused_at`."""
    condition = (col(Incident.status) != IncidentStatus.RESOLVED) & (col(Incident.paused_at) == paused_at)
    return _guarded(session, incident_id, condition, paused_at=None)
