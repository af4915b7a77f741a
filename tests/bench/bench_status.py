"""Benchmark: /sla status and /sla budget end to end, through the real HTTP server and Bolt app.

A script, not a test: python tests/bench/bench_status.py [--database-url URL] [--services 50] [--requests 200]

Seeds services with incident-based objectives and a history of incidents, then times signed slash commands
sent over HTTP, each until its reply has reached the local Slack stand-in (the command runs inline, so the
HTTP response returns after the reply was posted). Prints p50/p95/p99 per command.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from slabot.config.runtime import Runtime
from slabot.config.settings import Settings
from storage.db import Database
from storage.models.catalog import Objective, Service
from storage.models.incidents import Incident
from tests.bench.timing import fresh_database, percentiles, served
from tests.driver import command_body, signed_headers

SECRET = "bench-secret"
WINDOWS = ["30d", "7d", "month", "quarter"]


def seed(db: Database, services: int, incidents_per_service: int, now: datetime) -> None:
    with db.session() as session:
        for s in range(services):
            service = Service(name=f"svc-{s:03d}", channel_id=f"C{s:05d}", oncall_id="U0ONCALL", created_by="U0")
            session.add(service)
            session.flush()
            assert service.id is not None
            for window in WINDOWS:
                session.add(
                    Objective(
                        service_id=service.id,
                        name=f"avail-{window}",
                        target_percent=Decimal("99.9"),
                        window=window,
                        created_by="U0",
                    )
                )
            for i in range(incidents_per_service):
                start = now - timedelta(days=90) + timedelta(hours=2 * 90 * 12 * i / incidents_per_service / 12)
                session.add(
                    Incident(
                        service_id=service.id,
                        severity=1 + i % 4,
                        title=f"incident {i}",
                        impact_percent=Decimal(100 if i % 3 else 30),
                        started_at=start,
                        resolved_at=start + timedelta(minutes=5 + i % 40),
                        status="resolved",
                        opened_by="U0",
                    )
                )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url")
    parser.add_argument("--services", type=int, default=50)
    parser.add_argument("--incidents", type=int, default=20, help="per service")
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = fresh_database(args.database_url, tmp)
        now = datetime.now(UTC)
        seed(db, args.services, args.incidents, now)
        runtime = Runtime(Settings(bot_token="xoxb-bench", signing_secret=SECRET), db)
        with served(runtime, SECRET) as (slack, server, http):
            objectives = args.services * len(WINDOWS)
            print(
                f"{db.url.get_backend_name()}: {args.services} services, {objectives} objectives, "
                f"{args.services * args.incidents} incidents; {args.requests} requests each"
            )
            for line in ("/sla status svc-007", "/sla budget svc-007/avail-30d", "/sla status"):
                samples = []
                for _ in range(args.requests):
                    command, _, text = line.partition(" ")
                    body = command_body(slack, command, text)
                    started = time.perf_counter()
                    response = http.post(
                        f"{server.url}/slack/events", content=body, headers=signed_headers(SECRET, body)
                    )
                    samples.append(time.perf_counter() - started)
                    assert response.status_code == 200
                slack.clear()
                print(f"  {line:32s} {percentiles(samples)}")
        if db.is_postgres:
            db.downgrade("base")
        db.dispose()


if __name__ == "__main__":
    main()
