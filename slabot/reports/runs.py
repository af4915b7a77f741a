"""A digest run's life: queued once per channel and period (week, month or day), claimed by one worker, then
finished (its digest or report ready to post) or failed.

- Queued by the digest's cron job, or by catching up after the bot was down: every fire time of the last
  grace period (and after the digest was added) gets its period's run, whose once_key ("<channel>:<ISO week>",
  "<channel>:month:<YYYY-MM>", "<channel>:day:<YYYY-MM-DD>") makes a second replica's (or a second
  catch-up's) attempt change nothing. /sla report queues a run of its own each time it is asked.
- A monthly digest posts its report in Slack and as a PDF; /sla report month=… posts the format asked for.
- A worker's claim lasts LEASE: a run held longer is presumed left by a dead worker, and taken over.
- A run that fails to build or render goes back to pending, MAX_ATTEMPTS times in all; then it has failed.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from slabot.reports.digests import DigestInfo, list_digests
from slabot.reports.events import DigestReady
from slabot.reports.monthly import TREND_MONTHS, build_monthly
from slabot.reports.monthly_events import ReportReady
from slabot.reports.monthly_period import Period, month_label
from slabot.reports.schedule import Week, week_label
from slabot.reports.weekly import build_report
from storage.models.reports import DigestRun, DigestRunStatus, ReportFormat, ReportPeriod
from storage.queries import reports as digest_queries

log = logging.getLogger(__name__)
LEASE = timedelta(minutes=10)  # a worker holding a run longer than this is presumed dead
MAX_ATTEMPTS = 3
MAX_ERROR = 300  # characters of the last error kept on the run


def _ids_text(service_ids: Sequence[int] | None) -> str:
    return ",".join(str(i) for i in sorted(service_ids or ()))


def service_ids_of(run: DigestRun) -> list[int] | None:
    """The services a run covers; None for every service."""
    return [int(part) for part in run.service_ids.split(",") if part] or None


def week_of(run: DigestRun) -> Week:
    return Week(run.week_start, ZoneInfo(run.timezone))


def period_of(run: DigestRun) -> Period:
    """The month or day a monthly or daily run reports."""
    return Period(ReportPeriod(run.period), run.week_start, ZoneInfo(run.timezone))


def formats_of(run: DigestRun) -> tuple[ReportFormat, ...]:
    return tuple(ReportFormat(part) for part in run.formats.split(",") if part)


# What a scheduled run posts: a monthly digest is brought to review meetings, so it comes as a PDF too.
SCHEDULED_FORMATS = {
    ReportPeriod.WEEK: (ReportFormat.SLACK,),
    ReportPeriod.MONTH: (ReportFormat.SLACK, ReportFormat.PDF),
    ReportPeriod.DAY: (ReportFormat.SLACK,),
}


def once_key(channel_id: str, every: ReportPeriod, first: date) -> str:
    """ "C0LEADS:2026-W47", "C0LEADS:month:2026-11", "C0LEADS:day:2026-11-21" """
    if every == ReportPeriod.MONTH:
        return f"{channel_id}:month:{month_label(first)}"
    if every == ReportPeriod.DAY:
        return f"{channel_id}:day:{first.isoformat()}"
    return f"{channel_id}:{week_label(first)}"


def queue_scheduled(session: Session, info: DigestInfo, fire_time: datetime, first: date, now: datetime) -> bool:
    """The run of a digest for one period (its first day); False when that channel's period was queued before
    (by anyone)."""
    digest = info.digest
    every = ReportPeriod(digest.every)
    return digest_queries.add_run_once(
        session,
        DigestRun(
            once_key=once_key(digest.channel_id, every, first),
            digest_id=digest.id,
            channel_id=digest.channel_id,
            period=every,
            week_start=first,
            formats=",".join(SCHEDULED_FORMATS[every]),
            timezone=digest.timezone,
            service_ids=_ids_text(info.service_ids),
            scheduled_for=fire_time,
            status=DigestRunStatus.PENDING,
            attempts=0,
            created_at=now,
        ),
    )


def queue_missed(session: Session, now: datetime, grace: timedelta, digest_id: int | None = None) -> int:
    """Queue the runs of every fire time in the last grace period (of one digest, or all); returns how many
    this call queued. A fire time before the digest was added is not a missed run."""
    queued = 0
    for info in list_digests(session):
        if digest_id is not None and info.digest.id != digest_id:
            continue
        since = max(now - grace, info.digest.created_at)
        for fire in info.slot.missed_runs(now, since):
            first = info.slot.reported(fire)
            if queue_scheduled(session, info, fire, first, now):
                log.info("digest %s: queued %s %s for %s", info.digest.id, info.slot.every, first, fire)
                queued += 1
    return queued


def queue_report(
    session: Session,
    channel_id: str,
    week: date,
    zone: ZoneInfo,
    service_ids: Sequence[int] | None,
    user_id: str,
    now: datetime,
    *,
    period: ReportPeriod = ReportPeriod.WEEK,
    formats: Sequence[ReportFormat] = (ReportFormat.SLACK,),
) -> DigestRun:
    """A digest (or a monthly report, in the formats asked for) asked for with /sla report: posted each time it
    is asked for. `week` is the first day of the period."""
    run = DigestRun(
        once_key=f"report:{uuid.uuid4().hex}",
        channel_id=channel_id,
        period=period,
        week_start=week,
        formats=",".join(formats),
        timezone=zone.key,
        service_ids=_ids_text(service_ids),
        requested_by=user_id,
        status=DigestRunStatus.PENDING,
        created_at=now,
    )
    session.add(run)
    session.flush()
    return run


def runs_due(session: Session, now: datetime, limit: int, lease: timedelta = LEASE) -> list[DigestRun]:
    """Runs waiting for a worker, and runs whose worker has held them longer than the lease, oldest first."""
    return digest_queries.runs_to_render(session, now - lease, limit)


def claim(session: Session, run_id: int, now: datetime, lease: timedelta = LEASE) -> bool:
    """Take a run (counting an attempt); False when another worker holds it or it is done."""
    return digest_queries.claim_run(session, run_id, now, now - lease)


def prepare(session: Session, run: DigestRun, default_zone: ZoneInfo) -> DigestReady | ReportReady:
    """The run's digest or report: the numbers of its period for its services."""
    if run.period == ReportPeriod.WEEK:
        report = build_report(session, week_of(run), service_ids_of(run), default_zone)
        return DigestReady(run.id, run.channel_id, report)
    trend = TREND_MONTHS if run.period == ReportPeriod.MONTH else 0
    monthly = build_monthly(session, period_of(run), service_ids_of(run), default_zone, trend_months=trend)
    return ReportReady(run.id, run.channel_id, monthly, formats_of(run))


def finish(session: Session, run_id: int, claimed_at: datetime, now: datetime) -> bool:
    """The run's digest is in the outbox; False when this worker's claim (made at claimed_at) was taken over."""
    return digest_queries.finish_run(
        session,
        run_id,
        claimed_at,
        status=DigestRunStatus.QUEUED,
        claimed_at=claimed_at,
        finished_at=now,
        last_error=None,
    )


def fail(session: Session, run: DigestRun, claimed_at: datetime, error: Exception, now: datetime) -> DigestRunStatus:
    """Back to pending for another attempt, or failed after MAX_ATTEMPTS; returns which."""
    attempts = run.attempts + 1  # the claim counted one more than the row read before it
    status = DigestRunStatus.FAILED if attempts >= MAX_ATTEMPTS else DigestRunStatus.PENDING
    digest_queries.finish_run(
        session,
        run.id,
        claimed_at,
        status=status,
        claimed_at=None,
        finished_at=now if status == DigestRunStatus.FAILED else None,
        last_error=f"{type(error).__name__}: {error}"[:MAX_ERROR],
    )
    return status
