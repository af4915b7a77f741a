"""A channel's weekly digest schedule: added, listed and removed, with the services it is limited to."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from slabot.core.errors import NotFound, UserError
from slabot.reports.schedule import Slot
from storage.models.catalog import Service
from storage.models.reports import Digest, DigestService
from storage.queries import catalog as queries
from storage.queries import reports as digest_queries


@dataclass(frozen=True)
class DigestInfo:
    digest: Digest
    services: tuple[Service, ...]  # empty = every service

    @property
    def slot(self) -> Slot:
        return Slot(self.digest.weekday, self.digest.at_minute, ZoneInfo(self.digest.timezone))

    @property
    def service_ids(self) -> list[int] | None:
        return [service.id for service in self.services] or None


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
    for service in services:
        session.add(DigestService(digest_id=digest.id, service_id=service.id))
    return DigestInfo(digest, tuple(sorted(services, key=lambda s: s.name)))


def list_digests(session: Session) -> list[DigestInfo]:
    rows = digest_queries.digests(session)
    services = digest_queries.digest_services(session, [row.id for row in rows])
    return [DigestInfo(row, tuple(services[row.id])) for row in rows]


def remove_digest(session: Session, digest_id: int) -> DigestInfo:
    digest = session.get(Digest, digest_id)
    if digest is None:
        raise NotFound(f"There is no digest {digest_id}. See `/sla digest list` for their numbers.")
    info = DigestInfo(digest, tuple(digest_queries.digest_services(session, [digest_id])[digest_id]))
    session.delete(digest)
    return info
