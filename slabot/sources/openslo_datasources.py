"""OpenSLO DataSources onto slabot's named Prometheus servers: each one added, its URL changed, or left as it
is (an upsert by name, like services and objectives); its token never travels in the files."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlmodel import Session

from slabot.sources.openslo import Documents, Problem
from slabot.sources.prometheus_servers import check_url
from storage.queries import prometheus as prometheus_queries


@dataclass(frozen=True)
class DatasourcePlan:
    name: str
    url: str
    action: Literal["add", "update", "unchanged"]


def plan_datasources(session: Session, documents: Documents, problems: list[Problem]) -> tuple[DatasourcePlan, ...]:
    """What the files' DataSources would change; a URL slabot cannot pull from is a problem."""
    stored = prometheus_queries.datasources(session)
    plans = []
    for name in sorted(documents.datasources):
        url, at = documents.datasources[name]
        url = url.strip().rstrip("/")
        why = check_url(url)
        if why is not None:
            problems.append(Problem(at.where, "spec.connectionDetails.url", why))
            continue
        action: Literal["add", "update", "unchanged"] = (
            "add" if name not in stored else "unchanged" if stored[name] == url else "update"
        )
        plans.append(DatasourcePlan(name, url, action))
    return tuple(plans)


def known_datasource(session: Session, documents: Documents, name: str) -> bool:
    """The DataSource is in the files or already in slabot."""
    return name in documents.datasources or prometheus_queries.datasource_url(session, name) is not None


def apply_datasources(session: Session, plans: tuple[DatasourcePlan, ...]) -> None:
    for plan in plans:
        if plan.action != "unchanged":
            prometheus_queries.put_datasource(session, plan.name, plan.url)
