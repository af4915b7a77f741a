"""Messages about objectives pulled from Prometheus: the definition with its backfill, and an outage."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from slabot.core.timefmt import format_when
from slabot.render.catalog import objective_defined
from slabot.render.locale import Locale
from slabot.render.reply import Reply, context, section
from storage.models.catalog import Objective, Service


def pulled_objective_defined(objective: Objective, service: Service, minutes: int, *, locale: Locale) -> Reply:
    """The definition, with how many minutes of counts the backfill found in Prometheus."""
    defined = objective_defined(objective, service, locale=locale)
    filled = f"Backfilled {minutes:,} minute{'s' if minutes != 1 else ''} of counts from Prometheus."
    if minutes == 0:
        filled += " Prometheus holds no samples for the window yet: counts arrive with each pass."
    text = f"{defined.text} (counts pulled from Prometheus)\n{filled}"
    return Reply(text=text, blocks=[section(text), *list(defined.blocks)[1:], context("Pulled again at every pass.")])


def source_unavailable(
    objective: Objective, service: Service, since: datetime, zone: ZoneInfo, *, locale: Locale
) -> Reply:
    """The service channel told once per outage that an objective's counts have stopped coming."""
    name = f"{service.name}/{objective.name}"
    text = (
        f":warning: Prometheus has not answered since {format_when(since, zone)}: {name} is not being measured. "
        "Its counts, and the gap, are pulled as soon as it answers again."
    )
    return Reply(text=text, blocks=[section(text), context(f"See /sla status {service.name}")])
