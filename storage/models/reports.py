"""The tables of the weekly digest: each channel's schedule and scope, and every run, scheduled or asked for.

A scheduled run's once_key is "<channel>:<ISO week>", unique, so a week is posted once per channel however
many replicas fire the same cron job or catch up on the same missed run.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Column, Date, ForeignKey, Integer, SmallInteger, String, Text
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime, enum_column, utcnow


class Digest(SQLModel, table=True):
    """A weekly digest posted to one channel on a weekday and local time in a zone."""

    __tablename__ = "digest"

    id: int = Field(default=None, primary_key=True)
    channel_id: str = Field(max_length=32, unique=True)  # one digest per channel
    weekday: int = Field(sa_column=Column(SmallInteger, nullable=False))  # 0 = Monday
    at_minute: int  # minutes after local midnight
    timezone: str = Field(max_length=64)
    created_by: str = Field(max_length=32)
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))


class DigestService(SQLModel, table=True):
    """A service a digest is limited to; a digest with none covers every service."""

    __tablename__ = "digest_service"

    digest_id: int = Field(sa_column=Column(Integer, ForeignKey("digest.id", ondelete="CASCADE"), primary_key=True))
    service_id: int = Field(sa_column=Column(Integer, ForeignKey("service.id", ondelete="CASCADE"), primary_key=True))


class DigestRunStatus(StrEnum):
    PENDING = "pending"  # waiting for a worker to render it
    RENDERING = "rendering"  # claimed by a worker (taken over when its claim goes stale)
    QUEUED = "queued"  # its message and charts are in the outbox
    FAILED = "failed"


class DigestRun(SQLModel, table=True):
    """One digest to post: a week, a channel and the services it covers (ids as a comma list, empty = all)."""

    __tablename__ = "digest_run"

    id: int = Field(default=None, primary_key=True)
    once_key: str = Field(max_length=120, unique=True)
    digest_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("digest.id", ondelete="SET NULL"), nullable=True)
    )
    channel_id: str = Field(max_length=32)
    week_start: date = Field(sa_column=Column(Date, nullable=False))  # the Monday of the ISO week reported
    timezone: str = Field(max_length=64)
    service_ids: str = Field(default="", sa_column=Column(Text, nullable=False))
    requested_by: str | None = Field(default=None, max_length=32)  # who typed /sla report
    scheduled_for: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    status: DigestRunStatus = Field(
        default=DigestRunStatus.PENDING, sa_column=enum_column(DigestRunStatus, 12, index=True)
    )
    attempts: int = Field(default=0)
    claimed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    created_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    finished_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    last_error: str | None = Field(default=None, sa_column=Column(String(300), nullable=True))
