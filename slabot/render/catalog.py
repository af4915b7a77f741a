"""Messages about the service catalogue and objectives."""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

from slack_sdk.models.blocks import Block

from slabot.catalog.services import Removal
from slabot.core.budget import target_from_percent
from slabot.core.mentions import channel_mention, oncall_mention
from slabot.core.timefmt import format_target
from slabot.render.locale import Locale
from slabot.render.reply import Reply, context, escape, header, section, with_more
from storage.models.catalog import Objective, Service

_MENTION = re.compile(r"^<(@[UW][A-Z0-9]+|!subteam\^S[A-Z0-9]+)>$")


def owner_text(owner: str) -> str:
    """Owners picked with @ are stored as mentions and shown as such; anything else is shown as typed."""
    return owner if _MENTION.match(owner) else escape(owner)


def describe_service(service: Service) -> str:
    parts = [f"*{service.name}*"]
    if service.tier is not None:
        parts.append(f"tier {service.tier}")
    parts.append(f"channel {channel_mention(service.channel_id)}" if service.channel_id else "no channel")
    parts.append(f"on-call {oncall_mention(service.oncall_id)}" if service.oncall_id else "no on-call")
    if service.owner:
        parts.append(f"owner {owner_text(service.owner)}")
    return " · ".join(parts)


def describe_objective(objective: Objective, service: Service, pulled: bool = False) -> str:
    """One line: name, kind, target, window and where its counts come from (pulled: from Prometheus)."""
    target = format_target(target_from_percent(objective.target_percent))
    line = (
        f"*{service.name}/{objective.name}* {objective.kind.upper()} {target} over {objective.window}"
        f" · from {'Prometheus' if pulled else objective.source}"
    )
    if objective.timezone:
        line += f" · {objective.timezone}"
    if objective.description:
        line += f"\n{escape(objective.description)}"
    return line


def service_saved(service: Service, verb: str, *, locale: Locale) -> Reply:
    text = f":white_check_mark: Service {verb}: {describe_service(service)}"
    hints = []
    if not service.channel_id:
        hints.append(
            f"Incidents are announced where they are opened until you set channel=: "
            f"/sla service edit {service.name} channel=#channel"
        )
    if not service.oncall_id:
        hints.append(
            f"Nobody is mentioned on incidents until you set oncall=: /sla service edit {service.name} oncall=@someone"
        )
    blocks: list[Block] = [section(text)]
    if hints:
        blocks.append(context(*hints))
    return Reply(text=text, blocks=blocks)


def service_list(services: Sequence[Service], *, locale: Locale) -> Reply:
    if not services:
        text = "No services yet. Add one with /sla service add <name> channel=#channel oncall=@someone"
        return Reply(text=text, blocks=[section(escape(text))])
    rows = [section(describe_service(service)) for service in services]
    blocks = with_more([header(f"Services ({len(services)})")], rows, "services")
    text = "Services: " + ", ".join(service.name for service in services)
    return Reply(text=text, blocks=blocks)


def removal(result: Removal, *, locale: Locale) -> Reply:
    name = result.service.name
    if not result.removed:
        text = (
            f":warning: {name} has {result.objectives} objective(s) and {result.incidents} incident(s); "
            f"removing it deletes them too. To go ahead: /sla service remove {name} confirm"
        )
        return Reply(text=text, blocks=[section(text)])
    text = f":wastebasket: Removed service {name}"
    if result.objectives or result.incidents:
        text += f" with {result.objectives} objective(s) and {result.incidents} incident(s)"
    return Reply(text=text + ".", blocks=[section(text + ".")])


def objective_defined(objective: Objective, service: Service, pulled: bool = False, *, locale: Locale) -> Reply:
    text = f":white_check_mark: Defined {describe_objective(objective, service, pulled)}"
    return Reply(
        text=text,
        blocks=[
            section(text),
            context(f"See it with /sla status {service.name} or /sla budget {service.name}/{objective.name}"),
        ],
    )


def objective_list(
    pairs: Sequence[tuple[Objective, Service]],
    service_name: str | None,
    pulled: Collection[int] = (),
    *,
    locale: Locale,
) -> Reply:
    """The objectives with their sources; `pulled` holds the ids of those pulled from Prometheus."""
    if not pairs:
        where = f" for {service_name}" if service_name else ""
        text = f"No objectives{where} yet. Define one with /sla define <service> <name> target=99.9 window=30d"
        return Reply(text=text, blocks=[section(escape(text))])
    rows = [section(describe_objective(objective, service, objective.id in pulled)) for objective, service in pairs]
    title = f"Objectives of {service_name}" if service_name else "Objectives"
    blocks = with_more([header(f"{title} ({len(pairs)})")], rows, "objectives")
    text = f"{title}: " + ", ".join(f"{service.name}/{objective.name}" for objective, service in pairs)
    return Reply(text=text, blocks=blocks)


def objective_deleted(objective: Objective, service: Service, *, locale: Locale) -> Reply:
    text = f":wastebasket: Deleted objective {service.name}/{objective.name}."
    return Reply(text=text, blocks=[section(text)])
