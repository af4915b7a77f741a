"""Why a pulled objective is not being measured now: its server has not answered since a time, or the server
answers but its total query has had no series since a time (the metric went missing). Either way the
objective shows the problem instead of a state: never "no data", never a healthy 100%."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage.models.prometheus import PrometheusSource


@dataclass(frozen=True)
class SourceProblem:
    since: datetime
    query: str | None = None  # None: the server has not answered; else the query that has no series

    @property
    def unavailable(self) -> bool:
        return self.query is None


def problem_of(source: PrometheusSource | None) -> SourceProblem | None:
    """The source's problem now; a server that does not answer hides whether a metric is missing."""
    if source is None:
        return None
    if source.unavailable_since is not None:
        return SourceProblem(source.unavailable_since)
    if source.missing_since is not None:
        return SourceProblem(source.missing_since, source.missing_query or "")
    return None
