"""Burn-rate alert messages: the one message per firing alert (open, acknowledged, silenced, resolved),
its thread notes, and the snapshot of figures it shows (taken when the alert fires or changes)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from fractions import Fraction
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement

from slabot.core.budget import time_to_exhaust
from slabot.core.burn import RuleResult, format_rule
from slabot.core.mentions import oncall_mention, user_mention
from slabot.core.timefmt import format_duration, format_percent, format_when
from slabot.render.ids import ActionId, BlockId
from slabot.render.reply import Reply, context, escape, fields_only, header, section
from slabot.render.status import format_amount, format_rate, objective_name
from slabot.slo.status import ObjectiveStatus
from storage.models.alerting import Alert, AlertSeverity
from storage.models.catalog import Service

Snapshot = dict[str, Any]
SEVERITY_ICON = {AlertSeverity.PAGE: ":rotating_light:", AlertSeverity.TICKET: ":warning:"}


def window_phrase(window: str) -> str:
    """ "the 30-day budget", "this month's budget"."""
    if window.endswith("d") and window[:-1].isdigit():
        return f"the {int(window[:-1])}-day budget"
    return f"this {window}'s budget"


def _exhaust_phrase(status: ObjectiveStatus, rate: Fraction | None) -> str:
    budget = window_phrase(status.objective.window)
    left = status.report.left_fraction
    if status.report.left <= 0 or left is None:
        return f"{budget} is already exhausted"
    seconds = None if rate is None else time_to_exhaust(left, status.bounds.length_seconds, rate)
    if seconds is None:
        return f"{budget} is not running out"
    return f"at this rate {budget} is gone in {format_duration(seconds)}"


def budget_left(status: ObjectiveStatus) -> str:
    report = status.report
    if report.left <= 0:
        return f"none ({format_amount(status, -report.left)} over budget)" if report.left < 0 else "none"
    share = f" ({format_percent(report.left_fraction)})" if report.left_fraction is not None else ""
    return f"{format_amount(status, report.left)} of {format_amount(status, report.total)}{share}"


def _counts(status: ObjectiveStatus, verdict: RuleResult) -> str:
    long = format_duration(verdict.rule.long_seconds)
    if status.time_based:
        return f"{format_duration(verdict.long.bad)} bad of {format_duration(verdict.long.valid)} in the last {long}"
    unit = "minutes" if status.objective.budgeting == "timeslices" else "events"
    return f"{int(verdict.long.bad):,} bad of {int(verdict.long.valid):,} {unit} in the last {long}"


def snapshot(status: ObjectiveStatus, firing: Sequence[RuleResult], now: datetime) -> Snapshot:
    """The figures an alert message shows, as text, so edits (acknowledge, silence) show the same ones."""
    ranked = sorted(firing, key=lambda v: (v.rule.severity != AlertSeverity.PAGE, v.rule.long_seconds))
    top = ranked[0]
    pairs = [
        {
            "rule": format_rule(v.rule),
            "severity": v.rule.severity,
            "long": format_duration(v.rule.long_seconds),
            "short": format_duration(v.rule.short_seconds),
            "long_rate": format_rate(v.long_rate or Fraction(0)),
            "short_rate": format_rate(v.short_rate or Fraction(0)),
            "threshold": format_rate(v.threshold),
            "consumed": format_percent(v.budget_consumed) if v.budget_consumed is not None else "n/a",
        }
        for v in ranked
    ]
    return {
        "objective": objective_name(status),
        "exhaust": _exhaust_phrase(status, top.long_rate),
        "left": budget_left(status),
        "counts": _counts(status, top),
        "as_of": now.isoformat(),
        "pairs": pairs,
    }


def _pair_field(pair: dict[str, str]) -> str:
    return (
        f"*{pair['severity']}: {pair['long']} / {pair['short']}*\n"
        f"burn {pair['long_rate']}× over {pair['long']}, {pair['short_rate']}× over {pair['short']} "
        f"(threshold {pair['threshold']}×)\n{pair['consumed']} of the budget spent in {pair['long']}"
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


def alert_message(
    alert: Alert, service: Service, snap: Snapshot, zone: ZoneInfo, silenced_until: datetime | None = None
) -> Reply:
    """The alert's one message; edited in place as it is acknowledged, silenced, escalated and resolved."""
    severity = AlertSeverity(alert.severity)
    name = escape(snap["objective"])
    resolved = alert.resolved_at is not None
    if resolved:
        assert alert.resolved_at is not None
        took = format_duration(int((alert.resolved_at - alert.opened_at).total_seconds()))
        title = f":white_check_mark: RESOLVED · {snap['objective']} is back under its alert thresholds"
        lead = f"Was {severity.value}: fired at {format_when(alert.opened_at, zone)}, resolved after {took}."
    else:
        title = f"{SEVERITY_ICON[severity]} {severity.value.upper()} · {snap['objective']} is burning its error budget"
        lead = f"*{snap['exhaust'][0].upper()}{snap['exhaust'][1:]}.*"
        if severity == AlertSeverity.PAGE and service.oncall_id:
            lead += f" {oncall_mention(service.oncall_id)}"
    blocks: list[Block] = [
        header(title),
        section(lead),
        fields_only([_pair_field(pair) for pair in snap["pairs"]]),
        section(f"*Budget left:* {snap['left']}\n*Counts:* {snap['counts']}"),
    ]
    notes = [f"as of {format_when(datetime.fromisoformat(snap['as_of']), zone)}", f"/sla budget {name}"]
    if alert.acknowledged_by and alert.acknowledged_at:
        notes.insert(
            0, f"acknowledged by {user_mention(alert.acknowledged_by)} at {format_when(alert.acknowledged_at, zone)}"
        )
    if alert.incident_id is not None:
        notes.insert(0, f"incident #{alert.incident_id}")
    if silenced_until is not None and not resolved:
        notes.insert(0, f":mute: silenced until {format_when(silenced_until, zone)}")
    blocks.append(context(" · ".join(notes)))
    if not resolved:
        blocks.append(_buttons(alert))
    state = "resolved" if resolved else severity.value.upper()
    text = f"{state}: {snap['objective']} — {snap['exhaust']}"
    if not resolved and severity == AlertSeverity.PAGE and service.oncall_id:
        text += f" {oncall_mention(service.oncall_id)}"
    return Reply(text=text, blocks=blocks, public=True)


def escalation_note(service: Service, snap: Snapshot) -> Reply:
    who = f" {oncall_mention(service.oncall_id)}" if service.oncall_id else ""
    text = f":rotating_light: Now a page: a page-level pair fires too; {snap['exhaust']}.{who}"
    return Reply(text=text, blocks=[section(text)], public=True)


def recovery_note(alert: Alert, snap: Snapshot) -> Reply:
    assert alert.resolved_at is not None
    took = format_duration(int((alert.resolved_at - alert.opened_at).total_seconds()))
    text = (
        f":white_check_mark: Recovered: {snap['objective']} has burned below its thresholds for a while "
        f"(alert open {took}). Budget left: {snap['left']}."
    )
    return Reply(text=text, blocks=[section(escape(text))], public=True)
