"""What one person's Home shows: where the objectives stand (worst first), open incidents with their SLA
timers, their own open action items and the running 5-Whys, for their services or for all, read in one
consistent snapshot. Pure selection after the reads; the caps keep the Home within Slack's 100 blocks."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Generic, TypeVar
from zoneinfo import ZoneInfo

from sqlmodel import Session

from slabot.incidents.targets import TimerBook
from slabot.incidents.timers import TimerState
from slabot.slo.standing import Standing, standings
from slabot.slo.status import ObjectiveStatus, State, statuses
from storage.models.catalog import Service
from storage.models.incidents import Incident
from storage.models.rca import ActionItem, Rca
from storage.queries import catalog as catalog_queries
from storage.queries import incidents as incident_queries
from storage.queries import rca as rca_queries

# How many of each the Home lists (the rest are counted, "and N more"): within Slack's 100 blocks a view.
OBJECTIVES_SHOWN = 15
INCIDENTS_SHOWN = 10
ACTIONS_SHOWN = 10
WHYS_SHOWN = 5
T = TypeVar("T")
# Worst first: the state, then the least budget left.
STATE_RANK = {State.EXHAUSTED: 0, State.AT_RISK: 1, State.NO_DATA: 2, State.HEALTHY: 3}


class Scope(StrEnum):
    """Whose services the Home shows: the person's own (owner or on-call) or every service."""

    MINE = "mine"
    ALL = "all"

    @classmethod
    def read(cls, text: str | None) -> Scope | None:
        """The scope a view remembered (its private_metadata); None when it remembers none."""
        return cls(text) if text in (cls.MINE.value, cls.ALL.value) else None


@dataclass(frozen=True)
class OpenIncident:
    incident: Incident
    service: Service
    timers: tuple[TimerState, ...]  # response, resolution


@dataclass(frozen=True)
class RunningWhy:
    rca: Rca
    incident: Incident
    service: Service


@dataclass(frozen=True)
class Listed(Generic[T]):
    """The first few of a list, and how many it holds in all."""

    shown: tuple[T, ...]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.shown)


def _listed(items: Sequence[T], limit: int) -> Listed[T]:
    return Listed(tuple(items[:limit]), len(items))


@dataclass(frozen=True)
class Dashboard:
    user_id: str
    scope: Scope
    has_mine: bool  # the person owns or is on call for at least one service
    counts: dict[State, int]  # every objective in scope, by state
    objectives: Listed[ObjectiveStatus]
    incidents: Listed[OpenIncident]
    actions: Listed[tuple[ActionItem, Incident, Service]]
    whys: Listed[RunningWhy]
    now: datetime

    @property
    def empty(self) -> bool:
        """Nothing in the catalogue for this scope and nothing to do: the Home shows how to begin."""
        return not (self.objectives.total or self.incidents.total or self.actions.total or self.whys.total)


def is_mine(service: Service, user_id: str, groups: frozenset[str] = frozenset()) -> bool:
    """The person owns the service (an owner picked with @) or is on call for it, directly or through one of
    `groups` (the user groups they are in)."""
    people = {user_id, *groups}
    owner = service.owner or ""
    owners = {f"<@{user_id}>", *(f"<!subteam^{group}>" for group in groups)}
    return service.oncall_id in people or owner in owners


def worst_first(items: Iterable[Standing]) -> list[Standing]:
    """Exhausted, at risk, no data, healthy; within a state the least budget left first (none counts as 2),
    then by service and objective name.

    The shares left are compared as ints, exactly: scaled by 2^(2k), with every denominator below 2^k, two
    different shares (at least 1/2^(2k) apart) keep their order when rounded down, and equal ones stay equal."""
    items = list(items)
    bits = max((standing.left[1].bit_length() for standing in items if standing.left is not None), default=1)
    scale = 1 << (2 * bits)

    def rank(standing: Standing) -> tuple[int, int, str, str]:
        left = standing.left
        share = 2 * scale if left is None else left[0] * scale // left[1]
        return (STATE_RANK[standing.state], share, standing.objective.service_name, standing.objective.name)

    return sorted(items, key=rank)


def gather(
    session: Session,
    user_id: str,
    scope: Scope | None,
    now: datetime,
    zone: ZoneInfo,
    groups: frozenset[str] = frozenset(),
) -> Dashboard:
    """The person's Home, read in `session` (a snapshot). With no scope asked for: their services when they
    have any, else all."""
    services = catalog_queries.all_services(session)
    mine = {service.id for service in services if is_mine(service, user_id, groups)}
    chosen = scope or (Scope.MINE if mine else Scope.ALL)

    def in_scope(service: Service) -> bool:
        return chosen == Scope.ALL or service.id in mine

    scoped = None if chosen == Scope.ALL else sorted(mine)  # service ids; None: every service
    # Every objective in scope ranked by its window alone (its columns, no ORM objects); only the few shown
    # are read whole and measured in full.
    ranked = worst_first(standings(session, now, zone, catalog_queries.objective_rows(session, scoped)))
    counts = Counter(standing.state for standing in ranked)
    top = catalog_queries.objectives_by_ids(session, [standing.objective.id for standing in ranked[:OBJECTIVES_SHOWN]])

    shown = incident_queries.unresolved_by_urgency(session, scoped, INCIDENTS_SHOWN)
    book = TimerBook.load(session, zone)
    timelines = incident_queries.timelines(session, [incident.id for incident, _ in shown])
    incidents = [
        OpenIncident(incident, service, book.timers(incident, timelines.get(incident.id, []), now))
        for incident, service in shown
    ]
    whys = [RunningWhy(*row) for row in rca_queries.running_rcas(session) if in_scope(row[2])]
    return Dashboard(
        user_id=user_id,
        scope=chosen,
        has_mine=bool(mine),
        counts={state: counts.get(state, 0) for state in STATE_RANK},
        objectives=Listed(tuple(statuses(session, now, zone, top)), len(ranked)),
        incidents=Listed(tuple(incidents), incident_queries.count_unresolved(session, scoped)),
        actions=_listed(rca_queries.open_action_items_owned(session, user_id), ACTIONS_SHOWN),
        whys=_listed(whys, WHYS_SHOWN),
        now=now,
    )
