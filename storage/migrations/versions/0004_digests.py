"""Weekly digests: schedules, their services and runs; files (charts) the outbox uploads.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outbox_file",
        sa.Column("key", sa.String(200), sa.ForeignKey("outbox.key", ondelete="CASCADE"), primary_key=True),
        sa.Column("filename", sa.String(200), nullable=False),
        sa.Column("title", sa.String(250), nullable=False),
        sa.Column("alt_text", sa.String(1000), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
    )
    op.create_table(
        "digest",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("channel_id", sa.String(32), nullable=False, unique=True),
        sa.Column("weekday", sa.SmallInteger(), nullable=False),
        sa.Column("at_minute", sa.Integer(), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("created_by", sa.String(32), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "digest_service",
        sa.Column("digest_id", sa.Integer(), sa.ForeignKey("digest.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("service_id", sa.Integer(), sa.ForeignKey("service.id", ondelete="CASCADE"), primary_key=True),
    )
    op.create_table(
        "digest_run",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("once_key", sa.String(120), nullable=False, unique=True),
        sa.Column("digest_id", sa.Integer(), sa.ForeignKey("digest.id", ondelete="SET NULL"), nullable=True),
        sa.Column("channel_id", sa.String(32), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("service_ids", sa.Text(), nullable=False),
        sa.Column("requested_by", sa.String(32), nullable=True),
        sa.Column("scheduled_for", UTCDateTime(), nullable=True),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("claimed_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.Column("last_error", sa.String(300), nullable=True),
    )
    op.create_index("ix_digest_run_status", "digest_run", ["status"])


def downgrade() -> None:
    for table in ("digest_run", "digest_service", "digest", "outbox_file"):
        op.drop_table(table)
