"""/sla service … and /sla define | list | delete: the catalogue of services and their objectives."""

from __future__ import annotations

import re

from commands.args import (
    optional_service,
    parse_args,
    parse_channel,
    parse_choice,
    parse_objective_ref,
    parse_oncall,
    parse_percent,
)
from commands.context import CommandContext
from commands.prometheus_define import define_pulled
from commands.promql_args import take_promql
from commands.router import CommandGroup
from slabot.catalog import objectives
from slabot.catalog import services as catalog
from slabot.catalog.names import parse_name, parse_zone
from slabot.catalog.objectives import ObjectiveSpec
from slabot.catalog.services import ServiceFields
from slabot.core.errors import UserError
from slabot.core.windows import WindowSpec
from slabot.render import catalog as render
from slabot.render.reply import Reply
from storage.models.catalog import NAME_MAX, OWNER_MAX, Budgeting, ObjectiveKind, ObjectiveSource
from storage.queries import catalog as queries
from storage.queries import prometheus as prometheus_queries

BUDGETING = (Budgeting.OCCURRENCES.value, Budgeting.TIMESLICES.value)

SERVICE = CommandGroup("/sla service", "Services")
SERVICE_KEYS = frozenset({"channel", "oncall", "owner", "tier"})
CLEAR = "none"
_MENTION = re.compile(r"^<(@[UW][A-Z0-9]+|!subteam\^S[A-Z0-9]+)(\|[^>]*)?>$")


def _owner(value: str) -> str:
    """An owner is free text, or a person or group picked with @ (kept as a mention)."""
    match = _MENTION.match(value)
    return f"<{match.group(1)}>" if match else value


def _tier(value: str) -> int:
    if value not in ("1", "2", "3", "4"):
        raise UserError(f"tier must be 1, 2, 3 or 4 (got '{value}')")
    return int(value)


def _service_fields(options: dict[str, str], *, editing: bool) -> ServiceFields:
    parsers = {"channel": parse_channel, "oncall": parse_oncall, "owner": _owner, "tier": _tier, "name": None}
    values: dict[str, object] = {}
    for key, raw in options.items():
        attribute = {"channel": "channel_id", "oncall": "oncall_id"}.get(key, key)
        if editing and raw.lower() == CLEAR:
            values[attribute] = None  # a name cannot be cleared: the catalogue says so
        elif key == "name":
            values[attribute] = parse_name(raw, "service")
        else:
            parser = parsers[key]
            assert parser is not None
            values[attribute] = parser(raw)
    return ServiceFields(**values)


@SERVICE.route(
    "add",
    f"/sla service add <name> [channel=#channel] [oncall=@user|@group] [owner=…] [tier=1..4]"
    f" (name up to {NAME_MAX} characters, owner up to {OWNER_MAX} characters)",
    "register a service",
)
def service_add(ctx: CommandContext, text: str) -> Reply:
    args = parse_args(text, SERVICE_KEYS)
    if len(args.words) != 1:
        raise UserError("Give one service name, like: /sla service add checkout channel=#checkout")
    name = parse_name(args.words[0], "service")
    fields = _service_fields(args.options, editing=False)
    ctx.require_admin()
    with ctx.runtime.db.session() as session:
        service = catalog.add_service(session, name, fields, ctx.user_id)
    return render.service_saved(service, "added", locale=ctx.locale)


@SERVICE.route("list", "/sla service list", "list services")
def service_list(ctx: CommandContext, text: str) -> Reply:
    if text:
        raise UserError("/sla service list takes nothing after it.")
    with ctx.runtime.db.session() as session:
        services = queries.all_services(session)
    return render.service_list(services, locale=ctx.locale)


@SERVICE.route(
    "edit",
    "/sla service edit <name> key=value… (name, channel, oncall, owner, tier; none clears all but the name)",
    "change a service",
)
def service_edit(ctx: CommandContext, text: str) -> Reply:
    args = parse_args(text, SERVICE_KEYS | {"name"})
    if len(args.words) != 1 or not args.options:
        raise UserError("Give the service name and at least one key=value, like: /sla service edit checkout tier=1")
    name = parse_name(args.words[0], "service")
    fields = _service_fields(args.options, editing=True)
    ctx.require_admin()
    with ctx.runtime.db.session() as session:
        service = catalog.edit_service(session, name, fields)
    return render.service_saved(service, "updated", locale=ctx.locale)


