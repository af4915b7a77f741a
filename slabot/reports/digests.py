"""A channel's digest schedules (weekly, monthly, daily): added, listed and removed, with the services each is
limited to."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from slabot.core.errors import NotFound, UserError
from slabot.core.i18n import Verbatim, t
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
        digest = self.digest
        zone = ZoneInfo(digest.timezone)
        return Slot(digest.weekday, digest.at_minute, zone, every=digest.every, day_of_month=digest.day_of_month)

    @property
    def service_ids(self) -> list[int] | None:
        return [service.id for service in self.services] or None


def resolve_services(session: Session, names: Sequence[str]) -> list[Service]:
    found = []
    for name in names:
        service = queries.service_by_name(session, name)
        if service is None:
            raise NotFound(
                t("There is no service '{name}'. See `/sla service list`, or add it first.", name=Verbatim(name))
            )
        found.append(service)
    return found


def add_digest(
    session: Session, channel_id: str, services: Sequence[Service], slot: Slot, user_id: str, now: datetime
) -> DigestInfo:
    existing = digest_queries.digest_by_channel(session, channel_id, slot.every)
    if existing is not None:
        raise UserError(
            t(
                "<#{channel}> already gets digest {id}. Remove it first with `/sla digest remove {id}`, "
                "then add the new one.",
                channel=channel_id,
                id=existing.id,
            )
        )
    digest = Digest(
        channel_id=channel_id,
        every=slot.every,
        weekday=slot.weekday,
        day_of_month=slot.day_of_month,
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
        raise NotFound(t("There is no digest {id}. See `/sla digest list` for their numbers.", id=digest_id))
    info = DigestInfo(digest, tuple(digest_queries.digest_services(session, [digest_id])[digest_id]))
    session.delete(digest)
    return info
