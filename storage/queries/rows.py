"""Writing a row once: INSERT … ON CONFLICT DO NOTHING, the same statement on SQLite and Postgres."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, SQLModel


def insert_ignore(session: Session, table: type[SQLModel], values: Mapping[str, Any]) -> bool:
    """INSERT the row unless its key is taken (ON CONFLICT DO NOTHING); True when this call inserted it."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    sa_table = table.__table__  # type: ignore[attr-defined]
    statement = insert(sa_table).values(**values).on_conflict_do_nothing().returning(*sa_table.primary_key.columns)
    return session.execute(statement).first() is not None
