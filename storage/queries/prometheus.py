"""Statements on Prometheus-pulled objectives: their sources, the named servers (DataSources), and the pull's
progress, outage and missing-metric marks."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import or_, update
from sqlmodel import Session, col, select

from storage.models.catalog import Objective, Service
from storage.models.prometheus import PrometheusDatasource, PrometheusSource
from storage.queries.rows import insert_ignore


def add_source(session: Session, source: PrometheusSource) -> None:
    session.add(source)
    session.flush()


def source_of(session: Session, objective_id: int) -> PrometheusSource | None:
    return session.get(PrometheusSource, objective_id)


def source_ids(session: Session) -> list[int]:
    """Every Prometheus-pulled objective, by id."""
    return list(session.exec(select(PrometheusSource.objective_id).order_by(col(PrometheusSource.objective_id))))


def sources_of(session: Session, objective_ids: Sequence[int]) -> dict[int, PrometheusSource]:
    if not objective_ids:
        return {}
    rows = session.exec(select(PrometheusSource).where(col(PrometheusSource.objective_id).in_(list(objective_ids))))
    return {row.objective_id: row for row in rows}


def mark_pulled(session: Session, objective_ids: Sequence[int], until: datetime) -> None:
    """The pull of these objectives reached `until` and the server answered: any outage is over."""
    if not objective_ids:
        return
    session.execute(
        update(PrometheusSource)
        .where(col(PrometheusSource.objective_id).in_(sorted(objective_ids)))
        .values(pulled_until=until, unavailable_since=None)
        .execution_options(synchronize_session=False)
    )


def mark_missing(session: Session, seen: Sequence[int], missing: Sequence[int], since: datetime) -> None:
    """After a pull: `seen` had series for their total query (any missing mark cleared); `missing` had none
    while the server answered (marked with their total query; a metric already missing keeps its start)."""
    column = col(PrometheusSource.objective_id)
    if seen:
        session.execute(
            update(PrometheusSource)
            .where(column.in_(sorted(seen)), col(PrometheusSource.missing_since).is_not(None))
            .values(missing_since=None, missing_query=None)
            .execution_options(synchronize_session=False)
        )
    if missing:
        session.execute(
            update(PrometheusSource)
            .where(column.in_(sorted(missing)), col(PrometheusSource.missing_since).is_(None))
            .values(missing_since=since, missing_query=col(PrometheusSource.total_query))
            .execution_options(synchronize_session=False)
        )


def mark_unavailable(session: Session, objective_id: int, since: datetime) -> None:
    """The server did not answer; an outage already under way keeps its start."""
    session.execute(
        update(PrometheusSource)
        .where(col(PrometheusSource.objective_id) == objective_id)
        .where(col(PrometheusSource.unavailable_since).is_(None))
        .values(unavailable_since=since)
        .execution_options(synchronize_session=False)
    )


def datasources(session: Session) -> dict[str, str]:
    """Every named server: name → URL."""
    return {row.name: row.url for row in session.exec(select(PrometheusDatasource))}


def datasource_url(session: Session, name: str) -> str | None:
    row = session.get(PrometheusDatasource, name)
    return row.url if row is not None else None


def put_datasource(session: Session, name: str, url: str) -> None:
    """The server `name` at `url`: added, or its URL changed (two imports at once: the later URL stays)."""
    if insert_ignore(session, PrometheusDatasource, {"name": name, "url": url}):
        return
    session.execute(
        update(PrometheusDatasource)
        .where(col(PrometheusDatasource.name) == name)
        .values(url=url)
        .execution_options(synchronize_session=False)
    )


def sources_with_problems(session: Session) -> list[tuple[PrometheusSource, Objective, Service]]:
    """Pulled objectives whose server has not answered or whose metric is missing, with their services."""
    rows = session.exec(
        select(PrometheusSource, Objective, Service)
        .join(Objective, col(Objective.id) == col(PrometheusSource.objective_id))
        .join(Service, col(Service.id) == col(Objective.service_id))
        .where(
            or_(col(PrometheusSource.unavailable_since).is_not(None), col(PrometheusSource.missing_since).is_not(None))
        )
        .order_by(col(PrometheusSource.objective_id))
    )
    return [(source, objective, service) for source, objective, service in rows]


def pulled_objectives(session: Session) -> list[tuple[PrometheusSource, Objective]]:
    """Every Prometheus-pulled objective with its source, by objective id."""
    rows = session.exec(
        select(PrometheusSource, Objective)
        .join(Objective, col(Objective.id) == col(PrometheusSource.objective_id))
        .order_by(col(PrometheusSource.objective_id))
    )
    return [(source, objective) for source, objective in rows]
