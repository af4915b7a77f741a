"""What the request benchmarks share: a database migrated afresh, and latencies as percentiles."""

from __future__ import annotations

import statistics

from storage.db import Database


def fresh_database(url: str | None, folder: str) -> Database:
    """The given database emptied and migrated to head, or a new SQLite file in `folder`."""
    db = Database(url or f"sqlite:///{folder}/bench.db")
    if db.is_postgres:
        db.downgrade("base")
    db.upgrade()
    return db


def percentiles(samples: list[float]) -> str:
    """Seconds as p50, p95, p99 and mean in milliseconds (the nearest-rank sample for each)."""
    ordered = sorted(samples)

    def pick(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000

    mean = statistics.mean(ordered) * 1000
    return f"p50 {pick(0.50):6.1f} ms   p95 {pick(0.95):6.1f} ms   p99 {pick(0.99):6.1f} ms   mean {mean:6.1f} ms"
