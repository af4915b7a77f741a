"""Objectives of services (SLOs, SLAs, OLAs): looking them up, defining them with the rules that apply to a
definition, and deleting them."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlmodel import Session

from slabot.catalog.names import closest
from slabot.catalog.services import flush_unique, get_service
from slabot.core.credits import CreditSchedule, stored_credits
from slabot.core.errors import UserError
from slabot.core.i18n import Message, t
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
        close = closest(name, [o.name for o, _ in queries.objectives_with_services(session, service.id)])
        if close is not None:
            raise UserError(
                t("{service} has no objective '{name}'. Did you mean {close}?", service=service.name, name=name,
                  close=close),
                field="objective",
            )  # fmt: skip
        raise UserError(
            t("{service} has no objective '{name}'. See /sla list {service}.", service=service.name, name=name),
            field="objective",
        )
    return objective, service


def objective_credits(objective: Objective) -> CreditSchedule | None:
    """The credit schedule of an SLA; None for one without, and for SLOs and OLAs."""
    return stored_credits(objective.credits) if objective.kind == ObjectiveKind.SLA else None


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
    credits: CreditSchedule | None = None  # an SLA's service credits


def _check_credits(spec: ObjectiveSpec) -> None:
    """Credits are an SLA's, and start at or below its target (a met SLA owes nothing)."""
    if spec.credits is None:
        return
    if spec.kind != ObjectiveKind.SLA:
        raise UserError(
            t(
                "credits= is for SLAs, the targets promised to customers: add kind=sla, or leave credits= out for "
                "this {kind}",
                kind=spec.kind.upper(),
            ),
            field="credits",
        )
    first = spec.credits.bands[0]
    if first.below > spec.target_percent:
        target = f"{spec.target_percent.normalize():f}"
        raise UserError(
            t(
                "Credits start at or below the target: the first band owes below {below}% but the SLA's target is "
                '{target}%; start with {target} or lower, like credits="{target}:10"',
                below=first.below_text,
                target=target,
            ),
            field="credits",
        )


def check_spec(spec: ObjectiveSpec) -> None:
    """Budgeting methods apply to event counts; a slice target only to timeslices; a description fits its
    column; credits only to an SLA, starting at or below its target."""
    _check_credits(spec)
    if spec.description is not None and len(spec.description) > DESCRIPTION_MAX:
        raise UserError(
            t("description= can be up to {max} characters (got {length}): say it shorter", max=DESCRIPTION_MAX,
              length=len(spec.description)),
            field="description",
        )  # fmt: skip
    if spec.source == ObjectiveSource.INCIDENTS and spec.budgeting != Budgeting.OCCURRENCES:
        raise UserError(
            t("budgeting=timeslices needs source=events: incident-based objectives count time already"),
            field="budgeting",
        )
    if spec.slice_target_percent is not None and spec.budgeting != Budgeting.TIMESLICES:
        raise UserError(
            t("slice= is the target of each one-minute slice: use it with budgeting=timeslices"), field="slice"
        )


def _duplicate(service: Service, name: str) -> Message:
    return t(
        "{service} already has an objective named {name}: remove it first with /sla delete {service}/{name}, or "
        "pick another name.",
        service=service.name,
        name=name,
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
        credits=spec.credits.text if spec.credits is not None else None,
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
