"""Event-based SLIs: per-minute counts with rollups, budgeting methods, maintenance windows, alert policies.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage.types import ExactDecimal, UTCDateTime

revision = "0002"
down_revision = "0001"
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
    with op.batch_alter_table("objective") as batch:
        batch.add_column(sa.Column("budgeting", sa.String(16), nullable=False, server_default="occurrences"))
        batch.add_column(sa.Column("slice_target_percent", ExactDecimal(), nullable=True))
        batch.add_column(sa.Column("min_events", sa.Integer(), nullable=False, server_default="100"))
    op.create_table(
        "sli_minute",
        _objective_fk(primary_key=True),
        sa.Column("epoch_minute", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("good", sa.BigInteger(), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.Column("good_slice", sa.SmallInteger(), nullable=False),
        sqlite_with_rowid=False,  # clustered on the primary key: range sums read neighbouring rows
    )
    op.create_table(
        "sli_rollup",
        _objective_fk(primary_key=True),
        sa.Column("span_minutes", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("start_minute", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("good", sa.BigInteger(), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.Column("good_slices", sa.Integer(), nullable=False),
        sa.Column("slices", sa.Integer(), nullable=False),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "maintenance_window",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("service_id", sa.Integer(), sa.ForeignKey("service.id", ondelete="CASCADE"), nullable=False),
        sa.Column("objective_id", sa.Integer(), sa.ForeignKey("objective.id", ondelete="CASCADE"), nullable=True),
        sa.Column("starts_at", UTCDateTime(), nullable=False),
        sa.Column("ends_at", UTCDateTime(), nullable=False),
        sa.Column("reason", sa.String(300), nullable=True),
        sa.Column("created_by", sa.String(32), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_maintenance_window_service_id", "maintenance_window", ["service_id"])
    op.create_table(
        "alert_rule",
        sa.Column("id", sa.Integer(), primary_key=True),
        _objective_fk(primary_key=False),
        sa.Column("severity", sa.String(8), nullable=False),
        sa.Column("long_seconds", sa.Integer(), nullable=False),
        sa.Column("short_seconds", sa.Integer(), nullable=False),
        sa.Column("budget_percent", ExactDecimal(), nullable=False),
    )
    op.create_index("ix_alert_rule_objective_id", "alert_rule", ["objective_id"])


def downgrade() -> None:
    op.drop_table("alert_rule")
    op.drop_table("maintenance_window")
    op.drop_table("sli_rollup")
    op.drop_table("sli_minute")
    with op.batch_alter_table("objective") as batch:
        batch.drop_column("min_events")
        batch.drop_column("slice_target_percent")
        batch.drop_column("budgeting")
