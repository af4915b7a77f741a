"""The digest worker: the unit of work that turns queued digest and report runs into Slack messages and files, off
any request path (a monthly PDF takes seconds: /sla report only queues it).

For each run due: claim it (one worker wins), build its period's numbers (a week, a month or a day), then in one
transaction write its message, charts and files (PDF, CSV) to the outbox (notify renders them) and finish the
run; deliver after the commit.
A run this worker lost meanwhile (taken over after the lease) writes nothing; one that fails to build or
render goes back to pending for another attempt. Also queues the scheduled runs missed within the grace period.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from zoneinfo import ZoneInfo

from slabot.config.runtime import Clock, Runtime
from slabot.notify.notifier import Notifier
from slabot.reports import runs
from slabot.reports.digests import DigestInfo, list_digests
from storage.db import Database
from storage.models.reports import DigestRun

log = logging.getLogger(__name__)
BATCH = 10  # runs rendered in one pass


class DigestWorker:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        notifier: Notifier,
        default_zone: ZoneInfo,
        grace: timedelta,
        *,
        lease: timedelta = runs.LEASE,
    ) -> None:
        self.db = db
        self.clock = clock
        self.notifier = notifier
        self.default_zone = default_zone
        self.grace = grace
        self.lease = lease

    @classmethod
    def for_runtime(cls, runtime: Runtime, notifier: Notifier) -> DigestWorker:
        """A worker with the bot's zone and SLABOT_DIGEST_GRACE_HOURS."""
        settings = runtime.settings
        grace = timedelta(hours=settings.digest_grace_hours)
        return cls(runtime.db, runtime.clock, notifier, settings.timezone, grace)

    def digests(self) -> list[DigestInfo]:
        with self.db.session() as session:
            return list_digests(session)

    def catch_up(self, digest_id: int | None = None) -> int:
        """Queue the runs of every fire time in the last grace period (of one digest, or all); returns how
        many this call queued."""
        with self.db.session() as session:
            return runs.queue_missed(session, self.clock(), self.grace, digest_id)

    def render_due(self) -> list[int]:
        """Post every run waiting (or left by a dead worker); returns the ids of the runs now in the outbox."""
        with self.db.session() as session:
            due = runs.runs_due(session, self.clock(), BATCH, self.lease)
        return [run.id for run in due if self._post(run)]

    def _post(self, run: DigestRun) -> bool:
        claimed_at = self.clock()
        with self.db.session() as session:
            if not runs.claim(session, run.id, claimed_at, self.lease):
                return False
        try:
            with self.db.snapshot() as session:  # the week's numbers from one consistent state
                ready = runs.prepare(session, run, self.default_zone)
            with self.db.session() as session:
                now = self.clock()
                queued = self.notifier.queue(session, [ready], now)  # rendered before its rows are written
                if not runs.finish(session, run.id, claimed_at, now):
                    session.rollback()
                    log.warning("digest run %s was taken over while rendering; leaving it to the other worker", run.id)
                    return False
        except Exception as error:
            log.exception("digest run %s (%s) failed to render", run.id, run.once_key)
            with self.db.session() as session:
                runs.fail(session, run, claimed_at, error, self.clock())
            return False
        self.notifier.deliver(queued)
        return True
