"""Benchmark: pulling source=prometheus objectives from a real Prometheus, backfill and steady passes. A script.

    python tests/bench/bench_prometheus_pull.py [--database-url URL] [--objectives 1000] [--days 30] [--passes 5]
        [--backfill N] [--bulk-step 60] [--profile] [--no-settle]

Writes --days days plus the 3-day lookback of counter history (OpenMetrics text, one file per 2-hour block,
turned into TSDB blocks by promtool) for objectives/2 services: per service http_requests_total with code
200 and 500 and http_requests_fast_total (requests served under 300 ms). The bulk of the history is scraped
every --bulk-step seconds, the last 6 hours before the benchmark's clock and the hour after it every 15 s.
Each service has two objectives sharing the total selector (as `define_pulled_objective` stores them):
availability (bad= the 500s, 99.9 %) and latency (good= the fast ones, 95 %), both over a --days-day window.
Prometheus serves the blocks on a loopback port; slabot's clock stands inside the history. Measures:
  1. the backfill: the first pull (`evaluation_pass.pull_prometheus`) of every objective (or of the first
     --backfill N, the others then given copies of their minutes and rollups: a full backfill takes an hour);
  2. steady full passes (`evaluation_pass.evaluate`) one minute apart: wall time and queries per pass;
  3. what Prometheus spent on each phase, from its own /metrics before and after. Goals (steady pass): under
     5 s, under 2,000 queries.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from slabot.catalog.objectives import ObjectiveSpec  # noqa: E402
from slabot.catalog.services import ServiceFields, add_service  # noqa: E402
from slabot.config.runtime import Runtime  # noqa: E402
from slabot.config.settings import Settings  # noqa: E402
from slabot.core.windows import WindowSpec  # noqa: E402
from slabot.devtools.localslack import LocalSlack  # noqa: E402
from slabot.notify.delivery import Deliverer  # noqa: E402
from slabot.notify.notifier import Notifier  # noqa: E402
from slabot.notify.outcomes import create_delivery_client  # noqa: E402
from slabot.runtime import evaluation_pass  # noqa: E402
from slabot.sources.prometheus_objectives import Queries, define_pulled_objective  # noqa: E402
from storage.db import Database  # noqa: E402
from tests.promserver import _spare_port  # noqa: E402

BLOCK = 7200  # promtool parses its whole input once per 2-hour block: one file per block keeps that to one pass
FINE_STEP = 15
FINE_BEFORE = 6 * 3600  # seconds of 15 s samples before the benchmark's clock
AFTER = 3600  # history after the clock, for the steady passes
LOOKBACK_DAYS = 3


def increments(service: int, k: int, step: int) -> tuple[int, int, int]:
    """Requests with code 200, with code 500, and served under 300 ms, in scrape step k (of `step` seconds)."""
    ok = (600 + (service * 13 + k) % 40) * step // 60
    errors = 1 if (k + service) % (5 * 60 // step) == 0 else 0
    fast = ok + errors - ((k * 7 + service) % 25) * step // 60
    return ok, errors, fast


def write_history(folder: Path, services: int, start: int, fine_from: int, end: int, bulk_step: int) -> int:
    """OpenMetrics files, one per 2-hour block in [start, end); returns the number of samples written."""
    values = [[1000, 10, 900] for _ in range(services)]
    names = (
        [(f'http_requests_total{{job="svc-{s:04d}",code="200"}} ') for s in range(services)],
        [(f'http_requests_total{{job="svc-{s:04d}",code="500"}} ') for s in range(services)],
        [(f'http_requests_fast_total{{job="svc-{s:04d}",le="0.3"}} ') for s in range(services)],
    )
    samples = 0
    for block in range(start, end, BLOCK):
        step = FINE_STEP if block >= fine_from else bulk_step
        stamps = range(block, min(block + BLOCK, end), step)
        lines: tuple[list[str], list[str], list[str]] = ([], [], [])
        for s in range(services):
            value = values[s]
            for t in stamps:
                ok, errors, fast = increments(s, t // step, step)
                value[0] += ok
                value[1] += errors
                value[2] += fast
                lines[0].append(f"{names[0][s]}{value[0]} {t}")
                lines[1].append(f"{names[1][s]}{value[1]} {t}")
                lines[2].append(f"{names[2][s]}{value[2]} {t}")
        samples += 3 * services * len(stamps)
        body = ["# TYPE http_requests counter", *lines[0], *lines[1], "# TYPE http_requests_fast counter", *lines[2]]
        (folder / f"{block}.om").write_text("\n".join([*body, "# EOF"]) + "\n")
    return samples


def make_blocks(folder: Path, data: Path) -> None:
    promtool = shutil.which("promtool")
    assert promtool, "promtool is missing: apt-get install prometheus"
    files = sorted(folder.glob("*.om"))
    running: list[subprocess.Popen[bytes]] = []
    for source in files:  # two at a time: this machine has two cores
        running.append(
            subprocess.Popen([promtool, "tsdb", "create-blocks-from", "openmetrics", "-q", str(source), str(data)])
        )
        if len(running) == 2:
            assert running.pop(0).wait() == 0
    for process in running:
        assert process.wait() == 0


class PromServer:
    """`prometheus` on a loopback port over the generated blocks, with no scrape targets."""

    def __init__(self, folder: Path) -> None:
        self.folder, self.port = folder, _spare_port()
        self.url = f"http://127.0.0.1:{self.port}"
        (folder / "prometheus.yml").write_text("global: {scrape_interval: 15s}\nscrape_configs: []\n")
        log = (folder / "prometheus.log").open("ab")
        binary = shutil.which("prometheus")
        assert binary, "prometheus is missing: apt-get install prometheus"
        self.process = subprocess.Popen(
            [
                binary,
                f"--config.file={folder / 'prometheus.yml'}",
                f"--web.listen-address=127.0.0.1:{self.port}",
                f"--storage.tsdb.path={folder / 'data'}",
                "--storage.tsdb.retention.time=400d",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            assert self.process.poll() is None, (folder / "prometheus.log").read_text()[-2000:]
            try:
                if httpx.get(f"{self.url}/-/ready", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise AssertionError("prometheus did not become ready")

    def metrics(self) -> dict[str, float]:
        body = httpx.get(f"{self.url}/metrics", timeout=10).text
        found: dict[str, float] = {}
        for line in body.splitlines():
            if line and not line.startswith("#"):
                name, _, value = line.rpartition(" ")
                found[name] = float(value)
        return found

    def settle(self) -> None:
        """Wait until the compactor has nothing left to do with the backfilled blocks (two quiet minutes)."""
        last, quiet = -1.0, 0
        while quiet < 2:
            figures = self.metrics()
            done = figures.get("prometheus_tsdb_compactions_total", 0) + figures.get("prometheus_tsdb_blocks_loaded", 0)
            quiet = quiet + 1 if done == last else 0
            last = done
            print(f"  prometheus: {figures.get('prometheus_tsdb_blocks_loaded', 0):.0f} blocks loaded …", flush=True)
            time.sleep(65)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


PROM_FIGURES = {
    "queries": 'prometheus_http_requests_total{code="200",handler="/api/v1/query"}',
    "engine s": 'prometheus_engine_query_duration_seconds_sum{slice="inner_eval"}',
    "http s": 'prometheus_http_request_duration_seconds_sum{handler="/api/v1/query"}',
    "cpu s": "process_cpu_seconds_total",
}


def prometheus_spent(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    return {label: after.get(name, 0.0) - before.get(name, 0.0) for label, name in PROM_FIGURES.items()}


class Requests:
    """Every HTTP request httpx sends to the given base URL, counted (slabot's own count is cross-checked)."""

    def __init__(self, base: str) -> None:
        self.base, self.count = base, 0
        self._send = httpx.Client.send
        counter = self

        def send(client: httpx.Client, request: httpx.Request, **kwargs: Any) -> httpx.Response:
            if str(request.url).startswith(counter.base):
                counter.count += 1
            return counter._send(client, request, **kwargs)

        httpx.Client.send = send  # type: ignore[method-assign,assignment]

    def take(self) -> int:
        count, self.count = self.count, 0
        return count


def seed(db: Database, first: int, last: int, days: int) -> None:
    """Objectives first..last-1 (two a service: availability, latency), defined as /sla define stores them."""
    window = WindowSpec.parse(f"{days}d")
    with db.session() as session:
        for s in range(first // 2, -(-last // 2)):
            name = f"svc-{s:04d}"
            if first <= 2 * s:
                add_service(session, name, ServiceFields(), "U0BENCH")
            total = f'sum(http_requests_total{{job="{name}"}})'
            bad = f'sum(http_requests_total{{job="{name}",code="500"}})'
            good = f'sum(http_requests_fast_total{{job="{name}",le="0.3"}})'
            specs = [
                (ObjectiveSpec("availability", Decimal("99.9"), window), Queries(total=total, bad=bad)),
                (ObjectiveSpec("latency", Decimal("95"), window), Queries(total=total, good=good)),
            ]
            for k, (spec, queries_) in enumerate(specs):
                if first <= 2 * s + k < last:
                    define_pulled_objective(session, name, spec, queries_, "U0BENCH")


def clone_backfill(db: Database, measured: int, now: datetime) -> None:
    """The objectives past the measured backfill get the minutes and rollups of a backfilled one of their kind
    (a copy, not a pull) and its pulled_until: the steady passes then see 1,000 objectives' worth of history."""
    with db.engine.begin() as connection:
        ids = [row[0] for row in connection.execute(text("SELECT objective_id FROM prometheus_source ORDER BY 1"))]
        for index, target in enumerate(ids[measured:], measured):
            source = ids[index % 2]  # availability objectives are even, latency odd, in definition order
            connection.execute(
                text(
                    "INSERT INTO sli_minute (objective_id, epoch_minute, good, total, good_slice) "
                    "SELECT :t, epoch_minute, good, total, good_slice FROM sli_minute WHERE objective_id = :s"
                ),
                {"t": target, "s": source},
            )
            connection.execute(
                text(
                    "INSERT INTO sli_rollup (objective_id, span_minutes, start_minute, good, total, good_slices,"
                    " slices) SELECT :t, span_minutes, start_minute, good, total, good_slices, slices"
                    " FROM sli_rollup WHERE objective_id = :s"
                ),
                {"t": target, "s": source},
            )
        connection.execute(
            text(
                "UPDATE prometheus_source SET pulled_until = (SELECT p.pulled_until FROM prometheus_source p"
                " WHERE p.objective_id = :s) WHERE pulled_until IS NULL"
            ),
            {"s": ids[0]},
        )
    if db.is_postgres:
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
    else:
        with db.engine.begin() as connection:
            connection.execute(text("ANALYZE"))


def phase(
    label: str, work: Callable[[], object], server: PromServer, counter: Requests, rows: list[list[str]]
) -> object:
    before, t0 = server.metrics(), time.perf_counter()
    counter.take()
    result = work()
    seconds = time.perf_counter() - t0
    sent = counter.take()
    spent = prometheus_spent(before, server.metrics())
    reported = getattr(result, "prometheus_queries", None)
    rows.append(
        [
            label,
            f"{seconds:.2f}",
            f"{sent:,}" + (f" ({reported:,})" if reported is not None else ""),
            f"{spent['queries']:,.0f}",
            f"{spent['engine s']:.2f}",
            f"{spent['http s']:.2f}",
            f"{spent['cpu s']:.2f}",
        ]
    )
    print(f"  {label}: {seconds:.2f} s, {sent:,} requests", flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url")
    parser.add_argument("--objectives", type=int, default=1000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--passes", type=int, default=5)
    parser.add_argument("--backfill", type=int, help="pull only this many objectives' backfill (the rest copied)")
    parser.add_argument("--bulk-step", type=int, default=60, help="seconds between samples before the last 6 hours")
    parser.add_argument("--profile", action="store_true", help="cProfile the last steady pass")
    parser.add_argument("--no-settle", action="store_true", help="measure without waiting for compaction")
    args = parser.parse_args()
    services = -(-args.objectives // 2)
    tmp = Path(tempfile.mkdtemp(prefix="slabot-bench-pull-"))
    # promtool's blocks must lie behind Prometheus's head: the history ends hours before the real now
    end = int(time.time()) // BLOCK * BLOCK - 2 * BLOCK
    clock = end - AFTER
    fine_from = (clock - FINE_BEFORE) // BLOCK * BLOCK
    start = (clock - (args.days + LOOKBACK_DAYS) * 86400 - 3600) // BLOCK * BLOCK
    print(
        f"history: {services} services × 3 series, {(end - start) / 86400:.1f} days, every {args.bulk_step} s"
        f" (every {FINE_STEP} s for the last {(clock - fine_from) / 3600:.0f} h before the clock and 1 h after)"
    )
    t0 = time.perf_counter()
    (tmp / "om").mkdir()
    samples = write_history(tmp / "om", services, start, fine_from, end, args.bulk_step)
    size = sum(p.stat().st_size for p in (tmp / "om").glob("*.om"))
    print(f"  {samples:,} samples, {size / 1e9:.2f} GB of OpenMetrics in {time.perf_counter() - t0:.0f} s", flush=True)
    t0 = time.perf_counter()
    (tmp / "prom" / "data").mkdir(parents=True)
    make_blocks(tmp / "om", tmp / "prom" / "data")
    shutil.rmtree(tmp / "om")
    print(f"  promtool blocks in {time.perf_counter() - t0:.0f} s", flush=True)

    server = PromServer(tmp / "prom")
    db = Database(args.database_url or f"sqlite:///{tmp}/bench.db")
    try:
        if not args.no_settle:
            server.settle()
        if db.is_postgres:
            db.downgrade("base")
        db.upgrade()
        measured = min(args.objectives, args.backfill or args.objectives)
        seed(db, 0, measured, args.days)
        now = datetime.fromtimestamp(clock, UTC)
        settings = Settings(bot_token="xoxb-bench", prometheus_url=server.url)
        current = [now]
        runtime = Runtime(settings=settings, db=db, clock=lambda: current[0])
        counter = Requests(server.url)
        rows: list[list[str]] = []
        print(f"{db.url.get_backend_name()}: {args.objectives} objectives over {services} services", flush=True)
        with LocalSlack() as slack:
            client = create_delivery_client("xoxb-bench", slack.base_url)
            notifier = Notifier(Deliverer(db, client, lambda: current[0]), settings.timezone)
            phase(
                "backfill (first pull)",
                lambda: evaluation_pass.pull_prometheus(runtime, now, None),
                server,
                counter,
                rows,
            )
            with db.engine.connect() as connection:
                stored = int(connection.execute(text("SELECT COUNT(*) FROM sli_minute")).scalar() or 0)
            print(f"  {stored:,} minutes stored ({stored / measured:,.0f} per objective)")
            if measured < args.objectives:
                seconds = float(rows[0][1])
                rows[0][0] = f"backfill of {measured} objectives"
                scale = args.objectives / measured
                print(f"  backfill of {args.objectives} by linear extrapolation: {seconds * scale:,.0f} s")
                seed(db, measured, args.objectives, args.days)
                clone_backfill(db, measured, now)
                print(
                    f"  objectives {measured + 1}-{args.objectives}: backfill copied from the pulled ones", flush=True
                )
            for n in range(1, args.passes + 1):
                current[0] = now + timedelta(minutes=n)
                profiler = cProfile.Profile() if args.profile and n == args.passes else None
                if profiler is not None:
                    profiler.enable()
                report = phase(
                    f"steady pass {n}", lambda: evaluation_pass.evaluate(runtime, notifier), server, counter, rows
                )
                if profiler is not None:
                    profiler.disable()
                    stats = pstats.Stats(profiler).sort_stats("cumulative")
                    stats.print_stats(30)
                    stats.sort_stats("tottime").print_stats(20)
                assert getattr(report, "ran", True)
        print()
        head = [
            "phase",
            "wall s",
            "requests sent (slabot's count)",
            "prom queries",
            "prom engine s",
            "prom http s",
            "prom cpu s",
        ]
        widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
        for row in [head, ["-" * w for w in widths], *rows]:
            print(" | ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)))
        steady = [float(r[1]) for r in rows[1:]]
        queries = [int(re.sub(r"[^0-9].*", "", r[2].replace(",", ""))) for r in rows[1:]]
        if steady:
            print(f"steady pass: worst {max(steady):.2f} s (goal < 5 s), most {max(queries):,} queries (goal < 2,000)")
    finally:
        server.stop()
        if db.is_postgres:
            db.downgrade("base")
        db.dispose()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
