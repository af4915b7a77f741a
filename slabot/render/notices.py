"""Notices the bot posts on its own: error budget policy crossings and incident SLA timer warnings/breaches."""

from __future__ import annotations

from slabot.alerting.events import BudgetCrossed, FreezeLifted
from slabot.core.mentions import oncall_mention
from slabot.core.timefmt import format_duration, format_percent, format_when
from slabot.core.windows import WindowSpec
from slabot.incidents.breaches import TimerMarkReached
from slabot.render.alerts import budget_left, objective_ref, window_phrase
from slabot.render.locale import Locale
from slabot.render.reply import Reply, context, escape, section

FREEZE = (
    "*Change freeze:* per the error budget policy, only urgent fixes and security fixes ship until the "
    "objective is back within target."
)


def budget_crossing(crossed: BudgetCrossed, *, locale: Locale) -> Reply:
    name = escape(objective_ref(crossed.objective, crossed.service))
    budget = window_phrase(WindowSpec.parse(crossed.objective.window))
    left = budget_left(crossed.budget)
    oncall = f" {oncall_mention(crossed.service.oncall_id)}" if crossed.service.oncall_id else ""
    if crossed.level == 0:
        lead = f":no_entry: *{name}* has exhausted {budget}: {left} left.{oncall}"
        blocks = [section(lead), section(FREEZE), context(f"/sla budget {name}")]
        return Reply(text=f"{name}: error budget exhausted; change freeze", blocks=blocks, public=True)
    icon = ":large_orange_circle:" if crossed.level == 25 else ":large_yellow_circle:"
    lead = f"{icon} *{name}*: less than {crossed.level}% of {budget} is left ({left})."
    advice = (
        "Slow down risky changes and look at what is burning it."
        if crossed.level == 50
        else "At risk: prioritise reliability work; a freeze follows if it runs out."
    )
    text = f"{name}: less than {crossed.level}% of the error budget left"
    return Reply(text=text, blocks=[section(f"{lead}\n{advice}"), context(f"/sla budget {name}")], public=True)


def freeze_lifted(lifted: FreezeLifted, *, locale: Locale) -> Reply:
    name = escape(objective_ref(lifted.objective, lifted.service))
    left = budget_left(lifted.budget)
    text = f":white_check_mark: *{name}* is back within its objective ({left}): the change freeze is lifted."
    return Reply(text=f"{name}: change freeze lifted", blocks=[section(text)], public=True)


TIMER_NAME = {"response": "response (acknowledge)", "resolution": "resolution"}


def timer_warning(mark: TimerMarkReached, *, locale: Locale) -> Reply:
    """In the incident's thread (or the channel, when it has none): how much of a target is used up."""
    state = mark.state
    due = f"due {format_when(state.due_at, state.zone)}" if state.due_at is not None else "paused"
    left = format_duration(max(state.left_seconds, 0))
    text = (
        f":hourglass_flowing_sand: {mark.level}% of the {TIMER_NAME[state.kind]} target of incident "
        f"#{mark.incident.id} has elapsed: {left} left, {due} ({format_percent(state.percent)} used)."
    )
    return Reply(text=text, blocks=[section(text)], public=True)


def timer_breach(mark: TimerMarkReached, *, in_channel: bool, locale: Locale) -> Reply:
    """The missed target as it was set ("30m", "3d"), its calendar named unless it is 24x7; `in_channel`
    says which incident it is (the service, severity and title) for readers outside its thread."""
    incident, service, state = mark.incident, mark.service, mark.state
    target = mark.target if state.calendar == "24x7" else f"{mark.target} ({escape(state.calendar)} calendar)"
    due = format_when(state.due_at, state.zone) if state.due_at is not None else "now"
    oncall = f" {oncall_mention(service.oncall_id)}" if service.oncall_id else ""
    where = f" on {escape(service.name)} (sev{incident.severity}: {escape(incident.title)})" if in_channel else ""
    text = (
        f":rotating_light: Incident #{incident.id}{where} missed its {TIMER_NAME[state.kind]} target of {target} "
        f"(due {due}).{oncall}"
    )
    return Reply(text=text, blocks=[section(text)], public=True)
