"""Benchmark: the weekly digest's four charts, drawn and encoded as PNG. A script, not a test:

    python tests/bench/bench_charts.py [--renders 10] [--out DIR] [--phases]

Builds realistic data at the sizes the digest passes (12 SLI panels of 168 hourly points; 6 burn-downs over
30 days with 720 hourly points and 5 incidents each; a Pareto of 15 causes; 8 weeks of MTTA/MTTR) and prints,
per chart, the median, min and max of `--renders` renders (draw + to_png, after one warm-up) and the PNG size
(when other work shares the cores, the min is the closest to what an idle machine takes).
--phases splits a render into building the figure, drawing it and encoding the PNG. Goal: each within 1 s
(the charts are drawn off any request path; the whole digest has 20 s, see bench_digest.py).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from fractions import Fraction
from functools import partial
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from matplotlib.figure import Figure

from slabot.render.charts import burndown, pareto, sli, trend
from slabot.render.charts.png import to_png
from slabot.render.charts.ranking import Pareto, ParetoItem, ParetoUnit
from slabot.reports.chart_data import BurnDown, IncidentMarker, SliPanel, WeekTimes
from slabot.reports.schedule import Week

ZONE = ZoneInfo("Europe/Berlin")
WEEK_START = datetime(2026, 11, 15, 23, tzinfo=UTC)  # Monday 16 Nov 2026, 00:00 in Berlin
GOAL_MS = 1000.0
NAMES = ("checkout", "payments", "search", "catalog", "auth", "支付服务", "inventory", "shipping", "api", "web")
KINDS = ("availability", "latency-p99", "errors", "可用性")


def sli_panels(rng: random.Random, count: int = 12) -> list[SliPanel]:
    panels = []
    for index in range(count):
        target = (Fraction(999, 1000), Fraction(9995, 10000), Fraction(99, 100))[index % 3]
        dip = rng.randrange(168)
        points: list[tuple[datetime, Fraction | None]] = []
        for hour in range(168):
            sli: Fraction | None = 1 - Fraction(rng.randrange(0, 4), 10000)
            if dip <= hour < dip + rng.randrange(1, 5):
                sli = Fraction(rng.randrange(950, 999), 1000)
            if index % 5 == 4 and 100 <= hour < 106:
                sli = None  # no traffic
            points.append((WEEK_START + timedelta(hours=hour), sli))
        panels.append(SliPanel(NAMES[index % len(NAMES)], KINDS[index % len(KINDS)], target, tuple(points)))
    return panels


def burndowns(rng: random.Random, count: int = 6) -> list[BurnDown]:
    made = []
    for index in range(count):
        end = WEEK_START + timedelta(days=7)
        start = end - timedelta(days=30)
        hits = sorted(rng.sample(range(12, 708), 5))
        left = Fraction(1)
        points: list[tuple[datetime, Fraction]] = []
        markers: list[IncidentMarker] = []
        for hour in range(720):
            at = start + timedelta(hours=hour + 1)
            if hour in hits:
                markers.append(IncidentMarker(at, 100 + index * 5 + len(markers), rng.randrange(1, 5)))
                left -= Fraction(rng.randrange(5, 45), 100)
            left -= Fraction(rng.randrange(0, 3), 10000)
            points.append((at, left))
        service, kind = NAMES[index % len(NAMES)], KINDS[index % len(KINDS)]
        made.append(BurnDown(service, kind, start, end, tuple(points), tuple(markers)))
    return made


def bad_time(rng: random.Random, count: int = 15) -> Pareto:
    items = tuple(
        ParetoItem(f"{NAMES[i % len(NAMES)]}-{i}", Fraction(rng.randrange(10, 4000) * (count - i), 60))
        for i in range(count)
    )
    return Pareto("Bad time by service (incidents)", ParetoUnit.MINUTES, items)


def weeks(rng: random.Random, count: int = 8) -> list[WeekTimes]:
    made = []
    for index in range(count):
        incidents = rng.randrange(0, 15)
        monday = date.fromisocalendar(2026, 39 + index, 1)
        if not incidents:
            made.append(WeekTimes(monday, 0, None, None, None, None))
            continue
        mtta, mttr = Fraction(rng.randrange(60, 1200)), Fraction(rng.randrange(1800, 6 * 3600))
        made.append(WeekTimes(monday, incidents, mtta, mtta * 3, mttr, mttr * 4))
    return made


def timed(function: Callable[[], object]) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def render(draw: Callable[[], Figure]) -> bytes:
    return to_png(draw())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--renders", type=int, default=10)
    parser.add_argument("--out", type=Path, help="write each chart's PNG into this directory")
    parser.add_argument("--phases", action="store_true", help="also time building, drawing and encoding apart")
    args = parser.parse_args()
    rng = random.Random(46)
    panels, burns, causes, times = sli_panels(rng), burndowns(rng), bad_time(rng), weeks(rng)
    week = Week(date(2026, 11, 16), ZONE)
    cases: list[tuple[str, Callable[[], Figure]]] = [
        ("sli (12 × 168)", lambda: sli.draw_sli(panels, week, locale="en", total=100)),
        ("burndown (6 × 720, 5 inc.)", lambda: burndown.draw_burndown(burns, ZONE, locale="en", total=100)),
        ("pareto (15 causes)", lambda: pareto.draw_pareto(causes, locale="en")),
        ("trend (8 weeks)", lambda: trend.draw_trend(times, locale="en")),
    ]
    print(f"{args.renders} renders each (draw + to_png), after one warm-up; goal < {GOAL_MS:.0f} ms")
    print(f"  {'chart':28s} {'median':>9s} {'min':>9s} {'max':>9s} {'PNG':>8s}")
    slow = []
    for name, draw in cases:
        png = to_png(draw())
        samples = [timed(partial(render, draw)) * 1000 for _ in range(args.renders)]
        median = statistics.median(samples)
        if median >= GOAL_MS:
            slow.append(name)
        print(f"  {name:28s} {median:6.1f} ms {min(samples):6.1f} ms {max(samples):6.1f} ms {len(png) / 1024:5.0f} KB")
        if args.phases:
            figures = [draw() for _ in range(args.renders)]
            build = statistics.median(timed(draw) for _ in range(args.renders)) * 1000
            paint = statistics.median(timed(figure.canvas.draw) for figure in figures) * 1000
            total = statistics.median(timed(partial(to_png, figure)) for figure in figures) * 1000
            print(f"  {'':28s} build {build:5.1f} ms, draw {paint:5.1f} ms, encode ≈ {total - paint:5.1f} ms")
        if args.out:
            args.out.mkdir(parents=True, exist_ok=True)
            (args.out / f"{name.split()[0]}.png").write_bytes(png)
    print("all under the goal" if not slow else f"over the goal: {', '.join(slow)}")


if __name__ == "__main__":
    main()
