"""Pulling an objective's counts from Prometheus into the per-minute store: the backfill of the window (in
day-long stages, each committed, with progress), each pass's pull since the last one (re-reading a few
minutes for late samples), and the marks of a server that does not answer or a metric that has gone.

Lives with the sources (not in slabot.slo) because it uses the Prometheus client, a source; it stores through
slabot.slo.ingest, the one validator of every source. HTTP calls happen outside any transaction: the source
row is read in one unit of work, Prometheus is asked, the minutes are written in another.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from slabot.core.errors import UserError
from slabot.core.windows import WindowSpec, window_bounds
from slabot.slo.ingest import Point, check_points, epoch_minute, ingest, ingest_many, minute_start
from slabot.sources.prometheus_client import PrometheusClient, PrometheusError, Series, counter_selector
from slabot.sources.prometheus_counts import MAX_GAP_MS, MINUTE_MS, MinuteCount, combine, sum_series
from slabot.sources.prometheus_objectives import Queries, source_queries
from slabot.sources.prometheus_selectors import narrowing
from slabot.sources.prometheus_servers import Servers
from storage.db import Database
from storage.models.catalog import Objective
from storage.models.prometheus import PrometheusSource
from storage.queries import prometheus as queries

log = logging.getLogger(__name__)

REREAD = timedelta(minutes=5)  # each pass pulls again this far before where the last one ended
LONGEST_LOOKBACK = timedelta(days=3)  # the burn-rate rules need this much before a calendar window starts
STAGE = timedelta(days=1)  # a backfill is pulled and committed a day at a time
SHARED_SPAN_MS = 3600 * 1000  # spans up to this long are asked once per pass for every objective naming them
CONCURRENCY = 8  # a pass's pulls asked at once (Prometheus runs 20 queries at once by default)
BACKFILL_BUDGET_S = 20.0  # seconds a pass gives backfills, after its own pulls


@dataclass(frozen=True)
class Progress:
    """How far a pull has come: minutes stored so far, and the share of its span done (done_ms of span_ms)."""

    objective_id: int
    minutes: int
    done_ms: int
    span_ms: int


ProgressReport = Callable[[Progress], None]


@dataclass
class SampleReader:
    """One server's raw samples for a pass: a selector over a short span (a pass's pull) is asked once, however
    many objectives name it, even when they ask at once from several threads; longer spans (backfills) are
    asked each time and not kept."""

    client: PrometheusClient
    _shared: dict[tuple[str, int, int], Future[list[Series]]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def samples(self, selector: str, lo: int, hi: int) -> list[Series]:
        if hi - lo > SHARED_SPAN_MS:
            return self.client.raw_samples_chunked(selector, lo, hi)
        with self._lock:
            shared = self._shared.get((selector, lo, hi))
            mine = shared is None
            if shared is None:
                shared = self._shared[(selector, lo, hi)] = Future()
        if mine:
            try:
                shared.set_result(self.client.raw_samples_chunked(selector, lo, hi))
            except BaseException as error:
                shared.set_exception(error)
        return shared.result()


@dataclass(frozen=True)
class Fetched:
    minutes: list[MinuteCount]
    total_seen: bool  # the total query had at least one sample in the span itself


def backfill_start(window: WindowSpec, now: datetime, zone: ZoneInfo) -> datetime:
    """Where a new objective's backfill starts: its window, and the longest lookback before it."""
    bounds = window_bounds(window, now, zone)
    return min(bounds.start, bounds.now - LONGEST_LOOKBACK)


def pull_start(source: PrometheusSource, objective: Objective, now: datetime) -> datetime:
    """Where the objective's next pull starts: the last pull less REREAD, or (never pulled) its backfill start."""
    if source.pulled_until is not None:
        return source.pulled_until - REREAD
    return backfill_start(WindowSpec.parse(objective.window), now, ZoneInfo(objective.timezone or "UTC"))


