"""An objective's stored alert rules: its burn-rate pairs (the defaults when none are stored) and the least
number of events a window needs before it may page (min_events); checked against the objective when set."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from sqlmodel import Session

from slabot.core.budget import percent_from_target, target_from_percent
from slabot.core.burn import DEFAULT_RULES, MAX_RULES, AlertRule, check_rule, format_rule
from slabot.core.errors import UserError, said_by
from slabot.core.i18n import t
from slabot.core.windows import WindowSpec
from storage.models.alerting import AlertRule as AlertRuleRow
from storage.models.alerting import AlertSeverity
from storage.models.catalog import Objective
from storage.queries import alerting as queries


def rules_for(session: Session, objective: Objective) -> tuple[AlertRule, ...]:
    """The objective's rules: the stored ones, else the defaults."""
    return from_rows(queries.alert_rules_of(session, objective.id))


def from_rows(rows: Sequence[AlertRuleRow]) -> tuple[AlertRule, ...]:
    """The rules stored for one objective, or the defaults when none are."""
    if not rows:
        return DEFAULT_RULES
    return tuple(
        AlertRule.from_stored(row.severity, row.long_seconds, row.short_seconds, row.budget_percent) for row in rows
    )


def window_seconds(objective: Objective) -> int:
    """The window length thresholds are derived from (a calendar window's nominal length: 7, 30 or 91 days)."""
    return WindowSpec.parse(objective.window).nominal_seconds


def stored_form(rule: AlertRule) -> tuple[AlertSeverity, int, int, Decimal]:
    """A rule as its row keeps it: severity, long and short windows in seconds, percent of the budget."""
    percent = percent_from_target(rule.budget_fraction)
    return AlertSeverity(rule.severity), rule.long_seconds, rule.short_seconds, percent


def set_rules(
    session: Session, objective: Objective, rules: Sequence[AlertRule] | None, min_events: int | None
) -> tuple[AlertRule, ...]:
    """Replace the rules (None keeps them; an empty sequence restores the defaults) and/or min_events."""
    target = target_from_percent(objective.target_percent)
    if rules is not None:
        if len(rules) > MAX_RULES:
            raise UserError(t("at most {n} rules per objective", n=MAX_RULES))
        seen: set[AlertRule] = set()
        for rule in rules:
            if rule in seen:
                raise UserError(t("{rule} is given twice: give each rule once", rule=format_rule(rule)))
            seen.add(rule)
        for rule in rules:
            try:
                check_rule(rule, target, window_seconds(objective))
            except ValueError as error:
                raise UserError(said_by(error)) from None
        queries.replace_alert_rules(session, objective.id, [stored_form(rule) for rule in rules])
    if min_events is not None:
        objective.min_events = min_events
        session.add(objective)
    session.flush()
    return rules_for(session, objective)
