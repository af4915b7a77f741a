"""/sla define … source=prometheus: the queries read and checked against the server (SLABOT_PROMETHEUS_URL,
or the DataSource named by datasource=) before anything is stored, then the objective defined and its window
backfilled, with progress shown while a long backfill runs (the command already runs after the ack)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from commands.context import CommandContext
from slabot.catalog.objectives import ObjectiveSpec, check_spec
from slabot.render.prometheus import backfill_progress, pulled_objective_defined
from slabot.render.reply import Reply
from slabot.sources import prometheus_pull as pull
from slabot.sources.prometheus_objectives import (
    Queries,
    check_against_server,
    define_pulled_objective,
    read_queries,
)
from slabot.sources.prometheus_servers import Server, parse_datasource_name

FIRST_AFTER_S = 3.0  # a backfill this quick shows no progress, only its reply
EVERY_S = 10.0  # then at most this often
MOST = 3  # progress messages, at most: with the reply, within the five a response_url takes


@dataclass
class ProgressPacer:
    """Which pull progress is worth showing: none in the first seconds, then at most every EVERY_S, MOST in all."""

    show: Callable[[pull.Progress], None]
    clock: Callable[[], float] = time.monotonic
    started: float = field(default=0.0)
    last: float | None = None
    shown: int = 0

    def __post_init__(self) -> None:
        self.started = self.clock()

    def __call__(self, progress: pull.Progress) -> None:
        now = self.clock()
        if progress.done_ms >= progress.span_ms or self.shown >= MOST or now - self.started < FIRST_AFTER_S:
            return
        if self.last is not None and now - self.last < EVERY_S:
            return
        self.last, self.shown = now, self.shown + 1
        self.show(progress)


def check_pulled(
    ctx: CommandContext, spec: ObjectiveSpec, promql: dict[str, str], datasource: str | None
) -> tuple[Queries, Server]:
    """What is checked before the server is asked: the queries' shapes, the spec, the server named (for admins)."""
    name = parse_datasource_name(datasource) if datasource is not None else None
    queries = read_queries(promql.get("good"), promql.get("bad"), promql.get("total"), name)
    check_spec(spec)
    with ctx.runtime.db.session() as session:
        server = ctx.runtime.settings.prometheus_servers().resolve(session, name)
    ctx.require_admin()
    return queries, server


def define_pulled(
    ctx: CommandContext, service_name: str, spec: ObjectiveSpec, promql: dict[str, str], datasource: str | None
) -> Reply:
    queries, server = check_pulled(ctx, spec, promql, datasource)
    now = ctx.now()
    with server.client() as client:
        check_against_server(client, queries, now)
        with ctx.runtime.db.session() as session:
            objective, service = define_pulled_objective(session, service_name, spec, queries, ctx.user_id)
        pacer = ProgressPacer(
            lambda done: ctx.report_progress(backfill_progress(objective, service, done, locale=ctx.locale))
        )
        result = pull.pull_objective(ctx.runtime.db, pull.SampleReader(client), objective.id, now, pacer)
    return pulled_objective_defined(objective, service, result.minutes, server.shown_name, locale=ctx.locale)