def fetch_minutes(reader: SampleReader, queries_: Queries, start: datetime, end: datetime) -> Fetched:
    """Exact good and total per minute in [start, end) (whole minutes), each series read back MAX_GAP_MS."""
    lo, hi = epoch_minute(start) * MINUTE_MS, epoch_minute(end) * MINUTE_MS
    if hi <= lo:
        return Fetched([], True)
    counted_selector, total_selector = counter_selector(queries_.counted), counter_selector(queries_.total)
    total = reader.samples(total_selector, lo - MAX_GAP_MS, hi)
    picks = narrowing(counted_selector, total_selector)
    if picks is not None:  # the counted series are some of the total's: read from the same answer
        counted = [series for series in total if picks(series.labels)]
    else:
        counted = reader.samples(counted_selector, lo - MAX_GAP_MS, hi)
    seen = any(sample.t_ms >= lo for series in total for sample in series.samples)
    minutes = combine(
        sum_series((s.samples for s in counted), lo, hi),
        sum_series((s.samples for s in total), lo, hi),
        bad=queries_.is_bad,
    )
    return Fetched(minutes, seen)


def as_points(minutes: list[MinuteCount]) -> list[Point]:
    """Pulled minutes as the points slabot.slo.ingest checks and stores (a stage's day is within MAX_POINTS)."""
    return [Point(minute_start(m.minute), m.good, m.total) for m in minutes]


@dataclass(frozen=True)
class PullResult:
    objective_id: int
    minutes: int  # minutes stored (0 when the server did not answer)


def _span(db: Database, objective_id: int, now: datetime) -> tuple[Queries, datetime] | None:
    """The objective's queries and where its pull starts."""
    with db.session() as session:
        source = queries.source_of(session, objective_id)
        objective = session.get(Objective, objective_id)
        if source is None or objective is None:
            return None
        return source_queries(source), pull_start(source, objective, now)


def pull_objective(
    db: Database,
    reader: SampleReader,
    objective_id: int,
    now: datetime,
    progress: ProgressReport | None = None,
    *,
    deadline: float | None = None,
) -> PullResult:
    """Pull [from, now) for one objective in stages of at most STAGE, each stored and marked as pulled in its
    own transaction (a backfill cut short, or stopped at `deadline`, a time.monotonic(), resumes where it
    stopped). A server that does not answer marks the outage (kept from its first failure); a total query with
    no series while it answers marks the metric missing (kept from when it was first missed), and its return
    clears the mark."""
    span = _span(db, objective_id, now)
    if span is None:
        return PullResult(objective_id, 0)
    queries_, start = span
    end = minute_start(epoch_minute(now))
    stored, stage_start, seen = 0, start, True
    while stage_start < end:
        if deadline is not None and time.monotonic() >= deadline:
            return PullResult(objective_id, stored)
        stage_end = min(stage_start + STAGE, end)
        try:
            fetched = fetch_minutes(reader, queries_, stage_start, stage_end)
        except PrometheusError as error:
            if not error.unavailable:
                raise
            mark_unavailable(db, [objective_id], now)
            return PullResult(objective_id, stored)
        with db.session() as session:
            objective = session.get(Objective, objective_id)
            if objective is None:
                return PullResult(objective_id, stored)
            stored += ingest(session, objective, as_points(fetched.minutes), now)
            queries.mark_pulled(session, [objective_id], stage_end)
        seen = fetched.total_seen
        stage_start = stage_end
        if progress is not None:
            progress(Progress(objective_id, stored, _ms(stage_end - start), _ms(end - start)))
    with db.session() as session:
        queries.mark_missing(session, [objective_id] if seen else [], [] if seen else [objective_id], now)
    return PullResult(objective_id, stored)


def mark_unavailable(db: Database, objective_ids: list[int], now: datetime) -> None:
    """Record that these objectives' server did not answer (an outage under way keeps its start)."""
    with db.session() as session:
        for objective_id in objective_ids:
            queries.mark_unavailable(session, objective_id, now)


@dataclass(frozen=True)
class PassPull:
    """What one pass pulled: each objective's result and the queries sent to Prometheus."""

    results: tuple[PullResult, ...]
    queries_sent: int


@dataclass(frozen=True)
class _Due:
    """One objective's pull in a pass: its queries and span."""

    objective: Objective
    queries: Queries
    start: datetime

    def catching_up(self, end: datetime) -> bool:
        """A pass's own pull (one stage), as opposed to a backfill."""
        return end - self.start <= STAGE


