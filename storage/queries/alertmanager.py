"""Alertmanager groups: the group row claimed once and locked for the notification being handled, its
current incident swapped by a guarded UPDATE, and the alerts of an incident upserted by fingerprint."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from storage.models.alertmanager import AlertGroup, GroupAlert, GroupAlertStatus
from storage.queries.rows import insert_ignore


def lock_group(session: Session, key_hash: str, group_key: str, now: datetime) -> AlertGroup:
    """The group's row, created if it is new, and held until the transaction ends: the insert (ON CONFLICT
    DO NOTHING) and the UPDATE that follows it wait for any other transaction holding the same row (on
    Postgres, the row lock; on SQLite, the write lock), so notifications of one group are handled one after
    another whichever replica takes them."""
    insert_ignore(session, AlertGroup, {"key_hash": key_hash, "group_key": group_key, "updated_at": now})
    session.execute(
        update(AlertGroup)
        .where(col(AlertGroup.key_hash) == key_hash)
        .values(updated_at=now)
        .execution_options(synchronize_session=False)
    )
    query = select(AlertGroup).where(AlertGroup.key_hash == key_hash).execution_options(populate_existing=True)
    return session.exec(query).one()


def set_group_incident(session: Session, group_id: int, was: int | None, incident_id: int) -> bool:
    """The group's current incident becomes `incident_id`, if it is still `was`; True when this call did it."""
    current = col(AlertGroup.incident_id)
    statement = (
        update(AlertGroup)
        .where(col(AlertGroup.id) == group_id)
        .where(current.is_(None) if was is None else current == was)
        .values(incident_id=incident_id)
        .execution_options(synchronize_session=False)
    )
    return bool(session.execute(statement).rowcount == 1)  # type: ignore[attr-defined]


def record_alert(
    session: Session,
    incident_id: int,
    fingerprint: str,
    status: GroupAlertStatus,
    starts_at: datetime,
    ends_at: datetime | None,
) -> bool:
    """Store what a notification says of one alert of the incident; True when the fingerprint is new to it."""
    values = {
        "incident_id": incident_id,
        "fingerprint": fingerprint,
        "status": status.value,
        "starts_at": starts_at,
        "ends_at": ends_at,
    }
    if insert_ignore(session, GroupAlert, values):
        return True
    session.execute(
        update(GroupAlert)
        .where(col(GroupAlert.incident_id) == incident_id)
        .where(col(GroupAlert.fingerprint) == fingerprint)
        .values(status=status.value, starts_at=starts_at, ends_at=ends_at)
        .execution_options(synchronize_session=False)
    )
    return False


def alerts_of(session: Session, incident_id: int) -> Sequence[GroupAlert]:
    query = (
        select(GroupAlert)
        .where(GroupAlert.incident_id == incident_id)
        .order_by(col(GroupAlert.fingerprint))
        .execution_options(populate_existing=True)
    )
    return session.exec(query).all()
