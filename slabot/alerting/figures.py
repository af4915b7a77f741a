"""The figures an alert message shows, as exact numbers: taken from a pass's verdicts when the alert fires or
changes, stored with the alert (JSON of ints and "numerator/denominator" fractions), read back for every edit.

They are kept rather than recomputed so an edit (acknowledged, silenced, linked to an incident) shows the
figures the alert fired with. Nothing here is display text: `slabot.render.alerts` chooses the words.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from fractions import Fraction
from typing import Any

from slabot.core.budget import BudgetReport
from slabot.core.burn import AlertRule, Counts, RuleResult
from slabot.core.windows import WindowSpec
from slabot.slo.measurement import Measure
from slabot.slo.status import ObjectiveStatus
from storage.models.catalog import Objective


@dataclass(frozen=True)
class BudgetLeft:
    """An objective's budget for its window and what is left of it (negative: overspent), in `measure`."""

    measure: Measure
    total: Fraction
    left: Fraction

    @property
    def left_fraction(self) -> Fraction | None:
        """left / total; None when the window has no budget at all (everything in it excluded)."""
        return self.left / self.total if self.total != 0 else None

    @classmethod
    def of(cls, objective: Objective, report: BudgetReport) -> BudgetLeft:
        return cls(Measure.of(objective), Fraction(report.total), Fraction(report.left))


@dataclass(frozen=True)
class PairFigures:
    """One burn-rate pair as the alert shows it: its rule, threshold, and both lookbacks' counts and rates."""

    rule: AlertRule
    threshold: Fraction
    long: Counts
    short: Counts
    long_rate: Fraction | None  # None: no data in that lookback
    short_rate: Fraction | None

    @classmethod
    def of(cls, verdict: RuleResult) -> PairFigures:
        return cls(verdict.rule, verdict.threshold, verdict.long, verdict.short, verdict.long_rate, verdict.short_rate)


@dataclass(frozen=True)
class AlertFigures:
    """What an alert message shows: its pairs (pages first, then by long window), the budget, as of when."""

    pairs: tuple[PairFigures, ...]
    window: WindowSpec
    window_seconds: int  # the window's real length (a month with a DST change has an hour more or less)
    budget: BudgetLeft  # as of `as_of`: how soon it runs out at the top pair's rate
    as_of: datetime
    resolved_budget: BudgetLeft | None = None  # the budget left when the alert resolved

    @property
    def budget_shown(self) -> BudgetLeft:
        """The budget left the message shows: when the alert resolved, else as of the figures."""
        return self.resolved_budget or self.budget

    @property
    def top(self) -> PairFigures | None:
        """The pair the message leads with (None only for figures refreshed when no pair had data)."""
        return self.pairs[0] if self.pairs else None

    def consumed(self, pair: PairFigures) -> Fraction | None:
        """The share of the window's budget the pair's long lookback spent; None when there is no budget."""
        return Fraction(pair.long.bad) / self.budget.total if self.budget.total != 0 else None

    def resolved(self, budget: BudgetLeft) -> AlertFigures:
        """The same figures, with the budget left when the alert resolved."""
        return replace(self, resolved_budget=budget)


def _rank(verdict: RuleResult) -> tuple[bool, int]:
    return verdict.rule.severity != "page", verdict.rule.long_seconds


def figures_of(status: ObjectiveStatus, verdicts: Iterable[RuleResult], now: datetime) -> AlertFigures:
    """The figures of these verdicts (the pairs firing) on the objective as it stands now."""
    return AlertFigures(
        pairs=tuple(PairFigures.of(verdict) for verdict in sorted(verdicts, key=_rank)),
        window=WindowSpec.parse(status.objective.window),
        window_seconds=status.bounds.length_seconds,
        budget=BudgetLeft.of(status.objective, status.report),
        as_of=now,
    )


# --- stored form: JSON of ints and fractions as "numerator/denominator" text --------------------------


def _exact(value: int | Fraction) -> int | str:
    return value if isinstance(value, int) else str(value)


def _amount(value: int | str) -> int | Fraction:
    return value if isinstance(value, int) else Fraction(value)


def _rate(value: str | None) -> Fraction | None:
    return None if value is None else Fraction(value)


def _counts(counts: Counts) -> list[int | str]:
    return [_exact(counts.bad), _exact(counts.valid)]


def _pair_json(pair: PairFigures) -> dict[str, Any]:
    rule = pair.rule
    return {
        "severity": rule.severity,
        "long_seconds": rule.long_seconds,
        "short_seconds": rule.short_seconds,
        "budget_fraction": str(rule.budget_fraction),
        "threshold": str(pair.threshold),
        "long": _counts(pair.long),
        "short": _counts(pair.short),
        "long_rate": None if pair.long_rate is None else str(pair.long_rate),
        "short_rate": None if pair.short_rate is None else str(pair.short_rate),
    }


def _pair(stored: Mapping[str, Any]) -> PairFigures:
    rule = AlertRule(
        "page" if stored["severity"] == "page" else "ticket",
        int(stored["long_seconds"]),
        int(stored["short_seconds"]),
        Fraction(stored["budget_fraction"]),
    )
    long_bad, long_valid = stored["long"]
    short_bad, short_valid = stored["short"]
    return PairFigures(
        rule,
        Fraction(stored["threshold"]),
        Counts(_amount(long_bad), _amount(long_valid)),
        Counts(_amount(short_bad), _amount(short_valid)),
        _rate(stored["long_rate"]),
        _rate(stored["short_rate"]),
    )


def _budget_json(budget: BudgetLeft) -> dict[str, str]:
    return {"measure": budget.measure.value, "total": str(budget.total), "left": str(budget.left)}


def _budget(stored: Mapping[str, str]) -> BudgetLeft:
    return BudgetLeft(Measure(stored["measure"]), Fraction(stored["total"]), Fraction(stored["left"]))


def dumps(figures: AlertFigures) -> str:
    """The stored form of the figures (Alert.figures)."""
    return json.dumps(
        {
            "pairs": [_pair_json(pair) for pair in figures.pairs],
            "window": str(figures.window),
            "window_seconds": figures.window_seconds,
            "budget": _budget_json(figures.budget),
            "as_of": figures.as_of.isoformat(),
            "resolved_budget": None if figures.resolved_budget is None else _budget_json(figures.resolved_budget),
        },
        separators=(",", ":"),
    )


def loads(stored: str | None) -> AlertFigures | None:
    """The figures stored with an alert; None for an alert stored before they were numbers (migration 0007)."""
    if stored is None:
        return None
    found = json.loads(stored)
    resolved = found.get("resolved_budget")
    return AlertFigures(
        pairs=tuple(_pair(pair) for pair in found["pairs"]),
        window=WindowSpec.parse(found["window"]),
        window_seconds=int(found["window_seconds"]),
        budget=_budget(found["budget"]),
        as_of=datetime.fromisoformat(found["as_of"]),
        resolved_budget=None if resolved is None else _budget(resolved),
    )
