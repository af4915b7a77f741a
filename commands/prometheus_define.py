"""/sla define … source=prometheus: the queries read and checked against the server before anything is
stored, then the objective defined and its window backfilled (the command already runs after the ack)."""

from __future__ import annotations

from commands.context import CommandContext
from slabot.catalog.objectives import ObjectiveSpec, check_spec
from slabot.core.errors import UserError
from slabot.render.prometheus import pulled_objective_defined
from slabot.render.reply import Reply
from slabot.sources import prometheus_pull as pull
from slabot.sources.prometheus_client import PrometheusClient


def define_pulled(ctx: CommandContext, service_name: str, spec: ObjectiveSpec, promql: dict[str, str]) -> Reply:
    settings = ctx.runtime.settings
    queries = pull.read_queries(promql.get("good"), promql.get("bad"), promql.get("total"))
    check_spec(spec)
    if settings.prometheus_url is None:
        raise UserError("source=prometheus needs the server: set SLABOT_PROMETHEUS_URL (like http://prometheus:9090)")
    ctx.require_admin()
    now = ctx.now()
    with PrometheusClient(settings.prometheus_url, settings.prometheus_token) as client:
        pull.check_against_server(client, queries, now)
        with ctx.runtime.db.session() as session:
            objective, service = pull.define_pulled_objective(session, service_name, spec, queries, ctx.user_id)
        result = pull.pull_objective(ctx.runtime.db, client, objective.id, now)
    return pulled_objective_defined(objective, service, result.minutes, locale=ctx.locale)
