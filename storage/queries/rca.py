"""Queries of root-cause analysis: an incident's 5-Why with its answers, action items, categories, ratings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import case
from sqlmodel import Session, col, select

from storage.models.catalog import Service
from storage.models.incidents import CsatRating, Incident
from storage.models.rca import ActionItem, ActionItemStatus, FishboneCategory, Rca, RcaStage, RcaWhy


@dataclass(frozen=True)
class RcaRecord:
    """A 5-Why and its answers, by position."""

    rca: Rca
    whys: tuple[RcaWhy, ...]

    @property
    def finished(self) -> bool:
        return self.rca.stage == RcaStage.DONE

    @property
    def root_cause(self) -> str | None:
        """The last answer of a finished 5-Why."""
        return self.whys[-1].answer if self.finished and self.whys else None

    @property
    def category(self) -> FishboneCategory | None:
        return FishboneCategory(self.rca.category) if self.rca.category else None


def whys_of(session: Session, rca_id: int) -> tuple[RcaWhy, ...]:
    query = select(RcaWhy).where(col(RcaWhy.rca_id) == rca_id).order_by(col(RcaWhy.position))
    return tuple(session.exec(query).all())


def latest_rca(session: Session, incident_id: int) -> RcaRecord | None:
    """The incident's newest finished 5-Why, else the one running, else None (cancelled ones don't count)."""
    query = (
        select(Rca)
        .where(col(Rca.incident_id) == incident_id)
        .where(col(Rca.stage) != RcaStage.CANCELLED.value)
        .order_by(col(Rca.id).desc())
    )
    rows = session.exec(query).all()
    chosen = next((r for r in rows if r.stage == RcaStage.DONE), None) or next(iter(rows), None)
    if chosen is None:
        return None
    assert chosen.id is not None
    return RcaRecord(chosen, whys_of(session, chosen.id))


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
