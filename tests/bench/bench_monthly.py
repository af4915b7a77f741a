"""Benchmark: the monthly SLA report of many objectives, as a PDF. A script, not a test.

    python tests/bench/bench_monthly.py [--database-url URL] [--objectives 100] [--days 125] [--incidents 120]

Seeds event-based objectives with per-minute traffic over the last `days` days (as bench_engine.py does: the
last complete month and the three before it for the trend), makes one in ten incident-based and one in five an
SLA with a credit schedule, spreads incidents over those months (some with a finished 5-Why), then, in a fresh
process so its peak memory is the report's alone, renders the last complete month's report `runs` times:
  1. the numbers (build_monthly: the month and three trend months measured, incidents, timers, breaches);
  2. the Slack message;
  3. the PDF (cover, summary, a page per service with its charts, breaches: Matplotlib's PdfPages);
  4. the CSV;
in English, or with --language zh in Chinese (CJK glyphs embedded as Type 3), and prints each step's time, the
total, the PDF's size and pages, and the process's peak resident memory.
Goals: the numbers and the PDF of 100 objectives within 30 s, peak memory under 500 MB.
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

from slabot.core.i18n import Locale  # noqa: E402
from slabot.render.monthly import monthly_message  # noqa: E402
from slabot.render.monthly_csv import monthly_csv  # noqa: E402
from slabot.render.monthly_pdf import monthly_pdf  # noqa: E402
from slabot.reports.monthly import build_monthly  # noqa: E402
from slabot.reports.monthly_period import last_complete_month, month  # noqa: E402
from storage.db import Database  # noqa: E402
from tests.bench.bench_engine import seed  # noqa: E402
from tests.bench.timing import fresh_database  # noqa: E402

ZONE_NAME = "Europe/Berlin"
GOAL_SECONDS = 30
GOAL_MB = 500


def _when(db: Database, moment: datetime) -> datetime:
    return moment.replace(tzinfo=None) if db.is_sqlite else moment


def seed_reports(db: Database, count: int, days: int, now: datetime) -> None:
    """Incident-based objectives, SLAs with credits, incidents over the months and 5-Whys for some of them."""
    rng = random.Random(11)
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE objective SET source = 'incidents' WHERE id % 10 = 0"))
        connection.execute(
            text("UPDATE objective SET kind = 'sla', credits = '99.9:10,99.5:25,99:50' WHERE id % 5 = 0")
        )
        connection.execute(text("UPDATE objective SET kind = 'ola' WHERE id % 7 = 0 AND id % 5 <> 0"))
        services = [row[0] for row in connection.execute(text("SELECT id FROM service ORDER BY id"))]
        for number in range(count):
            started = now - timedelta(minutes=rng.randrange(60, days * 1440))
            ack = started + timedelta(minutes=rng.randrange(2, 90))
            resolved = ack + timedelta(minutes=rng.randrange(10, 600))
            values = {
                "s": rng.choice(services),
                "sev": rng.choice((1, 2, 2, 3, 3, 3, 4)),
                "t": f"bench incident {number}",
                "i": rng.choice(("100", "50", "30")),
                "st": _when(db, started),
                "ack": _when(db, ack),
                "res": _when(db, resolved),
            }
            incident_id = connection.execute(
                text(
                    "INSERT INTO incident (service_id, severity, title, impact_percent, status, started_at,"
                    " acknowledged_at, resolved_at, opened_by, created_at) VALUES (:s, :sev, :t, :i, 'resolved',"
                    " :st, :ack, :res, 'U0', :st) RETURNING id"
                ),
                values,
            ).scalar_one()
            if number % 3:
                continue
            rca_id = connection.execute(
                text(
                    "INSERT INTO rca (incident_id, stage, trigger, channel_id, thread_ts, category, started_by,"
                    " started_at, finished_at, finished_by, version) VALUES (:i, 'done', 'command', 'C0', :ts,"
                    " 'technology', 'U0', :at, :at, 'U0', 1) RETURNING id"
                ),
                {"i": incident_id, "ts": f"{number}.1", "at": values["res"]},
            ).scalar_one()
            connection.execute(
                text(
                    "INSERT INTO rca_why (rca_id, position, question, answer, answered_by, answered_at, message_ts)"
                    " VALUES (:r, 1, 'Why?', :a, 'U0', :at, :ts)"
                ),
                {
                    "r": rca_id,
                    "a": f"The connection pool {number} ran dry under peak load",
                    "at": values["res"],
                    "ts": f"{number}.2",
                },
            )


def measure(url: str, runs: int, language: str) -> None:
    from zoneinfo import ZoneInfo

    db = Database(url)
    zone = ZoneInfo(ZONE_NAME)
    locale: Locale = "zh" if language == "zh" else "en"
    period = month(last_complete_month(datetime.now(UTC), zone), zone)
    totals: list[float] = []
    steps: dict[str, list[float]] = {"numbers": [], "message": [], "pdf": [], "csv": []}
    pdf = b""
    for _ in range(runs):
        started = time.perf_counter()
        with db.snapshot() as session:
            report = build_monthly(session, period, None, zone)
        numbered = time.perf_counter()
        message = monthly_message(report, locale=locale)
        messaged = time.perf_counter()
        pdf = monthly_pdf(report, locale=locale)
        drawn = time.perf_counter()
        table = monthly_csv(report, locale=locale)
        done = time.perf_counter()
        steps["numbers"].append(numbered - started)
        steps["message"].append(messaged - numbered)
        steps["pdf"].append(drawn - messaged)
        steps["csv"].append(done - drawn)
        totals.append(drawn - started)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    pages = pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")
    print(
        f"report of {period.label} ({locale}): {len(report.objectives)} objectives, {len(report.incidents)} incidents, "
        f"{len(report.breaches)} breaches, {len(report.credits_owed)} SLAs owing credit"
    )
    print(f"  message: {len(message.blocks)} blocks; PDF: {len(pdf) // 1024} KB, {pages} pages; CSV: {len(table)} B")
    for name, samples in steps.items():
        print(f"  {name}: median {statistics.median(samples) * 1000:.0f} ms, max {max(samples) * 1000:.0f} ms")
    verdict = "ok" if max(totals) < GOAL_SECONDS else "TOO SLOW"
    print(
        f"  numbers + PDF: median {statistics.median(totals):.2f} s, max {max(totals):.2f} s "
        f"(goal < {GOAL_SECONDS} s: {verdict})"
    )
    memory = "ok" if peak_mb < GOAL_MB else "TOO MUCH"
    print(f"  peak resident memory: {peak_mb:.0f} MB (goal < {GOAL_MB} MB: {memory})")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url")
    parser.add_argument("--objectives", type=int, default=100)
    parser.add_argument("--days", type=int, default=125, help="days of traffic: the month and the three before")
    parser.add_argument("--incidents", type=int, default=120)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--language", choices=("en", "zh"), default="en", help="the report's language (zh: CJK fonts)")
    parser.add_argument("--measure-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure_only:
        measure(args.database_url, args.runs, args.language)
        return
    tmp = tempfile.mkdtemp(prefix="slabot-bench-")
    db = fresh_database(args.database_url, tmp)
    url = args.database_url or str(db.url)
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    print(
        f"{db.url.get_backend_name()}: seeding {args.objectives} objectives × {args.days} days, "
        f"{args.incidents} incidents …"
    )
    seed(db, args.objectives, args.days, now)
    seed_reports(db, args.incidents, args.days, now)
    db.dispose()
    command = [sys.executable, __file__, "--measure-only", "--database-url", url, "--runs", str(args.runs)]
    command += ["--language", args.language]
    subprocess.run(command, check=True)


if __name__ == "__main__":
    main()
