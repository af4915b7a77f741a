"""The burn-rate alert state machine: one alert per objective at a time, with one message, edited as it
escalates and resolves, never repeated. Each step changes the alert and returns the events its message needs.

For each objective the pass compares the pairs firing now with its open alert (if any):
- something fires (not silenced) and no alert is open: open one and post its message; a page mentions
  the on-call;
- the set of firing pairs changes: edit the message; a page joining a ticket also pings in the thread;
- nothing fires: the alert resolves once it has stayed quiet for RESOLVE_AFTER (so a burn hovering around
  a threshold does not flap), with its message edited and a recovery note in its thread.
Silenced pairs keep an open alert open but never open one or ping. An open alert stored before its figures
were numbers (migration 0007) gets them, from its pairs' verdicts, at the first pass that sees it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlmodel import Session

from slabot.alerting.events import AlertEscalated, AlertOpened, AlertResolved, AlertShown
from slabot.alerting.figures import AlertFigures, BudgetLeft, dumps, figures_of, loads
from slabot.alerting.verdicts import Evaluation
from slabot.core.burn import RuleResult, format_rule
from storage.models.alerting import Alert, AlertSeverity
from storage.models.catalog import Objective, Service
from storage.queries import alerting as queries

RESOLVE_AFTER = timedelta(minutes=5)

Silenced = dict[str, datetime]  # rule (as format_rule writes it) -> silenced until


def _severity(verdicts: Sequence[RuleResult]) -> AlertSeverity:
    return AlertSeverity.PAGE if any(v.rule.severity == "page" for v in verdicts) else AlertSeverity.TICKET


def rule_names(verdicts: Sequence[RuleResult]) -> str:
    """The pairs as Alert.rules keeps them: "page:2%:1h/5m,page:5%:6h/30m"."""
    return ",".join(sorted(format_rule(v.rule) for v in verdicts))


def silences(session: Session, now: datetime, objective_id: int | None = None) -> dict[int, Silenced]:
    """The silences running now, per objective (of one objective, when given)."""
    found: dict[int, Silenced] = {}
    for row in queries.silences_after(session, now, objective_id):
        found.setdefault(row.objective_id, {})[row.rule] = row.until
    return found


def silenced_until(silenced: Silenced, alert: Alert) -> datetime | None:
    """Until when every pair of the alert is silenced (None when any of them may still ping)."""
    ends = [silenced.get(rule) for rule in alert.rules.split(",")]
    return None if not ends or any(end is None for end in ends) else min(e for e in ends if e is not None)


def shown(
    alert: Alert, objective: Objective, service: Service, figures: AlertFigures, silenced: Silenced
) -> AlertShown:
    """The alert's message to be edited to show the alert as it is now (each edit gets the next version)."""
    alert.version += 1
    return AlertShown(alert, objective, service, figures, alert.version, silenced_until(silenced, alert))


def apply(session: Session, evaluations: Sequence[Evaluation], now: datetime) -> list[object]:
    """Bring every objective's alert up to date with this pass's verdicts; the events of what changed."""
    current = queries.open_alerts(session)
    quiet = silences(session, now)
    events: list[object] = []
    for evaluation in evaluations:
        objective_id = evaluation.status.objective.id
        silenced = quiet.get(objective_id, {})
        alert = current.get(objective_id)
        if alert is None:
            events += _open(session, evaluation, silenced, now)
        elif evaluation.firing:
            events += _still_firing(session, alert, evaluation, silenced, now)
        else:
            events += _quiet(session, alert, evaluation, silenced, now)
    session.flush()  # the alerts opened get their ids, in one go
    return events


def _open(session: Session, evaluation: Evaluation, silenced: Silenced, now: datetime) -> list[object]:
    firing = evaluation.firing
    pingable = [v for v in firing if format_rule(v.rule) not in silenced]
    if not pingable:
        return []
    status = evaluation.status
    figures = figures_of(status, firing, now)
    alert = Alert(
        objective_id=status.objective.id,
        open_objective_id=status.objective.id,
        severity=_severity(pingable),
        rules=rule_names(firing),
        figures=dumps(figures),
        opened_at=now,
        last_firing_at=now,
    )
    session.add(alert)
    return [AlertOpened(alert, status.objective, status.service, figures)]


def _still_firing(
    session: Session, alert: Alert, evaluation: Evaluation, silenced: Silenced, now: datetime
) -> list[object]:
    status, firing = evaluation.status, evaluation.firing
    alert.last_firing_at = now
    alert.clear_since = None
    session.add(alert)
    rules = rule_names(firing)
    if rules == alert.rules and alert.figures is not None:
        return []
    pingable = [v for v in firing if format_rule(v.rule) not in silenced]
    escalated = alert.severity == AlertSeverity.TICKET and _severity(pingable) == AlertSeverity.PAGE
    alert.rules = rules
    figures = figures_of(status, firing, now)
    alert.figures = dumps(figures)
    if escalated:
        alert.severity = AlertSeverity.PAGE
    events: list[object] = [shown(alert, status.objective, status.service, figures, silenced)]
    if escalated:
        events.append(AlertEscalated(alert, status.objective, status.service, figures))
    return events


def _its_pairs(alert: Alert, evaluation: Evaluation, now: datetime) -> AlertFigures:
    """Figures for an alert that has none (stored before 0007): its pairs' verdicts now, firing or not."""
    names = set(alert.rules.split(","))
    return figures_of(evaluation.status, [v for v in evaluation.verdicts if format_rule(v.rule) in names], now)


def _quiet(session: Session, alert: Alert, evaluation: Evaluation, silenced: Silenced, now: datetime) -> list[object]:
    status = evaluation.status
    session.add(alert)
    if alert.clear_since is None:
        alert.clear_since = now
    if now - alert.clear_since < RESOLVE_AFTER:
        if alert.figures is not None:
            return []
        refreshed = _its_pairs(alert, evaluation, now)
        alert.figures = dumps(refreshed)
        return [shown(alert, status.objective, status.service, refreshed, silenced)]
    figures = (loads(alert.figures) or _its_pairs(alert, evaluation, now)).resolved(
        BudgetLeft.of(status.objective, status.report)
    )
    alert.resolved_at = now
    alert.open_objective_id = None
    alert.figures = dumps(figures)
    return [
        shown(alert, status.objective, status.service, figures, silenced),
        AlertResolved(alert, status.objective, status.service, figures),
    ]
