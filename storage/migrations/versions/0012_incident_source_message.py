"""The Slack message an incident was opened from (the "Open incident from this message" shortcut): incident
gains its channel (source_channel_id) and ts (source_ts), both empty for incidents opened otherwise.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("incident") as table:
        table.add_column(sa.Column("source_channel_id", sa.String(32), nullable=True))
        table.add_column(sa.Column("source_ts", sa.String(32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("incident") as table:
        table.drop_column("source_ts")
        table.drop_column("source_channel_id")
