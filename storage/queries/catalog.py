"""Reads of the service catalogue: services, objectives and maintenance windows."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, NamedTuple

from sqlalchemy import func
from sqlalchemy import select as select_columns
from sqlmodel import Session, col, select

from storage.models.catalog import Budgeting, MaintenanceWindow, Objective, ObjectiveSource, Service
from storage.models.incidents import Incident
from storage.queries.rows import insert_ignore
from storage.queries.sli import lock_objectives


def service_by_name(session: Session, name: str) -> Service | None:
    return session.exec(select(Service).where(Service.name == name)).first()


def ensure_service(session: Session, name: str, values: Mapping[str, Any]) -> Service:
    """The service named `name`, inserted with `values` first when there is none (ON CONFLICT DO NOTHING on
    its unique name: two transactions asking at once insert one row, the second waiting for the first's
    commit and then finding it)."""
    found = service_by_name(session, name)
    if found is not None:
        return found
    insert_ignore(session, Service, {**values, "name": name})
    query = select(Service).where(Service.name == name).execution_options(populate_existing=True)
    return session.exec(query).one()


def all_services(session: Session) -> Sequence[Service]:
    return session.exec(select(Service).order_by(col(Service.name))).all()


def objective_by_name(session: Session, service_id: int, name: str) -> Objective | None:
    query = select(Objective).where(Objective.service_id == service_id, Objective.name == name)
    return session.exec(query).first()


def lock_objective(session: Session, objective_id: int) -> Objective | None:
    """Take the objective's row for this transaction (the lock writers of its counts take, so concurrent edits
    queue on the row on Postgres, on the database on SQLite), then read it again as the edit before left it; None
    when it is gone."""
    lock_objectives(session, [objective_id])
    query = select(Objective).where(col(Objective.id) == objective_id).execution_options(populate_existing=True)
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


class ObjectiveRow(NamedTuple):
    """The columns an objective is measured and ranked by, read without its ORM object: the App Home ranks
    the whole catalogue on every open, and objects by the thousand cost more to build and to collect."""

    id: int
    service_id: int
    service_name: str
    name: str
    source: ObjectiveSource
    window: str
    timezone: str | None
    budgeting: Budgeting
    target_percent: Decimal


def objective_rows(session: Session, service_ids: Sequence[int] | None = None) -> list[ObjectiveRow]:
    """Every objective (or those of these services) as an ObjectiveRow, by service and objective name."""
    if service_ids is not None and not service_ids:
        return []
    query = select_columns(
        col(Objective.id),
        col(Objective.service_id),
        col(Service.name),
        col(Objective.name),
        col(Objective.source),
        col(Objective.window),
        col(Objective.timezone),
        col(Objective.budgeting),
        col(Objective.target_percent),
    ).join(Service, col(Service.id) == Objective.service_id)
    if service_ids is not None:
        query = query.where(col(Objective.service_id).in_(list(service_ids)))
    rows = session.execute(query.order_by(col(Service.name), col(Objective.name)))
    return [ObjectiveRow(*row) for row in rows]


def objectives_by_ids(session: Session, ids: Sequence[int]) -> list[tuple[Objective, Service]]:
    """These objectives with their service, in the order of `ids` (one gone since is left out)."""
    if not ids:
        return []
    query = (
        select(Objective, Service)
        .join(Service, col(Service.id) == Objective.service_id)
        .where(col(Objective.id).in_(list(ids)))
    )
    found = {objective.id: (objective, service) for objective, service in session.exec(query)}
    return [found[i] for i in ids if i in found]


def count_objectives(session: Session, service_id: int) -> int:
    query = select(func.count()).select_from(Objective).where(Objective.service_id == service_id)
    return session.exec(query).one()


def count_incidents(session: Session, service_id: int) -> int:
    query = select(func.count()).select_from(Incident).where(Incident.service_id == service_id)
    return session.exec(query).one()


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


def maintenance_listing(
    session: Session, service_id: int | None
) -> list[tuple[MaintenanceWindow, Service, Objective | None]]:
    """Maintenance windows (of one service, or all) with their service and objective, the latest first."""
    query = (
        select(MaintenanceWindow, Service, Objective)
        .join(Service, col(Service.id) == MaintenanceWindow.service_id)
        .outerjoin(Objective, col(Objective.id) == MaintenanceWindow.objective_id)
    )
    if service_id is not None:
        query = query.where(MaintenanceWindow.service_id == service_id)
    rows = session.exec(query.order_by(col(MaintenanceWindow.starts_at).desc(), col(MaintenanceWindow.id))).all()
    return [(window, service, objective) for window, service, objective in rows]


def objectives_measuring(session: Session, source: ObjectiveSource) -> Sequence[Objective]:
    """Every objective with this source (events: the ones keeping per-minute counts)."""
    return session.exec(select(Objective).where(col(Objective.source) == source)).all()
