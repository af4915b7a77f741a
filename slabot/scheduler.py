"""The jobs that run inside the bot process, on APScheduler 3's background scheduler.

- slabot.evaluate: every SLABOT_EVAL_INTERVAL seconds, the evaluation pass (alerts, budget notices,
  SLA timers) and then delivery of what it queued;
- slabot.deliver: every DELIVER_EVERY seconds, whatever the outbox still holds (retries, after a restart).

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

from slabot.delivery import Deliverer
from slabot.evaluator import evaluate_and_deliver
from slabot.runtime import Runtime

log = logging.getLogger(__name__)
EVALUATE_JOB = "slabot.evaluate"
DELIVER_JOB = "slabot.deliver"
DELIVER_EVERY = 5
# Missed runs are coalesced into one, a job never overlaps itself, and a late run is run, however late.
JOB_DEFAULTS: dict[str, Any] = {"coalesce": True, "max_instances": 1, "misfire_grace_time": None}


def _evaluate(runtime: Runtime, deliverer: Deliverer) -> None:
    try:
        report, delivery = evaluate_and_deliver(runtime, deliverer)
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


def build_scheduler(runtime: Runtime, deliverer: Deliverer, *, start_at: datetime | None = None) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(timezone=UTC, job_defaults=JOB_DEFAULTS)
    first = start_at or datetime.now(UTC)
    scheduler.add_job(
        _evaluate,
        IntervalTrigger(seconds=runtime.settings.eval_interval_seconds, timezone=UTC),
        id=EVALUATE_JOB,
        name="evaluate objectives, alerts and SLA timers",
        args=(runtime, deliverer),
        next_run_time=first,
        replace_existing=True,
        **JOB_DEFAULTS,
    )
    scheduler.add_job(
        _deliver,
        IntervalTrigger(seconds=DELIVER_EVERY, timezone=UTC),
        id=DELIVER_JOB,
        name="deliver the outbox",
        args=(deliverer,),
        next_run_time=first,
        replace_existing=True,
        **JOB_DEFAULTS,
    )
    return scheduler
