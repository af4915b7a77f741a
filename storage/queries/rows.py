"""Writing a row once (INSERT … ON CONFLICT DO NOTHING) or as the latest word (ON CONFLICT DO UPDATE): the same
statement on SQLite and Postgres."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, SQLModel


def _insert(session: Session) -> Any:
    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


def insert_ignore(session: Session, table: type[SQLModel], values: Mapping[str, Any]) -> bool:
    """INSERT the row unless its key is taken (ON CONFLICT DO NOTHING); True when this call inserted it."""
    sa_table = table.__table__  # type: ignore[attr-defined]
    statement = _insert(session)(sa_table).values(**values).on_conflict_do_nothing()
    statement = statement.returning(*sa_table.primary_key.columns)
    return session.execute(statement).first() is not None


def upsert(session: Session, table: type[SQLModel], values: Mapping[str, Any]) -> None:
    """INSERT the row, or (its key taken) set its other columns to `values`: one statement, so two writers never
    both insert and the last one's values stand."""
    sa_table = table.__table__  # type: ignore[attr-defined]
    keys = [column.name for column in sa_table.primary_key.columns]
    statement = _insert(session)(sa_table).values(**values)
    updates = {name: statement.excluded[name] for name in values if name not in keys}
    session.execute(statement.on_conflict_do_update(index_elements=keys, set_=updates))
