"""Queries of root-cause analysis: 5-Whys and their answers, action items, categories, ratings."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import case, update
from sqlmodel import Session, col, select

from storage.models.catalog import Service
from storage.models.incidents import CsatRating, Incident
from storage.models.rca import ActionItem, ActionItemStatus, FishboneCategory, Rca, RcaStage, RcaWhy


def lock_running(session: Session, rca_id: int) -> Rca | None:
    """Take a running 5-Why's row for this transaction, bumping its version; None if it is not running.

    The UPDATE comes first so concurrent changes queue on the row (Postgres) or the database (SQLite), and
    the row is read again after it, as the change that got the lock left it."""
    bumped = session.execute(
        update(Rca)
        .where(col(Rca.id) == rca_id)
        .where(col(Rca.running_incident_id).is_not(None))
        .values(version=col(Rca.version) + 1)
    )
    if bumped.rowcount == 0:  # type: ignore[attr-defined]
        return None
    return session.exec(select(Rca).where(col(Rca.id) == rca_id).execution_options(populate_existing=True)).one()


def whys_of(session: Session, rca_id: int) -> tuple[RcaWhy, ...]:
    query = select(RcaWhy).where(col(RcaWhy.rca_id) == rca_id).order_by(col(RcaWhy.position))
    return tuple(session.exec(query).all())


def rcas_of_incident(session: Session, incident_id: int) -> Sequence[Rca]:
    """Every 5-Why the incident had, newest first."""
    query = select(Rca).where(col(Rca.incident_id) == incident_id).order_by(col(Rca.id).desc())
    return session.exec(query).all()


def running_rca(session: Session, incident_id: int) -> Rca | None:
    return session.exec(select(Rca).where(col(Rca.running_incident_id) == incident_id)).first()


def running_in_thread(session: Session, channel_id: str, thread_ts: str) -> Rca | None:
    """The 5-Why running in this thread, if any."""
    query = (
        select(Rca)
        .where(col(Rca.thread_ts) == thread_ts)
        .where(col(Rca.channel_id) == channel_id)
        .where(col(Rca.running_incident_id).is_not(None))
    )
    return session.exec(query).first()


def action_items_of(session: Session, incident_id: int) -> list[ActionItem]:
    query = select(ActionItem).where(col(ActionItem.incident_id) == incident_id).order_by(col(ActionItem.id))
    return list(session.exec(query).all())


def action_items_of_rca(session: Session, rca_id: int) -> list[ActionItem]:
    query = select(ActionItem).where(col(ActionItem.rca_id) == rca_id).order_by(col(ActionItem.id))
    return list(session.exec(query).all())


def action_item_from_message(session: Session, rca_id: int, message_ts: str) -> ActionItem | None:
    """The action item a 5-Why recorded from this thread reply, if any."""
    query = select(ActionItem).where(col(ActionItem.rca_id) == rca_id, col(ActionItem.message_ts) == message_ts)
    return session.exec(query).first()


def categories_by_incident(session: Session, incident_ids: Sequence[int]) -> dict[int, FishboneCategory]:
    """The category of each incident's newest finished 5-Why; incidents not analysed are left out."""
    if not incident_ids:
        return {}
    query = (
        select(Rca)
        .where(col(Rca.incident_id).in_(list(incident_ids)))
        .where(col(Rca.stage) == RcaStage.DONE.value)
        .where(col(Rca.category).is_not(None))
        .order_by(col(Rca.id))
    )
    return {row.incident_id: FishboneCategory(row.category) for row in session.exec(query).all() if row.category}


def csat_of(session: Session, incident_id: int) -> CsatRating | None:
    return session.get(CsatRating, incident_id)


def csat_for_incidents(session: Session, incident_ids: Sequence[int]) -> list[CsatRating]:
    if not incident_ids:
        return []
    query = select(CsatRating).where(col(CsatRating.incident_id).in_(list(incident_ids)))
    return list(session.exec(query.order_by(col(CsatRating.incident_id))).all())


def action_items_listed(
    session: Session, service_id: int | None, only_open: bool, limit: int
) -> list[tuple[ActionItem, Incident, Service]]:
    """Action items with their incident and service: open ones first, soonest due first."""
    query = (
        select(ActionItem, Incident, Service)
        .join(Incident, col(Incident.id) == col(ActionItem.incident_id))
        .join(Service, col(Service.id) == col(Incident.service_id))
    )
    if service_id is not None:
        query = query.where(col(Service.id) == service_id)
    if only_open:
        query = query.where(col(ActionItem.status) == ActionItemStatus.OPEN.value)
    is_done = case((col(ActionItem.status) == ActionItemStatus.DONE.value, 1), else_=0)
    query = query.order_by(is_done, col(ActionItem.due), col(ActionItem.id)).limit(limit)
    return [(item, incident, service) for item, incident, service in session.exec(query).all()]


def open_action_items_owned(session: Session, owner_id: str) -> list[tuple[ActionItem, Incident, Service]]:
    """One person's open action items with their incident and service, soonest due first."""
    query = (
        select(ActionItem, Incident, Service)
        .join(Incident, col(Incident.id) == col(ActionItem.incident_id))
        .join(Service, col(Service.id) == col(Incident.service_id))
        .where(col(ActionItem.owner_id) == owner_id)
        .where(col(ActionItem.status) == ActionItemStatus.OPEN.value)
        .order_by(col(ActionItem.due), col(ActionItem.id))
    )
    return [(item, incident, service) for item, incident, service in session.exec(query).all()]


def running_rcas(session: Session) -> list[tuple[Rca, Incident, Service]]:
    """Every 5-Why still running, with its incident and service, the longest running first."""
    query = (
        select(Rca, Incident, Service)
        .join(Incident, col(Incident.id) == col(Rca.incident_id))
        .join(Service, col(Service.id) == col(Incident.service_id))
        .where(col(Rca.running_incident_id).is_not(None))
        .order_by(col(Rca.started_at), col(Rca.id))
    )
    return [(rca, incident, service) for rca, incident, service in session.exec(query).all()]
