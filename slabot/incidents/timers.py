"""Incident response and resolution timers: how much of a target has elapsed on its calendar, when it is
(or was) due, and when it crossed 50%, 75% and 100%.

Pure: the caller passes the incident's times, its pauses, the target and the calendar, and ``now``.
A timer runs from the incident's start until it stops (acknowledge for response, resolve for resolution),
and not while the incident is paused. Elapsed time is working time on the calendar, in whole seconds.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from fractions import Fraction
from zoneinfo import ZoneInfo

from slabot.core.business_time import AlwaysOn, BusinessCalendar, WorkCalendar, parse_hours
from storage.models.incidents import IncidentEvent, IncidentEventKind, SlaTimerKind

__all__ = [
    "ALWAYS_ON",
    "BUILTIN_BUSINESS",
    "BUSINESS_HOURS",
    "DEFAULT_TARGETS",
    "LEVELS",
    "TargetSpec",
    "TimerState",
    "builtin_calendar",
    "pauses_from",
    "timer_state",
]

ALWAYS_ON = "24x7"
BUILTIN_BUSINESS = "business"
BUSINESS_HOURS = "mon-fri 09:00-17:00"
LEVELS = (50, 75, 100)

Pause = tuple[datetime, datetime | None]


@dataclass(frozen=True)
class TargetSpec:
    """The targets of one severity as typed (duration texts) and the calendar they count on."""

    severity: int
    response: str
    resolution: str
    calendar: str
    custom: bool = False  # False: DOMAIN.md's default, no stored row

    def text(self, kind: SlaTimerKind) -> str:
        return self.response if kind == SlaTimerKind.RESPONSE else self.resolution


DEFAULT_TARGETS: dict[int, TargetSpec] = {
    1: TargetSpec(1, "15m", "4h", ALWAYS_ON),
    2: TargetSpec(2, "30m", "8h", ALWAYS_ON),
    3: TargetSpec(3, "4h", "3d", BUILTIN_BUSINESS),
    4: TargetSpec(4, "1d", "10d", BUILTIN_BUSINESS),
}


def builtin_calendar(name: str, zone: ZoneInfo) -> WorkCalendar | None:
    """ "24x7", or "business" (Mon-Fri 09:00-17:00 in the bot's zone, no country); None for other names.

    A stored calendar called "business" takes precedence over the built-in one; the caller checks that first.
    """
    if name == ALWAYS_ON:
        return AlwaysOn(zone)
    if name == BUILTIN_BUSINESS:
        return BusinessCalendar(BUILTIN_BUSINESS, zone, parse_hours(BUSINESS_HOURS))
    return None


def pauses_from(timeline: Iterable[IncidentEvent]) -> list[Pause]:
    """(paused at, resumed at) spans in order; a pause still open has None as its end.

    Resolving ends a pause (at the resolve time), so a paused incident that is resolved is not paused forever.
    """
    pauses: list[Pause] = []
    opened: datetime | None = None
    for event in sorted(timeline, key=lambda e: (e.at, e.id)):
        if event.kind == IncidentEventKind.PAUSED and opened is None:
            opened = event.at
        elif event.kind in (IncidentEventKind.RESUMED, IncidentEventKind.RESOLVED) and opened is not None:
            pauses.append((opened, max(event.at, opened)))
            opened = None
    if opened is not None:
        pauses.append((opened, None))
    return pauses


@dataclass(frozen=True)
class TimerState:
    kind: SlaTimerKind
    target_seconds: int
    elapsed_seconds: int
    left_seconds: int  # negative when overdue
    percent: Fraction  # elapsed / target
    due_at: datetime | None  # when the target is or was reached; None while paused and not yet breached
    stopped: bool
    paused: bool
    breached: bool
    crossings: dict[int, datetime] = field(default_factory=dict)  # level (50, 75, 100) -> when it was reached
    calendar: str = ALWAYS_ON
    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))


def _running_spans(start: datetime, end: datetime, pauses: Sequence[Pause]) -> list[tuple[datetime, datetime]]:
    """[start, end) less the pauses (a pause with no end lasts until `end`)."""
    spans: list[tuple[datetime, datetime]] = []
    cursor = start
    for paused_at, resumed_at in sorted(pauses, key=lambda pause: pause[0]):
        pause_end = end if resumed_at is None else min(resumed_at, end)
        if paused_at >= end:
            break
        if paused_at > cursor:
            spans.append((cursor, paused_at))
        cursor = max(cursor, pause_end)
    if cursor < end:
        spans.append((cursor, end))
    return spans


def _reached_at(
    spans: Sequence[tuple[datetime, datetime]], amounts: Sequence[int], calendar: WorkCalendar
) -> tuple[int, dict[int, datetime]]:
    """The working seconds of all spans, and for each amount reached within them the instant it was reached."""
    reached: dict[int, datetime] = {}
    total = 0
    for start, end in spans:
        worked = calendar.working_seconds(start, end)
        for amount in amounts:
            if amount not in reached and total + worked >= amount:
                reached[amount] = calendar.add_working_seconds(start, amount - total)
        total += worked
    return total, reached


def timer_state(
    kind: SlaTimerKind,
    started_at: datetime,
    stopped_at: datetime | None,
    pauses: Sequence[Pause],
    target_seconds: int,
    calendar: WorkCalendar,
    now: datetime,
) -> TimerState:
    """Where a timer stands at `now` (or where it stopped, if it did before now)."""
    if target_seconds <= 0:
        raise ValueError(f"a target must be longer than zero seconds, not {target_seconds}")
    stopped = stopped_at is not None and stopped_at <= now
    end = max(started_at, min(stopped_at, now) if stopped_at is not None else now)
    paused = not stopped and any(
        paused_at <= end and (resumed_at is None or resumed_at > end) for paused_at, resumed_at in pauses
    )
    spans = _running_spans(started_at, end, pauses)
    thresholds = {level: -(-target_seconds * level // 100) for level in LEVELS}
    elapsed, reached = _reached_at(spans, sorted(set(thresholds.values())), calendar)
    crossings = {level: reached[amount] for level, amount in thresholds.items() if amount in reached}
    due_at = crossings.get(100)
    if due_at is None and not paused:
        # not reached yet: where it would be reached if the timer kept running from its last span
        if spans and spans[-1][1] == end:
            tail_start = spans[-1][0]
            before = elapsed - calendar.working_seconds(tail_start, end)
        else:
            tail_start, before = end, elapsed
        due_at = calendar.add_working_seconds(tail_start, target_seconds - before)
    return TimerState(
        kind=kind,
        target_seconds=target_seconds,
        elapsed_seconds=elapsed,
        left_seconds=target_seconds - elapsed,
        percent=Fraction(elapsed, target_seconds),
        due_at=due_at,
        stopped=stopped,
        paused=paused,
        breached=elapsed >= target_seconds,
        crossings=crossings,
        calendar=calendar.name,
        zone=calendar.zone,
    )
