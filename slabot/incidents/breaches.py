"""Incident SLA timers in the evaluation pass: a warning in the incident's thread at 50% and 75% of a target,
a breach at 100% in the thread and in the channel (mentioning the on-call), each once per incident and
target; every breach is stored for the digest.

When a pass first sees a timer past several marks (the bot was down), only the highest is posted: an old
50% warning is no use once the target is missed.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from slabot.incidents.targets import TimerBook, record_breach
from slabot.notify import outbox
from slabot.render import notices as render
from storage.queries.incidents import incidents_for_timers, timelines

# Resolved incidents are looked at for this long, so a breach the pass did not see running is still stored.
RESOLVED_LOOKBACK = timedelta(days=2)


def apply(session: Session, now: datetime, zone: ZoneInfo) -> None:
    rows = incidents_for_timers(session, now - RESOLVED_LOOKBACK)
    if not rows:
        return
    book = TimerBook.load(session, zone)
    events = timelines(session, [incident.id or 0 for incident, _ in rows])
    for incident, service in rows:
        for state in book.timers(incident, events.get(incident.id or 0, []), now):
            if state.breached:
                record_breach(session, incident, state, now)
            if state.stopped or not state.crossings:
                continue
            channel = incident.channel_id or service.channel_id
            if channel is None:
                continue
            level = max(state.crossings)
            key = f"timer:{incident.id}:{state.kind}:{level}"
            shown_zone = state.zone  # the calendar's zone (24x7 counts in SLABOT_TIMEZONE)
            if level < 100:
                reply = render.timer_warning(incident, state, level, shown_zone)
                outbox.post(session, key, channel, reply, now, thread_ts=incident.thread_ts)
                continue
            target = book.spec(incident.severity).text(state.kind)
            breach = render.timer_breach(
                incident, service, state, target, shown_zone, in_channel=incident.thread_ts is None
            )
            outbox.post(session, key, channel, breach, now, thread_ts=incident.thread_ts)
            if incident.thread_ts is not None:
                loud = render.timer_breach(incident, service, state, target, shown_zone, in_channel=True)
                outbox.post(session, f"{key}:channel", service.channel_id or channel, loud, now)
