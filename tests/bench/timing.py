"""What the request benchmarks share: a database migrated afresh, the bot served over HTTP against the local
Slack, and latencies as percentiles."""

from __future__ import annotations

import gc
import statistics
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from slabot.config.runtime import Runtime
from slabot.devtools.localslack import LocalSlack
from slabot.runtime.http import create_http_app
from slabot.runtime.wiring import connect
from slabot.slack.app import InlineExecutor
from storage.db import Database
from tests.driver import Server


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


@contextmanager
def served(runtime: Runtime, secret: str) -> Iterator[tuple[LocalSlack, Server, httpx.Client]]:
    """The real app (listeners run inline, so a request's work is done when it returns) behind the real HTTP
    server, talking to a local Slack; with a client to send requests."""
    with LocalSlack() as slack:
        app = connect(runtime, api_url=slack.base_url, signing_secret=secret, listener_executor=InlineExecutor()).app
        with Server(create_http_app(runtime, app)) as server, httpx.Client() as http:
            gc.collect()
            gc.freeze()  # as `python bot.py` does once it has started: what start-up built stays out of full passes
            try:
                yield slack, server, http
            finally:
                gc.unfreeze()
