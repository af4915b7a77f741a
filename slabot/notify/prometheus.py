"""Prometheus source notices as outbox rows: one per objective and problem (`source:{objective}:down:{start}`
for a server not answering, `source:{objective}:missing:{start}` for a metric gone), in the service's channel."""

from __future__ import annotations

from sqlmodel import Session

from slabot.notify import outbox
from slabot.notify.outbox import RowContext, Writer, Written
from slabot.render import prometheus as render
from slabot.sources.prometheus_outages import SourceProblemDue


def write_problem(session: Session, event: SourceProblemDue, at: RowContext) -> Written:
    channel = event.service.channel_id
    if channel is None:  # shown by /sla status; nowhere to post it
        return []
    kind = "down" if event.problem.unavailable else "missing"
    key = f"source:{event.objective.id}:{kind}:{int(event.problem.since.timestamp())}"
    reply = render.source_problem_notice(
        event.objective, event.service, event.problem, at.zone, locale=at.language(session, channel)
    )
    outbox.post(session, key, channel, reply, at.now)
    return [(key, channel)]


WRITERS: dict[type, Writer] = {SourceProblemDue: write_problem}
