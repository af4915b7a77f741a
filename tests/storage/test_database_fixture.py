"""The `database` fixture's promise: each test starts at head with empty tables and ids from 1, whatever the
test before it wrote (SQLite: a copy of the session's template; Postgres: the written tables truncated)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import text

from storage.db import Database
from storage.models.catalog import Objective, Service
from tests.conftest import PG_URL, TABLES, _fresh_copy, _PostgresReset


def add_services(db: Database, *names: str) -> list[int]:
    with db.session() as session:
        rows = [Service(name=name, created_by="U0TEST") for name in names]
        session.add_all(rows)
        session.flush()
        return [row.id for row in rows]


def assert_fresh(db: Database) -> None:
    with db.engine.connect() as connection:
        revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
        counts = {table: connection.execute(text(f'SELECT count(*) FROM "{table}"')).scalar_one() for table in TABLES}
    assert revision == ScriptDirectory.from_config(db.alembic_config()).get_current_head()
    assert counts == dict.fromkeys(TABLES, 0)


def test_a_test_starts_at_head_with_empty_tables_and_ids_from_one(database: Database) -> None:
    assert_fresh(database)
    assert add_services(database, "checkout", "search") == [1, 2]


def test_what_a_test_wrote_is_gone_for_the_next_one(
    database: Database, _sqlite_template: Path, _postgres_reset: _PostgresReset | None
) -> None:
    ids = add_services(database, "checkout", "search", "payments")
    with database.session() as session:  # and rows in a table below service
        session.add_all(
            Objective(service_id=i, name="api", target_percent=Decimal("99.9"), created_by="U0T") for i in ids
        )
    # what the fixture does before the next test
    if database.is_sqlite:  # a fresh copy of the template, which was not written through this test
        _fresh_copy(database, _sqlite_template)
    else:
        assert _postgres_reset is not None
        _postgres_reset()
    assert_fresh(database)
    assert add_services(database, "ledger") == [1]


@pytest.mark.skipif(not PG_URL, reason="needs Postgres (SLABOT_TEST_DATABASE_URL)")
@pytest.mark.parametrize("database", ["postgres"], indirect=True)
def test_a_sequence_moved_without_a_row_written_starts_from_one_again(
    database: Database, _postgres_reset: _PostgresReset
) -> None:
    with database.engine.begin() as connection:
        connection.execute(text("SELECT nextval(pg_get_serial_sequence('service', 'id'))"))
    _postgres_reset()
    assert add_services(database, "checkout") == [1]
