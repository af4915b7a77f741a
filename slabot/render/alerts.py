"""Burn-rate alert messages: the one message per firing alert (open, acknowledged, silenced, resolved), its
thread notes (now a page, recovered), the silence confirmation and the incident title an alert suggests."""

from __future__ import annotations

from datetime import datetime
from fractions import Fraction
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement

from slabot.alerting.actions import IncidentDraft
from slabot.alerting.figures import AlertFigures, BudgetLeft, PairFigures
from slabot.core.budget import time_to_exhaust
from slabot.core.mentions import oncall_mention, user_mention
from slabot.core.timefmt import format_duration, format_percent, format_when
from slabot.core.windows import WindowSpec
from slabot.render.ids import ActionId, BlockId
from slabot.render.locale import Locale
from slabot.render.reply import Reply, context, escape, fields_only, header, section
from slabot.render.status import budget_amount, format_rate
from slabot.slo.measurement import Measure
from storage.models.alerting import Alert, AlertSeverity
from storage.models.catalog import Objective, Service

SEVERITY_ICON = {AlertSeverity.PAGE: ":rotating_light:", AlertSeverity.TICKET: ":warning:"}


def objective_ref(objective: Objective, service: Service) -> str:
    """service/objective, as users type it (names are lower-case words; escape it for mrkdwn all the same)."""
    return f"{service.name}/{objective.name}"


def window_phrase(window: WindowSpec) -> str:
    """ "the 30-day budget", "this month's budget"."""
    return f"the {window.days}-day budget" if window.kind == "rolling" else f"this {window.kind}'s budget"


def budget_left(budget: BudgetLeft) -> str:
    """ "13m 12s of 43m 12s (30.6%)", "none (1,200 events over budget)"."""
    if budget.left <= 0:
        return f"none ({budget_amount(budget.measure, -budget.left)} over budget)" if budget.left < 0 else "none"
    share = f" ({format_percent(budget.left_fraction)})" if budget.left_fraction is not None else ""
    return f"{budget_amount(budget.measure, budget.left)} of {budget_amount(budget.measure, budget.total)}{share}"


def _exhaust_phrase(figures: AlertFigures) -> str:
    budget = window_phrase(figures.window)
    left = figures.budget.left_fraction
    if figures.budget.left <= 0 or left is None:
        return f"{budget} is already exhausted"
    rate = figures.top.long_rate if figures.top is not None else None
    seconds = None if rate is None else time_to_exhaust(left, figures.window_seconds, rate)
    if seconds is None:
        return f"{budget} is not running out"
    return f"at this rate {budget} is gone in {format_duration(seconds)}"


def _counts(figures: AlertFigures, pair: PairFigures) -> str:
    long = format_duration(pair.rule.long_seconds)
    if figures.budget.measure == Measure.SECONDS:
        return f"{format_duration(pair.long.bad)} bad of {format_duration(pair.long.valid)} in the last {long}"
    unit = "minutes" if figures.budget.measure == Measure.SLICES else "events"
    return f"{int(pair.long.bad):,} bad of {int(pair.long.valid):,} {unit} in the last {long}"


def _pair_field(figures: AlertFigures, pair: PairFigures) -> str:
    rule = pair.rule
    long, short = format_duration(rule.long_seconds), format_duration(rule.short_seconds)
    consumed = figures.consumed(pair)
    return (
        f"*{rule.severity}: {long} / {short}*\n"
        f"burn {format_rate(pair.long_rate or Fraction(0))}× over {long}, "
        f"{format_rate(pair.short_rate or Fraction(0))}× over {short} (threshold {format_rate(pair.threshold)}×)\n"
        f"{format_percent(consumed) if consumed is not None else 'n/a'} of the budget spent in {long}"
    )


def _buttons(alert: Alert) -> ActionsBlock:
    value = str(alert.id)
    buttons = []
    if alert.acknowledged_by is None:
        buttons.append(
            ButtonElement(text="Acknowledge", action_id=ActionId.ALERT_ACKNOWLEDGE, value=value, style="primary")
        )
    if alert.incident_id is None:
        buttons.append(ButtonElement(text="Open incident", action_id=ActionId.ALERT_OPEN_INCIDENT, value=value))
    buttons += [
        ButtonElement(text="Silence 1h", action_id=ActionId.ALERT_SILENCE_1H, value=value),
        ButtonElement(text="Silence 4h", action_id=ActionId.ALERT_SILENCE_4H, value=value),
    ]
    return ActionsBlock(block_id=BlockId.ALERT_ACTIONS, elements=buttons)


