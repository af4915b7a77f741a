"""The service catalogue: services, their objectives (SLOs, SLAs, OLAs) and maintenance windows.

Times are aware UTC datetimes (UTCDateTime); targets are exact percent Decimals (ExactDecimal).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import Column, ForeignKey, Integer, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import ExactDecimal, UTCDateTime, enum_column, utcnow

# The longest text each column holds, for the domain to check before the database does (Postgres refuses
# longer text, SQLite would keep it). Changing one needs a migration.
NAME_MAX = 64  # service and objective names
SLACK_ID_MAX = 32  # channel, user and user-group IDs
OWNER_MAX = 200
DESCRIPTION_MAX = 500
TIMEZONE_MAX = 64
MAINTENANCE_REASON_MAX = 300


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


class Service(SQLModel, table=True):
    __tablename__ = "service"

    id: int = Field(default=None, primary_key=True)
    name: str = Field(max_length=NAME_MAX, unique=True)
    channel_id: str | None = Field(default=None, max_length=SLACK_ID_MAX)
    oncall_id: str | None = Field(default=None, max_length=SLACK_ID_MAX)
    owner: str | None = Field(default=None, max_length=OWNER_MAX)
    tier: int | None = Field(default=None)
    created_by: str = Field(max_length=32)
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))


class Objective(SQLModel, table=True):
    __tablename__ = "objective"
    __table_args__ = (UniqueConstraint("service_id", "name", name="uq_objective_service_name"),)

    id: int = Field(default=None, primary_key=True)
    service_id: int = Field(
        sa_column=Column(Integer, ForeignKey("service.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    name: str = Field(max_length=NAME_MAX)
    kind: ObjectiveKind = Field(default=ObjectiveKind.SLO, sa_column=enum_column(ObjectiveKind, 8))
    target_percent: Decimal = Field(sa_column=Column(ExactDecimal, nullable=False))
    window: str = Field(default="30d", max_length=16)
    source: ObjectiveSource = Field(default=ObjectiveSource.INCIDENTS, sa_column=enum_column(ObjectiveSource, 16))
    description: str | None = Field(default=None, max_length=DESCRIPTION_MAX)
    timezone: str | None = Field(default=None, max_length=TIMEZONE_MAX)
    budgeting: Budgeting = Field(default=Budgeting.OCCURRENCES, sa_column=enum_column(Budgeting, 16))
    slice_target_percent: Decimal | None = Field(default=None, sa_column=Column(ExactDecimal, nullable=True))
    min_events: int = Field(default=100)
    # an SLA's service credits, normalised ("99.9:10,99.5:25,99:50": slabot.core.credits); None = no credits
    credits: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_by: str = Field(max_length=32)
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))


class MaintenanceWindow(SQLModel, table=True):
    """Excluded time: neither good nor bad counts inside [starts_at, ends_at) for the service or one objective."""

    __tablename__ = "maintenance_window"

    id: int = Field(default=None, primary_key=True)
    service_id: int = Field(
        sa_column=Column(Integer, ForeignKey("service.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    objective_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("objective.id", ondelete="CASCADE"), nullable=True)
    )
    starts_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    ends_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    reason: str | None = Field(default=None, max_length=MAINTENANCE_REASON_MAX)
    created_by: str = Field(max_length=32)
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))
