"""Incident SLA timers in the evaluation pass: which mark (50%, 75%, 100% of a target) each running timer has
reached, as events for a warning in the incident's thread or a breach there and in the channel (mentioning
the on-call), each told once per incident and target; every breach is stored for the digest.

When a pass first sees a timer past several marks (the bot was down), only the highest is told: an old
50% warning is no use once the target is missed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from slabot.incidents.targets import TimerBook, record_breach
from slabot.incidents.timers import TimerState
from storage.models.catalog import Service
from storage.models.incidents import Incident
from storage.queries.incidents import incidents_for_timers, timelines

# Resolved incidents are looked at for this long, so a breach the pass did not see running is still stored.
RESOLVED_LOOKBACK = timedelta(days=2)
BREACH = 100


@dataclass(frozen=True)
class TimerMarkReached:
    """A running timer is at or past `level` (its highest mark: 50 or 75 warn, 100 is the breach); told once,
    under a key naming the incident, the timer and the level."""

    incident: Incident
    service: Service
    state: TimerState  # its calendar and zone are the ones the times are shown in
    level: int
    target: str  # the target as set ("30m", "3d")

    @property
    def breached(self) -> bool:
        return self.level >= BREACH


def apply(session: Session, now: datetime, zone: ZoneInfo) -> list[TimerMarkReached]:
    """Every running timer's highest mark reached (breaches also stored)."""
    rows = incidents_for_timers(session, now - RESOLVED_LOOKBACK)
    if not rows:
        return []
    book = TimerBook.load(session, zone)
    events = timelines(session, [incident.id for incident, _ in rows])
    marks: list[TimerMarkReached] = []
    for incident, service in rows:
        for state in book.timers(incident, events.get(incident.id, []), now):
            if state.breached:
                record_breach(session, incident, state, now)
            if state.stopped or not state.crossings:
                continue
            target = book.spec(incident.severity).text(state.kind)
            marks.append(TimerMarkReached(incident, service, state, max(state.crossings), target))
    return marks
