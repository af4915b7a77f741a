"""Root-cause analysis: 5-Why conversations and their answers, action items, CSAT ratings, handled events.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rca",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("incident_id", sa.Integer(), sa.ForeignKey("incident.id", ondelete="CASCADE"), nullable=False),
        sa.Column("running_incident_id", sa.Integer(), nullable=True, unique=True),
        sa.Column("stage", sa.String(12), nullable=False),
        sa.Column("trigger", sa.String(12), nullable=False),
        sa.Column("channel_id", sa.String(32), nullable=False),
        sa.Column("thread_ts", sa.String(32), nullable=False),
        sa.Column("category", sa.String(16), nullable=True),
        sa.Column("wrap_up_key", sa.String(200), nullable=True),
        sa.Column("started_by", sa.String(32), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.Column("finished_by", sa.String(32), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
    )
    op.create_index("ix_rca_incident_id", "rca", ["incident_id"])
    op.create_index("ix_rca_thread_ts", "rca", ["thread_ts"])
    op.create_table(
        "rca_why",
        sa.Column("rca_id", sa.Integer(), sa.ForeignKey("rca.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("position", sa.SmallInteger(), primary_key=True, autoincrement=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("answered_by", sa.String(32), nullable=False),
        sa.Column("answered_at", UTCDateTime(), nullable=False),
        sa.Column("message_ts", sa.String(32), nullable=False),
    )
    op.create_table(
        "action_item",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("incident_id", sa.Integer(), sa.ForeignKey("incident.id", ondelete="CASCADE"), nullable=False),
        sa.Column("rca_id", sa.Integer(), sa.ForeignKey("rca.id", ondelete="SET NULL"), nullable=True),
        sa.Column("text", sa.String(500), nullable=False),
        sa.Column("owner_id", sa.String(32), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("message_ts", sa.String(32), nullable=True),
        sa.Column("created_by", sa.String(32), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("done_by", sa.String(32), nullable=True),
        sa.Column("done_at", UTCDateTime(), nullable=True),
    )
    op.create_index("ix_action_item_incident_id", "action_item", ["incident_id"])
    op.create_index("ix_action_item_status", "action_item", ["status"])
    op.create_table(
        "csat_rating",
        sa.Column("incident_id", sa.Integer(), sa.ForeignKey("incident.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("user_id", sa.String(32), nullable=False),
        sa.Column("rating", sa.SmallInteger(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("rated_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "slack_event",
        sa.Column("event_id", sa.String(64), primary_key=True),
        sa.Column("received_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_slack_event_received_at", "slack_event", ["received_at"])


def downgrade() -> None:
    for table in ("slack_event", "csat_rating", "action_item", "rca_why", "rca"):
        op.drop_table(table)
