"""The outbox carries messages seen by one person (the satisfaction survey): a user_id, and a longer action.

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


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.alter_column("action", existing_type=sa.String(12), type_=sa.String(8), existing_nullable=False)
        batch.drop_column("user_id")