def _notes(alert: Alert, figures: AlertFigures, name: str, zone: ZoneInfo, silenced_until: datetime | None) -> str:
    notes = [f"as of {format_when(figures.as_of, zone)}", f"/sla budget {name}"]
    if alert.acknowledged_by and alert.acknowledged_at:
        notes.insert(
            0, f"acknowledged by {user_mention(alert.acknowledged_by)} at {format_when(alert.acknowledged_at, zone)}"
        )
    if alert.incident_id is not None:
        notes.insert(0, f"incident #{alert.incident_id}")
    if silenced_until is not None and alert.resolved_at is None:
        notes.insert(0, f":mute: silenced until {format_when(silenced_until, zone)}")
    return " · ".join(notes)


def alert_message(
    alert: Alert,
    objective: Objective,
    service: Service,
    figures: AlertFigures,
    zone: ZoneInfo,
    *,
    locale: Locale,
    silenced_until: datetime | None = None,
) -> Reply:
    """The alert's one message; edited in place as it is acknowledged, silenced, escalated and resolved."""
    severity = AlertSeverity(alert.severity)
    name = escape(objective_ref(objective, service))
    exhaust = _exhaust_phrase(figures)
    if alert.resolved_at is not None:
        took = format_duration(int((alert.resolved_at - alert.opened_at).total_seconds()))
        title = f":white_check_mark: RESOLVED · {name} is back under its alert thresholds"
        lead = f"Was {severity.value}: fired at {format_when(alert.opened_at, zone)}, resolved after {took}."
    else:
        title = f"{SEVERITY_ICON[severity]} {severity.value.upper()} · {name} is burning its error budget"
        lead = f"*{exhaust[0].upper()}{exhaust[1:]}.*"
        if severity == AlertSeverity.PAGE and service.oncall_id:
            lead += f" {oncall_mention(service.oncall_id)}"
    blocks: list[Block] = [header(title), section(lead)]
    details = f"*Budget left:* {budget_left(figures.budget_shown)}"
    if figures.top is not None:
        blocks.append(fields_only([_pair_field(figures, pair) for pair in figures.pairs]))
        details += f"\n*Counts:* {_counts(figures, figures.top)}"
    blocks += [section(details), context(_notes(alert, figures, name, zone, silenced_until))]
    if alert.resolved_at is None:
        blocks.append(_buttons(alert))
    state = "resolved" if alert.resolved_at is not None else severity.value.upper()
    text = f"{state}: {name} — {exhaust}"
    if alert.resolved_at is None and severity == AlertSeverity.PAGE and service.oncall_id:
        text += f" {oncall_mention(service.oncall_id)}"
    return Reply(text=text, blocks=blocks, public=True)


def escalation_note(service: Service, figures: AlertFigures, *, locale: Locale) -> Reply:
    who = f" {oncall_mention(service.oncall_id)}" if service.oncall_id else ""
    text = f":rotating_light: Now a page: a page-level pair fires too; {_exhaust_phrase(figures)}.{who}"
    return Reply(text=text, blocks=[section(text)], public=True)


def recovery_note(
    alert: Alert, objective: Objective, service: Service, figures: AlertFigures, *, locale: Locale
) -> Reply:
    assert alert.resolved_at is not None
    took = format_duration(int((alert.resolved_at - alert.opened_at).total_seconds()))
    text = (
        f":white_check_mark: Recovered: {escape(objective_ref(objective, service))} has burned below its "
        f"thresholds for a while (alert open {took}). Budget left: {budget_left(figures.budget_shown)}."
    )
    return Reply(text=text, blocks=[section(text)], public=True)


def silenced_reply(
    objective: Objective, service: Service, rules: str, until: datetime, zone: ZoneInfo, *, locale: Locale
) -> str:
    """What the person who silenced an alert is told (only they see it)."""
    pairs = escape(rules.replace(",", ", "))
    return (
        f":mute: No pings for {escape(objective_ref(objective, service))} ({pairs}) until {format_when(until, zone)}."
    )


def incident_title(draft: IncidentDraft, *, locale: Locale) -> str:
    """The title the Open incident modal suggests (a plain-text input, so nothing is escaped)."""
    title = f"{objective_ref(draft.objective, draft.service)} burning its error budget"
    top = draft.figures.top if draft.figures is not None else None
    if top is None:
        return title
    rate = format_rate(top.long_rate or Fraction(0))
    return f"{title} ({rate}× over {format_duration(top.rule.long_seconds)})"
