"""Messages about the service catalogue and objectives."""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from typing import Literal

from slack_sdk.models.blocks import Block

from slabot.catalog.objective_edits import Changed, ObjectiveEdited
from slabot.catalog.services import Removal
from slabot.core.budget import target_from_percent
from slabot.core.i18n import tn, tr
from slabot.core.mentions import channel_mention, oncall_mention
from slabot.core.timefmt import format_target
from slabot.render.locale import DEFAULT_LOCALE, Locale
from slabot.render.reply import Reply, clip, context, escape, header, section, with_more
from slabot.render.status import budgeting_label, no_objectives, window_label
from storage.models.catalog import Objective, ObjectiveSource, Service

_MENTION = re.compile(r"^<(@[UW][A-Z0-9]+|!subteam\^S[A-Z0-9]+)>$")


def owner_text(owner: str) -> str:
    """Owners picked with @ are stored as mentions and shown as such; anything else is shown as typed."""
    return owner if _MENTION.match(owner) else escape(owner)


def describe_service(service: Service, locale: Locale = DEFAULT_LOCALE) -> str:
    """One line: the name, then each attribute as a label of its own (tier, channel, on-call, owner)."""
    parts = [f"*{service.name}*"]
    if service.tier is not None:
        parts.append(tr(locale, "tier {tier}", tier=service.tier))
    if service.channel_id:
        parts.append(tr(locale, "channel {channel}", channel=channel_mention(service.channel_id)))
    else:
        parts.append(tr(locale, "no channel"))
    if service.oncall_id:
        parts.append(tr(locale, "on-call {oncall}", oncall=oncall_mention(service.oncall_id)))
    else:
        parts.append(tr(locale, "no on-call"))
    if service.owner:
        parts.append(tr(locale, "owner {owner}", owner=owner_text(service.owner)))
    return " · ".join(parts)


def _objective_line(objective: Objective, service: Service, pulled: bool, locale: Locale) -> str:
    params = {
        "ref": f"{service.name}/{objective.name}",
        "kind": objective.kind.upper(),
        "target": format_target(target_from_percent(objective.target_percent)),
        "window": window_label(objective.window, locale),
    }
    if pulled:
        return tr(locale, "*{ref}* {kind} {target} over {window} · from Prometheus", **params)
    if objective.source == ObjectiveSource.EVENTS:
        return tr(locale, "*{ref}* {kind} {target} over {window} · from events", **params)
    return tr(locale, "*{ref}* {kind} {target} over {window} · from incidents", **params)


def describe_objective(
    objective: Objective, service: Service, pulled: bool = False, locale: Locale = DEFAULT_LOCALE
) -> str:
    """One line: name, kind, target, window and where its counts come from (pulled: from Prometheus)."""
    line = _objective_line(objective, service, pulled, locale)
    if objective.timezone:
        line += f" · {objective.timezone}"
    if objective.credits:
        line += " · " + tr(locale, "service credits {schedule}", schedule=objective.credits)
    if objective.description:
        line += f"\n{escape(objective.description)}"
    return line


def service_saved(service: Service, verb: Literal["added", "updated"], *, locale: Locale) -> Reply:
    described = describe_service(service, locale)
    if verb == "added":
        text = tr(locale, ":white_check_mark: Service added: {service}", service=described)
    else:
        text = tr(locale, ":white_check_mark: Service updated: {service}", service=described)
    hints = []
    if not service.channel_id:
        hints.append(
            tr(
                locale,
                "Incidents are announced where they are opened until you set channel=: "
                "/sla service edit {name} channel=#channel",
                name=service.name,
            )
        )
    if not service.oncall_id:
        hints.append(
            tr(
                locale,
                "Nobody is mentioned on incidents until you set oncall=: /sla service edit {name} oncall=@someone",
                name=service.name,
            )
        )
    blocks: list[Block] = [section(text)]
    if hints:
        blocks.append(context(*hints))
    return Reply(text=text, blocks=blocks)


def service_list(services: Sequence[Service], *, locale: Locale) -> Reply:
    if not services:
        text = tr(locale, "No services yet. Add one with /sla service add <name> channel=#channel oncall=@someone")
        return Reply(text=text, blocks=[section(escape(text))])
    rows = [section(describe_service(service, locale)) for service in services]
    blocks = with_more(
        [header(tr(locale, "Services ({n})", n=len(services)))],
        rows,
        lambda n: tn(locale, "…and {n} more service", "…and {n} more services", n),
    )
    text = tr(locale, "Services: {names}", names=", ".join(service.name for service in services))
    return Reply(text=text, blocks=blocks)


