"""The service catalogue and its objectives: adding, editing and removing them, with the rules that apply."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from slabot.catalog.names import did_you_mean
from slabot.core.errors import UserError
from slabot.core.windows import WindowSpec
from storage.models.catalog import Budgeting, Objective, ObjectiveKind, ObjectiveSource, Service
from storage.queries import catalog as queries

UNSET = object()


@dataclass(frozen=True)
class ServiceFields:
    """Optional service attributes; in an edit, None clears a field and UNSET leaves it alone."""

    channel_id: object = UNSET
    oncall_id: object = UNSET
    owner: object = UNSET
    tier: object = UNSET
    name: object = UNSET


@dataclass(frozen=True)
class Removal:
    service: Service
    objectives: int
    incidents: int
    removed: bool


def get_service(session: Session, name: str) -> Service:
    service = queries.service_by_name(session, name)
    if service is None:
        names = [known.name for known in queries.all_services(session)]
        hint = did_you_mean(name, names) or " See /sla service list."
        raise UserError(f"There is no service '{name}'.{hint}")
    return service


def get_objective(session: Session, service_name: str, name: str) -> tuple[Objective, Service]:
    found = queries.objective_and_service(session, service_name, name)
    if found is not None:
        return found
    service = get_service(session, service_name)
    objective = queries.objective_by_name(session, service.id, name)
    if objective is None:
        names = [o.name for o, _ in queries.objectives_with_services(session, service.id)]
        hint = did_you_mean(name, names) or f" See /sla list {service.name}."
        raise UserError(f"{service.name} has no objective '{name}'.{hint}")
    return objective, service


def objectives_of(session: Session, service_name: str | None) -> tuple[list[tuple[Objective, Service]], str | None]:
    """Objectives of one service (checked to exist), or of every service when no name is given."""
    if service_name is None:
        return queries.objectives_with_services(session), None
    service = get_service(session, service_name)
    return queries.objectives_with_services(session, service.id), service.name


def _flush_unique(session: Session, duplicate_message: str) -> None:
    """Flush, turning a unique-constraint race (another replica, another click) into a clear reply."""
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise UserError(duplicate_message) from None


def add_service(session: Session, name: str, fields: ServiceFields, actor: str) -> Service:
    duplicate = f"A service named {name} already exists: change it with /sla service edit {name} key=value."
    if queries.service_by_name(session, name) is not None:
        raise UserError(duplicate)
    service = Service(name=name, created_by=actor)
    _apply(service, fields)
    session.add(service)
    _flush_unique(session, duplicate)
    return service


def edit_service(session: Session, name: str, fields: ServiceFields) -> Service:
    service = get_service(session, name)
    if fields.name is not UNSET and fields.name != service.name:
        new_name = str(fields.name)
        if queries.service_by_name(session, new_name) is not None:
            raise UserError(f"A service named {new_name} already exists; pick another name.")
    _apply(service, fields)
    session.add(service)
    _flush_unique(session, f"A service named {service.name} already exists; pick another name.")
    return service


def _apply(service: Service, fields: ServiceFields) -> None:
    for attribute in ("name", "channel_id", "oncall_id", "owner", "tier"):
        value = getattr(fields, attribute)
        if value is not UNSET:
            setattr(service, attribute, value)


def remove_service(session: Session, name: str, *, confirmed: bool) -> Removal:
    """Remove a service with its objectives and incidents; when it has any, only once confirmed."""
    service = get_service(session, name)
    objectives = queries.count_objectives(session, service.id)
    incidents = queries.count_incidents(session, service.id)
    if (objectives or incidents) and not confirmed:
        return Removal(service, objectives, incidents, removed=False)
    session.delete(service)
    session.flush()
    return Removal(service, objectives, incidents, removed=True)


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
    """Budgeting methods apply to event counts; a slice target only to timeslices."""
    if spec.source == ObjectiveSource.INCIDENTS and spec.budgeting != Budgeting.OCCURRENCES:
        raise UserError("budgeting=timeslices needs source=events: incident-based objectives count time already")
    if spec.slice_target_percent is not None and spec.budgeting != Budgeting.TIMESLICES:
        raise UserError("slice= is the target of each one-minute slice: use it with budgeting=timeslices")


def define_objective(session: Session, service_name: str, spec: ObjectiveSpec, actor: str) -> tuple[Objective, Service]:
    check_spec(spec)
    service = get_service(session, service_name)
    duplicate = (
        f"{service.name} already has an objective named {spec.name}: "
        f"remove it first with /sla delete {service.name}/{spec.name}, or pick another name."
    )
    if queries.objective_by_name(session, service.id, spec.name) is not None:
        raise UserError(duplicate)
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
    _flush_unique(session, duplicate)
    return objective, service


def delete_objective(session: Session, service_name: str, name: str) -> tuple[Objective, Service]:
    objective, service = get_objective(session, service_name, name)
    session.delete(objective)
    session.flush()
    return objective, service
