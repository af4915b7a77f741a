"""Burn-rate alerting: each objective's stored rules, its alerts (one Slack message each), silences, and the
error-budget band it was last told about."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import Column, ForeignKey, Integer, String, Text
from sqlmodel import Field, SQLModel

from storage.types import ExactDecimal, UTCDateTime, enum_column, objective_key


class AlertSeverity(StrEnum):
    PAGE = "page"
    TICKET = "ticket"


class AlertRule(SQLModel, table=True):
    """One multi-window burn-rate pair of an objective's alert rules; none stored means the defaults."""

    __tablename__ = "alert_rule"

    id: int = Field(default=None, primary_key=True)
    objective_id: int = Field(
        sa_column=Column(Integer, ForeignKey("objective.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    severity: AlertSeverity = Field(sa_column=enum_column(AlertSeverity, 8))
    long_seconds: int
    short_seconds: int
    budget_percent: Decimal = Field(sa_column=Column(ExactDecimal, nullable=False))


class Alert(SQLModel, table=True):
    """One firing burn-rate alert of an objective: one Slack message, updated until it resolves.

    open_objective_id equals objective_id while the alert is open (unique: one open alert per objective).
    """

    __tablename__ = "alert"

    id: int = Field(default=None, primary_key=True)
    objective_id: int = Field(
        sa_column=Column(Integer, ForeignKey("objective.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    open_objective_id: int | None = Field(default=None, sa_column=Column(Integer, nullable=True, unique=True))
    severity: AlertSeverity = Field(sa_column=enum_column(AlertSeverity, 8))
    rules: str = Field(max_length=300)  # the pairs firing at the last evaluation, e.g. "page:2%:1h/5m"
    # The figures the message shows, exact (JSON, see slabot.alerting.figures); NULL for an alert stored
    # before migration 0007, when they were display text: never re-rendered until a pass refreshes them.
    figures: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
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

    objective_id: int = Field(sa_column=objective_key())
    rule: str = Field(sa_column=Column(String(64), primary_key=True))
    until: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    created_by: str = Field(max_length=32)


class BudgetLevel(SQLModel, table=True):
    """The error-budget band an objective was last told about (100, 50, 25 or 0 % left) and how many
    crossings it has had, so each crossing is announced once."""

    __tablename__ = "budget_level"

    objective_id: int = Field(sa_column=objective_key())
    level: int
    crossings: int = Field(default=0)
    changed_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
