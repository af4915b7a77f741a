"""Statements of burn-rate alerting: stored rules, open alerts, silences and budget levels."""

from __future__ import annotations

from sqlmodel import Session, col, select

from storage.models.alerting import AlertRule


def alert_rules_by_objective(session: Session) -> dict[int, list[AlertRule]]:
    """Stored alert rules of every objective, in the order they were set."""
    rules: dict[int, list[AlertRule]] = {}
    for rule in session.exec(select(AlertRule).order_by(col(AlertRule.objective_id), col(AlertRule.id))):
        rules.setdefault(rule.objective_id, []).append(rule)
    return rules
