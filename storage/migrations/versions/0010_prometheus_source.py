"""Objectives pulled from Prometheus: prometheus_source holds one objective's good (or bad) and total
queries, the OpenSLO DataSource it names (nullable: SLABOT_PROMETHEUS_URL), how far the pull has come and
since when the server has not answered.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "prometheus_source",
        sa.Column("objective_id", sa.Integer(), sa.ForeignKey("objective.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("good_query", sa.Text(), nullable=True),
        sa.Column("bad_query", sa.Text(), nullable=True),
        sa.Column("total_query", sa.Text(), nullable=False),
        sa.Column("datasource", sa.String(63), nullable=True),
        sa.Column("pulled_until", UTCDateTime(), nullable=True),
        sa.Column("unavailable_since", UTCDateTime(), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("prometheus_source")
