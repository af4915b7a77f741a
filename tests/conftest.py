"""Shared fixtures: a migrated database (SQLite always, Postgres when SLABOT_TEST_DATABASE_URL is set),
the local Slack stand-in, a clock the test moves, and the real Bolt app wired to all three."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from slabot.config.runtime import Runtime
from slabot.config.settings import Settings
from slabot.devtools.localslack import LocalSlack
from slabot.notify.delivery import Deliverer
from slabot.notify.outcomes import create_delivery_client
from storage.db import Database
from tests.driver import SlackDriver

PG_URL = os.environ.get("SLABOT_TEST_DATABASE_URL", "").strip()
BACKENDS = ["sqlite", *(["postgres"] if PG_URL else [])]
TABLES = [
    "slack_event",
    "csat_rating",
    "action_item",
    "rca_why",
    "rca",
    "digest_run",
    "digest_service",
    "digest",
    "outbox_file",
    "budget_level",
    "alert_silence",
    "alert",
    "outbox",
    "sla_breach",
    "calendar_day",
    "business_calendar",
    "severity_target",
    "alert_rule",
    "maintenance_window",
    "sli_rollup",
    "sli_minute",
    "incident_event",
    "incident",
    "objective",
    "service",
]


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
def _postgres() -> Iterator[Database | None]:
    if not PG_URL:
        yield None
        return
    db = Database(PG_URL)
    with db.engine.begin() as connection:
        connection.execute(text(f"DROP TABLE IF EXISTS {', '.join([*TABLES, 'alembic_version'])}"))
    db.upgrade()
    yield db
    db.dispose()


@pytest.fixture(params=BACKENDS)
def database(request: pytest.FixtureRequest, tmp_path: Path, _postgres: Database | None) -> Iterator[Database]:
    if request.param == "sqlite":
        db = Database(f"sqlite:///{tmp_path / 'slabot.db'}")
        db.upgrade()
        yield db
        db.dispose()
        return
    assert _postgres is not None
    with _postgres.engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE"))
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
