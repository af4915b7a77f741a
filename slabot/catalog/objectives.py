"""Objectives of services (SLOs, SLAs, OLAs): looking them up, defining them with the rules that apply to a
definition, and deleting them."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlmodel import Session

from slabot.catalog.names import did_you_mean
from slabot.catalog.services import flush_unique, get_service
from slabot.core.errors import UserError
from slabot.core.windows import WindowSpec
from storage.models.catalog import DESCRIPTION_MAX, Budgeting, Objective, ObjectiveKind, ObjectiveSource, Service
from storage.queries import catalog as queries


def get_objective(session: Session, service_name: str, name: str) -> tuple[Objective, Service]:
    found = queries.objective_and_service(session, service_name, name)
    if found is not None:
        return found
    service = get_service(session, service_name)
    objective = queries.objective_by_name(session, service.id, name)
    if objective is None:
        names = [o.name for o, _ in queries.objectives_with_services(session, service.id)]
        hint = did_you_mean(name, names) or f" See /sla list {service.name}."
        raise UserError(f"{service.name} has no objective '{name}'.{hint}", field="objective")
    return objective, service


def objectives_of(session: Session, service_name: str | None) -> tuple[list[tuple[Objective, Service]], str | None]:
    """Objectives of one service (checked to exist), or of every service when no name is given."""
    if service_name is None:
        return queries.objectives_with_services(session), None
    service = get_service(session, service_name)
    return queries.objectives_with_services(session, service.id), service.name


@dataclass(frozen=True)
class ObjectiveSpec:
    name: str
    target_percent: Decimal
    window: WindowSpec
    kind: ObjectiveKind = ObjectiveKind.SLO
    source: ObjectiveSource = ObjectiveSource.INCIDENTS
    description: str | None = None
    timezone: str | None = None
    budgeting: Budgeting = Budgeting.OCCURRENCES
    slice_target_percent: Decimal | None = None


def check_spec(spec: ObjectiveSpec) -> None:
    """Budgeting methods apply to event counts; a slice target only to timeslices; a description fits its
    column."""
    if spec.description is not None and len(spec.description) > DESCRIPTION_MAX:
        raise UserError(
            f"description= can be up to {DESCRIPTION_MAX} characters (got {len(spec.description)}): say it shorter",
            field="description",
        )
    if spec.source == ObjectiveSource.INCIDENTS and spec.budgeting != Budgeting.OCCURRENCES:
        raise UserError(
            "budgeting=timeslices needs source=events: incident-based objectives count time already", field="budgeting"
        )
    if spec.slice_target_percent is not None and spec.budgeting != Budgeting.TIMESLICES:
        raise UserError(
            "slice= is the target of each one-minute slice: use it with budgeting=timeslices", field="slice"
        )


def _duplicate(service: Service, name: str) -> str:
    return (
        f"{service.name} already has an objective named {name}: "
        f"remove it first with /sla delete {service.name}/{name}, or pick another name."
    )


def check_new_objective(session: Session, service_name: str, spec: ObjectiveSpec) -> Service:
    """The rules a definition must pass before anything is stored: the spec's own, a known service, a free
    name. Returns the service."""
    check_spec(spec)
    service = get_service(session, service_name)
    if queries.objective_by_name(session, service.id, spec.name) is not None:
        raise UserError(_duplicate(service, spec.name), field="name")
    return service


def define_objective(session: Session, service_name: str, spec: ObjectiveSpec, actor: str) -> tuple[Objective, Service]:
    service = check_new_objective(session, service_name, spec)
    duplicate = _duplicate(service, spec.name)
    objective = Objective(
        service_id=service.id,
        name=spec.name,
        kind=spec.kind,
        target_percent=spec.target_percent,
        window=str(spec.window),
        source=spec.source,
        description=spec.description,
        timezone=spec.timezone,
        budgeting=spec.budgeting,
        slice_target_percent=spec.slice_target_percent,
        created_by=actor,
    )
    session.add(objective)
    flush_unique(session, duplicate)
    return objective, service


def delete_objective(session: Session, service_name: str, name: str) -> tuple[Objective, Service]:
    objective, service = get_objective(session, service_name, name)
    session.delete(objective)
    session.flush()
    return objective, service
