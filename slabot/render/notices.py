"""Notices the bot posts on its own: error budget policy crossings and incident SLA timer warnings/breaches."""

from __future__ import annotations

from slabot.alerting.events import BudgetCrossed, FreezeLifted
from slabot.core.i18n import t, tr
from slabot.core.mentions import oncall_mention
from slabot.core.timefmt import format_duration, format_percent, format_when
from slabot.core.windows import WindowSpec
from slabot.incidents.breaches import TimerMarkReached
from slabot.render.alerts import budget_left, objective_ref, window_phrase
from slabot.render.locale import Locale
from slabot.render.reply import Reply, context, escape, section

FREEZE = t(
    "*Change freeze:* per the error budget policy, only urgent fixes and security fixes ship until the "
    "objective is back within target."
)


def _with_oncall(text: str, oncall_id: str | None) -> str:
    return f"{text} {oncall_mention(oncall_id)}" if oncall_id else text


def budget_crossing(crossed: BudgetCrossed, *, locale: Locale) -> Reply:
    name = escape(objective_ref(crossed.objective, crossed.service))
    budget = window_phrase(WindowSpec.parse(crossed.objective.window), locale)
    left = budget_left(crossed.budget, locale)
    oncall = crossed.service.oncall_id
    if crossed.level == 0:
        lead = tr(
            locale, ":no_entry: *{name}* has exhausted {budget}: {left} left.", name=name, budget=budget, left=left
        )
        blocks = [section(_with_oncall(lead, oncall)), section(FREEZE.render(locale)), context(f"/sla budget {name}")]
        text = tr(locale, "{name}: error budget exhausted; change freeze", name=name)
        return Reply(text=text, blocks=blocks, public=True)
    icon = ":large_orange_circle:" if crossed.level == 25 else ":large_yellow_circle:"
    lead = tr(
        locale,
        "{icon} *{name}*: less than {level}% of {budget} is left ({left}).",
        icon=icon,
        name=name,
        level=crossed.level,
        budget=budget,
        left=left,
    )
    if crossed.level == 50:
        advice = tr(locale, "Slow down risky changes and look at what is burning it.")
    else:
        advice = tr(locale, "At risk: prioritise reliability work; a freeze follows if it runs out.")
    text = tr(locale, "{name}: less than {level}% of the error budget left", name=name, level=crossed.level)
    return Reply(text=text, blocks=[section(f"{lead}\n{advice}"), context(f"/sla budget {name}")], public=True)


def freeze_lifted(lifted: FreezeLifted, *, locale: Locale) -> Reply:
    name = escape(objective_ref(lifted.objective, lifted.service))
    text = tr(
        locale,
        ":white_check_mark: *{name}* is back within its objective ({left}): the change freeze is lifted.",
        name=name,
        left=budget_left(lifted.budget, locale),
    )
    fallback = tr(locale, "{name}: change freeze lifted", name=name)
    return Reply(text=fallback, blocks=[section(text)], public=True)


def timer_name(kind: str, locale: Locale) -> str:
    """The target a timer keeps: "response (acknowledge)" or "resolution"."""
    return tr(locale, "response (acknowledge)") if kind == "response" else tr(locale, "resolution")


def timer_warning(mark: TimerMarkReached, *, locale: Locale) -> Reply:
    """In the incident's thread (or the channel, when it has none): how much of a target is used up."""
    state = mark.state
    if state.due_at is not None:
        due = tr(locale, "due {when}", when=format_when(state.due_at, state.zone, locale=locale))
    else:
        due = tr(locale, "paused")
    text = tr(
        locale,
        ":hourglass_flowing_sand: {level}% of the {timer} target of incident #{id} has elapsed: {left} left, "
        "{due} ({used} used).",
        level=mark.level,
        timer=timer_name(state.kind, locale),
        id=mark.incident.id,
        left=format_duration(max(state.left_seconds, 0), locale),
        due=due,
        used=format_percent(state.percent, locale=locale),
    )
    return Reply(text=text, blocks=[section(text)], public=True)


def timer_breach(mark: TimerMarkReached, *, in_channel: bool, locale: Locale) -> Reply:
    """The missed target as it was set ("30m", "3d"), its calendar named unless it is 24x7; `in_channel`
    says which incident it is (the service, severity and title) for readers outside its thread."""
    incident, service, state = mark.incident, mark.service, mark.state
    if state.calendar == "24x7":
        target = mark.target
    else:
        target = tr(locale, "{target} ({calendar} calendar)", target=mark.target, calendar=escape(state.calendar))
    due = format_when(state.due_at, state.zone, locale=locale) if state.due_at is not None else tr(locale, "now")
    shown = {"id": incident.id, "timer": timer_name(state.kind, locale), "target": target, "due": due}
    if in_channel:
        text = tr(
            locale,
            ":rotating_light: Incident #{id} on {service} (sev{severity}: {title}) missed its {timer} target of "
            "{target} (due {due}).",
            service=escape(service.name),
            severity=incident.severity,
            title=escape(incident.title),
            **shown,
        )
    else:
        text = tr(locale, ":rotating_light: Incident #{id} missed its {timer} target of {target} (due {due}).", **shown)
    text = _with_oncall(text, service.oncall_id)
    return Reply(text=text, blocks=[section(text)], public=True)
