"""Problems of the Prometheus sources objectives are pulled from (a server not answering, a metric gone):
which objectives have been waiting long enough for their service channel to hear of it (one notice per
problem, keyed by its kind and start)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from slabot.slo.source_problems import SourceProblem, problem_of
from storage.models.catalog import Objective, Service
from storage.queries import prometheus as queries

NOTICE_AFTER = timedelta(minutes=10)


@dataclass(frozen=True)
class SourceProblemDue:
    """An objective's source has had `problem` for NOTICE_AFTER or more: its channel is to be told once."""

    objective: Objective
    service: Service
    problem: SourceProblem


def due_notices(session: Session, now: datetime) -> list[SourceProblemDue]:
    """Every pulled objective whose source has had a problem for NOTICE_AFTER; a pass sees the same problem
    every minute, and the notice's key (its kind and start) makes it one message."""
    due = []
    for source, objective, service in queries.sources_with_problems(session):
        problem = problem_of(source)
        if problem is not None and now - problem.since >= NOTICE_AFTER:
            due.append(SourceProblemDue(objective, service, problem))
    return due
