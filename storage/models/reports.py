"""The tables of the digests and reports: each channel's schedules (weekly, monthly, daily) and scope, and every
run, scheduled or asked for.

A scheduled run's once_key is "<channel>:<ISO week>" (weekly), "<channel>:month:<YYYY-MM>" or
"<channel>:day:<YYYY-MM-DD>", unique, so a period is posted once per channel however many replicas fire the
same cron job or catch up on the same missed run.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Column, Date, ForeignKey, Integer, SmallInteger, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime, enum_column, utcnow


class ReportPeriod(StrEnum):
    """What a digest or report covers: an ISO week, a calendar month or a day (local to its zone)."""

    WEEK = "week"
    MONTH = "month"
    DAY = "day"


class ReportFormat(StrEnum):
    SLACK = "slack"  # a message
    PDF = "pdf"  # a file uploaded to the channel
    CSV = "csv"


class Digest(SQLModel, table=True):
    """A digest posted to one channel at a local time in a zone: weekly on a weekday, monthly on a day of the
    month, or daily."""

    __tablename__ = "digest"
    __table_args__ = (UniqueConstraint("channel_id", "every", name="uq_digest_channel_every"),)

    id: int = Field(default=None, primary_key=True)
    channel_id: str = Field(max_length=32)  # one digest per channel and period
    every: ReportPeriod = Field(default=ReportPeriod.WEEK, sa_column=enum_column(ReportPeriod, 8))
    weekday: int = Field(default=0, sa_column=Column(SmallInteger, nullable=False))  # 0 = Monday (weekly)
    day_of_month: int = Field(default=1, sa_column=Column(SmallInteger, nullable=False))  # 1 … 28 (monthly)
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
    """One digest or report to post: a period (its first day), a channel, the services it covers (ids as a comma
    list, empty = all) and what to post (formats as a comma list: slack, pdf, csv)."""

    __tablename__ = "digest_run"

    id: int = Field(default=None, primary_key=True)
    once_key: str = Field(max_length=120, unique=True)
    digest_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("digest.id", ondelete="SET NULL"), nullable=True)
    )
    channel_id: str = Field(max_length=32)
    period: ReportPeriod = Field(default=ReportPeriod.WEEK, sa_column=enum_column(ReportPeriod, 8))
    # the first day reported: the Monday of the ISO week, the 1st of the month, or the day
    week_start: date = Field(sa_column=Column(Date, nullable=False))
    formats: str = Field(default=ReportFormat.SLACK.value, sa_column=Column(String(32), nullable=False))
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
