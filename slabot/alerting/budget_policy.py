"""Error budget policy notices (DOMAIN.md §5): tell the service channel once per crossing when the budget left
falls below 50%, below 25%, and when it is exhausted (with the change freeze), and when the freeze lifts.

Each objective's band (100, 50, 25 or 0) is stored with a count of crossings; a notice's outbox key names
the crossing, so a second pass or replica never repeats it. Moving back up a band needs a margin of
RECOVERY_MARGIN above the line, so a budget hovering at 50% does not announce the same crossing twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from fractions import Fraction

from sqlmodel import Session, select

from slabot.notify import outbox
from slabot.render import notices as render
from slabot.slo.status import ObjectiveStatus
from storage.models.alerting import BudgetLevel

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


def apply(session: Session, statuses: Sequence[ObjectiveStatus], now: datetime) -> None:
    stored = {row.objective_id: row for row in session.exec(select(BudgetLevel)).all()}
    for status in statuses:
        left = status.report.left_fraction
        objective_id = status.objective.id
        if left is None or status.report.attainment is None or objective_id is None:
            continue
        row = stored.get(objective_id)
        if row is None:  # first seen: as if it had its whole budget, so a low start is announced
            row = BudgetLevel(objective_id=objective_id, level=100, crossings=0, changed_at=now)
            session.add(row)
        new = band(left, row.level)
        if new == row.level:
            continue
        was = row.level
        row.level, row.changed_at = new, now
        if new < was:
            row.crossings += 1
        channel = status.service.channel_id
        if channel is None:
            continue
        if new < was:
            key = f"budget:{objective_id}:{row.crossings}:{new}"
            outbox.post(session, key, channel, render.budget_crossing(status, new), now)
        elif was == 0:
            key = f"budget:{objective_id}:{row.crossings}:lifted"
            outbox.post(session, key, channel, render.freeze_lifted(status), now)