@SERVICE.route("remove", "/sla service remove <name> [confirm]", "remove a service")
def service_remove(ctx: CommandContext, text: str) -> Reply:
    args = parse_args(text, frozenset())
    confirmed = args.take_flag("confirm")
    if len(args.words) != 1:
        raise UserError("Give one service name, like: /sla service remove checkout")
    name = parse_name(args.words[0], "service")
    ctx.require_admin()
    with ctx.runtime.db.session() as session:
        result = catalog.remove_service(session, name, confirmed=confirmed)
    return render.removal(result, locale=ctx.locale)


OBJECTIVE_KEYS = frozenset({"target", "window", "kind", "source", "description", "tz", "budgeting", "slice"})


def _timezone(value: str) -> str:
    return parse_zone(value).key


def _window(value: str) -> WindowSpec:
    try:
        return WindowSpec.parse(value)
    except ValueError as error:
        raise UserError(str(error)) from None


def define(ctx: CommandContext, text: str) -> Reply:
    text, promql = take_promql(text)
    args = parse_args(text, OBJECTIVE_KEYS | {"datasource"})
    words = args.words
    if len(words) == 1 and "/" in words[0]:
        words = list(parse_objective_ref(words[0]))
    if len(words) != 2:
        raise UserError(
            "Give the service and a name for the objective, like: "
            "/sla define checkout availability target=99.9 window=30d"
        )
    if "target" not in args.options:
        raise UserError("target= is required, like target=99.9 (percent)")
    options = args.options
    source = parse_choice(options.get("source", "incidents"), "source", ("incidents", "events", "prometheus"))
    if (promql or "datasource" in options) and source != "prometheus":
        keys = [*promql, *(["datasource"] if "datasource" in options else [])]
        raise UserError(f"{', '.join(f'{key}=' for key in keys)} are for Prometheus: add source=prometheus")
    spec = ObjectiveSpec(
        name=parse_name(words[1], "objective"),
        target_percent=parse_percent(options["target"], "target", allow_hundred=False),
        window=_window(options.get("window", "30d")),
        kind=ObjectiveKind(parse_choice(options.get("kind", "slo"), "kind", ("slo", "sla", "ola"))),
        source=ObjectiveSource(source if source != "prometheus" else "events"),
        description=options.get("description") or None,
        timezone=_timezone(options["tz"]) if "tz" in options else None,
        budgeting=Budgeting(parse_choice(options.get("budgeting", "occurrences"), "budgeting", BUDGETING)),
        slice_target_percent=(
            parse_percent(options["slice"], "slice", allow_hundred=True) if "slice" in options else None
        ),
    )
    service_name = parse_name(words[0], "service")
    if source == "prometheus":
        return define_pulled(ctx, service_name, spec, promql, options.get("datasource"))
    ctx.require_admin()
    with ctx.runtime.db.session() as session:
        objective, service = objectives.define_objective(session, service_name, spec, ctx.user_id)
    return render.objective_defined(objective, service, locale=ctx.locale)


def list_objectives(ctx: CommandContext, text: str) -> Reply:
    args = parse_args(text, frozenset())
    service_name = optional_service(args, "/sla list")
    with ctx.runtime.db.session() as session:
        pairs, name = objectives.objectives_of(session, service_name)
        pulled = frozenset(prometheus_queries.source_ids(session))
    return render.objective_list(pairs, name, pulled, locale=ctx.locale)


def delete(ctx: CommandContext, text: str) -> Reply:
    args = parse_args(text, frozenset())
    if len(args.words) != 1:
        raise UserError("Give the objective as service/name, like: /sla delete checkout/availability")
    service_name, name = parse_objective_ref(args.words[0])
    ctx.require_admin()
    with ctx.runtime.db.session() as session:
        objective, service = objectives.delete_objective(session, service_name, name)
    return render.objective_deleted(objective, service, locale=ctx.locale)
