"""Messages for incident SLAs: timer lines in /incident show, pause notes, severity targets and calendars."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from slack_sdk.models.blocks import Block

from slabot.core.timefmt import format_duration, format_percent, format_when
from slabot.incidents.calendars import CalendarInfo
from slabot.incidents.targets import TargetRow
from slabot.incidents.timers import ALWAYS_ON, TimerState
from slabot.render.locale import Locale
from slabot.render.reply import Reply, context, escape, header, section, with_more
from storage.models.incidents import Calendar, CalendarDay, CalendarDayKind, SlaTimerKind

TIMER_TITLE = {SlaTimerKind.RESPONSE: "Response", SlaTimerKind.RESOLUTION: "Resolution"}
DAYS_SHOWN = 12
POLICY_USAGE = "/sla policy sev<N> ack=<duration> resolve=<duration> [calendar=<name>]"
CALENDAR_USAGE = '/sla calendar add <name> tz=<Area/City> hours="mon-fri 09:00-17:00" [country=CN]'


def working_duration(seconds: int) -> str:
    """Working time in hours past a day ("80h", "24h 30m"): a working day is not 24 hours."""
    if abs(seconds) < 86400:
        return format_duration(seconds)
    sign = "-" if seconds < 0 else ""
    hours, rest = divmod(abs(seconds), 3600)
    minutes = rest // 60
    return f"{sign}{hours}h {minutes}m" if minutes else f"{sign}{hours}h"


def _calendar_phrase(state: TimerState) -> str:
    if state.calendar == ALWAYS_ON:
        return "24x7"
    return f"calendar {escape(state.calendar)} ({state.zone.key})"


def timer_line(state: TimerState, now: datetime) -> str:
    """One timer for /incident show: where it stands, what is left or how late it is, and when it is due."""
    title = f"*{TIMER_TITLE[state.kind]}*"
    span = format_duration if state.calendar == ALWAYS_ON else working_duration
    used = f"{span(state.elapsed_seconds)} of {span(state.target_seconds)} ({format_percent(state.percent)})"
    late = span(-state.left_seconds)
    due = format_when(state.due_at, state.zone) if state.due_at is not None else None
    if state.stopped:
        if state.breached:
            parts = [f"missed by {late}", used, f"was due {due}"]
        else:
            parts = [f"met in {span(state.elapsed_seconds)}", used]
    elif state.paused:
        status = f"paused, overdue by {late}" if state.breached else "paused"
        left = [] if state.breached else [f"{span(state.left_seconds)} left"]
        parts = [status, used, *left]
    elif state.breached:
        parts = [f"overdue by {late}", used, f"was due {due}"]
    else:
        assert state.due_at is not None
        parts = [
            used,
            f"{span(state.left_seconds)} left",
            f"due {format_when(state.due_at, state.zone, now)}",
        ]
    return f"{title} · " + " · ".join(parts) + f" · {_calendar_phrase(state)}"


def timers_text(states: Sequence[TimerState], now: datetime) -> str:
    return "*SLA timers*\n" + "\n".join(timer_line(state, now) for state in states)


# ---- severity targets -------------------------------------------------------------------------------------


def _target_line(row: TargetRow) -> str:
    spec = row.spec
    origin = "" if spec.custom else " (default)"
    line = (
        f"*sev{spec.severity}*{origin} · respond within *{spec.response}* · resolve within *{spec.resolution}* · "
        f"on *{escape(spec.calendar)}*"
    )
    if spec.calendar == ALWAYS_ON:
        return line
    pairs = [(spec.response, row.response_seconds), (spec.resolution, row.resolution_seconds)]
    days = [f"{text} is {working_duration(seconds)}" for text, seconds in pairs if _has_days(text)]
    working = f": {' and '.join(days)} of working time" if days else ""
    return f"{line}\n{escape(row.hours)} ({row.zone.key}){working}"


def _has_days(text: str) -> bool:
    return any(unit in text for unit in "dw")


def targets_reply(rows: Sequence[TargetRow], changed: int | None = None, *, locale: Locale) -> Reply:
    lines = [_target_line(row) for row in rows]
    blocks: list[Block] = [header("Incident SLA targets")]
    text = "Incident SLA targets: " + "; ".join(
        f"sev{r.spec.severity} {r.spec.response}/{r.spec.resolution} {escape(r.spec.calendar)}" for r in rows
    )
    if changed is not None:
        lead = f":white_check_mark: Updated the targets of sev{changed}."
        blocks.append(section(lead))
        text = f"{lead}\n{text}"
    blocks += [
        section("\n".join(lines)),
        context(f"{escape(POLICY_USAGE)} · on a business calendar a day (d) is one working day"),
    ]
    return Reply(text=text, blocks=blocks)


# ---- calendars --------------------------------------------------------------------------------------------


def _days_text(days: Sequence[CalendarDay], kind: CalendarDayKind) -> str | None:
    picked = [day.day.isoformat() for day in days if day.kind == kind]
    if not picked:
        return None
    more = f" and {len(picked) - DAYS_SHOWN} more" if len(picked) > DAYS_SHOWN else ""
    what = "Days off" if kind == CalendarDayKind.HOLIDAY else "Extra working days"
    return f"{what}: {', '.join(picked[:DAYS_SHOWN])}{more}"


def calendar_line(info: CalendarInfo) -> str:
    builtin = " (built in)" if info.builtin else ""
    country = f" · public holidays of {info.country}" if info.country else ""
    lines = [f"*{escape(info.name)}*{builtin} · {info.timezone} · {escape(info.hours)}{country}"]
    lines += [text for kind in CalendarDayKind if (text := _days_text(info.days, kind))]
    if info.used_by:
        lines.append("Used by " + ", ".join(f"sev{severity}" for severity in info.used_by))
    return "\n".join(lines)


def calendar_list(infos: Sequence[CalendarInfo], *, locale: Locale) -> Reply:
    rows = [section(calendar_line(info)) for info in infos]
    blocks = with_more([header(f"Calendars ({len(infos)})")], rows, "calendars", reserve=1)
    blocks.append(context(escape(CALENDAR_USAGE), escape("/sla calendar holiday|workday <name> <YYYY-MM-DD>")))
    text = "Calendars: " + "; ".join(f"{escape(info.name)} ({escape(info.hours)})" for info in infos)
    return Reply(text=text, blocks=blocks)


def calendar_added(calendar: Calendar, day_seconds: int, *, locale: Locale) -> Reply:
    country = f", with the public holidays of {calendar.country}" if calendar.country else ""
    text = (
        f":calendar: Added calendar *{escape(calendar.name)}*: {escape(calendar.hours)} in {calendar.timezone}"
        f"{country}. A working day is {working_duration(day_seconds)}, so a 3d target is "
        f"{working_duration(3 * day_seconds)} of working time."
    )
    hint = f"Count a severity on it: /sla policy sev3 calendar={calendar.name}"
    return Reply(text=text, blocks=[section(text), context(escape(hint))])


def calendar_day_set(calendar: Calendar, day: CalendarDay, previous: str | None, *, locale: Locale) -> Reply:
    what = "a day off" if day.kind == CalendarDayKind.HOLIDAY else "an extra working day"
    was = (
        f" (it was {'a day off' if previous == CalendarDayKind.HOLIDAY else 'an extra working day'})"
        if (previous and previous != day.kind)
        else ""
    )
    text = f":calendar: {day.day.isoformat()} is now {what} on calendar *{escape(calendar.name)}*{was}."
    return Reply(text=text, blocks=[section(text)])


def calendar_removed(calendar: Calendar, builtin_takes_over: bool, *, locale: Locale) -> Reply:
    text = f":wastebasket: Removed calendar *{escape(calendar.name)}* and its days."
    if builtin_takes_over:
        text += " Severities on business now count on the built-in Mon-Fri 09:00-17:00 calendar."
    return Reply(text=text, blocks=[section(text)])
