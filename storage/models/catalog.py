"""The tables slabot keeps: the service catalogue, objectives, incidents and their timeline.

Times are aware UTC datetimes (UTCDateTime); targets and impacts are exact percent Decimals (ExactDecimal).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
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
    PAUSED = "paused"
    RESUMED = "resumed"


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
    # set while the incident waits on someone outside the team (its SLA timers do not run)
    paused_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
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


# ---- incident response and resolution SLAs (the ITSM side) ---------------------------------------------


class SlaTimerKind(StrEnum):
    RESPONSE = "response"
    RESOLUTION = "resolution"


class SeverityTarget(SQLModel, table=True):
    """Response and resolution targets of one severity; a severity with no row uses DOMAIN.md's defaults.

    Targets are duration texts ("15m", "4h", "3d"): on a business calendar a day means one working day.
    """

    __tablename__ = "severity_target"

    severity: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    response: str = Field(max_length=32)
    resolution: str = Field(max_length=32)
    calendar: str = Field(max_length=64)  # "24x7" or a business calendar's name
    updated_by: str = Field(max_length=32)
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))


class Calendar(SQLModel, table=True):
    """A business calendar: working windows per weekday in a zone, a country's public holidays."""

    __tablename__ = "business_calendar"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=64, unique=True)
    timezone: str = Field(max_length=64)
    hours: str = Field(max_length=300)  # normalised spec, e.g. "mon-fri 09:00-12:00,13:00-18:00"
    country: str | None = Field(default=None, max_length=8)
    created_by: str = Field(max_length=32)
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))


class CalendarDayKind(StrEnum):
    HOLIDAY = "holiday"
    WORKDAY = "workday"


class CalendarDay(SQLModel, table=True):
    """An explicit day off (holiday) or extra working day (workday) of one calendar."""

    __tablename__ = "calendar_day"

    calendar_id: int = Field(
        sa_column=Column(Integer, ForeignKey("business_calendar.id", ondelete="CASCADE"), primary_key=True)
    )
    day: date = Field(sa_column=Column(Date, primary_key=True))
    kind: str = Field(max_length=8)
    created_by: str = Field(max_length=32)


class SlaBreach(SQLModel, table=True):
    """A response or resolution target an incident missed, kept for the digest's attainment per severity."""

    __tablename__ = "sla_breach"

    incident_id: int = Field(sa_column=Column(Integer, ForeignKey("incident.id", ondelete="CASCADE"), primary_key=True))
    timer: str = Field(sa_column=Column(String(16), primary_key=True))
    severity: int
    target_seconds: int
    due_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    recorded_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))


# ---- alerting and delivery -----------------------------------------------------------------------------


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    DELIVERED = "delivered"
    SUPERSEDED = "superseded"
    FAILED = "failed"


class OutboxAction(StrEnum):
    POST = "post"
    UPDATE = "update"
    UPLOAD = "upload"


class OutboxMessage(SQLModel, table=True):
    """A message to post (or an edit to make) in Slack, written before it is sent; `key` makes it happen once.

    A post in the thread of another outbox message names it in parent_key; an edit names its message in
    target_key. Both wait until that message has been delivered and has a ts.
    """

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=200, unique=True)
    action: str = Field(max_length=8)
    channel_id: str = Field(max_length=32)
    thread_ts: str | None = Field(default=None, max_length=32)
    parent_key: str | None = Field(default=None, max_length=200)
    target_key: str | None = Field(default=None, max_length=200, index=True)
    text: str = Field(sa_column=Column(Text, nullable=False))
    blocks: str = Field(sa_column=Column(Text, nullable=False))  # JSON list of Block Kit blocks
    status: str = Field(default=OutboxStatus.PENDING.value, max_length=12)
    attempts: int = Field(default=0)
    next_attempt_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    claimed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    uncertain: bool = Field(default=False)  # an attempt may have reached Slack without us hearing back
    last_error: str | None = Field(default=None, max_length=200)
    ts: str | None = Field(default=None, max_length=32)
    created_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    delivered_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))


class OutboxFile(SQLModel, table=True):
    """The file an upload row of the outbox shares (a digest's chart), kept apart so claiming rows stays light."""

    __tablename__ = "outbox_file"

    key: str = Field(sa_column=Column(String(200), ForeignKey("outbox.key", ondelete="CASCADE"), primary_key=True))
    filename: str = Field(max_length=200)  # unique per upload: an uncertain attempt is looked up by it
    title: str = Field(max_length=250)
    alt_text: str = Field(max_length=1000)
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class Alert(SQLModel, table=True):
    """One firing burn-rate alert of an objective: one Slack message, updated until it resolves.

    open_objective_id equals objective_id while the alert is open (unique: one open alert per objective).
    """

    __tablename__ = "alert"

    id: int | None = Field(default=None, primary_key=True)
    objective_id: int = Field(
        sa_column=Column(Integer, ForeignKey("objective.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    open_objective_id: int | None = Field(default=None, sa_column=Column(Integer, nullable=True, unique=True))
    severity: str = Field(max_length=8)
    rules: str = Field(max_length=300)  # the pairs firing at the last evaluation, e.g. "page:2%:1h/5m"
    snapshot: str = Field(sa_column=Column(Text, nullable=False))  # JSON: the figures the message shows
    opened_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    last_firing_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    clear_since: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    resolved_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    acknowledged_by: str | None = Field(default=None, max_length=32)
    acknowledged_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    incident_id: int | None = Field(default=None)
    version: int = Field(default=0)  # bumped on every edit; part of the edits' outbox keys


class AlertSilence(SQLModel, table=True):
    """No pings for one rule of one objective until `until`."""

    __tablename__ = "alert_silence"

    objective_id: int = Field(sa_column=_objective_fk())
    rule: str = Field(sa_column=Column(String(64), primary_key=True))
    until: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    created_by: str = Field(max_length=32)


class BudgetLevel(SQLModel, table=True):
    """The error-budget band an objective was last told about (100, 50, 25 or 0 % left) and how many
    crossings it has had, so each crossing is announced once."""

    __tablename__ = "budget_level"

    objective_id: int = Field(sa_column=_objective_fk())
    level: int
    crossings: int = Field(default=0)
    changed_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
