"""Queries of the digests and reports: schedules and their services, runs (claimed once), and what a monthly
report reads besides the catalogue and the incidents (root causes, action items)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import or_, update
from sqlmodel import Session, col, select

from storage.models.catalog import Service
from storage.models.incidents import Incident
from storage.models.rca import ActionItem, FishboneCategory, Rca, RcaStage, RcaWhy
from storage.models.reports import Digest, DigestRun, DigestRunStatus, DigestService, ReportPeriod
from storage.queries.rows import insert_ignore


def digests(session: Session) -> list[Digest]:
    return list(session.exec(select(Digest).order_by(col(Digest.id))).all())


def digest_by_channel(session: Session, channel_id: str, every: ReportPeriod = ReportPeriod.WEEK) -> Digest | None:
    """The channel's digest of that period (weekly, monthly or daily), if it has one."""
    query = select(Digest).where(Digest.channel_id == channel_id).where(col(Digest.every) == every)
    return session.exec(query).first()


def digest_services(session: Session, digest_ids: Sequence[int]) -> dict[int, list[Service]]:
    """The services each digest is limited to (none listed: every service), by name."""
    found: dict[int, list[Service]] = {digest_id: [] for digest_id in digest_ids}
    if not digest_ids:
        return found
    query = (
        select(DigestService.digest_id, Service)
        .join(Service, col(Service.id) == DigestService.service_id)
        .where(col(DigestService.digest_id).in_(digest_ids))
        .order_by(col(Service.name))
    )
    for digest_id, service in session.exec(query).all():
        found[digest_id].append(service)
    return found


def add_run_once(session: Session, run: DigestRun) -> bool:
    """Insert the run unless a run with its once_key exists (queued by anyone); True when this call added it."""
    return insert_ignore(session, DigestRun, run.model_dump(exclude={"id"}))


def _claimable(stale_before: datetime) -> Any:
    """Waiting for a worker, or held by one for so long that it may have died."""
    return or_(
        col(DigestRun.status) == DigestRunStatus.PENDING,
        (col(DigestRun.status) == DigestRunStatus.RENDERING) & (col(DigestRun.claimed_at) < stale_before),
    )


def runs_to_render(session: Session, stale_before: datetime, limit: int) -> list[DigestRun]:
    """Runs waiting for a worker, and runs whose worker has held them too long (it may have died)."""
    query = select(DigestRun).where(_claimable(stale_before)).order_by(col(DigestRun.id)).limit(limit)
    return list(session.exec(query).all())


def claim_run(session: Session, run_id: int, now: datetime, stale_before: datetime) -> bool:
    """Take a run for rendering; False when another worker has it or it is done."""
    result = session.execute(
        update(DigestRun)
        .where(col(DigestRun.id) == run_id)
        .where(_claimable(stale_before))
        .values(status=DigestRunStatus.RENDERING, claimed_at=now, attempts=DigestRun.attempts + 1)
    )
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


def finish_run(
    session: Session,
    run_id: int,
    held_since: datetime,
    *,
    status: DigestRunStatus,
    claimed_at: datetime | None,
    finished_at: datetime | None,
    last_error: str | None,
) -> bool:
    """Record the outcome of a run this worker still holds (claimed at held_since); False if it lost it."""
    values = {"status": status, "claimed_at": claimed_at, "finished_at": finished_at, "last_error": last_error}
    result = session.execute(
        update(DigestRun)
        .where(col(DigestRun.id) == run_id)
        .where(col(DigestRun.status) == DigestRunStatus.RENDERING)
        .where(col(DigestRun.claimed_at) == held_since)
        .values(**values)
    )
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


def root_causes(session: Session, incident_ids: Sequence[int]) -> dict[int, tuple[FishboneCategory | None, str | None]]:
    """Each incident's newest finished 5-Why: its fishbone category and root cause (the last answer); incidents
    with none finished are left out."""
    if not incident_ids:
        return {}
    finished = (
        select(Rca)
        .where(col(Rca.incident_id).in_(list(incident_ids)))
        .where(col(Rca.stage) == RcaStage.DONE.value)
        .order_by(col(Rca.id))
    )
    newest = {row.incident_id: row for row in session.exec(finished).all()}  # later ids overwrite earlier ones
    if not newest:
        return {}
    whys = (
        select(RcaWhy)
        .where(col(RcaWhy.rca_id).in_([row.id for row in newest.values()]))
        .order_by(col(RcaWhy.rca_id), col(RcaWhy.position))
    )
    last: dict[int, str] = {}
    for why in session.exec(whys).all():
        last[why.rca_id] = why.answer
    return {
        incident_id: (FishboneCategory(row.category) if row.category else None, last.get(row.id))
        for incident_id, row in newest.items()
    }


def action_items_between(
    session: Session, service_ids: Sequence[int] | None, start: datetime, end: datetime
) -> list[tuple[ActionItem, Incident, Service]]:
    """Action items opened or closed in [start, end), of these services' incidents (None: every service), with
    their incident and service, oldest first."""
    opened = (col(ActionItem.created_at) >= start) & (col(ActionItem.created_at) < end)
    closed = (col(ActionItem.done_at) >= start) & (col(ActionItem.done_at) < end)
    query = (
        select(ActionItem, Incident, Service)
        .join(Incident, col(Incident.id) == col(ActionItem.incident_id))
        .join(Service, col(Service.id) == col(Incident.service_id))
        .where(or_(opened, closed))
        .order_by(col(ActionItem.created_at), col(ActionItem.id))
    )
    if service_ids is not None:
        query = query.where(col(Service.id).in_(list(service_ids)))
    return [(item, incident, service) for item, incident, service in session.exec(query).all()]
