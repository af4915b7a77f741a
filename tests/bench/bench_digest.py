"""Benchmark: rendering a weekly digest of many objectives. A script, not a test.

    python tests/bench/bench_digest.py [--database-url URL] [--objectives 100] [--incidents 80]

Seeds event-based objectives with per-minute traffic over the last 38 days (as bench_engine.py does; one in
ten is switched to incident-based) and incidents spread over the last 8 weeks, then, in a fresh process so
its peak memory is the digest's alone, renders the last complete week's digest three times:
  1. the numbers (build_report: three status passes, the week's incidents, timers, breaches, chart series);
  2. the message blocks;
  3. the four charts (matplotlib Axes, PNG);
and prints each step's time, the total, the PNG sizes and the process's peak resident memory.
Goals: the whole digest within 20 s, peak memory under 400 MB; one chart within 1 s.
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import text

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from slabot.render.charts.digest import digest_charts  # noqa: E402
from slabot.render.digest import digest_message  # noqa: E402
from slabot.render.weeks import week_period  # noqa: E402
from slabot.reports.schedule import Week, last_complete_week  # noqa: E402
from slabot.reports.weekly import build_report  # noqa: E402
from storage.db import Database  # noqa: E402
from tests.bench.bench_engine import seed  # noqa: E402

ZONE_NAME = "Europe/Berlin"


def seed_incidents(db: Database, count: int, now: datetime) -> None:
    rng = random.Random(7)
    with db.engine.begin() as connection:
        services = [row[0] for row in connection.execute(text("SELECT id FROM service ORDER BY id"))]
        connection.execute(
            text("UPDATE objective SET source = 'incidents' WHERE id % 10 = 0"),
        )
        for number in range(count):
            started = now - timedelta(minutes=rng.randrange(60, 56 * 1440))
            ack = started + timedelta(minutes=rng.randrange(2, 90))
            resolved = ack + timedelta(minutes=rng.randrange(10, 600))
            values = {
                "s": rng.choice(services),
                "sev": rng.choice((1, 2, 2, 3, 3, 3, 4)),
                "t": f"bench incident {number}",
                "i": rng.choice(("100", "50", "30")),
                "st": started,
                "ack": ack,
                "res": resolved,
            }
            if db.is_sqlite:
                values.update({k: v.replace(tzinfo=None) for k, v in values.items() if isinstance(v, datetime)})
            connection.execute(
                text(
                    "INSERT INTO incident (service_id, severity, title, impact_percent, status, started_at,"
                    " acknowledged_at, resolved_at, opened_by, created_at) VALUES (:s, :sev, :t, :i, 'resolved',"
                    " :st, :ack, :res, 'U0', :st)"
                ),
                values,
            )


def measure(url: str, runs: int) -> None:
    from zoneinfo import ZoneInfo

    db = Database(url)
    zone = ZoneInfo(ZONE_NAME)
    week = Week(last_complete_week(datetime.now(UTC), zone), zone)
    totals, steps = [], {"numbers": [], "blocks": [], "charts": []}
    sizes: list[int] = []
    for _ in range(runs):
        started = time.perf_counter()
        with db.session() as session:
            report = build_report(session, week, None, zone)
        numbered = time.perf_counter()
        message = digest_message(report, locale="en")
        blocked = time.perf_counter()
        charts = digest_charts(report, locale="en")
        done = time.perf_counter()
        steps["numbers"].append(numbered - started)
        steps["blocks"].append(blocked - numbered)
        steps["charts"].append(done - blocked)
        totals.append(done - started)
        sizes = [len(chart.png) for chart in charts]
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    period = week_period(week, locale="en")
    print(f"digest of {period}: {len(report.objectives)} objectives, {len(report.incidents)} incidents")
    print(f"  blocks: {len(message.blocks)}; charts: {len(charts)} ({', '.join(f'{s // 1024} KB' for s in sizes)})")
    for name, samples in steps.items():
        print(f"  {name}: median {statistics.median(samples) * 1000:.0f} ms, max {max(samples) * 1000:.0f} ms")
    print(f"  whole digest: median {statistics.median(totals):.2f} s, max {max(totals):.2f} s (goal < 20 s)")
    print(f"  peak resident memory: {peak_mb:.0f} MB (goal < 400 MB)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url")
    parser.add_argument("--objectives", type=int, default=100)
    parser.add_argument("--incidents", type=int, default=80)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--measure-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure_only:
        measure(args.database_url, args.runs)
        return
    tmp = tempfile.mkdtemp(prefix="slabot-bench-")
    url = args.database_url or f"sqlite:///{tmp}/bench.db"
    db = Database(url)
    if db.is_postgres:
        db.downgrade("base")
    db.upgrade()
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    print(f"{db.url.get_backend_name()}: seeding {args.objectives} objectives × 38 days, {args.incidents} incidents …")
    seed(db, args.objectives, 38, now)
    seed_incidents(db, args.incidents, now)
    db.dispose()
    command = [sys.executable, __file__, "--measure-only", "--database-url", url, "--runs", str(args.runs)]
    subprocess.run(command, check=True)


if __name__ == "__main__":
    main()
