"""An incident's postmortem gathered as one typed record: the incident, a timeline of its changes with the
5-Why's and the action items', the error budget it consumed, the 5-Why (whys, root cause, category), the
action items and the opener's rating. `slabot.render.postmortem` writes it as Markdown for a wiki."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from slabot.incidents.lifecycle import get_incident
from slabot.rca.analysis import Analysis, latest_analysis
from slabot.rca.impact import BudgetImpact, incident_impacts, over_threshold
from storage.models.catalog import Service
from storage.models.incidents import CsatRating, Incident, IncidentEvent, IncidentEventKind
from storage.models.rca import ActionItem, RcaTrigger
from storage.queries import incidents as incident_queries
from storage.queries.rca import action_items_of, csat_of


@dataclass(frozen=True)
class IncidentChanged:
    kind: IncidentEventKind  # opened, acknowledged, paused, …


@dataclass(frozen=True)
class RcaStarted:
    trigger: RcaTrigger


@dataclass(frozen=True)
class RcaFinished:
    pass


@dataclass(frozen=True)
class ActionAdded:
    action_id: int


@dataclass(frozen=True)
class ActionDone:
    action_id: int


Happening = IncidentChanged | RcaStarted | RcaFinished | ActionAdded | ActionDone
_GROUP: dict[type, int] = {  # lines at the same time: the incident's first, then the 5-Why's, then the items'
    IncidentChanged: 0,
    RcaStarted: 1,
    RcaFinished: 1,
    ActionAdded: 2,
    ActionDone: 2,
}


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    what: Happening
    who: str | None
    detail: str = ""  # what people wrote: the incident change's detail, the action item added


@dataclass(frozen=True)
class Postmortem:
    incident: Incident
    service: Service
    timeline: tuple[TimelineEntry, ...]  # oldest first
    impacts: tuple[BudgetImpact, ...]  # every objective of the service, in name order
    analysis: Analysis | None  # the finished 5-Why, else the one running
    action_items: tuple[ActionItem, ...]
    rating: CsatRating | None
    now: datetime  # when it was gathered
    today: date  # the day it was gathered on, in the zone it is read in (for overdue action items)

    @property
    def costly(self) -> tuple[BudgetImpact, ...]:
        """The objectives the incident used more than 20% of the budget of: each calls for a postmortem."""
        return tuple(over_threshold(self.impacts))


def _timeline(
    changes: list[IncidentEvent], analysis: Analysis | None, items: list[ActionItem]
) -> tuple[TimelineEntry, ...]:
    entries = [
        TimelineEntry(change.at, IncidentChanged(change.kind), change.actor, change.detail or "") for change in changes
    ]
    if analysis is not None:
        rca = analysis.rca
        entries.append(TimelineEntry(rca.started_at, RcaStarted(rca.trigger), rca.started_by))
        if rca.finished_at is not None:
            entries.append(TimelineEntry(rca.finished_at, RcaFinished(), rca.finished_by))
    for item in items:
        entries.append(TimelineEntry(item.created_at, ActionAdded(item.id), item.created_by, item.text))
        if item.done_at is not None:
            entries.append(TimelineEntry(item.done_at, ActionDone(item.id), item.done_by))
    entries.sort(key=lambda entry: (entry.at, _GROUP[type(entry.what)]))
    return tuple(entries)


def gather_postmortem(session: Session, incident_id: int, zone: ZoneInfo, now: datetime) -> Postmortem:
    """Everything the postmortem tells of the incident; NotFound for an unknown incident."""
    incident, service = get_incident(session, incident_id)
    analysis = latest_analysis(session, incident_id)
    items = action_items_of(session, incident_id)
    changes = list(incident_queries.incident_timeline(session, incident_id))
    return Postmortem(
        incident=incident,
        service=service,
        timeline=_timeline(changes, analysis, items),
        impacts=tuple(incident_impacts(session, incident, zone, now)),
        analysis=analysis,
        action_items=tuple(items),
        rating=csat_of(session, incident_id),
        now=now,
        today=now.astimezone(zone).date(),
    )
