"""From domain events to Slack: the rows each event asks for, written in the caller's transaction (so a
message exists exactly when the change that caused it does), then delivered right after it commits."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from slabot.languages.readers import Readers
from slabot.notify import alert_groups, alerting, incidents, openslo, prometheus, rca, reports, timers
from slabot.notify.delivery import Deliverer, DeliveryReport
from slabot.notify.outbox import RowContext, Writer
from storage.queries import outbox as outbox_queries

WRITERS: dict[type, Writer] = {
    **incidents.WRITERS,
    **alert_groups.WRITERS,
    **alerting.WRITERS,
    **rca.WRITERS,
    **reports.WRITERS,
    **timers.WRITERS,
    **prometheus.WRITERS,
    **openslo.WRITERS,
}


@dataclass(frozen=True)
class Queued:
    """The rows a unit of work wrote (or found already written), by key, and the channels they go to."""

    keys: tuple[str, ...] = ()
    channels: frozenset[str] = frozenset()

    def __add__(self, other: Queued) -> Queued:
        return Queued(self.keys + other.keys, self.channels | other.channels)


class Notifier:
    """Queues the rows of events and delivers them. One per process, sharing its deliverer."""

    def __init__(self, deliverer: Deliverer, zone: ZoneInfo, readers: Readers | None = None) -> None:
        self.deliverer = deliverer
        self.zone = zone
        self.readers = readers or Readers(deliverer.db)  # which language each person and channel reads

    def queue(self, session: Session, events: Iterable[object], now: datetime) -> Queued:
        written: list[tuple[str, str]] = []
        context = RowContext(now, self.zone, self.readers.default, self.readers)
        for event in events:
            writer = WRITERS.get(type(event))
            if writer is None:
                raise TypeError(f"no outbox rows for {type(event).__name__}")
            written += writer(session, event, context)
        return Queued(tuple(key for key, _ in written), frozenset(channel for _, channel in written))

    def deliver_rows(self, keys: Sequence[str]) -> DeliveryReport:
        """Send rows written under these keys now, with whatever waits before them in their channels."""
        if not keys:
            return DeliveryReport()
        with self.deliverer.db.session() as session:
            channels = outbox_queries.channels_of(session, keys)
        return self.deliverer.deliver_due(channels)

    def deliver(self, queued: Queued) -> DeliveryReport:
        """Send what was queued now, with whatever waits before it in the same channels (never overtaking)."""
        return self.deliverer.deliver_due(queued.channels)
