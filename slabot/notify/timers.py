"""Incident SLA timer notices as outbox rows: a warning (`timer:{incident}:{kind}:{level}`) in the incident's
thread, a breach there and in the channel (`…:channel`), the thread named by the incident's announcement.

An incident with no announcement (opened before the outbox carried them and never posted) gets its notices
in the channel, a breach then saying which incident it is. A pass sees a timer past its mark every minute
until it stops: a notice already written is not rendered again."""

from __future__ import annotations

from sqlmodel import Session

from slabot.incidents.breaches import TimerMarkReached
from slabot.notify import keys, outbox
from slabot.notify.outbox import RowContext, Writer, Written
from slabot.render import notices as render
from storage.queries import outbox as outbox_queries


def write_mark(session: Session, mark: TimerMarkReached, at: RowContext) -> Written:
    incident, service = mark.incident, mark.service
    channel = incident.channel_id or service.channel_id
    if channel is None:
        return []
    key = f"timer:{incident.id}:{mark.state.kind}:{mark.level}"
    loud = f"{key}:channel"
    announcement = keys.announcement(incident.id)
    found = outbox_queries.by_keys(session, [announcement, key, loud])
    thread = found.get(announcement)
    parent = announcement if thread is not None else None
    here = thread.channel_id if thread is not None else channel
    written = [(key, here)]
    if key not in found:
        locale = at.language(session, here)  # the thread's channel's
        if mark.breached:
            reply = render.timer_breach(mark, in_channel=thread is None, locale=locale)
        else:
            reply = render.timer_warning(mark, locale=locale)
        outbox.post(session, key, here, reply, at.now, parent_key=parent)
    if mark.breached and thread is not None:
        elsewhere = service.channel_id or here
        written.append((loud, elsewhere))
        if loud not in found:
            reply = render.timer_breach(mark, in_channel=True, locale=at.language(session, elsewhere))
            outbox.post(session, loud, elsewhere, reply, at.now)
    return written


WRITERS: dict[type, Writer] = {TimerMarkReached: write_mark}
