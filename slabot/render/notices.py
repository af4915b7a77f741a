"""Notices the bot posts on its own: error budget policy crossings and incident SLA timer warnings/breaches."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from slabot.core.mentions import oncall_mention
from slabot.core.timefmt import format_duration, format_percent, format_when
from slabot.incidents.timers import TimerState
from slabot.render.alerts import budget_left, window_phrase
from slabot.render.reply import Reply, context, escape, section
from slabot.render.status import objective_name
from slabot.slo.status import ObjectiveStatus
from storage.models.catalog import Service
from storage.models.incidents import Incident

FREEZE = (
    "*Change freeze:* per the error budget policy, only urgent fixes and security fixes ship until the "
    "objective is back within target."
)


def budget_crossing(status: ObjectiveStatus, level: int) -> Reply:
    name = escape(objective_name(status))
    budget = window_phrase(status.objective.window)
    left = budget_left(status)
    oncall = f" {oncall_mention(status.service.oncall_id)}" if status.service.oncall_id else ""
    if level == 0:
        lead = f":no_entry: *{name}* has exhausted {budget}: {left} left.{oncall}"
        blocks = [section(lead), section(FREEZE), context(f"/sla budget {name}")]
        return Reply(
            text=f"{objective_name(status)}: error budget exhausted; change freeze", blocks=blocks, public=True
        )
    icon = ":large_orange_circle:" if level == 25 else ":large_yellow_circle:"
    lead = f"{icon} *{name}*: less than {level}% of {budget} is left ({left})."
    advice = (
        "Slow down risky changes and look at what is burning it."
        if level == 50
        else "At risk: prioritise reliability work; a freeze follows if it runs out."
    )
    text = f"{objective_name(status)}: less than {level}% of the error budget left"
    return Reply(text=text, blocks=[section(f"{lead}\n{advice}"), context(f"/sla budget {name}")], public=True)


def freeze_lifted(status: ObjectiveStatus) -> Reply:
    name = escape(objective_name(status))
    left = budget_left(status)
    text = f":white_check_mark: *{name}* is back within its objective ({left}): the change freeze is lifted."
    return Reply(text=f"{objective_name(status)}: change freeze lifted", blocks=[section(text)], public=True)


TIMER_NAME = {"response": "response (acknowledge)", "resolution": "resolution"}


def timer_warning(incident: Incident, state: TimerState, level: int, zone: ZoneInfo) -> Reply:
    what = TIMER_NAME[state.kind]
    due = f"due {format_when(state.due_at, zone)}" if state.due_at is not None else "paused"
    left = format_duration(max(state.left_seconds, 0))
    text = (
        f":hourglass_flowing_sand: {level}% of the {what} target of incident #{incident.id} has elapsed: "
        f"{left} left, {due} ({format_percent(state.percent)} used)."
    )
    return Reply(text=text, blocks=[section(text)], public=True)


def timer_breach(
    incident: Incident, service: Service, state: TimerState, target: str, zone: ZoneInfo, in_channel: bool
) -> Reply:
    """`target` as it was set ("30m", "3d"); on a business calendar its name follows ("3d of business")."""
    what = TIMER_NAME[state.kind]
    if state.calendar != "24x7":
        target = f"{target} ({state.calendar} calendar)"
    due = format_when(state.due_at, zone) if state.due_at is not None else "now"
    oncall = f" {oncall_mention(service.oncall_id)}" if service.oncall_id else ""
    where = f" on {service.name} (sev{incident.severity}: {escape(incident.title)})" if in_channel else ""
    text = f":rotating_light: Incident #{incident.id}{where} missed its {what} target of {target} (due {due}).{oncall}"
    return Reply(text=text, blocks=[section(text)], public=True)
