"""Service credits and monthly reports: objective.credits (an SLA's credit schedule, normalised text, empty for
none); digest.every (week, month or day) and day_of_month, one digest per channel and period instead of one per
channel; digest_run.period and formats (what a run posts: slack, pdf, csv). Existing rows are weekly, in Slack.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-20
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

# SQLite's inline UNIQUE has no name: batch mode names it by this convention so it can be dropped.
_SQLITE_NAMES = {"uq": "uq_%(table_name)s_%(column_0_name)s"}
_POSTGRES_CHANNEL_UNIQUE = "digest_channel_id_key"  # what Postgres called 0004's unique=True


def _digest_table() -> tuple[str, dict[str, object]]:
    """The name of digest's one-per-channel constraint, and the batch options that can see it."""
    if op.get_bind().dialect.name == "sqlite":
        return "uq_digest_channel_id", {"naming_convention": _SQLITE_NAMES}
    return _POSTGRES_CHANNEL_UNIQUE, {}


def upgrade() -> None:
    with op.batch_alter_table("objective") as table:
        table.add_column(sa.Column("credits", sa.Text(), nullable=True))
    name, options = _digest_table()
    with op.batch_alter_table("digest", **options) as table:  # type: ignore[arg-type]
        table.drop_constraint(name, type_="unique")
        table.add_column(sa.Column("every", sa.String(8), nullable=False, server_default="week"))
        table.add_column(sa.Column("day_of_month", sa.SmallInteger(), nullable=False, server_default="1"))
        table.create_unique_constraint("uq_digest_channel_every", ["channel_id", "every"])
    with op.batch_alter_table("digest_run") as table:
        table.add_column(sa.Column("period", sa.String(8), nullable=False, server_default="week"))
        table.add_column(sa.Column("formats", sa.String(32), nullable=False, server_default="slack"))


def downgrade() -> None:
    with op.batch_alter_table("digest_run") as table:
        table.drop_column("formats")
        table.drop_column("period")
    op.execute("DELETE FROM digest WHERE every <> 'week'")
    name, options = _digest_table()
    with op.batch_alter_table("digest", **options) as table:  # type: ignore[arg-type]
        table.drop_constraint("uq_digest_channel_every", type_="unique")
        table.drop_column("day_of_month")
        table.drop_column("every")
        table.create_unique_constraint(name, ["channel_id"])
    with op.batch_alter_table("objective") as table:
        table.drop_column("credits")
