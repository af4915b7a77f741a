"""Prometheus servers by name and metrics that went missing: prometheus_datasource holds the OpenSLO
DataSources objectives name (name → URL; never a secret), and prometheus_source gains since when a query
has had no series while the server answered (missing_since) and which one (missing_query).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "prometheus_datasource",
        sa.Column("name", sa.String(63), primary_key=True),
        sa.Column("url", sa.String(500), nullable=False),
    )
    with op.batch_alter_table("prometheus_source") as table:
        table.add_column(sa.Column("missing_since", UTCDateTime(), nullable=True))
        table.add_column(sa.Column("missing_query", sa.Text(), nullable=True))
        table.create_foreign_key(
            "fk_prometheus_source_datasource", "prometheus_datasource", ["datasource"], ["name"], ondelete="RESTRICT"
        )


def downgrade() -> None:
    with op.batch_alter_table("prometheus_source") as table:
        table.drop_constraint("fk_prometheus_source_datasource", type_="foreignkey")
        table.drop_column("missing_query")
        table.drop_column("missing_since")
    op.drop_table("prometheus_datasource")
