"""Services of the catalogue, with their channel, on-call, owner and tier: added, edited, looked up, removed."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from slabot.catalog.names import closest
from slabot.core.errors import Said, UserError
from slabot.core.i18n import t
from storage.models.catalog import OWNER_MAX, Service
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
        close = closest(name, [known.name for known in queries.all_services(session)])
        if close is not None:
            raise UserError(t("There is no service '{name}'. Did you mean {close}?", name=name, close=close),
                            field="service")  # fmt: skip
        raise UserError(t("There is no service '{name}'. See /sla service list.", name=name), field="service")
    return service


def flush_unique(session: Session, duplicate_message: Said, field: str = "name") -> None:
    """Flush, turning a unique-constraint race (another replica, another click) into a clear reply."""
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise UserError(duplicate_message, field=field) from None


def add_service(session: Session, name: str, fields: ServiceFields, actor: str) -> Service:
    check_fields(fields)
    duplicate = t(
        "A service named {name} already exists: change it with /sla service edit {name} key=value.", name=name
    )
    if queries.service_by_name(session, name) is not None:
        raise UserError(duplicate, field="name")
    service = Service(name=name, created_by=actor)
    _apply(service, fields)
    session.add(service)
    flush_unique(session, duplicate)
    return service


def edit_service(session: Session, name: str, fields: ServiceFields) -> Service:
    check_fields(fields)
    service = get_service(session, name)
    if fields.name is not UNSET and fields.name != service.name:
        new_name = str(fields.name)
        if queries.service_by_name(session, new_name) is not None:
            raise UserError(t("A service named {name} already exists; pick another name.", name=new_name), field="name")
    _apply(service, fields)
    session.add(service)
    flush_unique(session, t("A service named {name} already exists; pick another name.", name=service.name))
    return service


def check_fields(fields: ServiceFields) -> None:
    """A name cannot be cleared; an owner fits its column."""
    if fields.name is None:
        raise UserError(t("A service's name cannot be cleared: give a new name, like name=checkout-api"), field="name")
    if isinstance(fields.owner, str) and len(fields.owner) > OWNER_MAX:
        raise UserError(
            t("owner= can be up to {max} characters (got {length}): say it shorter", max=OWNER_MAX,
              length=len(fields.owner)),
            field="owner",
        )  # fmt: skip


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
