"""The tables slabot keeps: the service catalogue, objectives, incidents and their timeline.

Times are aware UTC datetimes (UTCDateTime); targets and impacts are exact percent Decimals (ExactDecimal).
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import BigInteger, Column, ForeignKey, Index, Integer, SmallInteger, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import ExactDecimal, UTCDateTime


def utcnow() -> datetime:
    return datetime.now(UTC)


class ObjectiveKind(StrEnum):
    SLO = "slo"
    SLA = "sla"
    OLA = "ola"


class ObjectiveSource(StrEnum):
    INCIDENTS = "incidents"
    EVENTS = "events"


class Budgeting(StrEnum):
    """How an event-based objective counts (OpenSLO's budgetingMethod)."""

    OCCURRENCES = "occurrences"
    TIMESLICES = "timeslices"


class AlertSeverity(StrEnum):
    PAGE = "page"
    TICKET = "ticket"


class IncidentStatus(StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"


class IncidentEventKind(StrEnum):
    OPENED = "opened"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"


class Service(SQLModel, table=True):
    __tablename__ = "service"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=64, unique=True)
    channel_id: str | None = Field(default=None, max_length=32)
    oncall_id: str | None = Field(default=None, max_length=32)
    owner: str | None = Field(default=None, max_length=200)
    tier: int | None = Field(default=None)
    created_by: str = Field(max_length=32)
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))


class Objective(SQLModel, table=True):
    __tablename__ = "objective"
    __table_args__ = (UniqueConstraint("service_id", "name", name="uq_objective_service_name"),)

    id: int | None = Field(default=None, primary_key=True)
    service_id: int = Field(
        sa_column=Column(Integer, ForeignKey("service.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    name: str = Field(max_length=64)
    kind: str = Field(default=ObjectiveKind.SLO.value, max_length=8)
    target_percent: Decimal = Field(sa_column=Column(ExactDecimal, nullable=False))
    window: str = Field(default="30d", max_length=16)
    source: str = Field(default=ObjectiveSource.INCIDENTS.value, max_length=16)
    description: str | None = Field(default=None, max_length=500)
    timezone: str | None = Field(default=None, max_length=64)
    budgeting: str = Field(default=Budgeting.OCCURRENCES.value, max_length=16)
    slice_target_percent: Decimal | None = Field(default=None, sa_column=Column(ExactDecimal, nullable=True))
    min_events: int = Field(default=100)
    created_by: str = Field(max_length=32)
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))


class Incident(SQLModel, table=True):
    __tablename__ = "incident"
    __table_args__ = (Index("ix_incident_service_started", "service_id", "started_at"),)

    id: int | None = Field(default=None, primary_key=True)
    service_id: int = Field(sa_column=Column(Integer, ForeignKey("service.id", ondelete="CASCADE"), nullable=False))
    severity: int
    title: str = Field(max_length=300)
    impact_percent: Decimal = Field(sa_column=Column(ExactDecimal, nullable=False))
    status: str = Field(default=IncidentStatus.OPEN.value, max_length=16, index=True)
    started_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    acknowledged_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    resolved_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    opened_by: str = Field(max_length=32)
    acknowledged_by: str | None = Field(default=None, max_length=32)
    resolved_by: str | None = Field(default=None, max_length=32)
    channel_id: str | None = Field(default=None, max_length=32)
    thread_ts: str | None = Field(default=None, max_length=32)
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))


class IncidentEvent(SQLModel, table=True):
    """Every state change of an incident with its time, so timers and reports can be recomputed."""

    __tablename__ = "incident_event"

    id: int | None = Field(default=None, primary_key=True)
    incident_id: int = Field(
        sa_column=Column(Integer, ForeignKey("incident.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    kind: str = Field(max_length=24)
    at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    actor: str = Field(max_length=32)
    detail: str | None = Field(default=None, max_length=500)


def _objective_fk() -> Column[int]:
    return Column(Integer, ForeignKey("objective.id", ondelete="CASCADE"), primary_key=True)


class SliMinute(SQLModel, table=True):
    """Event counts of one objective in one minute. epoch_minute counts whole minutes since 1970-01-01T00:00Z.

    good_slice is 1 when the minute meets the objective's slice target (timeslices), else 0.
    """

    __tablename__ = "sli_minute"
    __table_args__ = {"sqlite_with_rowid": False}

    objective_id: int = Field(sa_column=_objective_fk())
    epoch_minute: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    good: int = Field(sa_column=Column(BigInteger, nullable=False))
    total: int = Field(sa_column=Column(BigInteger, nullable=False))
    good_slice: int = Field(sa_column=Column(SmallInteger, nullable=False))


class SliRollup(SQLModel, table=True):
    """Sums of SliMinute over a span of span_minutes (15, 60 or 1440) starting at start_minute (UTC-aligned)."""

    __tablename__ = "sli_rollup"
    __table_args__ = {"sqlite_with_rowid": False}

    objective_id: int = Field(sa_column=_objective_fk())
    span_minutes: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    start_minute: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    good: int = Field(sa_column=Column(BigInteger, nullable=False))
    total: int = Field(sa_column=Column(BigInteger, nullable=False))
    good_slices: int = Field(sa_column=Column(Integer, nullable=False))
    slices: int = Field(sa_column=Column(Integer, nullable=False))


class MaintenanceWindow(SQLModel, table=True):
    """Excluded time: neither good nor bad counts inside [starts_at, ends_at) for the service or one objective."""

    __tablename__ = "maintenance_window"

    id: int | None = Field(default=None, primary_key=True)
    service_id: int = Field(
        sa_column=Column(Integer, ForeignKey("service.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    objective_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("objective.id", ondelete="CASCADE"), nullable=True)
    )
    starts_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    ends_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    reason: str | None = Field(default=None, max_length=300)
    created_by: str = Field(max_length=32)
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))


class AlertRule(SQLModel, table=True):
    """One multi-window burn-rate pair of an objective's alert policy; none stored means the defaults."""

    __tablename__ = "alert_rule"

    id: int | None = Field(default=None, primary_key=True)
    objective_id: int = Field(
        sa_column=Column(Integer, ForeignKey("objective.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    severity: str = Field(max_length=8)
    long_seconds: int
    short_seconds: int
    budget_percent: Decimal = Field(sa_column=Column(ExactDecimal, nullable=False))
