"""The jobs that run inside the bot process, on APScheduler 3's background scheduler.

- slabot.evaluate: every SLABOT_EVAL_INTERVAL seconds, the evaluation pass (alerts, budget notices,
  SLA timers) and then delivery of what it queued;
- slabot.deliver: every DELIVER_EVERY seconds, whatever the outbox still holds (retries, after a restart);
- slabot.digests: every DIGEST_EVERY seconds, the digest worker posts the runs queued (/sla report, cron jobs);
- slabot.digest_sync: every DIGEST_SYNC_EVERY seconds, one cron job per stored digest (CronTrigger in the
  digest's zone: slabot.reports.<id>), added, changed or removed to match the database, and a catch-up that
  queues any run missed in the last SLABOT_DIGEST_GRACE_HOURS (the bot was down, or the digest was just added);
- slabot.reports.<id>: at the digest's weekday and local time, queue that week's run and post it.

Both start at once when the process starts (a restart never waits a full interval, nor skips a run), run
in UTC, coalesce missed runs into one, never overlap themselves and have no misfire grace limit, so a late
run is run late rather than dropped.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger

from slabot.config.runtime import Runtime
from slabot.notify.delivery import Deliverer
from slabot.notify.notifier import Notifier
from slabot.runtime.digest_worker import DigestWorker
from slabot.runtime.evaluation_pass import evaluate_and_deliver

log = logging.getLogger(__name__)
EVALUATE_JOB = "slabot.evaluate"
DELIVER_JOB = "slabot.deliver"
DIGESTS_JOB = "slabot.digests"
DIGEST_SYNC_JOB = "slabot.digest_sync"
DIGEST_JOB_PREFIX = "slabot.reports."
DELIVER_EVERY = 5
DIGEST_EVERY = 5
DIGEST_SYNC_EVERY = 30
# Missed runs are coalesced into one, a job never overlaps itself, and a late run is run, however late.
JOB_DEFAULTS: dict[str, Any] = {"coalesce": True, "max_instances": 1, "misfire_grace_time": None}


def _evaluate(runtime: Runtime, notifier: Notifier) -> None:
    try:
        report, delivery = evaluate_and_deliver(runtime, notifier)
    except Exception:
        log.exception("evaluation pass failed; the next one runs on schedule")
        return
    if report.ran:
        log.info(
            "evaluated %d objectives in %.0f ms; delivered %d, retrying %d",
            report.objectives,
            report.seconds * 1000,
            len(delivery.delivered),
            len(delivery.retrying),
        )


def _deliver(deliverer: Deliverer) -> None:
    try:
        deliverer.deliver_due()
    except Exception:
        log.exception("outbox delivery failed; retrying on schedule")


def _render_digests(worker: DigestWorker) -> None:
    try:
        worker.render_due()
    except Exception:
        log.exception("rendering digests failed; retrying on schedule")


def _fire_digest(worker: DigestWorker, digest_id: int) -> None:
    try:
        worker.catch_up(digest_id)
    except Exception:
        log.exception("queuing digest %s failed; the catch-up retries it", digest_id)
    _render_digests(worker)


def sync_digest_jobs(scheduler: BackgroundScheduler, worker: DigestWorker) -> None:
    """One cron job per stored digest, in its zone; then queue whatever was missed (and post it)."""
    wanted = {f"{DIGEST_JOB_PREFIX}{info.digest.id}": info for info in worker.digests()}
    for job in scheduler.get_jobs():
        if job.id.startswith(DIGEST_JOB_PREFIX) and job.id not in wanted:
            job.remove()
    grace = max(int(worker.grace.total_seconds()), 1)
    for job_id, info in wanted.items():
        trigger = info.slot.trigger()
        existing = scheduler.get_job(job_id)
        if existing is not None and repr(existing.trigger) == repr(trigger):
            continue
        scheduler.add_job(
            _fire_digest,
            trigger,
            id=job_id,
            name=f"weekly digest {info.digest.id} to {info.digest.channel_id}",
            args=(worker, info.digest.id),
            replace_existing=True,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=grace,
        )
    if worker.catch_up():
        _render_digests(worker)


def _sync(scheduler: BackgroundScheduler, worker: DigestWorker) -> None:
    try:
        sync_digest_jobs(scheduler, worker)
    except Exception:
        log.exception("syncing digest jobs failed; retrying on schedule")


def build_scheduler(
    runtime: Runtime,
    notifier: Notifier,
    *,
    start_at: datetime | None = None,
    worker: DigestWorker | None = None,
) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(timezone=UTC, job_defaults=JOB_DEFAULTS)
    first = start_at or datetime.now(UTC)
    deliverer = notifier.deliverer
    worker = worker or DigestWorker.for_runtime(runtime, notifier)
    every: list[tuple[Any, int, str, str, tuple[Any, ...]]] = [
        (
            _evaluate,
            runtime.settings.eval_interval_seconds,
            EVALUATE_JOB,
            "evaluate objectives, alerts and SLA timers",
            (runtime, notifier),
        ),
        (_deliver, DELIVER_EVERY, DELIVER_JOB, "deliver the outbox", (deliverer,)),
        (_render_digests, DIGEST_EVERY, DIGESTS_JOB, "render and post queued digests", (worker,)),
        (
            _sync,
            DIGEST_SYNC_EVERY,
            DIGEST_SYNC_JOB,
            "match digest cron jobs to the database; catch up on missed runs",
            (scheduler, worker),
        ),
    ]
    for job, seconds, job_id, name, args in every:
        scheduler.add_job(
            job,
            IntervalTrigger(seconds=seconds, timezone=UTC),
            id=job_id,
            name=name,
            args=args,
            next_run_time=first,
            replace_existing=True,
            **JOB_DEFAULTS,
        )
    return scheduler
