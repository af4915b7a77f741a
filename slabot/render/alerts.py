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
from slabot.core.i18n import tr
from slabot.core.mentions import oncall_mention, user_mention
from slabot.core.timefmt import format_duration, format_percent, format_when
from slabot.core.windows import WindowSpec
from slabot.render.ids import ActionId, BlockId
from slabot.render.locale import DEFAULT_LOCALE, Locale
from slabot.render.reply import Reply, context, escape, fields_only, header, section
from slabot.render.status import budget_amount, format_rate
from slabot.slo.measurement import Measure
from storage.models.alerting import Alert, AlertSeverity
from storage.models.catalog import Objective, Service

SEVERITY_ICON = {AlertSeverity.PAGE: ":rotating_light:", AlertSeverity.TICKET: ":warning:"}


def objective_ref(objective: Objective, service: Service) -> str:
    """service/objective, as users type it (names are lower-case words; escape it for mrkdwn all the same)."""
    return f"{service.name}/{objective.name}"


def severity_label(severity: str, locale: Locale = DEFAULT_LOCALE) -> str:
    """ "page" or "ticket", as a rule or a sentence names it."""
    return tr(locale, "page") if severity == AlertSeverity.PAGE else tr(locale, "ticket")


def severity_title(severity: str, locale: Locale = DEFAULT_LOCALE) -> str:
    """ "PAGE" or "TICKET", as a message's title shouts it."""
    return tr(locale, "PAGE") if severity == AlertSeverity.PAGE else tr(locale, "TICKET")


def window_phrase(window: WindowSpec, locale: Locale = DEFAULT_LOCALE) -> str:
    """ "the 30-day budget", "this month's budget"."""
    if window.kind == "rolling":
        return tr(locale, "the {days}-day budget", days=window.days)
    if window.kind == "week":
        return tr(locale, "this week's budget")
    if window.kind == "month":
        return tr(locale, "this month's budget")
    return tr(locale, "this quarter's budget")


def budget_left(budget: BudgetLeft, locale: Locale = DEFAULT_LOCALE) -> str:
    """ "13m 12s of 43m 12s (30.6%)", "none (1,200 events over budget)"."""
    if budget.left <= 0:
        if budget.left < 0:
            return tr(locale, "none ({amount} over budget)", amount=budget_amount(budget.measure, -budget.left, locale))
        return tr(locale, "none")
    left, total = (
        budget_amount(budget.measure, budget.left, locale),
        budget_amount(budget.measure, budget.total, locale),
    )
    if budget.left_fraction is None:
        return tr(locale, "{left} of {total}", left=left, total=total)
    share = format_percent(budget.left_fraction, locale=locale)
    return tr(locale, "{left} of {total} ({share})", left=left, total=total, share=share)


def _exhaust_phrase(figures: AlertFigures, locale: Locale) -> str:
    budget = window_phrase(figures.window, locale)
    left = figures.budget.left_fraction
    if figures.budget.left <= 0 or left is None:
        return tr(locale, "{budget} is already exhausted", budget=budget)
    rate = figures.top.long_rate if figures.top is not None else None
    seconds = None if rate is None else time_to_exhaust(left, figures.window_seconds, rate)
    if seconds is None:
        return tr(locale, "{budget} is not running out", budget=budget)
    return tr(
        locale, "at this rate {budget} is gone in {duration}", budget=budget, duration=format_duration(seconds, locale)
    )


def _counts(figures: AlertFigures, pair: PairFigures, locale: Locale) -> str:
    long = format_duration(pair.rule.long_seconds, locale)
    if figures.budget.measure == Measure.SECONDS:
        bad, valid = format_duration(pair.long.bad, locale), format_duration(pair.long.valid, locale)
        return tr(locale, "{bad} bad of {valid} in the last {long}", bad=bad, valid=valid, long=long)
    bad, valid = f"{int(pair.long.bad):,}", f"{int(pair.long.valid):,}"
    if figures.budget.measure == Measure.SLICES:
        return tr(locale, "{bad} bad of {valid} minutes in the last {long}", bad=bad, valid=valid, long=long)
    return tr(locale, "{bad} bad of {valid} events in the last {long}", bad=bad, valid=valid, long=long)


def _pair_field(figures: AlertFigures, pair: PairFigures, locale: Locale) -> str:
    rule = pair.rule
    long, short = format_duration(rule.long_seconds, locale), format_duration(rule.short_seconds, locale)
    consumed = figures.consumed(pair)
    title = tr(
        locale, "*{severity}: {long} / {short}*", severity=severity_label(rule.severity, locale), long=long, short=short
    )
    burn = tr(
        locale,
        "burn {long_rate}× over {long}, {short_rate}× over {short} (threshold {threshold}×)",
        long_rate=format_rate(pair.long_rate or Fraction(0)),
        long=long,
        short_rate=format_rate(pair.short_rate or Fraction(0)),
        short=short,
        threshold=format_rate(pair.threshold),
    )
    spent = format_percent(consumed, locale=locale) if consumed is not None else tr(locale, "n/a")
    return "\n".join([title, burn, tr(locale, "{consumed} of the budget spent in {long}", consumed=spent, long=long)])


