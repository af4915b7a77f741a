"""Statements on Prometheus-pulled objectives: their sources, and the pull's progress and outage marks."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from storage.models.prometheus import PrometheusSource


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


def mark_pulled(session: Session, objective_id: int, until: datetime) -> None:
    """The pull reached `until` and the server answered: any outage is over."""
    session.execute(
        update(PrometheusSource)
        .where(col(PrometheusSource.objective_id) == objective_id)
        .values(pulled_until=until, unavailable_since=None)
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
