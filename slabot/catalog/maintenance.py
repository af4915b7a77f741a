"""Maintenance windows: spans excluded from a service's objectives (or one objective's), good and bad alike."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from slabot.catalog.objectives import get_objective
from slabot.catalog.services import get_service
from slabot.core.errors import NotFound, UserError
from slabot.core.i18n import t
from storage.models.catalog import MAINTENANCE_REASON_MAX, MaintenanceWindow, Objective, Service
from storage.queries import catalog as queries

LONGEST = timedelta(days=31)


@dataclass(frozen=True)
class NewMaintenance:
    service_name: str
    objective_name: str | None
    starts_at: datetime
    ends_at: datetime
    reason: str | None


def add(session: Session, new: NewMaintenance, actor: str) -> tuple[MaintenanceWindow, Service, Objective | None]:
    if new.ends_at <= new.starts_at:
        raise UserError(t("end= must be after start=, like start=2026-11-22T02:00 end=2026-11-22T04:00"), field="end")
    if new.ends_at - new.starts_at > LONGEST:
        raise UserError(t("a maintenance window can last at most 31 days; add several for longer work"), field="end")
    if new.reason is not None and len(new.reason) > MAINTENANCE_REASON_MAX:
        raise UserError(
            t("reason= can be up to {max} characters (got {length}): say it shorter", max=MAINTENANCE_REASON_MAX,
              length=len(new.reason)),
            field="reason",
        )  # fmt: skip
    objective: Objective | None = None
    if new.objective_name is None:
        service = get_service(session, new.service_name)
    else:
        objective, service = get_objective(session, new.service_name, new.objective_name)
    window = MaintenanceWindow(
        service_id=service.id,
        objective_id=objective.id if objective else None,
        starts_at=new.starts_at,
        ends_at=new.ends_at,
        reason=new.reason,
        created_by=actor,
    )
    session.add(window)
    session.flush()
    return window, service, objective


def listing(session: Session, service_name: str | None) -> list[tuple[MaintenanceWindow, Service, Objective | None]]:
    """Maintenance windows of one service (checked to exist), or of all, the latest first."""
    service_id = get_service(session, service_name).id if service_name is not None else None
    return queries.maintenance_listing(session, service_id)


def remove(session: Session, window_id: int) -> MaintenanceWindow:
    window = session.get(MaintenanceWindow, window_id)
    if window is None:
        raise NotFound(t("There is no maintenance window #{id}. See /sla maintenance list.", id=window_id))
    session.delete(window)
    session.flush()
    return window
