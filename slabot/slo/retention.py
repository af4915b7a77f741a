"""How long raw minute counts are kept: the retention setting, but never less than a window still needs.

Rollups (15-minute and daily sums) are kept; only per-minute rows go. Windows read minutes at their edges,
so minutes are kept from one day before the earliest window start of any event-based objective.
The same prune forgets the Slack requests recorded as acted on (command invocations, event ids) after a day:
a replay is refused for five minutes anyway, and Slack retries an event for about an hour.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from slabot.core.windows import WindowSpec, window_bounds
from slabot.slo.ingest import epoch_minute
from slabot.slo.status import objective_zone
from storage.models.catalog import ObjectiveSource
from storage.queries import catalog as catalog_queries
from storage.queries import slack_requests, sli

MARGIN = timedelta(days=1)
SLACK_REQUESTS_KEPT = timedelta(days=1)


def prune_cutoff(session: Session, now: datetime, retention_days: int, zone: ZoneInfo) -> datetime:
    """The moment before which minute rows may go."""
    cutoff = now - timedelta(days=retention_days)
    objectives = catalog_queries.objectives_measuring(session, ObjectiveSource.EVENTS)
    for objective in objectives:
        bounds = window_bounds(WindowSpec.parse(objective.window), now, objective_zone(objective, zone))
        cutoff = min(cutoff, bounds.start - MARGIN)
    return cutoff


def prune(session: Session, now: datetime, retention_days: int, zone: ZoneInfo) -> tuple[datetime, int]:
    """Delete minute rows no window needs and older than the retention; returns (cutoff, rows deleted).
    Slack requests recorded more than a day ago go too."""
    slack_requests.prune_received_before(session, now - SLACK_REQUESTS_KEPT)
    cutoff = prune_cutoff(session, now, retention_days, zone)
    return cutoff, sli.prune_minutes(session, epoch_minute(cutoff))
