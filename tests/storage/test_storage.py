"""Storage on SQLite and (when SLABOT_TEST_DATABASE_URL is set) Postgres: schema, exact values, UTC, atomicity."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlmodel import SQLModel, select

from slabot.core.errors import UserError
from storage.db import Database
from storage.models.catalog import Objective, Service
from storage.models.incidents import Incident
from storage.models.outbox import OutboxMessage, OutboxStatus
from storage.queries import catalog as queries
from storage.queries import incidents as incident_queries


def test_migrations_build_exactly_the_models(database: Database) -> None:
    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, SQLModel.metadata) == []


def test_upgrade_is_idempotent_and_reversible(database: Database) -> None:
    database.upgrade()
    with database.engine.connect() as connection:
        current = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    assert current == ScriptDirectory.from_config(database.alembic_config()).get_current_head()
    if database.is_sqlite:  # the shared Postgres schema stays in place for the other tests
        database.downgrade("base")
        database.upgrade()
        assert database.ping()


def test_targets_stay_exact_and_times_come_back_aware_utc(database: Database) -> None:
    berlin_noon = datetime(2026, 7, 1, 12, 0, tzinfo=timezone(timedelta(hours=2)))
    with database.session() as session:
        service = Service(name="checkout", created_by="U1")
        session.add(service)
        session.flush()
        assert service.id is not None
        session.add(Objective(service_id=service.id, name="a", target_percent=Decimal("99.95"), created_by="U1"))
        session.add(Objective(service_id=service.id, name="b", target_percent=Decimal("99.999999"), created_by="U1"))
        session.add(
            Incident(
                service_id=service.id,
                severity=1,
                title="t",
                impact_percent=Decimal("12.5"),
                started_at=berlin_noon,
                opened_by="U1",
            )
        )
    with database.session() as session:
        targets = [o.target_percent for o in session.exec(select(Objective).order_by(Objective.name))]
        incident = session.exec(select(Incident)).one()
    assert targets == [Decimal("99.95"), Decimal("99.999999")]
    assert incident.impact_percent == Decimal("12.5")
    assert incident.started_at == datetime(2026, 7, 1, 10, 0, tzinfo=UTC)
    assert incident.started_at.utcoffset() == timedelta(0)


def test_naive_datetimes_are_refused(database: Database) -> None:
    with pytest.raises(Exception, match="naive datetime"), database.session() as session:
        session.add(Service(name="x", created_by="U1", created_at=datetime(2026, 1, 1)))
        session.flush()


def test_a_failed_unit_of_work_leaves_nothing_behind(database: Database) -> None:
    with pytest.raises(UserError), database.session() as session:
        session.add(Service(name="half", created_by="U1"))
        session.flush()
        raise UserError("something later was wrong")
    with database.session() as session:
        assert queries.service_by_name(session, "half") is None


def test_overlap_query_finds_exactly_the_incidents_touching_the_window(database: Database) -> None:
    start, end = datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 11, 2, tzinfo=UTC)
    spans = {
        "before": (start - timedelta(hours=2), start - timedelta(hours=1)),
        "ends_at_start": (start - timedelta(hours=1), start),
        "straddles_start": (start - timedelta(hours=1), start + timedelta(hours=1)),
        "inside": (start + timedelta(hours=3), start + timedelta(hours=4)),
        "ongoing": (start + timedelta(hours=5), None),
        "starts_at_end": (end, None),
    }
    with database.session() as session:
        service = Service(name="s", created_by="U1")
        session.add(service)
        session.flush()
        assert service.id is not None
        for title, (began, resolved) in spans.items():
            session.add(
                Incident(
                    service_id=service.id,
                    severity=2,
                    title=title,
                    impact_percent=Decimal(100),
                    started_at=began,
                    resolved_at=resolved,
                    opened_by="U1",
                )
            )
    with database.session() as session:
        found = incident_queries.incidents_overlapping(session, [service.id], start, end)
    assert [i.title for i in found] == ["straddles_start", "inside", "ongoing"]


def test_removing_a_service_removes_its_objectives_and_incidents(database: Database) -> None:
    with database.session() as session:
        service = Service(name="s", created_by="U1")
        session.add(service)
        session.flush()
        assert service.id is not None
        session.add(Objective(service_id=service.id, name="o", target_percent=Decimal(99), created_by="U1"))
        session.add(
            Incident(
                service_id=service.id,
                severity=2,
                title="t",
                impact_percent=Decimal(100),
                started_at=datetime(2026, 1, 1, tzinfo=UTC),
                opened_by="U1",
            )
        )
    with database.session() as session:
        session.delete(queries.service_by_name(session, "s"))
    with database.session() as session:
        assert session.exec(select(Objective)).all() == [] and session.exec(select(Incident)).all() == []


def test_incidents_announced_before_the_outbox_carried_them_keep_their_thread(tmp_path: Path) -> None:
    """Migration 0006: an incident posted straight through the client gets its announcement as a delivered
    outbox row, so the notes and edits of its next changes find their parent."""
    db = Database(f"sqlite:///{tmp_path / 'old.db'}")
    db.upgrade("0005")
    with db.engine.begin() as connection:
        connection.execute(
            text("INSERT INTO service (id, name, created_by, created_at) VALUES (1, 'c', 'U1', '2026-11-01')")
        )
        for incident_id, thread in ((1, "'1700000000.000100'"), (2, "NULL")):
            connection.execute(
                text(
                    "INSERT INTO incident (id, service_id, severity, title, impact_percent, status, started_at, "
                    f"opened_by, channel_id, thread_ts, created_at) VALUES ({incident_id}, 1, 2, 't', '100', 'open', "
                    f"'2026-11-01', 'U1', 'C0C', {thread}, '2026-11-01')"
                )
            )
    db.upgrade()
    with db.session() as session:
        rows = session.exec(select(OutboxMessage)).all()
    assert [(r.key, r.channel_id, r.status, r.ts) for r in rows] == [
        ("incident:1", "C0C", OutboxStatus.DELIVERED, "1700000000.000100")
    ]
    db.dispose()
