"""An alert keeps the figures its message shows as exact numbers (alert.figures, JSON of ints and fractions)
instead of display text (alert.snapshot: "16.67", "13m 12s of 43m 12s (30.6%)").

Display text cannot be turned back into exact numbers, so the old snapshots are dropped and every alert
stored before starts with no figures (NULL). Nothing breaks for it: an open one gets its figures from the
next evaluation pass (from its pairs' verdicts then), which edits its message; until then, and for a
resolved one for good, its message keeps what Slack last showed, as nothing re-renders an alert without
figures. Downgrading gives every alert an empty snapshot ("{}"): the figures are lost.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("alert") as batch:
        batch.add_column(sa.Column("figures", sa.Text(), nullable=True))
        batch.drop_column("snapshot")


def downgrade() -> None:
    with op.batch_alter_table("alert") as batch:
        batch.add_column(sa.Column("snapshot", sa.Text(), nullable=False, server_default="{}"))
        batch.drop_column("figures")
