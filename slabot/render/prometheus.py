"""Messages about objectives pulled from Prometheus: the definition with its backfill and its progress, and a
source that stopped answering or a metric that went missing."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from slabot.core.timefmt import format_when
from slabot.render.catalog import objective_defined
from slabot.render.locale import Locale
from slabot.render.reply import Reply, context, escape, section
from slabot.slo.source_problems import SourceProblem
from slabot.sources.prometheus_pull import Progress
from storage.models.catalog import Objective, Service


def pulled_objective_defined(
    objective: Objective, service: Service, minutes: int, server: str, *, locale: Locale
) -> Reply:
    """The definition, with how many minutes of counts the backfill found in Prometheus."""
    defined = objective_defined(objective, service, True, locale=locale)
    filled = f"Backfilled {minutes:,} minute{'s' if minutes != 1 else ''} of counts from {escape(server)}."
    if minutes == 0:
        filled += " Prometheus holds no samples for the window yet: counts arrive with each pass."
    text = f"{defined.text}\n{filled}"
    return Reply(text=text, blocks=[section(text), *list(defined.blocks)[1:], context("Pulled again at every pass.")])


def backfill_progress(objective: Objective, service: Service, progress: Progress, *, locale: Locale) -> Reply:
    """How far a long backfill has come (replaced by the definition's reply when it ends); rounded down."""
    share = progress.done_ms * 100 // progress.span_ms if progress.span_ms else 100
    days, span_days = progress.done_ms // 86_400_000, -(-progress.span_ms // 86_400_000)
    text = (
        f":hourglass_flowing_sand: Backfilling {escape(service.name)}/{escape(objective.name)} from Prometheus: "
        f"{days} of {span_days} days ({share}%), {progress.minutes:,} minutes of counts so far…"
    )
    return Reply(text=text, blocks=[section(text)])


def source_problem_notice(
    objective: Objective, service: Service, problem: SourceProblem, zone: ZoneInfo, *, locale: Locale
) -> Reply:
    """The service channel told once per problem that an objective's counts have stopped coming."""
    name = f"{service.name}/{objective.name}"
    if problem.query is None:
        text = (
            f":warning: Prometheus has not answered since {format_when(problem.since, zone)}: {name} is not being "
            "measured. Its counts, and the gap, are pulled as soon as it answers again."
        )
    else:
        text = (
            f":warning: Prometheus answers but has had no series for {name}'s total query since "
            f"{format_when(problem.since, zone)}: `{escape(problem.query)}`. Was the metric renamed or its target "
            "removed? Counts resume when the series come back."
        )
    return Reply(text=text, blocks=[section(text), context(f"See /sla status {service.name}")])