def removal(result: Removal, *, locale: Locale) -> Reply:
    counts = {"name": result.service.name, "objectives": result.objectives, "incidents": result.incidents}
    if not result.removed:
        text = tr(
            locale,
            ":warning: {name} has {objectives} objective(s) and {incidents} incident(s); removing it deletes them "
            "too. To go ahead: /sla service remove {name} confirm",
            **counts,
        )
    elif result.objectives or result.incidents:
        text = tr(
            locale, ":wastebasket: Removed service {name} with {objectives} objective(s) and {incidents} incident(s).",
            **counts,
        )  # fmt: skip
    else:
        text = tr(locale, ":wastebasket: Removed service {name}.", name=result.service.name)
    return Reply(text=text, blocks=[section(text)])


def objective_defined(objective: Objective, service: Service, pulled: bool = False, *, locale: Locale) -> Reply:
    text = tr(
        locale,
        ":white_check_mark: Defined {objective}",
        objective=describe_objective(objective, service, pulled, locale),
    )
    see = tr(
        locale,
        "See it with /sla status {service} or /sla budget {service}/{name}",
        service=service.name,
        name=objective.name,
    )
    return Reply(text=text, blocks=[section(text), context(see)])


def objective_list(
    pairs: Sequence[tuple[Objective, Service]],
    service_name: str | None,
    pulled: Collection[int] = (),
    *,
    locale: Locale,
) -> Reply:
    """The objectives with their sources; `pulled` holds the ids of those pulled from Prometheus."""
    if not pairs:
        text = no_objectives(service_name, locale)
        return Reply(text=text, blocks=[section(escape(text))])
    rows = [
        section(describe_objective(objective, service, objective.id in pulled, locale)) for objective, service in pairs
    ]
    names = ", ".join(f"{service.name}/{objective.name}" for objective, service in pairs)
    if service_name:
        title = tr(locale, "Objectives of {service} ({n})", service=service_name, n=len(pairs))
        text = tr(locale, "Objectives of {service}: {names}", service=service_name, names=names)
    else:
        title = tr(locale, "Objectives ({n})", n=len(pairs))
        text = tr(locale, "Objectives: {names}", names=names)
    blocks = with_more(
        [header(title)], rows, lambda n: tn(locale, "…and {n} more objective", "…and {n} more objectives", n)
    )
    return Reply(text=text, blocks=blocks)


def objective_deleted(objective: Objective, service: Service, *, locale: Locale) -> Reply:
    ref = f"{service.name}/{objective.name}"
    text = tr(locale, ":wastebasket: Deleted objective {ref}.", ref=ref)
    return Reply(text=text, blocks=[section(text)])


def _edited_value(key: str, value: object, locale: Locale) -> str:
    if value is None:
        return tr(locale, "none")
    if key in ("target", "slice"):
        return format_target(target_from_percent(value))  # type: ignore[arg-type]
    if key == "kind":
        return str(value).upper()
    if key == "window":
        return window_label(str(value), locale)
    if key == "budgeting":
        return budgeting_label(str(value), locale)
    if key == "description":
        return f'"{escape(clip(str(value), 80))}"'
    return escape(str(value))


def _change(change: Changed, locale: Locale) -> str:
    """One change as a whole label: "target 99.9% → 99.95%"."""
    values = {
        "before": _edited_value(change.key, change.before, locale),
        "after": _edited_value(change.key, change.after, locale),
    }
    if change.key == "target":
        return tr(locale, "target {before} → {after}", **values)
    if change.key == "window":
        return tr(locale, "window {before} → {after}", **values)
    if change.key == "tz":
        return tr(locale, "time zone {before} → {after}", **values)
    if change.key == "kind":
        return tr(locale, "kind {before} → {after}", **values)
    if change.key == "budgeting":
        return tr(locale, "budgeting {before} → {after}", **values)
    if change.key == "slice":
        return tr(locale, "slice target {before} → {after}", **values)
    if change.key == "credits":
        return tr(locale, "service credits {before} → {after}", **values)
    return tr(locale, "description {before} → {after}", **values)


def objective_edited(result: ObjectiveEdited, *, locale: Locale) -> Reply:
    """What an edit changed (before → after), or that it changed nothing; then the objective as it is now."""
    objective, service = result.objective, result.service
    ref = f"{service.name}/{objective.name}"
    now = describe_objective(objective, service, result.pulled, locale)
    if not result.changes:
        text = tr(locale, ":information_source: Nothing changed: *{ref}* already has those values.", ref=ref)
        return Reply(text=f"{text}\n{now}", blocks=[section(text), context(now)])
    changes = _change(result.changes[0], locale)
    for change in result.changes[1:]:
        changes = tr(locale, "{changes}; {change}", changes=changes, change=_change(change, locale))
    text = tr(locale, ":white_check_mark: Changed *{ref}*: {changes}.", ref=ref, changes=changes)
    blocks: list[Block] = [section(text), context(now)]
    if result.repull:
        repull = tr(locale, "Its window changed: the next pulls ask Prometheus for all of it again, from its start.")
        blocks.append(context(repull))
    return Reply(text=text, blocks=blocks)
