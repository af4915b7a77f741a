"""Messages about objectives pulled from Prometheus: the definition with its backfill and its progress, and a
source that stopped answering or a metric that went missing."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from slabot.core.i18n import tn, tr
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
    if minutes == 0:
        filled = tr(
            locale,
            "Backfilled 0 minutes of counts from {server}. Prometheus holds no samples for the window yet: counts "
            "arrive with each pass.",
            server=escape(server),
        )
    else:
        filled = tn(
            locale,
            "Backfilled {n:,} minute of counts from {server}.",
            "Backfilled {n:,} minutes of counts from {server}.",
            minutes,
            server=escape(server),
        )
    text = f"{defined.text}\n{filled}"
    pulled = tr(locale, "Pulled again at every pass.")
    return Reply(text=text, blocks=[section(text), *list(defined.blocks)[1:], context(pulled)])


def backfill_progress(objective: Objective, service: Service, progress: Progress, *, locale: Locale) -> Reply:
    """How far a long backfill has come (replaced by the definition's reply when it ends); rounded down."""
    share = progress.done_ms * 100 // progress.span_ms if progress.span_ms else 100
    days, span_days = progress.done_ms // 86_400_000, -(-progress.span_ms // 86_400_000)
    text = tr(
        locale,
        ":hourglass_flowing_sand: Backfilling {name} from Prometheus: {days} of {span} days ({share}%), "
        "{minutes:,} minutes of counts so far…",
        name=escape(service.name) + "/" + escape(objective.name),
        days=days,
        span=span_days,
        share=share,
        minutes=progress.minutes,
    )
    return Reply(text=text, blocks=[section(text)])


def source_problem_notice(
    objective: Objective, service: Service, problem: SourceProblem, zone: ZoneInfo, *, locale: Locale
) -> Reply:
    """The service channel told once per problem that an objective's counts have stopped coming."""
    name = f"{service.name}/{objective.name}"
    since = format_when(problem.since, zone, locale=locale)
    if problem.query is None:
        text = tr(
            locale,
            ":warning: Prometheus has not answered since {since}: {name} is not being measured. Its counts, and the "
            "gap, are pulled as soon as it answers again.",
            since=since,
            name=name,
        )
    else:
        text = tr(
            locale,
            ":warning: Prometheus answers but has had no series for {name}'s total query since {since}: `{query}`. "
            "Was the metric renamed or its target removed? Counts resume when the series come back.",
            name=name,
            since=since,
            query=escape(problem.query),
        )
    see = tr(locale, "See /sla status {service}", service=service.name)
    return Reply(text=text, blocks=[section(text), context(see)])
