"""Turning queued digest runs into Slack messages: claim a run, read the week, draw the charts, and write
the message and its chart uploads to the outbox in one transaction. The outbox sends them once.

A scheduled digest is queued by its cron job, or by catching up after the bot was down: every fire time
of the last grace period (and after the digest was added) gets its week's run, whose once_key makes a
second replica's (or a second catch-up's) attempt change nothing. Rendering happens off any request path.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from slabot.config.runtime import Clock, Runtime
from slabot.notify import outbox
from slabot.render.digest import digest_message
from slabot.reports.chart_data import RenderedChart
from slabot.reports.charts import figures as charts
from slabot.reports.digests import DigestInfo, list_digests, queue_scheduled, run_service_ids
from slabot.reports.schedule import Week, last_complete_week
from slabot.reports.weekly import DigestReport, build_report
from storage.db import Database
from storage.models.reports import DigestRun, DigestRunStatus
from storage.queries import reports as digest_queries

log = logging.getLogger(__name__)
LEASE = timedelta(minutes=10)  # a worker holding a run longer than this is presumed dead
MAX_ATTEMPTS = 3
BATCH = 10


def message_key(run_id: int) -> str:
    return f"digest:{run_id}"


def chart_key(run_id: int, index: int) -> str:
    return f"digest:{run_id}:chart:{index}"


def draw_charts(report: DigestReport) -> list[RenderedChart]:
    """The charts that have something to show, in reading order."""
    zone, total = report.week.zone, len(report.objectives)
    drawn = []
    if report.sli_panels:
        drawn.append(charts.sli_chart(report.sli_panels, report.week.period, zone, total=total))
    if report.burndowns:
        drawn.append(charts.burndown_chart(report.burndowns, zone, total=total))
    if any(item.value > 0 for item in report.causes.items):
        drawn.append(charts.pareto_chart(report.causes))
    if any(week.incidents for week in report.trend):
        drawn.append(charts.trend_chart(report.trend))
    return drawn


class DigestWorker:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        default_zone: ZoneInfo,
        grace: timedelta,
        *,
        lease: timedelta = LEASE,
    ) -> None:
        self.db = db
        self.clock = clock
        self.default_zone = default_zone
        self.grace = grace
        self.lease = lease

    @classmethod
    def for_runtime(cls, runtime: Runtime) -> DigestWorker:
        """A worker with the bot's zone and SLABOT_DIGEST_GRACE_HOURS."""
        settings = runtime.settings
        return cls(runtime.db, runtime.clock, settings.timezone, timedelta(hours=settings.digest_grace_hours))

    # --- queuing scheduled runs ---------------------------------------------------------------------------

    def catch_up(self, digest_id: int | None = None) -> int:
        """Queue the runs of every fire time in the last grace period (of one digest, or all); returns how
        many this call queued. A fire time before the digest was added is not a missed run."""
        now = self.clock()
        queued = 0
        with self.db.session() as session:
            for info in list_digests(session):
                if digest_id is not None and info.digest.id != digest_id:
                    continue
                since = max(now - self.grace, info.digest.created_at)
                for fire in info.slot.missed_runs(now, since):
                    week = last_complete_week(fire, info.slot.zone)
                    if queue_scheduled(session, info, fire, week, now):
                        log.info("digest %s: queued %s for %s", info.digest.id, week, fire)
                        queued += 1
        return queued

    # --- rendering ----------------------------------------------------------------------------------------

    def render_due(self) -> list[int]:
        """Render every run waiting (or left by a dead worker); returns the ids of the runs now queued."""
        now = self.clock()
        with self.db.session() as session:
            runs = digest_queries.runs_to_render(session, now - self.lease, BATCH)
        done = []
        for run in runs:
            if self._render(run):
                done.append(run.id or 0)
        return done

    def _render(self, run: DigestRun) -> bool:
        assert run.id is not None
        claimed_at = self.clock()
        with self.db.session() as session:
            if not digest_queries.claim_run(session, run.id, claimed_at, claimed_at - self.lease):
                return False
        try:
            week = Week(run.week_start, ZoneInfo(run.timezone))
            with self.db.session() as session:
                report = build_report(session, week, run_service_ids(run), self.default_zone)
            message = digest_message(report)
            # a file name unique to the run, so an uncertain upload can be found in the thread
            drawn = [replace(c, filename=f"slabot-digest-{run.id}-{c.filename}") for c in draw_charts(report)]
        except Exception as error:
            log.exception("digest run %s (%s) failed to render", run.id, run.once_key)
            self._failed(run, claimed_at, error)
            return False
        now = self.clock()
        with self.db.session() as session:
            if not digest_queries.finish_run(
                session, run.id, claimed_at, status=DigestRunStatus.QUEUED.value, finished_at=now, last_error=None
            ):
                session.rollback()
                log.warning("digest run %s was taken over while rendering; leaving it to the other worker", run.id)
                return False
            outbox.post(session, message_key(run.id), run.channel_id, message, now)
            for index, chart in enumerate(drawn, start=1):
                outbox.upload(
                    session, chart_key(run.id, index), run.channel_id, chart, now, parent_key=message_key(run.id)
                )
        return True

    def _failed(self, run: DigestRun, claimed_at: datetime, error: Exception) -> None:
        assert run.id is not None
        attempts = run.attempts + 1
        status = DigestRunStatus.FAILED if attempts >= MAX_ATTEMPTS else DigestRunStatus.PENDING
        with self.db.session() as session:
            digest_queries.finish_run(
                session,
                run.id,
                claimed_at,
                status=status.value,
                claimed_at=None,
                finished_at=self.clock() if status == DigestRunStatus.FAILED else None,
                last_error=f"{type(error).__name__}: {error}"[:300],
            )


def digests(db: Database) -> list[DigestInfo]:
    with db.session() as session:
        return list_digests(session)
