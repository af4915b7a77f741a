"""Pulling an objective's counts from Prometheus into the per-minute store: queries checked at definition,
the backfill of the window, each pass's pull since the last one (re-reading a few minutes for late samples),
and the outage marks when the server does not answer.

Lives with the sources (not in slabot.slo) because it uses the Prometheus client, a source; it stores through
slabot.slo.ingest, the one validator of every source. HTTP calls happen outside any transaction: the source
row is read in one unit of work, Prometheus is asked, the minutes are written in another.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from slabot.catalog.objectives import ObjectiveSpec, define_objective
from slabot.core.errors import UserError
from slabot.core.windows import WindowSpec, window_bounds
from slabot.slo.ingest import MAX_POINTS, Point, epoch_minute, ingest, minute_start
from slabot.sources.prometheus_client import PrometheusClient, PrometheusError, QueryShapeError, counter_selector
from slabot.sources.prometheus_counts import MAX_GAP_MS, MINUTE_MS, MinuteCount, combine, sum_series
from storage.db import Database
from storage.models.catalog import Objective, ObjectiveSource, Service
from storage.models.prometheus import QUERY_MAX, PrometheusSource
from storage.queries import prometheus as queries

log = logging.getLogger(__name__)

REREAD = timedelta(minutes=5)  # each pass pulls again this far before where the last one ended
LONGEST_LOOKBACK = timedelta(days=3)  # the burn-rate rules need this much before a calendar window starts

ClientFactory = Callable[[], PrometheusClient]


@dataclass(frozen=True)
class Queries:
    """good or bad (exactly one) with total, as typed; each reduces to a counter selector."""

    total: str
    good: str | None = None
    bad: str | None = None

    @property
    def is_bad(self) -> bool:
        return self.bad is not None

    @property
    def counted(self) -> str:
        counted = self.bad if self.bad is not None else self.good
        assert counted is not None
        return counted


def read_queries(good: str | None, bad: str | None, total: str | None) -> Queries:
    """The shapes slabot can count exactly, or a UserError saying what is accepted."""
    if total is None or (good is None) == (bad is None):
        raise UserError('source=prometheus needs total="<PromQL>" and one of good="<PromQL>" or bad="<PromQL>"')
    for key, query in (("good", good), ("bad", bad), ("total", total)):
        if query is None:
            continue
        if len(query) > QUERY_MAX:
            raise UserError(f"{key}= can be up to {QUERY_MAX} characters (got {len(query)})")
        try:
            counter_selector(query)
        except QueryShapeError as error:
            raise UserError(f"{key}=: {error}") from None
    return Queries(total=total, good=good, bad=bad)


def check_against_server(client: PrometheusClient, queries_: Queries, now: datetime) -> None:
    """Each query must parse and name a metric Prometheus has (seen in the last day); a server that does not
    answer is refused too, so nothing is defined that could not be measured."""
    for key, query in (("good", queries_.good), ("bad", queries_.bad), ("total", queries_.total)):
        if query is None:
            continue
        selector = counter_selector(query)
        try:
            found = client.series_count(f"last_over_time({selector}[1d])", now)
        except PrometheusError as error:
            if error.unavailable:
                raise UserError(f"Prometheus did not answer, so nothing was defined: {error.message}") from None
            raise UserError(f"{key}= was refused by Prometheus: {error.message}") from None
        if found == 0:
            raise UserError(f"{key}=: Prometheus has no series for {selector} in the last day: check the metric name")


def backfill_start(window: WindowSpec, now: datetime, zone: ZoneInfo) -> datetime:
    """Where a new objective's backfill starts: its window, and the longest lookback before it."""
    bounds = window_bounds(window, now, zone)
    return min(bounds.start, bounds.now - LONGEST_LOOKBACK)


