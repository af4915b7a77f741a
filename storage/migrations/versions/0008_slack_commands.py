"""Slash command invocations are recorded once (slack_command: trigger_id with response_url) before they run,
so a signed request replayed within Slack's five minutes runs nothing (it opened a second incident).
Rows are pruned after a day, with the Events API event_ids beside them.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "slack_command",
        sa.Column("trigger_id", sa.String(128), primary_key=True),
        sa.Column("response_url", sa.String(512), primary_key=True),
        sa.Column("received_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_slack_command_received_at", "slack_command", ["received_at"])


def downgrade() -> None:
    op.drop_index("ix_slack_command_received_at", table_name="slack_command")
    op.drop_table("slack_command")
