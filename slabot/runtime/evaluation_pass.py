"""The evaluation pass the scheduler runs: every objective's burn-rate alerts, error budget notices and
incident SLA timers, as one unit of work (the changes and their outbox rows in one transaction), then delivered.
What it measures is read first, in one snapshot (`Database.snapshot`): the figures of one pass come from one
committed state of the counts, however many ingests commit meanwhile.

Only one pass runs at a time across replicas (a Postgres advisory lock; with SQLite, one process); a
replica that finds the lock taken skips its turn. The outbox keys make even a double pass harmless.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime

from slabot.alerting import alerts, budget_policy
from slabot.alerting.verdicts import evaluate_all
from slabot.config.runtime import Runtime
from slabot.incidents import breaches
from slabot.notify.delivery import DeliveryReport
from slabot.notify.notifier import Notifier
from slabot.sources import prometheus_outages, prometheus_pull

log = logging.getLogger(__name__)
LOCK_NAME = "slabot.evaluate"


@dataclass(frozen=True)
class PassReport:
    ran: bool
    objectives: int = 0
    seconds: float = 0.0
    prometheus_queries: int = 0  # requests sent to Prometheus servers by this pass's pull


def evaluate(runtime: Runtime, notifier: Notifier) -> PassReport:
    """One pass, if no other replica is running one: verdicts gathered from one consistent snapshot, then
    alerts, budget bands and timers brought up to date, and the rows of what they tell queued, all in one
    transaction."""
    with runtime.db.exclusive(LOCK_NAME) as mine:
        if not mine:
            log.debug("another replica is evaluating; skipping this turn")
            return PassReport(ran=False)
        started = time.perf_counter()
        now, zone = runtime.now(), runtime.settings.timezone
        sent = pull_prometheus(runtime, now)  # before the snapshot, in its own transactions
        # Every measurement (minutes, rollups, incidents, catalogue) read in one snapshot, so an ingest
        # committing mid-pass cannot put one state's rollups and another's minutes into one figure; the
        # changes then follow in their own unit of work (a write under the snapshot could conflict with it).
        with runtime.db.snapshot() as reading:
            evaluations = evaluate_all(reading, now, zone)
        with runtime.db.session() as session:
            events = [
                *alerts.apply(session, evaluations, now),
                *budget_policy.apply(session, [evaluation.status for evaluation in evaluations], now),
                *breaches.apply(session, now, zone),
                *prometheus_outages.due_notices(session, now),
            ]
            notifier.queue(session, events, now)
        seconds = time.perf_counter() - started
        return PassReport(ran=True, objectives=len(evaluations), seconds=seconds, prometheus_queries=sent)


def pull_prometheus(
    runtime: Runtime, now: datetime, backfill_budget_s: float | None = prometheus_pull.BACKFILL_BUDGET_S
) -> int:
    """Counts of source=prometheus objectives pulled up to now, from each one's server (backfills for at most
    `backfill_budget_s`, None: until done); a failure is logged, never stops the pass. Returns how many
    queries were sent."""
    servers = runtime.settings.prometheus_servers()
    try:
        return prometheus_pull.pull_all(runtime.db, servers, now, backfill_budget_s).queries_sent
    except Exception:
        log.exception("pulling from Prometheus failed")
        return 0


def evaluate_and_deliver(runtime: Runtime, notifier: Notifier) -> tuple[PassReport, DeliveryReport]:
    """What the scheduler runs: one pass, then whatever the outbox holds (every channel's due rows)."""
    report = evaluate(runtime, notifier)
    return report, notifier.deliverer.deliver_due()
