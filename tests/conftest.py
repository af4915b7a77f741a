"""Shared fixtures: a migrated database with empty tables per test (SQLite always: a copy of a template
migrated once per session; Postgres too when SLABOT_TEST_DATABASE_URL is set), the local Slack stand-in,
a clock the test moves, and the real Bolt app wired to all three."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text
from sqlmodel import SQLModel

import storage.models  # noqa: F401  (every table registered in SQLModel.metadata)
from slabot.config.runtime import Runtime
from slabot.config.settings import Settings
from slabot.devtools.localslack import LocalSlack
from slabot.notify.delivery import Deliverer
from slabot.notify.outcomes import create_delivery_client
from storage.db import Database
from tests.driver import SlackDriver

PG_URL = os.environ.get("SLABOT_TEST_DATABASE_URL", "").strip()
BACKENDS = ["sqlite", *(["postgres"] if PG_URL else [])]
# Every table, children before their parents; the tests on Postgres empty them.
TABLES = [table.name for table in reversed(SQLModel.metadata.sorted_tables)]


E2E = Path(__file__).parent / "e2e"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Everything under tests/e2e (subprocesses, real servers) is slow: `-m "not slow"` leaves it out."""
    for item in items:
        if E2E in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.slow)


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing from the developer's shell leaks in (SLACK_CLIENT_ID would switch Bolt to OAuth)."""
    for name in list(os.environ):
        if (name.startswith(("SLACK_", "SLABOT_")) and name != "SLABOT_TEST_DATABASE_URL") or name in (
            "DATABASE_URL",
            "PORT",
        ):
            monkeypatch.delenv(name, raising=False)


class FakeClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 11, 21, 12, 0, tzinfo=UTC))


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to head once per session; each test gets a copy of it (a file copy costs a
    millisecond where running the migrations costs a tenth of a second)."""
    path = tmp_path_factory.mktemp("template") / "slabot.db"
    template = Database(f"sqlite:///{path}")
    try:
        template.upgrade()
        with template.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")  # the write-ahead log into the file
    finally:
        template.dispose()  # the last connection closing removes the -wal and -shm files
    beside = sorted(p.name for p in path.parent.iterdir() if p != path)
    if beside:
        raise RuntimeError(f"the template {path} is not one file: {beside} beside it would be left out of copies")
    return path


class _PostgresReset:
    """Brings the session's Postgres database back to empty tables and ids from 1, before each test.

    TRUNCATE gives a table a new, empty file, so rows come back in the order they were inserted, as on a fresh
    database (DELETE would leave the old pages to be reused); but it costs about 2.5 ms a table, 60 ms for all
    of them. So only the tables written to since the last reset are truncated (with the tables that reference
    them, as TRUNCATE requires): a table nobody wrote to has no page on disk. Every id sequence is restarted,
    also one that an insert which failed early moved on."""

    def __init__(self, db: Database) -> None:
        self.db = db
        with db.engine.connect() as connection:
            self.sequences = list(
                connection.execute(
                    text(
                        "SELECT pg_get_serial_sequence(format('%I', table_name), column_name)"
                        " FROM information_schema.columns"
                        " WHERE table_schema = current_schema() AND table_name = ANY(:tables)"
                        " AND pg_get_serial_sequence(format('%I', table_name), column_name) IS NOT NULL"
                    ),
                    {"tables": TABLES},
                ).scalars()
            )

    def __call__(self) -> None:
        with self.db.engine.begin() as connection:
            # a transaction an earlier test left open fails this test within 10 s instead of hanging the run
            connection.exec_driver_sql("SET LOCAL lock_timeout = '10s'")
            written = connection.execute(
                text(
                    "SELECT name FROM unnest(CAST(:tables AS text[])) AS name"
                    " WHERE pg_relation_size(CAST(name AS regclass)) > 0"
                ),
                {"tables": TABLES},
            ).scalars()
            names = ", ".join(f'"{table}"' for table in written)
            if names:
                connection.exec_driver_sql(f"TRUNCATE {names} CASCADE")
            connection.execute(
                text("SELECT setval(CAST(name AS regclass), 1, false) FROM unnest(CAST(:names AS text[])) AS name"),
                {"names": self.sequences},
            )


def _drop_every_table(db: Database) -> None:
    """Whatever an earlier run (of this branch or another) left in the schema goes, so migrations start clean."""
    with db.engine.begin() as connection:
        tables = connection.execute(
            text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
        ).scalars()
        names = ", ".join(f'"{table}"' for table in tables)
        if names:
            connection.exec_driver_sql(f"DROP TABLE {names} CASCADE")


def _worker_url(url: str) -> str:
    """The database this pytest worker uses: SLABOT_TEST_DATABASE_URL's own without pytest-xdist, else one per
    worker beside it (test_gw0, test_gw1, ...), created on first use, so workers never empty each other's."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker:
        return url
    base = make_url(url)
    name = f"{base.database}_{worker}"
    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            exists = connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name})
            if exists.first() is None:
                connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    finally:
        engine.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def _postgres() -> Iterator[Database | None]:
    """This worker's database on the server SLABOT_TEST_DATABASE_URL names, migrated to head once per session,
    or None without it."""
    if not PG_URL:
        yield None
        return
    db = Database(_worker_url(PG_URL))
    _drop_every_table(db)
    db.upgrade()
    yield db
    db.dispose()