def pull_all(
    db: Database, servers: Servers, now: datetime, backfill_budget_s: float | None = BACKFILL_BUDGET_S
) -> PassPull:
    """Every Prometheus objective pulled, server by server. The pass's own pulls (the minutes since the last
    one) are asked concurrently and stored in one transaction, a savepoint each, so one objective's failure
    is logged and does not stop the others; backfills follow, a day at a time, until `backfill_budget_s` has
    gone (the rest resumes next pass, so alerts are never held up behind a long backfill). Objectives whose
    server cannot be named (SLABOT_PROMETHEUS_URL unset) are marked unavailable: never shown as measured."""
    deadline = None if backfill_budget_s is None else time.monotonic() + backfill_budget_s
    end = minute_start(epoch_minute(now))
    with db.session() as session:
        by_server: dict[str | None, list[_Due]] = defaultdict(list)
        for source, objective in queries.pulled_objectives(session):
            by_server[source.datasource].append(
                _Due(objective, source_queries(source), pull_start(source, objective, now))
            )
        resolved = {}
        for name, waiting in by_server.items():
            try:
                resolved[name] = servers.resolve(session, name)
            except UserError as error:
                log.warning("cannot pull %d objectives: %s", len(waiting), error.message)
    results: list[PullResult] = []
    sent = 0
    for name, due in sorted(by_server.items(), key=lambda item: item[0] or ""):
        if name not in resolved:
            mark_unavailable(db, [d.objective.id for d in due], now)
            results += [PullResult(d.objective.id, 0) for d in due]
            continue
        with resolved[name].client() as client:
            reader = SampleReader(client)
            results += _catch_up(db, reader, [d for d in due if d.catching_up(end)], end, now)
            for item in (d for d in due if not d.catching_up(end)):
                if deadline is not None and time.monotonic() >= deadline:
                    break  # the rest of the backfills next pass
                try:
                    results.append(pull_objective(db, reader, item.objective.id, now, deadline=deadline))
                except Exception:
                    log.exception("pulling objective %s from Prometheus failed", item.objective.id)
            sent += client.queries_sent
    return PassPull(tuple(results), sent)


def _catch_up(db: Database, reader: SampleReader, due: list[_Due], end: datetime, now: datetime) -> list[PullResult]:
    """The pass's own pulls: fetched CONCURRENCY at a time, then stored together in one transaction (one read,
    one upsert of minutes, one of rollups, one update of the marks, whatever the number of objectives)."""
    if not due:
        return []

    def fetch(item: _Due) -> Fetched | PrometheusError:
        try:
            return fetch_minutes(reader, item.queries, item.start, end)
        except PrometheusError as error:
            return error

    with ThreadPoolExecutor(max_workers=CONCURRENCY) as pool:
        fetched = list(pool.map(fetch, due))
    batches: list[tuple[Objective, list[Point]]] = []
    seen: list[int] = []
    missing: list[int] = []
    down: list[int] = []
    for item, got in zip(due, fetched, strict=True):
        objective_id = item.objective.id
        if isinstance(got, PrometheusError):
            if got.unavailable:
                down.append(objective_id)
            else:
                log.error("Prometheus refused objective %s's queries: %s", objective_id, got.message)
            continue
        points = as_points(got.minutes)
        try:
            check_points(points, now)
        except UserError as error:
            log.error("objective %s: Prometheus gave counts slabot cannot store: %s", objective_id, error.message)
            continue
        batches.append((item.objective, points))
        (seen if got.total_seen else missing).append(objective_id)
    with db.session() as session:
        stored = ingest_many(session, batches, now)
        queries.mark_pulled(session, [objective.id for objective, _ in batches], end)
        queries.mark_missing(session, seen, missing, now)
        for objective_id in down:
            queries.mark_unavailable(session, objective_id, now)
    return [
        *(PullResult(objective.id, stored[objective.id]) for objective, _ in batches),
        *(PullResult(objective_id, 0) for objective_id in down),
    ]


def _ms(delta: timedelta) -> int:
    return int(delta.total_seconds() * 1000)
