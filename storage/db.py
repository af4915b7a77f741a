"""The engine, sessions and schema upgrades. One Database object per process, passed to whoever needs it."""

from __future__ import annotations

import sqlite3
import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, exc, text
from sqlalchemy.engine import make_url
from sqlmodel import Session

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# Any constant works; it only has to be the same for every replica upgrading the same database.
_MIGRATION_LOCK_KEY = 0x51AB07
# In-process locks stand in for advisory locks on SQLite, which one process serves.
_LOCAL_LOCKS: dict[str, threading.Lock] = {}
_LOCAL_LOCKS_GUARD = threading.Lock()


def lock_key(name: str) -> int:
    """A stable 63-bit key for pg_try_advisory_lock, the same in every replica."""
    return 0x51AB << 32 | zlib.crc32(name.encode())


# What SQLite says when the file cannot be used right now (its OperationalError also covers bad SQL).
_SQLITE_UNREACHABLE = ("database is locked", "unable to open database file", "disk i/o error", "database is busy")


def is_unreachable(error: BaseException) -> bool:
    """True when `error` (or one it was raised from) says the database cannot be reached right now: a connection
    refused, cut or invalidated, the pool timing out, Postgres shutting down, SQLite's file locked past its
    busy timeout. Then nothing was changed and the same request can succeed in a minute. The one place that
    tells an outage from a bug, for every edge (Slack listeners, the ingest API, /healthz)."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if _unreachable_here(current):
            return True
        current = current.__cause__ or current.__context__
    return False


def _unreachable_here(error: BaseException) -> bool:
    if isinstance(error, exc.DBAPIError) and error.connection_invalidated:
        return True
    if isinstance(error, exc.TimeoutError):  # no connection free in the pool in time
        return True
    if isinstance(error, exc.DBAPIError) and error.orig is not None and error.orig is not error:
        return _driver_unreachable(error.orig)
    if isinstance(error, exc.InterfaceError | exc.OperationalError):
        return True
    return _driver_unreachable(error)


def _driver_unreachable(error: BaseException) -> bool:
    if isinstance(error, sqlite3.OperationalError):
        return str(error).lower().startswith(_SQLITE_UNREACHABLE)
    module = type(error).__module__.split(".", 1)[0]
    if module == "psycopg":
        import psycopg

        # OperationalError: connection refused or lost, server shutting down, statement or lock timeouts;
        # InterfaceError: the connection object was already closed.
        return isinstance(error, psycopg.OperationalError | psycopg.InterfaceError)
    return False


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


class Database:
    def __init__(self, url: str) -> None:
        self.url = make_url(url)
        kwargs: dict[str, Any] = {"pool_pre_ping": True}
        if self.is_sqlite:
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": 5}
        else:
            kwargs["connect_args"] = {"connect_timeout": 5}
        self.engine: Engine = create_engine(self.url, **kwargs)
        if self.is_sqlite:
            event.listen(self.engine, "connect", _sqlite_pragmas)

    @property
    def is_sqlite(self) -> bool:
        return self.url.get_backend_name() == "sqlite"

    @property
    def is_postgres(self) -> bool:
        return self.url.get_backend_name() == "postgresql"

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: committed when the block ends, rolled back whole when it raises."""
        session = Session(self.engine, expire_on_commit=False)
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    @contextmanager
    def snapshot(self) -> Iterator[Session]:
        """A session for reading only, whose reads all see one committed state: one transaction, REPEATABLE READ
        and READ ONLY on Postgres; on SQLite BEGIN before the first read (in WAL mode the transaction then keeps
        what its first read saw). Nothing is committed; the objects read stay loaded after the block."""
        session = Session(self.engine, expire_on_commit=False)
        try:
            if self.is_postgres:
                options = {"isolation_level": "REPEATABLE READ", "postgresql_readonly": True}
                session.connection(execution_options=options)
            else:  # pysqlite opens a transaction only before a write: each read would see the latest commit
                session.connection().exec_driver_sql("BEGIN")
            yield session
        finally:
            session.close()  # ends the transaction; unlike rollback(), leaves what was read loaded

    @contextmanager
    def exclusive(self, name: str) -> Iterator[bool]:
        """Try to become the one holder of `name` for the block: True if this caller got it, False if someone
        else (another thread, or on Postgres another replica) holds it. Never waits."""
        if not self.is_postgres:
            with _LOCAL_LOCKS_GUARD:
                lock = _LOCAL_LOCKS.setdefault(f"{self.url}#{name}", threading.Lock())
            got = lock.acquire(blocking=False)
            try:
                yield got
            finally:
                if got:
                    lock.release()
            return
        with self.engine.connect() as connection:
            key = lock_key(name)
            got = bool(connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": key}).scalar())
            connection.commit()
            try:
                yield got
            finally:
                if got:
                    connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
                    connection.commit()

    def ping(self) -> bool:
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except Exception:
            return False
        return True

    def alembic_config(self) -> Config:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        config.set_main_option("sqlalchemy.url", self.url.render_as_string(hide_password=False))
        return config

    def upgrade(self, revision: str = "head") -> None:
        """Bring the schema to `revision`; replicas starting together on Postgres take turns."""
        config = self.alembic_config()
        with self.engine.begin() as connection:
            if self.is_postgres:
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK_KEY})
            config.attributes["connection"] = connection
            command.upgrade(config, revision)

    def downgrade(self, revision: str = "base") -> None:
        config = self.alembic_config()
        with self.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, revision)

    def dispose(self) -> None:
        self.engine.dispose()
