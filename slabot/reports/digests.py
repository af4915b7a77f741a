"""What the digest commands do: add, list and remove a channel's weekly digest; queue a report now."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from slabot.core.errors import NotFound, UserError
from slabot.reports.schedule import Slot, week_label
from storage.models.catalog import Service
from storage.models.reports import Digest, DigestRun, DigestRunStatus, DigestService
from storage.queries import catalog as queries
from storage.queries import reports as digest_queries
from storage.queries.rows import insert_ignore


@dataclass(frozen=True)
class DigestInfo:
    digest: Digest
    services: tuple[Service, ...]  # empty = every service

    @property
    def slot(self) -> Slot:
        return Slot(self.digest.weekday, self.digest.at_minute, ZoneInfo(self.digest.timezone))

    @property
    def service_ids(self) -> list[int] | None:
        return [service.id or 0 for service in self.services] or None


def resolve_services(session: Session, names: Sequence[str]) -> list[Service]:
    found = []
    for name in names:
        service = queries.service_by_name(session, name)
        if service is None:
            raise NotFound(f"There is no service '{name}'. See `/sla service list`, or add it first.")
        found.append(service)
    return found


def add_digest(
    session: Session, channel_id: str, services: Sequence[Service], slot: Slot, user_id: str, now: datetime
) -> DigestInfo:
    existing = digest_queries.digest_by_channel(session, channel_id)
    if existing is not None:
        raise UserError(
            f"<#{channel_id}> already gets digest {existing.id}. Remove it first with "
            f"`/sla digest remove {existing.id}`, then add the new one."
        )
    digest = Digest(
        channel_id=channel_id,
        weekday=slot.weekday,
        at_minute=slot.at_minute,
        timezone=slot.zone.key,
        created_by=user_id,
        created_at=now,
    )
    session.add(digest)
    session.flush()
    assert digest.id is not None
    for service in services:
        session.add(DigestService(digest_id=digest.id, service_id=service.id or 0))
    return DigestInfo(digest, tuple(sorted(services, key=lambda s: s.name)))


def list_digests(session: Session) -> list[DigestInfo]:
    rows = digest_queries.digests(session)
    services = digest_queries.digest_services(session, [row.id or 0 for row in rows])
    return [DigestInfo(row, tuple(services[row.id or 0])) for row in rows]


def remove_digest(session: Session, digest_id: int) -> DigestInfo:
    digest = session.get(Digest, digest_id)
    if digest is None:
        raise NotFound(f"There is no digest {digest_id}. See `/sla digest list` for their numbers.")
    info = DigestInfo(digest, tuple(digest_queries.digest_services(session, [digest_id])[digest_id]))
    session.delete(digest)
    return info


def _ids_text(service_ids: Sequence[int] | None) -> str:
    return ",".join(str(i) for i in sorted(service_ids or ()))


def queue_scheduled(session: Session, info: DigestInfo, fire_time: datetime, week: date, now: datetime) -> bool:
    """The run of a digest for one week; False when that channel's week was queued before (by anyone)."""
    digest = info.digest
    values = {
        "once_key": f"{digest.channel_id}:{week_label(week)}",
        "digest_id": digest.id,
        "channel_id": digest.channel_id,
        "week_start": week,
        "timezone": digest.timezone,
        "service_ids": _ids_text(info.service_ids),
        "scheduled_for": fire_time,
        "status": DigestRunStatus.PENDING.value,
        "attempts": 0,
        "created_at": now,
    }
    return insert_ignore(session, DigestRun, values)


def queue_report(
    session: Session,
    channel_id: str,
    week: date,
    zone: ZoneInfo,
    service_ids: Sequence[int] | None,
    user_id: str,
    now: datetime,
) -> DigestRun:
    """A digest asked for with /sla report: posted each time it is asked for."""
    run = DigestRun(
        once_key=f"report:{uuid.uuid4().hex}",
        channel_id=channel_id,
        week_start=week,
        timezone=zone.key,
        service_ids=_ids_text(service_ids),
        requested_by=user_id,
        status=DigestRunStatus.PENDING,
        created_at=now,
    )
    session.add(run)
    session.flush()
    return run


def run_service_ids(run: DigestRun) -> list[int] | None:
    return [int(part) for part in run.service_ids.split(",") if part] or None
