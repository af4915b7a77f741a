"""The outbox carries every message about an incident: messages seen by one person (the satisfaction survey)
get a user_id and a longer action, and each incident announced before (straight through the client) gets its
announcement as a delivered row, so later notes and edits name it as their parent.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("user_id", sa.String(32), nullable=True))
        batch.alter_column("action", existing_type=sa.String(8), type_=sa.String(12), existing_nullable=False)
    op.execute(
        sa.text(
            "INSERT INTO outbox (key, action, channel_id, text, blocks, status, attempts, next_attempt_at, "
            "uncertain, ts, created_at, delivered_at) "
            "SELECT 'incident:' || incident.id, 'post', incident.channel_id, '', '[]', 'delivered', 1, "
            "incident.created_at, FALSE, incident.thread_ts, incident.created_at, incident.created_at "
            "FROM incident WHERE incident.thread_ts IS NOT NULL AND incident.channel_id IS NOT NULL "
            "AND NOT EXISTS (SELECT 1 FROM outbox WHERE outbox.key = 'incident:' || incident.id)"
        )
    )


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.alter_column("action", existing_type=sa.String(12), type_=sa.String(8), existing_nullable=False)
        batch.drop_column("user_id")
