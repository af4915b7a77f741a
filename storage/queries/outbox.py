"""Queries of the outbox table: insert once per key, claim due rows, record the outcome of each attempt."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import or_, update
from sqlmodel import Session, col, select

from storage.models.outbox import OutboxFile, OutboxMessage, OutboxStatus

UNDELIVERED = (OutboxStatus.PENDING, OutboxStatus.SENDING)


def supersede_pending_updates(session: Session, target_key: str) -> None:
    """Edits of one message not sent yet are replaced by a newer edit."""
    session.execute(
        update(OutboxMessage)
        .where(col(OutboxMessage.target_key) == target_key)
        .where(col(OutboxMessage.status) == OutboxStatus.PENDING.value)
        .values(status=OutboxStatus.SUPERSEDED.value)
    )


def undelivered(session: Session, limit: int, channels: Sequence[str] | None = None) -> Sequence[OutboxMessage]:
    """Rows still to send (pending, or claimed by a sender that may have died), oldest first; of these
    channels only, when given."""
    query = select(OutboxMessage).where(col(OutboxMessage.status).in_(UNDELIVERED))
    if channels is not None:
        query = query.where(col(OutboxMessage.channel_id).in_(channels))
    return session.exec(query.order_by(col(OutboxMessage.id)).limit(limit)).all()


def by_keys(session: Session, keys: Sequence[str]) -> dict[str, OutboxMessage]:
    if not keys:
        return {}
    rows = session.exec(select(OutboxMessage).where(col(OutboxMessage.key).in_(keys))).all()
    return {row.key: row for row in rows}


def channels_of(session: Session, keys: Sequence[str]) -> set[str]:
    """The channels the rows under these keys go to."""
    query = select(OutboxMessage.channel_id).where(col(OutboxMessage.key).in_(list(keys))).distinct()
    return set(session.exec(query).all())


def file_of(session: Session, key: str) -> OutboxFile | None:
    """The file an upload row shares (its bytes included); None if there is none."""
    return session.get(OutboxFile, key)


def claim(session: Session, row_id: int, now: datetime, stale_before: datetime) -> bool:
    """Take a due row for sending; False when another sender has it (or it is not due)."""
    result = session.execute(
        update(OutboxMessage)
        .where(col(OutboxMessage.id) == row_id)
        .where(
            or_(
                (col(OutboxMessage.status) == OutboxStatus.PENDING.value) & (col(OutboxMessage.next_attempt_at) <= now),
                (col(OutboxMessage.status) == OutboxStatus.SENDING.value)
                & (col(OutboxMessage.claimed_at) < stale_before),
            )
        )
        .values(status=OutboxStatus.SENDING.value, claimed_at=now, attempts=OutboxMessage.attempts + 1)
    )
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


def finish(session: Session, row_id: int, **values: Any) -> None:
    """Record an attempt's outcome on a row this sender claimed."""
    session.execute(update(OutboxMessage).where(col(OutboxMessage.id) == row_id).values(**values))