def _buttons(alert: Alert, locale: Locale) -> ActionsBlock:
    value = str(alert.id)
    buttons = []
    if alert.acknowledged_by is None:
        buttons.append(
            ButtonElement(
                text=tr(locale, "Acknowledge"), action_id=ActionId.ALERT_ACKNOWLEDGE, value=value, style="primary"
            )
        )
    if alert.incident_id is None:
        buttons.append(
            ButtonElement(text=tr(locale, "Open incident"), action_id=ActionId.ALERT_OPEN_INCIDENT, value=value)
        )
    buttons += [
        ButtonElement(text=tr(locale, "Silence 1h"), action_id=ActionId.ALERT_SILENCE_1H, value=value),
        ButtonElement(text=tr(locale, "Silence 4h"), action_id=ActionId.ALERT_SILENCE_4H, value=value),
    ]
    return ActionsBlock(block_id=BlockId.ALERT_ACTIONS, elements=buttons)


def _notes(
    alert: Alert, figures: AlertFigures, name: str, zone: ZoneInfo, silenced_until: datetime | None, locale: Locale
) -> str:
    notes = [tr(locale, "as of {when}", when=format_when(figures.as_of, zone, locale=locale)), f"/sla budget {name}"]
    if alert.acknowledged_by and alert.acknowledged_at:
        when = format_when(alert.acknowledged_at, zone, locale=locale)
        notes.insert(
            0, tr(locale, "acknowledged by {who} at {when}", who=user_mention(alert.acknowledged_by), when=when)
        )
    if alert.incident_id is not None:
        notes.insert(0, tr(locale, "incident #{id}", id=alert.incident_id))
    if silenced_until is not None and alert.resolved_at is None:
        when = format_when(silenced_until, zone, locale=locale)
        notes.insert(0, tr(locale, ":mute: silenced until {when}", when=when))
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
    exhaust = _exhaust_phrase(figures, locale)
    oncall = service.oncall_id if severity == AlertSeverity.PAGE and alert.resolved_at is None else None
    if alert.resolved_at is not None:
        took = format_duration(int((alert.resolved_at - alert.opened_at).total_seconds()), locale)
        title = tr(locale, ":white_check_mark: RESOLVED · {name} is back under its alert thresholds", name=name)
        lead = tr(
            locale,
            "Was {severity}: fired at {when}, resolved after {took}.",
            severity=severity_label(severity, locale),
            when=format_when(alert.opened_at, zone, locale=locale),
            took=took,
        )
    else:
        title = tr(
            locale,
            "{icon} {severity} · {name} is burning its error budget",
            icon=SEVERITY_ICON[severity],
            severity=severity_title(severity, locale),
            name=name,
        )
        sentence = exhaust[:1].upper() + exhaust[1:]
        lead = tr(locale, "*{exhaust}.*", exhaust=sentence)
        if oncall:
            lead += f" {oncall_mention(oncall)}"
    blocks: list[Block] = [header(title), section(lead)]
    details = [tr(locale, "*Budget left:* {left}", left=budget_left(figures.budget_shown, locale))]
    if figures.top is not None:
        blocks.append(fields_only([_pair_field(figures, pair, locale) for pair in figures.pairs]))
        details.append(tr(locale, "*Counts:* {counts}", counts=_counts(figures, figures.top, locale)))
    blocks += [section("\n".join(details)), context(_notes(alert, figures, name, zone, silenced_until, locale))]
    if alert.resolved_at is None:
        blocks.append(_buttons(alert, locale))
    state = tr(locale, "resolved") if alert.resolved_at is not None else severity_title(severity, locale)
    text = tr(locale, "{state}: {name} — {exhaust}", state=state, name=name, exhaust=exhaust)
    if oncall:
        text += f" {oncall_mention(oncall)}"
    return Reply(text=text, blocks=blocks, public=True)


def escalation_note(service: Service, figures: AlertFigures, *, locale: Locale) -> Reply:
    text = tr(
        locale,
        ":rotating_light: Now a page: a page-level pair fires too; {exhaust}.",
        exhaust=_exhaust_phrase(figures, locale),
    )
    if service.oncall_id:
        text += f" {oncall_mention(service.oncall_id)}"
    return Reply(text=text, blocks=[section(text)], public=True)


def recovery_note(
    alert: Alert, objective: Objective, service: Service, figures: AlertFigures, *, locale: Locale
) -> Reply:
    assert alert.resolved_at is not None
    took = format_duration(int((alert.resolved_at - alert.opened_at).total_seconds()), locale)
    text = tr(
        locale,
        ":white_check_mark: Recovered: {name} has burned below its thresholds for a while (alert open {took}). "
        "Budget left: {left}.",
        name=escape(objective_ref(objective, service)),
        took=took,
        left=budget_left(figures.budget_shown, locale),
    )
    return Reply(text=text, blocks=[section(text)], public=True)


def silenced_reply(
    objective: Objective, service: Service, rules: str, until: datetime, zone: ZoneInfo, *, locale: Locale
) -> str:
    """What the person who silenced an alert is told (only they see it)."""
    return tr(
        locale,
        ":mute: No pings for {name} ({pairs}) until {when}.",
        name=escape(objective_ref(objective, service)),
        pairs=escape(rules.replace(",", ", ")),
        when=format_when(until, zone, locale=locale),
    )


def incident_title(draft: IncidentDraft, *, locale: Locale) -> str:
    """The title the Open incident modal suggests (a plain-text input, so nothing is escaped)."""
    name = objective_ref(draft.objective, draft.service)
    top = draft.figures.top if draft.figures is not None else None
    if top is None:
        return tr(locale, "{name} burning its error budget", name=name)
    return tr(
        locale,
        "{name} burning its error budget ({rate}× over {long})",
        name=name,
        rate=format_rate(top.long_rate or Fraction(0)),
        long=format_duration(top.rule.long_seconds, locale),
    )
