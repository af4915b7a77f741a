"""Benchmark: the evaluation pass with alerting, and outbox delivery. A script, not a test.

    python tests/bench/bench_alerts.py [--database-url URL] [--objectives 1000] [--days 3] [--burning 100]

Seeds event-based objectives as bench_engine.py does (every service with a channel and an on-call; their
traffic runs at about 1.4× the budget, so every one of them fires the 3d/6h ticket rule: a bad day), makes
--burning of them fail outright for their last 10 minutes (pages), then measures:
  1. the evaluation pass alone (evaluate_all: every burn rate and verdict), for reference;
  2. the first full pass (evaluation_pass.evaluate): verdicts, opening an alert per burning objective, budget
     notices and SLA timers, their events rendered and written to the outbox in one transaction;
  3. a steady pass right after (everything already open: nothing new is written);
  4. delivering the outbox to the local Slack (chat.postMessage with metadata), messages per second, and that
     each outbox row became exactly one message.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import text
from sqlmodel import col, select

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from slabot.alerting.verdicts import evaluate_all  # noqa: E402
from slabot.config.runtime import Runtime  # noqa: E402
from slabot.config.settings import Settings  # noqa: E402
from slabot.devtools.localslack import LocalSlack  # noqa: E402
from slabot.notify.delivery import Deliverer  # noqa: E402
from slabot.notify.notifier import Notifier  # noqa: E402
from slabot.notify.outcomes import create_delivery_client  # noqa: E402
from slabot.runtime.evaluation_pass import evaluate  # noqa: E402
from slabot.slo.ingest import Point, ingest  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.models.catalog import Objective  # noqa: E402
from tests.bench.bench_engine import seed  # noqa: E402


def timed(label: str, work, runs: int = 1) -> float:  # type: ignore[no-untyped-def]
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        samples.append(time.perf_counter() - started)
    best = min(samples)
    median = statistics.median(samples)
    print(f"{label}: best {best * 1000:.0f} ms, median {median * 1000:.0f} ms ({runs} run{'s' * (runs > 1)})")
    return best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url")
    parser.add_argument("--objectives", type=int, default=1000)
    parser.add_argument("--days", type=int, default=3)
    parser.add_argument("--burning", type=int, default=100)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="slabot-bench-")
    db = Database(args.database_url or f"sqlite:///{tmp}/bench.db")
    if db.is_postgres:
        db.downgrade("base")
    db.upgrade()
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    print(f"{db.url.get_backend_name()}: seeding {args.objectives} objectives × {args.days} days of minutes …")
    seed(db, args.objectives, args.days, now)
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE service SET channel_id = 'C' || id, oncall_id = 'S0ONCALL'"))
    with db.session() as session:
        burning = session.exec(select(Objective).order_by(col(Objective.id)).limit(args.burning)).all()
        for objective in burning:
            ingest(session, objective, [Point(now - timedelta(minutes=m), 0, 1000) for m in range(1, 11)], now)

    settings = Settings(bot_token="xoxb-bench")
    runtime = Runtime(settings=settings, db=db, clock=lambda: now)
    zone = settings.timezone

    def verdicts_only() -> None:
        with db.session() as session:
            evaluate_all(session, now, zone)

    with LocalSlack() as slack:
        client = create_delivery_client("xoxb-test", slack.base_url)
        deliverer = Deliverer(db, client, lambda: now)
        notifier = Notifier(deliverer, zone)
        timed("evaluation pass alone (evaluate_all)", verdicts_only, runs=3)
        timed(
            "first full pass (opens the alerts, budget notices, timers, writes the outbox)",
            lambda: evaluate(runtime, notifier),
        )
        timed("steady full pass (nothing new to write)", lambda: evaluate(runtime, notifier), runs=3)
        with db.engine.connect() as connection:
            queued = int(connection.execute(text("SELECT COUNT(*) FROM outbox")).scalar() or 0)
            alerts = int(connection.execute(text("SELECT COUNT(*) FROM alert")).scalar() or 0)

        started = time.perf_counter()
        while deliverer.deliver_due().delivered:
            pass
        seconds = time.perf_counter() - started
        posted = len(slack.messages())
    print(f"the first pass opened {alerts} alerts and queued {queued} messages (alerts and budget notices)")
    print(f"delivered {posted} messages to the local Slack in {seconds:.2f} s = {posted / seconds:.0f} per second")
    assert posted == queued, f"{queued} queued but {posted} posted"


if __name__ == "__main__":
    main()
