"""Error budget policy notices (DOMAIN.md §5): tell the service channel once per crossing when the budget left
falls below 50%, below 25%, and when it is exhausted (with the change freeze), and when the freeze lifts.

Each objective's band (100, 50, 25 or 0) is stored with a count of crossings; a notice's event names the
crossing (and so its outbox key), so a second pass or replica never repeats it. Moving back up a band needs a
margin of RECOVERY_MARGIN above the line, so a budget hovering at 50% does not announce the same crossing twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from fractions import Fraction

from sqlmodel import Session

from slabot.alerting.events import BudgetCrossed, FreezeLifted
from slabot.alerting.figures import BudgetLeft
from slabot.slo.status import ObjectiveStatus
from storage.models.alerting import BudgetLevel
from storage.queries import alerting as queries

RECOVERY_MARGIN = Fraction(2, 100)


def plain_band(left_fraction: Fraction) -> int:
    """100 (half or more left), 50 (a quarter or more), 25 (some left) or 0 (exhausted)."""
    if left_fraction <= 0:
        return 0
    return next((line for line in (25, 50) if left_fraction < Fraction(line, 100)), 100)


def band(left_fraction: Fraction, current: int = 100) -> int:
    """The band after `current`: falling follows the lines exactly; rising needs RECOVERY_MARGIN past each."""
    falling = plain_band(left_fraction)
    if falling <= current:
        return falling
    level = current
    for line, upper in ((0, 25), (25, 50), (50, 100)):
        if level == line and left_fraction >= Fraction(line, 100) + RECOVERY_MARGIN:
            level = upper
    return level


def apply(session: Session, statuses: Sequence[ObjectiveStatus], now: datetime) -> list[object]:
    """Move each objective's stored band to where its budget is now; the events of the crossings."""
    stored = queries.budget_levels(session)
    events: list[object] = []
    for status in statuses:
        left = status.report.left_fraction
        objective = status.objective
        if left is None or status.report.attainment is None:
            continue
        row = stored.get(objective.id)
        if row is None:  # first seen: as if it had its whole budget, so a low start is announced
            row = BudgetLevel(objective_id=objective.id, level=100, crossings=0, changed_at=now)
            session.add(row)
        new = band(left, row.level)
        if new == row.level:
            continue
        was = row.level
        row.level, row.changed_at = new, now
        budget = BudgetLeft.of(objective, status.report)
        if new < was:
            row.crossings += 1
            events.append(BudgetCrossed(objective, status.service, new, row.crossings, budget))
        elif was == 0:
            events.append(FreezeLifted(objective, status.service, row.crossings, budget))
    return events
