"""Alert verdicts: each objective's status with every one of its burn-rate rules judged on it.

`alert_verdicts` is pure (status + rules in, verdicts out); `evaluate_all` gathers them for all objectives
in a few queries (what the evaluation pass, `slabot.runtime.evaluation_pass`, starts from).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from slabot.alerting.rules import from_rows
from slabot.core.burn import AlertRule, RuleResult, evaluate_rules
from slabot.slo.status import ObjectiveStatus, statuses
from storage.queries import alerting as alert_queries
from storage.queries import catalog as queries


@dataclass(frozen=True)
class Evaluation:
    """One objective's status and its rules' verdicts, in the order its rules are stored."""

    status: ObjectiveStatus
    verdicts: tuple[RuleResult, ...]

    @property
    def firing(self) -> tuple[RuleResult, ...]:
        return tuple(verdict for verdict in self.verdicts if verdict.firing)


def alert_verdicts(status: ObjectiveStatus, rules: Sequence[AlertRule]) -> tuple[RuleResult, ...]:
    """Each rule's verdict on the objective's current burn, thresholds from the window's real length."""
    if status.report.attainment is None:
        return ()
    return tuple(
        evaluate_rules(
            rules,
            status.measurement.lookbacks,
            target=status.target,
            window_seconds=status.bounds.length_seconds,
            budget_total=status.report.total,
            min_events=status.objective.min_events,
            events_based=not status.time_based,
            rates=status.forecast.burn_rates,
        )
    )


def evaluate_all(session: Session, now: datetime, zone: ZoneInfo) -> list[Evaluation]:
    """Every objective of every service, with its alert verdicts."""
    pairs = queries.objectives_with_services(session)
    stored = alert_queries.alert_rules_by_objective(session)
    rules = {objective.id: from_rows(stored.get(objective.id, [])) for objective, _ in pairs}
    lookbacks = {
        key: {s for rule in mine for s in (rule.long_seconds, rule.short_seconds)} for key, mine in rules.items()
    }
    return [
        Evaluation(status, alert_verdicts(status, rules[status.objective.id]))
        for status in statuses(session, now, zone, pairs, lookbacks)
    ]
