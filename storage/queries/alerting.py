"""Statements of burn-rate alerting: stored rules, open alerts, silences and budget levels."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from sqlmodel import Session, col, delete, select

from storage.models.alerting import Alert, AlertRule, AlertSeverity, AlertSilence, BudgetLevel


def alert_rules_by_objective(session: Session) -> dict[int, list[AlertRule]]:
    """Stored alert rules of every objective, in the order they were set."""
    rules: dict[int, list[AlertRule]] = {}
    for rule in session.exec(select(AlertRule).order_by(col(AlertRule.objective_id), col(AlertRule.id))):
        rules.setdefault(rule.objective_id, []).append(rule)
    return rules


def alert_rules_of(session: Session, objective_id: int) -> Sequence[AlertRule]:
    """One objective's stored alert rules, in the order they were set."""
    query = select(AlertRule).where(col(AlertRule.objective_id) == objective_id).order_by(col(AlertRule.id))
    return session.exec(query).all()


def delete_alert_rules(session: Session, objective_id: int) -> None:
    session.exec(delete(AlertRule).where(col(AlertRule.objective_id) == objective_id))


def replace_alert_rules(
    session: Session, objective_id: int, rules: Sequence[tuple[AlertSeverity, int, int, Decimal]]
) -> None:
    """An objective's rules become these (severity, long seconds, short seconds, percent of the budget); none
    stored means the defaults."""
    delete_alert_rules(session, objective_id)
    for severity, long_seconds, short_seconds, budget_percent in rules:
        session.add(
            AlertRule(
                objective_id=objective_id,
                severity=severity,
                long_seconds=long_seconds,
                short_seconds=short_seconds,
                budget_percent=budget_percent,
            )
        )


def open_alerts(session: Session) -> dict[int, Alert]:
    """The open alert of each objective that has one, by objective id."""
    rows = session.exec(select(Alert).where(col(Alert.open_objective_id).is_not(None))).all()
    return {row.objective_id: row for row in rows}


def silences_after(session: Session, now: datetime, objective_id: int | None = None) -> Sequence[AlertSilence]:
    """Silences still running at `now` (of one objective, when given)."""
    query = select(AlertSilence).where(col(AlertSilence.until) > now)
    if objective_id is not None:
        query = query.where(col(AlertSilence.objective_id) == objective_id)
    return session.exec(query).all()


def budget_levels(session: Session) -> dict[int, BudgetLevel]:
    """The band each objective was last told about, by objective id."""
    return {row.objective_id: row for row in session.exec(select(BudgetLevel)).all()}
