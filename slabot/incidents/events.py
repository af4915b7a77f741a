"""What happened to an incident, as the domain tells it: typed facts that notify turns into Slack messages,
and the change not made because it had been made already."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage.models.catalog import Service
from storage.models.incidents import Incident, IncidentEventKind


@dataclass(frozen=True)
class IncidentChange:
    """One state change, as recorded in the incident's timeline (timeline_id names it)."""

    kind: IncidentEventKind
    incident: Incident
    service: Service
    timeline_id: int
    at: datetime
    actor: str
    reason: str | None = None  # why it was paused
    paused_since: datetime | None = None  # for a resume: when the pause began


@dataclass(frozen=True)
class AlreadyDone:
    """A change that was not made because it had been made already (perhaps a moment before, by someone
    else): nothing was written. `done` is what had happened, `by` whom and `at` what time."""

    asked: IncidentEventKind  # ACKNOWLEDGED, RESOLVED, PAUSED or RESUMED
    done: IncidentEventKind
    incident: Incident
    by: str | None  # None when the row does not say
    at: datetime | None


@dataclass(frozen=True)
class SurveyRequested:
    """The person who opened a resolved incident is asked how well it was handled."""

    incident: Incident
