"""The catalogue gathered for an OpenSLO export: each service with its objectives, their Prometheus queries
and stored alert rules, in name order, and the named Prometheus servers they use (the YAML itself is written
by slabot.render.openslo)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from slabot.catalog.services import get_service
from slabot.core.burn import AlertRule
from slabot.sources.openslo_import import stored_rules
from slabot.sources.prometheus_objectives import Queries, source_queries
from storage.models.catalog import Objective, Service
from storage.queries import catalog as catalog_queries
from storage.queries import prometheus as prometheus_queries


@dataclass(frozen=True)
class ExportedObjective:
    objective: Objective
    queries: Queries | None
    rules: tuple[AlertRule, ...]  # empty: the defaults


@dataclass(frozen=True)
class ExportedService:
    service: Service
    objectives: tuple[ExportedObjective, ...]


@dataclass(frozen=True)
class ExportedCatalogue:
    services: tuple[ExportedService, ...]
    datasources: tuple[tuple[str, str], ...] = ()  # (name, URL) of each server an exported objective names


def gather_export(session: Session, service_name: str | None = None) -> ExportedCatalogue:
    """Every service (or the one named, which must exist) with its objectives, sorted by name."""
    services = [get_service(session, service_name)] if service_name else list(catalog_queries.all_services(session))
    exported = []
    for service in sorted(services, key=lambda s: s.name):
        pairs = catalog_queries.objectives_with_services(session, service.id)
        objectives = sorted((objective for objective, _ in pairs), key=lambda o: o.name)
        sources = prometheus_queries.sources_of(session, [o.id for o in objectives])
        items = []
        for objective in objectives:
            source = sources.get(objective.id)
            queries = source_queries(source) if source is not None else None
            items.append(ExportedObjective(objective, queries, stored_rules(session, objective)))
        exported.append(ExportedService(service, tuple(items)))
    named = {o.queries.datasource for e in exported for o in e.objectives if o.queries and o.queries.datasource}
    urls = prometheus_queries.datasources(session)
    return ExportedCatalogue(tuple(exported), tuple((name, urls[name]) for name in sorted(named)))


@dataclass(frozen=True)
class ExportRequested:
    """Someone asked (/sla export) for the catalogue as OpenSLO YAML, uploaded to a channel."""

    channel_id: str
    service_name: str | None
    catalogue: ExportedCatalogue
    requested_by: str
    at: datetime
