"""Prometheus outage notices as outbox rows: one per objective and outage (`source:{objective}:down:{start}`),
in the service's channel."""

from __future__ import annotations

from sqlmodel import Session

from slabot.notify import outbox
from slabot.notify.outbox import RowContext, Writer, Written
from slabot.render import prometheus as render
from slabot.sources.prometheus_outages import SourceUnavailable


def write_unavailable(session: Session, event: SourceUnavailable, at: RowContext) -> Written:
    channel = event.service.channel_id
    if channel is None:  # shown by /sla status; nowhere to post it
        return []
    key = f"source:{event.objective.id}:down:{int(event.since.timestamp())}"
    reply = render.source_unavailable(event.objective, event.service, event.since, at.zone, locale=at.locale)
    outbox.post(session, key, channel, reply, at.now)
    return [(key, channel)]


WRITERS: dict[type, Writer] = {SourceUnavailable: write_unavailable}
