"""Objectives whose counts come from Prometheus: their queries as typed (the shapes slabot counts exactly),
checked against the server before anything is stored, and stored beside the objective with the server named."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlmodel import Session

from slabot.catalog.objectives import ObjectiveSpec, define_objective
from slabot.core.errors import UserError
from slabot.core.i18n import t
from slabot.sources.prometheus_client import PrometheusClient, PrometheusError, QueryShapeError, counter_selector
from storage.models.catalog import Objective, ObjectiveSource, Service
from storage.models.prometheus import QUERY_MAX, PrometheusSource
from storage.queries import prometheus as queries


@dataclass(frozen=True)
class Queries:
    """good or bad (exactly one) with total, as typed; each reduces to a counter selector. `datasource` names
    the server they are asked of (None: SLABOT_PROMETHEUS_URL)."""

    total: str
    good: str | None = None
    bad: str | None = None
    datasource: str | None = None

    @property
    def is_bad(self) -> bool:
        return self.bad is not None

    @property
    def counted(self) -> str:
        counted = self.bad if self.bad is not None else self.good
        assert counted is not None
        return counted


def read_queries(good: str | None, bad: str | None, total: str | None, datasource: str | None = None) -> Queries:
    """The shapes slabot can count exactly, or a UserError saying what is accepted."""
    if total is None or (good is None) == (bad is None):
        raise UserError(
            t('source=prometheus needs total="<PromQL>" and one of good="<PromQL>" or bad="<PromQL>"'),
            field="total" if total is None else "counted",
        )
    for key, query in (("good", good), ("bad", bad), ("total", total)):
        if query is None:
            continue
        if len(query) > QUERY_MAX:
            raise UserError(
                t("{key}= can be up to {most} characters (got {n})", key=key, most=QUERY_MAX, n=len(query)), field=key
            )
        try:
            counter_selector(query)
        except QueryShapeError as error:
            raise UserError(t("{key}=: {problem}", key=key, problem=str(error)), field=key) from None
    return Queries(total=total, good=good, bad=bad, datasource=datasource)


def check_against_server(client: PrometheusClient, queries_: Queries, now: datetime) -> None:
    """Each query must parse and name a metric Prometheus has (seen in the last day); a server that does not
    answer is refused too, so nothing is defined that could not be measured."""
    for key, query in (("good", queries_.good), ("bad", queries_.bad), ("total", queries_.total)):
        if query is None:
            continue
        selector = counter_selector(query)
        try:
            found = client.series_count(f"last_over_time({selector}[1d])", now)
        except PrometheusError as error:
            if error.unavailable:
                raise UserError(
                    t("Prometheus did not answer, so nothing was defined: {why}", why=error.message)
                ) from None
            raise UserError(
                t("{key}= was refused by Prometheus: {why}", key=key, why=error.message), field=key
            ) from None
        if found == 0:
            raise UserError(
                t(
                    "{key}=: Prometheus has no series for {selector} in the last day: check the metric name",
                    key=key,
                    selector=selector,
                ),
                field=key,
            )


def source_queries(source: PrometheusSource) -> Queries:
    return Queries(total=source.total_query, good=source.good_query, bad=source.bad_query, datasource=source.datasource)


def define_pulled_objective(
    session: Session, service_name: str, spec: ObjectiveSpec, queries_: Queries, actor: str
) -> tuple[Objective, Service]:
    """An event-based objective whose counts are pulled from Prometheus (its queries in prometheus_source)."""
    objective, service = define_objective(session, service_name, replace(spec, source=ObjectiveSource.EVENTS), actor)
    queries.add_source(
        session,
        PrometheusSource(
            objective_id=objective.id,
            good_query=queries_.good,
            bad_query=queries_.bad,
            total_query=queries_.total,
            datasource=queries_.datasource,
        ),
    )
    return objective, service


def replace_queries(source: PrometheusSource, queries_: Queries) -> None:
    """New queries (or server) for a pulled objective: its window is pulled again from the start."""
    source.good_query, source.bad_query, source.total_query = queries_.good, queries_.bad, queries_.total
    source.datasource = queries_.datasource
    source.pulled_until = None
    source.missing_since = source.missing_query = None


def is_pulled(session: Session, objective_id: int) -> bool:
    return queries.source_of(session, objective_id) is not None
