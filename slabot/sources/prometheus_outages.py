"""Outages of the Prometheus server an objective is pulled from: which objectives have been waiting long
enough for their service channel to hear of it (one notice per outage, keyed by its start)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from storage.models.catalog import Objective, Service
from storage.queries import catalog as catalog_queries
from storage.queries import prometheus as queries

NOTICE_AFTER = timedelta(minutes=10)


@dataclass(frozen=True)
class SourceUnavailable:
    """An objective's Prometheus has not answered since `since` (for NOTICE_AFTER or more)."""

    objective: Objective
    service: Service
    since: datetime


def outages(session: Session, now: datetime) -> list[SourceUnavailable]:
    """Every pulled objective whose server has not answered for NOTICE_AFTER; a pass sees the same outage
    every minute, and the notice's key (the outage's start) makes it one message."""
    sources = queries.sources_of(session, queries.source_ids(session))
    waiting = {i: s.unavailable_since for i, s in sources.items() if s.unavailable_since is not None}
    due = {i: since for i, since in waiting.items() if now - since >= NOTICE_AFTER}
    if not due:
        return []
    pairs = catalog_queries.objectives_with_services(session)
    return [SourceUnavailable(o, s, due[o.id]) for o, s in pairs if o.id in due]
