"""The language each reader gets: language_choice (a person's or a channel's own, by scope and Slack id) and
slack_locale (a person's Slack locale as users.info last gave it).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-15
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "language_choice",
        sa.Column("scope", sa.String(8), primary_key=True),
        sa.Column("slack_id", sa.String(32), primary_key=True),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("chosen_by", sa.String(32), nullable=False),
        sa.Column("chosen_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "slack_locale",
        sa.Column("user_id", sa.String(32), primary_key=True),
        sa.Column("locale", sa.String(16), nullable=False),
        sa.Column("fetched_at", UTCDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("slack_locale")
    op.drop_table("language_choice")
