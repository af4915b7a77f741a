"""Alertmanager groups and the incidents they opened: one row per groupKey (unique, so replicas and retries
share it) pointing at the group's current incident, and the alerts seen in that incident by fingerprint."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, ForeignKey, Integer, String, Text
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime, enum_column

FINGERPRINT_MAX = 64


class GroupAlertStatus(StrEnum):
    FIRING = "firing"
    RESOLVED = "resolved"


class AlertGroup(SQLModel, table=True):
    """An Alertmanager group, by the SHA-256 of its groupKey; incident_id is its current incident."""

    __tablename__ = "alertmanager_group"

    id: int = Field(default=None, primary_key=True)
    key_hash: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    group_key: str = Field(sa_column=Column(Text, nullable=False))
    incident_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("incident.id", ondelete="SET NULL"), nullable=True)
    )
    updated_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))


class GroupAlert(SQLModel, table=True):
    """One alert of an incident's group, by fingerprint, as its latest notification said."""

    __tablename__ = "alertmanager_alert"

    incident_id: int = Field(sa_column=Column(Integer, ForeignKey("incident.id", ondelete="CASCADE"), primary_key=True))
    fingerprint: str = Field(sa_column=Column(String(FINGERPRINT_MAX), primary_key=True))
    status: GroupAlertStatus = Field(sa_column=enum_column(GroupAlertStatus, 16))
    starts_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    ends_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