def fetch_minutes(client: PrometheusClient, queries_: Queries, start: datetime, end: datetime) -> list[MinuteCount]:
    """Exact good and total per minute in [start, end) (whole minutes), each series read back MAX_GAP_MS."""
    lo, hi = epoch_minute(start) * MINUTE_MS, epoch_minute(end) * MINUTE_MS
    if hi <= lo:
        return []
    counted = client.raw_samples_chunked(counter_selector(queries_.counted), lo - MAX_GAP_MS, hi)
    total = client.raw_samples_chunked(counter_selector(queries_.total), lo - MAX_GAP_MS, hi)
    return combine(
        sum_series((s.samples for s in counted), lo, hi),
        sum_series((s.samples for s in total), lo, hi),
        bad=queries_.is_bad,
    )


def store_minutes(session: Session, objective: Objective, minutes: list[MinuteCount], now: datetime) -> int:
    """Through slabot.slo.ingest's checks, in batches it accepts; returns how many minutes were stored."""
    stored = 0
    for first in range(0, len(minutes), MAX_POINTS):
        batch = minutes[first : first + MAX_POINTS]
        stored += ingest(session, objective, [Point(minute_start(m.minute), m.good, m.total) for m in batch], now)
    return stored


def source_queries(source: PrometheusSource) -> Queries:
    return Queries(total=source.total_query, good=source.good_query, bad=source.bad_query)


@dataclass(frozen=True)
class PullResult:
    objective_id: int
    minutes: int  # minutes stored (0 when the server did not answer)
    unavailable_since: datetime | None  # set while the server does not answer


def pull_objective(db: Database, client: PrometheusClient, objective_id: int, now: datetime) -> PullResult:
    """Pull [from, now) for one objective: from the last pull (less REREAD) or, the first time, from the
    backfill start; a server that does not answer marks the outage (kept from its first failure) and the
    next answer pulls from where the last success ended, filling the gap."""
    with db.session() as session:
        source = queries.source_of(session, objective_id)
        objective = session.get(Objective, objective_id)
        if source is None or objective is None:
            return PullResult(objective_id, 0, None)
        zone = ZoneInfo(objective.timezone or "UTC")
        start = (
            source.pulled_until - REREAD
            if source.pulled_until is not None
            else backfill_start(WindowSpec.parse(objective.window), now, zone)
        )
        queries_ = source_queries(source)
    end = minute_start(epoch_minute(now))
    try:
        minutes = fetch_minutes(client, queries_, start, end)
    except PrometheusError as error:
        if not error.unavailable:
            raise
        with db.session() as session:
            queries.mark_unavailable(session, objective_id, now)
            marked = queries.source_of(session, objective_id)
            since = marked.unavailable_since if marked is not None else now
        return PullResult(objective_id, 0, since)
    with db.session() as session:
        objective = session.get(Objective, objective_id)
        if objective is None:
            return PullResult(objective_id, 0, None)
        stored = store_minutes(session, objective, minutes, now)
        queries.mark_pulled(session, objective_id, end)
    return PullResult(objective_id, stored, None)


def pull_all(db: Database, client_factory: ClientFactory, now: datetime) -> list[PullResult]:
    """Every Prometheus objective pulled, each in its own transactions; one objective's failure is logged
    and does not stop the others."""
    with db.session() as session:
        ids = queries.source_ids(session)
    results: list[PullResult] = []
    if not ids:
        return results
    with client_factory() as client:
        for objective_id in ids:
            try:
                results.append(pull_objective(db, client, objective_id, now))
            except Exception:
                log.exception("pulling objective %s from Prometheus failed", objective_id)
    return results


def define_pulled_objective(
    session: Session, service_name: str, spec: ObjectiveSpec, queries_: Queries, actor: str
) -> tuple[Objective, Service]:
    """An event-based objective whose counts are pulled from Prometheus (its queries in prometheus_source)."""
    objective, service = define_objective(session, service_name, replace(spec, source=ObjectiveSource.EVENTS), actor)
    queries.add_source(
        session,
        PrometheusSource(
            objective_id=objective.id, good_query=queries_.good, bad_query=queries_.bad, total_query=queries_.total
        ),
    )
    return objective, service


def is_pulled(session: Session, objective_id: int) -> bool:
    return queries.source_of(session, objective_id) is not None
