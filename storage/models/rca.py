"""The tables of root-cause analysis: a 5-Why conversation per incident, its answers and action items.

Rca.running_incident_id equals incident_id while the 5-Why runs (unique: one running 5-Why per incident)
and is cleared when it finishes or is cancelled, so an incident may be analysed again later.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Column, Date, ForeignKey, Integer, SmallInteger, Text
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime, enum_column, utcnow

# The longest text an action item's column holds, for the domain to check before the database does.
ACTION_TEXT_MAX = 500


class RcaStage(StrEnum):
    WHYS = "whys"  # asking "why?" (up to five times)
    WRAP_UP = "wrap_up"  # waiting for the fishbone category and action items
    DONE = "done"
    CANCELLED = "cancelled"


class RcaTrigger(StrEnum):
    COMMAND = "command"  # /sla why <id>
    BUTTON = "button"  # Start 5-Why on the resolve message
    AUTO = "auto"  # the incident consumed more than 20% of an objective's budget


class FishboneCategory(StrEnum):
    """Ishikawa categories of a root cause, in the order the buttons show them."""

    PEOPLE = "people"
    PROCESS = "process"
    TECHNOLOGY = "technology"
    DEPENDENCIES = "dependencies"
    MEASUREMENT = "measurement"
    ENVIRONMENT = "environment"


class ActionItemStatus(StrEnum):
    OPEN = "open"
    DONE = "done"


class Rca(SQLModel, table=True):
    """One 5-Why of one incident, run in a Slack thread (the incident's)."""

    __tablename__ = "rca"

    id: int = Field(default=None, primary_key=True)
    incident_id: int = Field(
        sa_column=Column(Integer, ForeignKey("incident.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    running_incident_id: int | None = Field(default=None, sa_column=Column(Integer, nullable=True, unique=True))
    stage: RcaStage = Field(default=RcaStage.WHYS, sa_column=enum_column(RcaStage, 12))
    trigger: RcaTrigger = Field(sa_column=enum_column(RcaTrigger, 12))
    channel_id: str = Field(max_length=32)
    thread_ts: str = Field(max_length=32, index=True)
    category: FishboneCategory | None = Field(default=None, sa_column=enum_column(FishboneCategory, 16, nullable=True))
    # the outbox row showing the category/actions message while it applies (kept by slabot.notify.rca)
    wrap_up_key: str | None = Field(default=None, max_length=200)
    started_by: str = Field(max_length=32)
    started_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    finished_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    finished_by: str | None = Field(default=None, max_length=32)
    version: int = Field(default=0)  # bumped on every change; names the messages the change posts


class RcaWhy(SQLModel, table=True):
    """The answer to "Why n/5"; message_ts is the reply it came from, so an edit of that reply updates it."""

    __tablename__ = "rca_why"

    rca_id: int = Field(sa_column=Column(Integer, ForeignKey("rca.id", ondelete="CASCADE"), primary_key=True))
    position: int = Field(sa_column=Column(SmallInteger, primary_key=True, autoincrement=False))
    question: str = Field(sa_column=Column(Text, nullable=False))
    answer: str = Field(sa_column=Column(Text, nullable=False))
    answered_by: str = Field(max_length=32)
    answered_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    message_ts: str = Field(max_length=32)


class ActionItem(SQLModel, table=True):
    """Something to change so the incident does not happen again: what, who, by when."""

    __tablename__ = "action_item"

    id: int = Field(default=None, primary_key=True)
    incident_id: int = Field(
        sa_column=Column(Integer, ForeignKey("incident.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    rca_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("rca.id", ondelete="SET NULL"), nullable=True)
    )
    text: str = Field(max_length=ACTION_TEXT_MAX)
    owner_id: str = Field(max_length=32)
    due: date = Field(sa_column=Column(Date, nullable=False))
    status: ActionItemStatus = Field(
        default=ActionItemStatus.OPEN, sa_column=enum_column(ActionItemStatus, 8, index=True)
    )
    message_ts: str | None = Field(default=None, max_length=32)  # the thread reply it came from
    created_by: str = Field(max_length=32)
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))
    done_by: str | None = Field(default=None, max_length=32)
    done_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
