"""Alerts and on-call pings: the outbox, burn-rate alerts and silences, budget levels, business calendars,
severity targets, incident pauses and SLA breaches.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _objective_fk(primary_key: bool) -> sa.Column:
    return sa.Column(
        "objective_id",
        sa.Integer(),
        sa.ForeignKey("objective.id", ondelete="CASCADE"),
        primary_key=primary_key,
        nullable=False,
    )


def upgrade() -> None:
    with op.batch_alter_table("incident") as batch:
        batch.add_column(sa.Column("paused_at", UTCDateTime(), nullable=True))
    op.create_table(
        "severity_target",
        sa.Column("severity", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("response", sa.String(32), nullable=False),
        sa.Column("resolution", sa.String(32), nullable=False),
        sa.Column("calendar", sa.String(64), nullable=False),
        sa.Column("updated_by", sa.String(32), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "business_calendar",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(64), nullable=False, unique=True),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("hours", sa.String(300), nullable=False),
        sa.Column("country", sa.String(8), nullable=True),
        sa.Column("created_by", sa.String(32), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "calendar_day",
        sa.Column(
            "calendar_id",
            sa.Integer(),
            sa.ForeignKey("business_calendar.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("created_by", sa.String(32), nullable=False),
    )
    op.create_table(
        "sla_breach",
        sa.Column("incident_id", sa.Integer(), sa.ForeignKey("incident.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("timer", sa.String(16), primary_key=True),
        sa.Column("severity", sa.Integer(), nullable=False),
        sa.Column("target_seconds", sa.Integer(), nullable=False),
        sa.Column("due_at", UTCDateTime(), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("key", sa.String(200), nullable=False, unique=True),
        sa.Column("action", sa.String(8), nullable=False),
        sa.Column("channel_id", sa.String(32), nullable=False),
        sa.Column("thread_ts", sa.String(32), nullable=True),
        sa.Column("parent_key", sa.String(200), nullable=True),
        sa.Column("target_key", sa.String(200), nullable=True, index=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("blocks", sa.Text(), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTCDateTime(), nullable=False),
        sa.Column("claimed_at", UTCDateTime(), nullable=True),
        sa.Column("uncertain", sa.Boolean(), nullable=False),
        sa.Column("last_error", sa.String(200), nullable=True),
        sa.Column("ts", sa.String(32), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("delivered_at", UTCDateTime(), nullable=True),
    )
    op.create_index("ix_outbox_due", "outbox", ["status", "next_attempt_at"])
    op.create_table(
        "alert",
        sa.Column("id", sa.Integer(), primary_key=True),
        _objective_fk(primary_key=False),
        sa.Column("open_objective_id", sa.Integer(), nullable=True, unique=True),
        sa.Column("severity", sa.String(8), nullable=False),
        sa.Column("rules", sa.String(300), nullable=False),
        sa.Column("snapshot", sa.Text(), nullable=False),
        sa.Column("opened_at", UTCDateTime(), nullable=False),
        sa.Column("last_firing_at", UTCDateTime(), nullable=False),
        sa.Column("clear_since", UTCDateTime(), nullable=True),
        sa.Column("resolved_at", UTCDateTime(), nullable=True),
        sa.Column("acknowledged_by", sa.String(32), nullable=True),
        sa.Column("acknowledged_at", UTCDateTime(), nullable=True),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
    )
    op.create_index("ix_alert_objective_id", "alert", ["objective_id"])
    op.create_table(
        "alert_silence",
        _objective_fk(primary_key=True),
        sa.Column("rule", sa.String(64), primary_key=True),
        sa.Column("until", UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.String(32), nullable=False),
    )
    op.create_table(
        "budget_level",
        _objective_fk(primary_key=True),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("crossings", sa.Integer(), nullable=False),
        sa.Column("changed_at", UTCDateTime(), nullable=False),
    )


def downgrade() -> None:
    for table in (
        "budget_level",
        "alert_silence",
        "alert",
        "outbox",
        "sla_breach",
        "calendar_day",
        "business_calendar",
        "severity_target",
    ):
        op.drop_table(table)
    with op.batch_alter_table("incident") as batch:
        batch.drop_column("paused_at")
