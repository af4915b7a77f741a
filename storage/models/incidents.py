"""Incidents and what hangs off them: the timeline of state changes, severity targets and the business
calendars they count on, missed targets (SLA breaches) and the opener's satisfaction rating."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import Column, Date, ForeignKey, Index, Integer, SmallInteger, Text
from sqlmodel import Field, SQLModel

from storage.types import EnumText, ExactDecimal, UTCDateTime, enum_column, utcnow

# The longest text each column holds, for the domain to check before the database does. Changing one needs a
# migration.
TITLE_MAX = 300
EVENT_DETAIL_MAX = 500  # a timeline entry's detail, like a pause's reason
CALENDAR_NAME_MAX = 64
CALENDAR_HOURS_MAX = 300


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


class SlaTimerKind(StrEnum):
    RESPONSE = "response"
    RESOLUTION = "resolution"


class CalendarDayKind(StrEnum):
    HOLIDAY = "holiday"
    WORKDAY = "workday"


class Incident(SQLModel, table=True):
    __tablename__ = "incident"
    __table_args__ = (Index("ix_incident_service_started", "service_id", "started_at"),)

    id: int = Field(default=None, primary_key=True)
    service_id: int = Field(sa_column=Column(Integer, ForeignKey("service.id", ondelete="CASCADE"), nullable=False))
    severity: int
    title: str = Field(max_length=TITLE_MAX)
    impact_percent: Decimal = Field(sa_column=Column(ExactDecimal, nullable=False))
    status: IncidentStatus = Field(default=IncidentStatus.OPEN, sa_column=enum_column(IncidentStatus, 16, index=True))
    started_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    acknowledged_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    resolved_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    opened_by: str = Field(max_length=32)
    acknowledged_by: str | None = Field(default=None, max_length=32)
    resolved_by: str | None = Field(default=None, max_length=32)
    channel_id: str | None = Field(default=None, max_length=32)
    thread_ts: str | None = Field(default=None, max_length=32)
    # the Slack message it was opened from (the message shortcut), by channel and ts
    source_channel_id: str | None = Field(default=None, max_length=32)
    source_ts: str | None = Field(default=None, max_length=32)
    # set while the incident waits on someone outside the team (its SLA timers do not run)
    paused_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))


class IncidentEvent(SQLModel, table=True):
    """Every state change of an incident with its time, so timers and reports can be recomputed."""

    __tablename__ = "incident_event"

    id: int = Field(default=None, primary_key=True)
    incident_id: int = Field(
        sa_column=Column(Integer, ForeignKey("incident.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    kind: IncidentEventKind = Field(sa_column=enum_column(IncidentEventKind, 24))
    at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    actor: str = Field(max_length=32)
    detail: str | None = Field(default=None, max_length=EVENT_DETAIL_MAX)


class SeverityTarget(SQLModel, table=True):
    """Response and resolution targets of one severity; a severity with no row uses the defaults.

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

    id: int = Field(default=None, primary_key=True)
    name: str = Field(max_length=CALENDAR_NAME_MAX, unique=True)
    timezone: str = Field(max_length=64)
    hours: str = Field(max_length=CALENDAR_HOURS_MAX)  # normalised spec, e.g. "mon-fri 09:00-12:00,13:00-18:00"
    country: str | None = Field(default=None, max_length=8)
    created_by: str = Field(max_length=32)
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))


class CalendarDay(SQLModel, table=True):
    """An explicit day off (holiday) or extra working day (workday) of one calendar."""

    __tablename__ = "calendar_day"

    calendar_id: int = Field(
        sa_column=Column(Integer, ForeignKey("business_calendar.id", ondelete="CASCADE"), primary_key=True)
    )
    day: date = Field(sa_column=Column(Date, primary_key=True))
    kind: CalendarDayKind = Field(sa_column=enum_column(CalendarDayKind, 8))
    created_by: str = Field(max_length=32)


class SlaBreach(SQLModel, table=True):
    """A response or resolution target an incident missed, kept for the digest's attainment per severity."""

    __tablename__ = "sla_breach"

    incident_id: int = Field(sa_column=Column(Integer, ForeignKey("incident.id", ondelete="CASCADE"), primary_key=True))
    timer: SlaTimerKind = Field(sa_column=Column(EnumText(SlaTimerKind, 16), primary_key=True))
    severity: int
    target_seconds: int
    due_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    recorded_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))


class CsatRating(SQLModel, table=True):
    """How the person who opened an incident rated its handling, with an optional comment."""

    __tablename__ = "csat_rating"

    incident_id: int = Field(sa_column=Column(Integer, ForeignKey("incident.id", ondelete="CASCADE"), primary_key=True))
    user_id: str = Field(max_length=32)
    rating: int = Field(sa_column=Column(SmallInteger, nullable=False))
    comment: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    rated_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
