"""An incident's 5-Why as it reads afterwards: which one counts, whether it finished, its root cause and
category, and which of its action items are overdue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from storage.models.rca import ActionItem, ActionItemStatus, FishboneCategory, Rca, RcaStage, RcaWhy
from storage.queries.rca import rcas_of_incident, whys_of


@dataclass(frozen=True)
class Analysis:
    """A 5-Why and its answers, by position."""

    rca: Rca
    whys: tuple[RcaWhy, ...]

    @property
    def finished(self) -> bool:
        return self.rca.stage == RcaStage.DONE

    @property
    def root_cause(self) -> str | None:
        """The last answer of a finished 5-Why."""
        return self.whys[-1].answer if self.finished and self.whys else None

    @property
    def category(self) -> FishboneCategory | None:
        return FishboneCategory(self.rca.category) if self.rca.category else None


def latest_analysis(session: Session, incident_id: int) -> Analysis | None:
    """The incident's newest finished 5-Why, else the newest one still going, else None (cancelled ones
    don't count)."""
    rows = [rca for rca in rcas_of_incident(session, incident_id) if rca.stage != RcaStage.CANCELLED]
    chosen = next((rca for rca in rows if rca.stage == RcaStage.DONE), None) or next(iter(rows), None)
    if chosen is None:
        return None
    return Analysis(chosen, whys_of(session, chosen.id))


def is_overdue(item: ActionItem, today: date) -> bool:
    """Still open after its due date."""
    return item.status == ActionItemStatus.OPEN and item.due < today
