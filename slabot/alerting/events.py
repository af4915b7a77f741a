"""Alerting's typed events for notify: an alert opened, shown anew, escalated or resolved; an error budget
band crossed, or its change freeze lifted. Each names what its message is about, never how it reads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from slabot.alerting.figures import AlertFigures, BudgetLeft
from storage.models.alerting import Alert
from storage.models.catalog import Objective, Service


@dataclass(frozen=True)
class AlertOpened:
    """A new alert: its one message is posted (a page mentions the on-call)."""

    alert: Alert
    objective: Objective
    service: Service
    figures: AlertFigures


@dataclass(frozen=True)
class AlertShown:
    """The alert's message is edited to show the alert as it is now; `version` names the edit."""

    alert: Alert
    objective: Objective
    service: Service
    figures: AlertFigures
    version: int
    silenced_until: datetime | None  # every pair of the alert is silenced until then


@dataclass(frozen=True)
class AlertEscalated:
    """A ticket became a page: a note in the alert's thread pings the on-call."""

    alert: Alert
    objective: Objective
    service: Service
    figures: AlertFigures


@dataclass(frozen=True)
class AlertResolved:
    """The alert stayed quiet long enough: a recovery note in its thread."""

    alert: Alert
    objective: Objective
    service: Service
    figures: AlertFigures


@dataclass(frozen=True)
class BudgetCrossed:
    """The budget left fell below a line (50, 25, or 0: exhausted, with the change freeze); `crossing`
    counts the objective's falls, so each is told once."""

    objective: Objective
    service: Service
    level: int
    crossing: int
    budget: BudgetLeft


@dataclass(frozen=True)
class FreezeLifted:
    """An exhausted budget is back within its objective: the change freeze is over."""

    objective: Objective
    service: Service
    crossing: int
    budget: BudgetLeft
