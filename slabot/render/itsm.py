"""Messages for incident SLAs: timer lines in /incident show, pause notes, severity targets and calendars."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from slack_sdk.models.blocks import Block

from slabot.core.i18n import tn, tr
from slabot.core.timefmt import format_duration, format_percent, format_when
from slabot.incidents.calendars import CalendarInfo
from slabot.incidents.targets import TargetRow
from slabot.incidents.timers import ALWAYS_ON, TimerState
from slabot.render.locale import DEFAULT_LOCALE, Locale
from slabot.render.reply import Reply, context, escape, header, listed, section, with_more
from storage.models.incidents import Calendar, CalendarDay, CalendarDayKind, SlaTimerKind

DAYS_SHOWN = 12
POLICY_USAGE = "/sla policy sev<N> ack=<duration> resolve=<duration> [calendar=<name>]"
CALENDAR_USAGE = '/sla calendar add <name> tz=<Area/City> hours="mon-fri 09:00-17:00" [country=CN]'


def working_duration(seconds: int, locale: Locale = DEFAULT_LOCALE) -> str:
    """Working time in hours past a day ("80h", "24h 30m"): a working day is not 24 hours."""
    if abs(seconds) < 86400:
        return format_duration(seconds, locale)
    sign = "-" if seconds < 0 else ""
    hours, rest = divmod(abs(seconds), 3600)
    larger = tr(locale, "{n}h", n=hours)
    if rest < 60:
        return f"{sign}{larger}"
    return sign + tr(locale, "{larger} {smaller}", larger=larger, smaller=tr(locale, "{n}m", n=rest // 60))


def timer_title(kind: str, locale: Locale) -> str:
    return tr(locale, "Response") if kind == SlaTimerKind.RESPONSE else tr(locale, "Resolution")


def hours_text(calendar: str, hours: str, locale: Locale) -> str:
    """A calendar's working hours as shown: the hours typed ("mon-fri 09:00-17:00"); 24x7's are every hour."""
    return tr(locale, "every hour") if calendar == ALWAYS_ON else escape(hours)


def _calendar_phrase(state: TimerState, locale: Locale) -> str:
    if state.calendar == ALWAYS_ON:
        return "24x7"
    return tr(locale, "calendar {name} ({zone})", name=escape(state.calendar), zone=state.zone.key)


def _timer_parts(state: TimerState, now: datetime, locale: Locale) -> list[str]:
    """Where a timer stands, each fact a phrase of its own (shown with · between them)."""
    span = format_duration if state.calendar == ALWAYS_ON else working_duration
    used = tr(
        locale,
        "{elapsed} of {target} ({percent})",
        elapsed=span(state.elapsed_seconds, locale),
        target=span(state.target_seconds, locale),
        percent=format_percent(state.percent, locale=locale),
    )
    late = span(-state.left_seconds, locale)
    left = tr(locale, "{duration} left", duration=span(state.left_seconds, locale))
    due = format_when(state.due_at, state.zone, locale=locale) if state.due_at is not None else ""
    if state.stopped:
        if state.breached:
            return [tr(locale, "missed by {duration}", duration=late), used, tr(locale, "was due {when}", when=due)]
        return [tr(locale, "met in {duration}", duration=span(state.elapsed_seconds, locale)), used]
    if state.paused:
        if state.breached:
            return [tr(locale, "paused, overdue by {duration}", duration=late), used]
        return [tr(locale, "paused"), used, left]
    if state.breached:
        return [tr(locale, "overdue by {duration}", duration=late), used, tr(locale, "was due {when}", when=due)]
    assert state.due_at is not None
    return [used, left, tr(locale, "due {when}", when=format_when(state.due_at, state.zone, now, locale))]


def timer_line(state: TimerState, now: datetime, locale: Locale = DEFAULT_LOCALE) -> str:
    """One timer for /incident show: where it stands, what is left or how late it is, and when it is due."""
    parts = [f"*{timer_title(state.kind, locale)}*", *_timer_parts(state, now, locale), _calendar_phrase(state, locale)]
    return " · ".join(parts)


def timers_text(states: Sequence[TimerState], now: datetime, locale: Locale = DEFAULT_LOCALE) -> str:
    title = tr(locale, "SLA timers")
    return f"*{title}*\n" + "\n".join(timer_line(state, now, locale) for state in states)


# ---- severity targets -------------------------------------------------------------------------------------


def _target_line(row: TargetRow, locale: Locale) -> str:
    spec = row.spec
    shown = {
        "severity": spec.severity,
        "response": spec.response,
        "resolution": spec.resolution,
        "calendar": escape(spec.calendar),
    }
    if spec.custom:
        line = tr(locale, "*sev{severity}* · respond within *{response}* · resolve within *{resolution}* · on "
                  "*{calendar}*", **shown)  # fmt: skip
    else:
        line = tr(locale, "*sev{severity}* (default) · respond within *{response}* · resolve within *{resolution}* "
                  "· on *{calendar}*", **shown)  # fmt: skip
    if spec.calendar == ALWAYS_ON:
        return line
    pairs = [(spec.response, row.response_seconds), (spec.resolution, row.resolution_seconds)]
    days = [(text, working_duration(seconds, locale)) for text, seconds in pairs if _has_days(text)]
    where = {"hours": escape(row.hours), "zone": row.zone.key}
    if len(days) == 2:
        (a, a_time), (b, b_time) = days
        working = tr(locale, "{hours} ({zone}): {a} is {a_time} and {b} is {b_time} of working time", a=a,
                     a_time=a_time, b=b, b_time=b_time, **where)  # fmt: skip
    elif days:
        ((a, a_time),) = days
        working = tr(locale, "{hours} ({zone}): {a} is {a_time} of working time", a=a, a_time=a_time, **where)
    else:
        working = tr(locale, "{hours} ({zone})", **where)
    return f"{line}\n{working}"


def _has_days(text: str) -> bool:
    return any(unit in text for unit in "dw")


def targets_reply(rows: Sequence[TargetRow], changed: int | None = None, *, locale: Locale) -> Reply:
    lines = [_target_line(row, locale) for row in rows]
    blocks: list[Block] = [header(tr(locale, "Incident SLA targets"))]
    targets = tr(locale, "; ").join(
        f"sev{r.spec.severity} {r.spec.response}/{r.spec.resolution} {escape(r.spec.calendar)}" for r in rows
    )
    text = tr(locale, "Incident SLA targets: {targets}", targets=targets)
    if changed is not None:
        lead = tr(locale, ":white_check_mark: Updated the targets of sev{severity}.", severity=changed)
        blocks.append(section(lead))
        text = f"{lead}\n{text}"
    hint = tr(locale, "{usage} · on a business calendar a day (d) is one working day", usage=escape(POLICY_USAGE))
    blocks += [section("\n".join(lines)), context(hint)]
    return Reply(text=text, blocks=blocks)


# ---- calendars --------------------------------------------------------------------------------------------


def _days_text(days: Sequence[CalendarDay], kind: CalendarDayKind, locale: Locale) -> str | None:
    picked = [day.day.isoformat() for day in days if day.kind == kind]
    if not picked:
        return None
    shown = {"days": listed(picked[:DAYS_SHOWN], locale=locale), "n": len(picked) - DAYS_SHOWN}
    more = len(picked) > DAYS_SHOWN
    if kind == CalendarDayKind.HOLIDAY:
        return tr(locale, "Days off: {days} and {n} more", **shown) if more else tr(locale, "Days off: {days}", **shown)
    if more:
        return tr(locale, "Extra working days: {days} and {n} more", **shown)
    return tr(locale, "Extra working days: {days}", **shown)


def calendar_line(info: CalendarInfo, locale: Locale = DEFAULT_LOCALE) -> str:
    name = escape(info.name)
    parts = [
        tr(locale, "*{name}* (built in)", name=name) if info.builtin else f"*{name}*",
        info.timezone,
        hours_text(info.name, info.hours, locale),
        *([tr(locale, "public holidays of {country}", country=info.country)] if info.country else []),
    ]
    lines = [" · ".join(parts)]
    lines += [text for kind in CalendarDayKind if (text := _days_text(info.days, kind, locale))]
    if info.used_by:
        used = listed([f"sev{severity}" for severity in info.used_by], locale=locale)
        lines.append(tr(locale, "Used by {severities}", severities=used))
    return "\n".join(lines)


def calendar_list(infos: Sequence[CalendarInfo], *, locale: Locale) -> Reply:
    rows = [section(calendar_line(info, locale)) for info in infos]
    title = header(tr(locale, "Calendars ({n})", n=len(infos)))
    blocks = with_more(
        [title], rows, lambda n: tn(locale, "…and {n} more calendar", "…and {n} more calendars", n), reserve=1
    )
    blocks.append(context(escape(CALENDAR_USAGE), escape("/sla calendar holiday|workday <name> <YYYY-MM-DD>")))
    calendars = tr(locale, "; ").join(
        tr(locale, "{name} ({hours})", name=escape(info.name), hours=hours_text(info.name, info.hours, locale))
        for info in infos
    )
    return Reply(text=tr(locale, "Calendars: {calendars}", calendars=calendars), blocks=blocks)


def calendar_added(calendar: Calendar, day_seconds: int, *, locale: Locale) -> Reply:
    shown = {
        "name": escape(calendar.name),
        "hours": escape(calendar.hours),
        "zone": calendar.timezone,
        "day": working_duration(day_seconds, locale),
        "three": working_duration(3 * day_seconds, locale),
    }
    if calendar.country:
        text = tr(locale, ":calendar: Added calendar *{name}*: {hours} in {zone}, with the public holidays of "
                  "{country}. A working day is {day}, so a 3d target is {three} of working time.",
                  country=calendar.country, **shown)  # fmt: skip
    else:
        text = tr(locale, ":calendar: Added calendar *{name}*: {hours} in {zone}. A working day is {day}, so a 3d "
                  "target is {three} of working time.", **shown)  # fmt: skip
    hint = tr(locale, "Count a severity on it: /sla policy sev3 calendar={name}", name=calendar.name)
    return Reply(text=text, blocks=[section(text), context(escape(hint))])


def calendar_day_set(calendar: Calendar, day: CalendarDay, previous: str | None, *, locale: Locale) -> Reply:
    shown = {"day": day.day.isoformat(), "name": escape(calendar.name)}
    changed = previous is not None and previous != day.kind
    if day.kind == CalendarDayKind.HOLIDAY and changed:
        text = tr(locale, ":calendar: {day} is now a day off on calendar *{name}* (it was an extra working day).",
                  **shown)  # fmt: skip
    elif day.kind == CalendarDayKind.HOLIDAY:
        text = tr(locale, ":calendar: {day} is now a day off on calendar *{name}*.", **shown)
    elif changed:
        text = tr(locale, ":calendar: {day} is now an extra working day on calendar *{name}* (it was a day off).",
                  **shown)  # fmt: skip
    else:
        text = tr(locale, ":calendar: {day} is now an extra working day on calendar *{name}*.", **shown)
    return Reply(text=text, blocks=[section(text)])


def calendar_removed(calendar: Calendar, builtin_takes_over: bool, *, locale: Locale) -> Reply:
    name = escape(calendar.name)
    if builtin_takes_over:
        text = tr(locale, ":wastebasket: Removed calendar *{name}* and its days. Severities on business now count on "
                  "the built-in Mon-Fri 09:00-17:00 calendar.", name=name)  # fmt: skip
    else:
        text = tr(locale, ":wastebasket: Removed calendar *{name}* and its days.", name=name)
    return Reply(text=text, blocks=[section(text)])