@pytest.fixture(scope="session")
def _postgres_reset(_postgres: Database | None) -> _PostgresReset | None:
    """What empties the session's Postgres database before each test; None without Postgres."""
    return None if _postgres is None else _PostgresReset(_postgres)


@pytest.fixture(scope="session")
def _sqlite(tmp_path_factory: pytest.TempPathFactory, _sqlite_template: Path) -> Iterator[Database]:
    """The session's SQLite Database: one engine, so SQLAlchemy compiles each statement once per run rather
    than once per test (about 2 ms a statement); each test gets a fresh copy of the template under it."""
    db = Database(f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'slabot.db'}")
    yield db
    db.dispose()


def _fresh_copy(db: Database, template: Path) -> None:
    """The pool's connections to the last test's file are closed and the file replaced by a copy of the
    template: a new file (a connection a test left open keeps the old one), with no write-ahead log beside it."""
    db.dispose()
    path = Path(str(db.url.database))
    for old in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        old.unlink(missing_ok=True)
    shutil.copyfile(template, path)


@pytest.fixture(params=BACKENDS)
def database(
    request: pytest.FixtureRequest,
    _sqlite: Database,
    _sqlite_template: Path,
    _postgres: Database | None,
    _postgres_reset: _PostgresReset | None,
) -> Iterator[Database]:
    """A database at head with empty tables: on SQLite a fresh copy of the session's template; on Postgres the
    session's database, emptied before the test."""
    if request.param == "sqlite":
        _fresh_copy(_sqlite, _sqlite_template)
        yield _sqlite
        _sqlite.dispose()
        return
    assert _postgres is not None and _postgres_reset is not None
    _postgres_reset()
    yield _postgres


@pytest.fixture
def settings() -> Settings:
    return Settings(bot_token="xoxb-test", signing_secret="test-signing-secret")


@pytest.fixture
def runtime(settings: Settings, database: Database, clock: FakeClock) -> Runtime:
    return Runtime(settings=settings, db=database, clock=clock)


@pytest.fixture
def slack() -> Iterator[LocalSlack]:
    with LocalSlack() as local:
        yield local


@pytest.fixture
def driver(runtime: Runtime, slack: LocalSlack) -> SlackDriver:
    return SlackDriver(runtime, slack)


@pytest.fixture
def deliverer(runtime: Runtime, slack: LocalSlack, clock: FakeClock) -> Deliverer:
    """Sends the outbox to the local Slack, with the client the scheduler uses."""
    client = create_delivery_client("xoxb-test", slack.base_url)
    return Deliverer(runtime.db, client, clock)
