"""Benchmark: the burn-rate engine at scale, on SQLite or Postgres. A script, not a test.

    python tests/bench/bench_engine.py [--database-url URL] [--objectives 1000] [--days 30] [--keep]

Seeds event-based objectives (10 per service, 30-day windows) with one row per minute for --days days and
their rollups, then measures in the same run:
  1. one full evaluation pass: every burn rate (5m … 3d and the window) of every objective, with alert verdicts;
  2. the straightforward way: per objective, SUM over its minute rows for each lookback;
  3. /sla status for one service through the real HTTP server with signed requests (p50/p99);
  4. ingest through POST /api/v1/events in 1,000-point batches (points per second), of new minutes and of
     rewrites of stored ones (the retry path, which moves rollups by differences).

The bot runs as `python bot.py` in its own process, as in production.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import httpx
from sqlalchemy import text

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from slabot.alerting.verdicts import evaluate_all  # noqa: E402
from slabot.config.settings import Settings  # noqa: E402
from slabot.core.burn import LOOKBACKS  # noqa: E402
from slabot.devtools.localslack import LocalSlack  # noqa: E402
from slabot.slo.ingest import epoch_minute, minute_start  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.models.catalog import Objective, Service  # noqa: E402
from storage.queries.sli import SPANS  # noqa: E402
from tests.driver import command_body, signed_headers, wait_until_healthy  # noqa: E402

SECRET = "bench-secret"
API_TOKEN = "bench-api-token-0123456789"
PER_SERVICE = 10


def seed(db: Database, objectives: int, days: int, now: datetime) -> None:
    end = epoch_minute(now)
    start = end - days * 1440
    with db.engine.begin() as connection:
        services = -(-objectives // PER_SERVICE)
        for s in range(services):
            connection.execute(
                text("INSERT INTO service (name, created_by, created_at) VALUES (:n, 'U0', :t)"),
                {"n": f"svc-{s:04d}", "t": now.replace(tzinfo=None) if db.is_sqlite else now},
            )
        connection.execute(
            text(
                'INSERT INTO objective (service_id, name, kind, target_percent, "window", source, created_by,'
                " created_at, budgeting, min_events) SELECT s.id, 'slo-' || k.k, 'slo', '99.9', '30d', 'events', 'U0',"
                " s.created_at, 'occurrences', 100 FROM service s CROSS JOIN (SELECT 0 AS k"
                + "".join(f" UNION ALL SELECT {k}" for k in range(1, PER_SERVICE))
                + ") k"
            )
        )
        connection.execute(text("DELETE FROM objective WHERE id > :n"), {"n": objectives})
    ids = [row[0] for row in db.engine.connect().execute(text("SELECT id FROM objective ORDER BY id"))]
    if db.is_sqlite:
        series = (
            "WITH RECURSIVE m(v) AS (SELECT :start UNION ALL SELECT v + 1 FROM m WHERE v + 1 < :end) SELECT v FROM m"
        )
    else:
        series = "SELECT generate_series(:start, :end - 1) AS v"
    minute_sql = text(
        f"INSERT INTO sli_minute (objective_id, epoch_minute, good, total, good_slice) "
        f"SELECT :o, v, 1000 - (CASE WHEN (v + :o) % 97 = 0 THEN 40 ELSE (v % 3) END), 1000, "
        f"CASE WHEN (v + :o) % 97 = 0 THEN 0 ELSE 1 END FROM ({series}) AS series"
    )
    rollup_sql = text(
        "INSERT INTO sli_rollup (objective_id, span_minutes, start_minute, good, total, good_slices, slices) "
        "SELECT objective_id, :span, epoch_minute - (epoch_minute % :span), SUM(good), SUM(total), SUM(good_slice), "
        "SUM(CASE WHEN total > 0 THEN 1 ELSE 0 END) FROM sli_minute WHERE objective_id = :o "
        "GROUP BY objective_id, epoch_minute - (epoch_minute % :span)"
    )
    started = time.perf_counter()
    for done, objective_id in enumerate(ids, 1):
        with db.engine.begin() as connection:
            connection.execute(minute_sql, {"o": objective_id, "start": start, "end": end})
            for span in SPANS:
                connection.execute(rollup_sql, {"o": objective_id, "span": span})
        if done % 100 == 0:
            print(f"  seeded {done}/{len(ids)} objectives ({time.perf_counter() - started:.0f}s)", flush=True)
    if db.is_postgres:
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
            connection.execute(text("CHECKPOINT"))  # measure after the seeding's writes are flushed
    else:
        with db.engine.begin() as connection:
            connection.execute(text("ANALYZE"))


def naive_pass(db: Database, now: datetime) -> float:
    """Per objective and lookback, one SUM over minute rows: the way this would be written first."""
    end = epoch_minute(now)
    query = text(
        "SELECT SUM(good), SUM(total) FROM sli_minute"
        " WHERE objective_id = :o AND epoch_minute >= :a AND epoch_minute < :b"
    )
    started = time.perf_counter()
    with db.engine.connect() as connection:
        ids = [row[0] for row in connection.execute(text("SELECT id FROM objective"))]
        for objective_id in ids:
            for lookback in (*LOOKBACKS, 30 * 86400):
                connection.execute(query, {"o": objective_id, "a": end - lookback // 60, "b": end}).one()
    return time.perf_counter() - started


def fresh_objectives(db: Database, count: int) -> list[tuple[str, str]]:
    """Event objectives with no data yet, for measuring ingest of new minutes (an earlier run's are replaced)."""
    with db.engine.begin() as connection:
        connection.execute(text("DELETE FROM service WHERE name = 'ingest-fresh'"))
    with db.session() as session:
        service = Service(name="ingest-fresh", created_by="U0")
        session.add(service)
        session.flush()
        assert service.id is not None
        for i in range(count):
            session.add(
                Objective(
                    service_id=service.id,
                    name=f"fresh-{i}",
                    target_percent=Decimal("99.9"),
                    source="events",
                    created_by="U0",
                )
            )
    return [("ingest-fresh", f"fresh-{i}") for i in range(count)]


@contextmanager
def bot_process(db: Database, slack: LocalSlack) -> Iterator[str]:
    """`python bot.py` as production runs it, in its own process, on a free port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {key: value for key, value in os.environ.items() if not key.startswith(("SLACK_", "SLABOT_"))}
    env.update(
        SLACK_BOT_TOKEN="xoxb-bench",
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=slack.base_url,
        SLABOT_API_TOKEN=API_TOKEN,
        DATABASE_URL=db.url.render_as_string(hide_password=False),
        PORT=str(port),
    )
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "bot.py")], env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(url, process, timeout=60)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)

    def pick(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000

    return f"p50 {pick(0.5):.1f} ms, p99 {pick(0.99):.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url")
    parser.add_argument("--objectives", type=int, default=1000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--batches", type=int, default=200, help="1,000-point ingest batches")
    parser.add_argument("--keep", action="store_true", help="leave the seeded data in place at the end")
    parser.add_argument("--skip-seed", action="store_true", help="measure data left by an earlier --keep run")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="slabot-bench-")
    db = Database(args.database_url or f"sqlite:///{tmp}/bench.db")
    if args.skip_seed:
        with db.engine.connect() as connection:
            now = minute_start(int(connection.execute(text("SELECT MAX(epoch_minute) FROM sli_minute")).scalar()) + 1)
    else:
        if db.is_postgres:
            db.downgrade("base")
        db.upgrade()
        now = datetime.now(UTC).replace(second=0, microsecond=0)
        print(f"{db.url.get_backend_name()}: seeding {args.objectives} objectives × {args.days} days of minutes …")
    started = time.perf_counter()
    if not args.skip_seed:
        seed(db, args.objectives, args.days, now)
    with db.engine.connect() as connection:
        rows = connection.execute(text("SELECT COUNT(*) FROM sli_minute")).scalar()
    print(f"  {rows:,} minute rows in {time.perf_counter() - started:.0f}s")

    zone = Settings().timezone
    passes = []
    for _ in range(3):
        t0 = time.perf_counter()
        with db.session() as session:
            evaluations = evaluate_all(session, now, zone)
        passes.append(time.perf_counter() - t0)
    assert all(e.status.report.attainment is not None for e in evaluations)
    best = min(passes)
    print(
        f"full evaluation pass ({len(evaluations)} objectives, 8 burn rates each, alert verdicts): "
        f"best {best * 1000:.0f} ms, median {statistics.median(passes) * 1000:.0f} ms"
    )
    naive = naive_pass(db, now)
    print(f"straightforward per-objective SUM over minute rows: {naive * 1000:.0f} ms → {naive / best:.1f}× slower")

    with LocalSlack() as slack, bot_process(db, slack) as url, httpx.Client(timeout=30) as http:
        samples = []
        for i in range(args.requests):
            body = command_body(slack, "/sla", f"status svc-{i % 50:04d}")
            t0 = time.perf_counter()
            response = http.post(f"{url}/slack/events", content=body, headers=signed_headers(SECRET, body))
            assert response.status_code == 200
            slack.wait_for("response_url", i + 1)  # the reply, posted after the ack
            samples.append(time.perf_counter() - t0)
        print(
            f"/sla status <service> over HTTP, signed, until the reply is posted ({args.requests}): "
            f"{percentiles(samples)}"
        )

        headers = {"Authorization": f"Bearer {API_TOKEN}", "Content-Type": "application/json"}
        first = now - timedelta(minutes=1000)
        stamps = [(first + timedelta(minutes=i)).isoformat() for i in range(1000)]
        fresh = fresh_objectives(db, args.batches)
        for label, targets in (
            ("new minutes (each batch: 1,000 minutes an objective has not had yet)", fresh),
            (
                "rewrites (each batch: the last 1,000 minutes of a seeded objective again)",
                [(f"svc-{i // PER_SERVICE:04d}", f"slo-{i % PER_SERVICE}") for i in range(args.batches)],
            ),
        ):
            payloads = [
                json.dumps(
                    {
                        "service": service,
                        "slo": slo,
                        "points": [{"ts": stamp, "good": 990, "total": 1000} for stamp in stamps],
                    }
                )
                for service, slo in targets
            ]
            t0 = time.perf_counter()
            for payload in payloads:
                response = http.post(f"{url}/api/v1/events", content=payload, headers=headers)
                assert response.status_code == 200, response.text
            rate = len(payloads) * 1000 / (time.perf_counter() - t0)
            print(f"ingest over HTTP in 1,000-point batches, one client, {label}: {rate:,.0f} points/s")
    with db.engine.begin() as connection:
        connection.execute(text("DELETE FROM service WHERE name = 'ingest-fresh'"))
    if db.is_postgres and not args.keep:
        db.downgrade("base")
    db.dispose()


if __name__ == "__main__":
    main()
