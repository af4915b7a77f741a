"""/sla service … and /sla define | list | delete: the catalogue of services and their objectives."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from commands.args import (
    first_error,
    optional_service,
    parse_args,
    parse_channel,
    parse_choice,
    parse_each,
    parse_objective_ref,
    parse_oncall,
    parse_percent,
)
from commands.context import CommandContext
from commands.forms import Form, edit_service_form, picking_service_form, service_form
from commands.prometheus_define import check_pulled, define_pulled
from commands.promql_args import take_promql
from commands.router import CommandGroup
from slabot.catalog import objectives
from slabot.catalog import services as catalog
from slabot.catalog.names import parse_name, parse_zone
from slabot.catalog.objectives import ObjectiveSpec, check_new_objective
from slabot.catalog.services import ServiceFields
from slabot.core.credits import parse_credits
from slabot.core.errors import UserError, said_by, shown
from slabot.core.i18n import DEFAULT_LOCALE, Locale, t, tr
from slabot.core.windows import WindowSpec
from slabot.render import catalog as render
from slabot.render.reply import Reply
from storage.models.catalog import NAME_MAX, OWNER_MAX, Budgeting, ObjectiveKind, ObjectiveSource
from storage.queries import catalog as queries
from storage.queries import prometheus as prometheus_queries

BUDGETING = (Budgeting.OCCURRENCES.value, Budgeting.TIMESLICES.value)

SERVICE = CommandGroup("/sla service", t("Services"))
SERVICE_KEYS = frozenset({"channel", "oncall", "owner", "tier"})
CLEAR = "none"
_MENTION = re.compile(r"^<(@[UW][A-Z0-9]+|!subteam\^S[A-Z0-9]+)(\|[^>]*)?>$")


def parse_owner(value: str) -> str:
    """An owner is free text, or a person or group picked with @ (kept as a mention)."""
    match = _MENTION.match(value)
    return f"<{match.group(1)}>" if match else value


def parse_tier(value: str) -> int:
    if value not in ("1", "2", "3", "4"):
        raise UserError(t("tier must be 1, 2, 3 or 4 (got '{text}')", text=shown(value)))
    return int(value)


SERVICE_PARSERS = {
    "name": lambda value: parse_name(value, "service"),
    "channel": parse_channel,
    "oncall": parse_oncall,
    "owner": parse_owner,
    "tier": parse_tier,
}
_ATTRIBUTE = {"channel": "channel_id", "oncall": "oncall_id"}


def read_service_fields(
    options: dict[str, str], *, editing: bool, locale: Locale = DEFAULT_LOCALE
) -> tuple[ServiceFields, dict[str, str]]:
    """The fields key=value options give (in an edit, none clears one), and the error of each refused (in the
    reader's language), by key."""
    cleared = {key for key, raw in options.items() if editing and raw.lower() == CLEAR}
    values, errors = parse_each({k: v for k, v in options.items() if k not in cleared}, SERVICE_PARSERS, locale)
    # a name cannot be cleared: the catalogue says so
    fields = {_ATTRIBUTE.get(key, key): None for key in cleared} | {_ATTRIBUTE.get(k, k): v for k, v in values.items()}
    return ServiceFields(**fields), errors


def _service_fields(options: dict[str, str], *, editing: bool, locale: Locale) -> ServiceFields:
    fields, errors = read_service_fields(options, editing=editing, locale=locale)
    first_error(errors)
    return fields


def add_service(ctx: CommandContext, name: str, fields: ServiceFields) -> Reply:
    """Register a service (for admins): /sla service add, and its form."""
    ctx.require_admin()
    with ctx.runtime.db.session() as session:
        service = catalog.add_service(session, name, fields, ctx.user_id)
    return render.service_saved(service, "added", locale=ctx.locale)


def edit_service(ctx: CommandContext, name: str, fields: ServiceFields) -> Reply:
    """Change a service (for admins): /sla service edit, and its form."""
    ctx.require_admin()
    with ctx.runtime.db.session() as session:
        service = catalog.edit_service(session, name, fields)
    return render.service_saved(service, "updated", locale=ctx.locale)


@SERVICE.route(
    "add",
    t(
        "/sla service add <name> [channel=#channel] [oncall=@user|@group] [owner=…] [tier=1..4] (name up to "
        "{name_max} characters, owner up to {owner_max} characters)",
        name_max=NAME_MAX,
        owner_max=OWNER_MAX,
    ),
    t("register a service"),
)
def service_add(ctx: CommandContext, text: str) -> Reply:
    if not text.strip():
        return service_form(ctx, SERVICE.routes["add"].usage)
    args = parse_args(text, SERVICE_KEYS)
    if len(args.words) != 1:
        raise UserError(t("Give one service name, like: /sla service add checkout channel=#checkout"))
    name = parse_name(args.words[0], "service")
    fields = _service_fields(args.options, editing=False, locale=ctx.locale)
    return add_service(ctx, name, fields)


@SERVICE.route("list", "/sla service list", t("list services"))
def service_list(ctx: CommandContext, text: str) -> Reply:
    if text:
        raise UserError(t("/sla service list takes nothing after it."))
    with ctx.runtime.db.session() as session:
        services = queries.all_services(session)
    return render.service_list(services, locale=ctx.locale)


@SERVICE.route(
    "edit",
    t("/sla service edit <name> key=value… (name, channel, oncall, owner, tier; none clears all but the name)"),
    t("change a service"),
)
def service_edit(ctx: CommandContext, text: str) -> Reply:
    args = parse_args(text, SERVICE_KEYS | {"name"})
    if len(args.words) == 1 and not args.options:
        return edit_service_form(ctx, parse_name(args.words[0], "service"), SERVICE.routes["edit"].usage)
    if len(args.words) != 1 or not args.options:
        raise UserError(t("Give the service name and at least one key=value, like: /sla service edit checkout tier=1"))
    name = parse_name(args.words[0], "service")
    fields = _service_fields(args.options, editing=True, locale=ctx.locale)
    return edit_service(ctx, name, fields)


@SERVICE.route("remove", "/sla service remove <name> [confirm]", t("remove a service"))
def service_remove(ctx: CommandContext, text: str) -> Reply:
    args = parse_args(text, frozenset())
    confirmed = args.take_flag("confirm")
    if len(args.words) != 1:
        raise UserError(t("Give one service name, like: /sla service remove checkout"))
    name = parse_name(args.words[0], "service")
    ctx.require_admin()
    with ctx.runtime.db.session() as session:
        result = catalog.remove_service(session, name, confirmed=confirmed)
    return render.removal(result, locale=ctx.locale)


OBJECTIVE_KEYS = frozenset({"target", "window", "kind", "source", "description", "tz", "budgeting", "slice", "credits"})
SOURCES = ("incidents", "events", "prometheus")
DEFINE_USAGE = t("/sla define <service> <name> target=<percent> … (see /sla help)")


def parse_timezone(value: str) -> str:
    return parse_zone(value).key


def parse_window(value: str) -> WindowSpec:
    try:
        return WindowSpec.parse(value)
    except ValueError as error:
        raise UserError(said_by(error)) from None


OBJECTIVE_PARSERS = {  # in the order a command reports them
    "name": lambda value: parse_name(value, "objective"),
    "target": lambda value: parse_percent(value, "target", allow_hundred=False),
    "window": parse_window,
    "kind": lambda value: ObjectiveKind(parse_choice(value, "kind", ("slo", "sla", "ola"))),
    "source": lambda value: parse_choice(value, "source", SOURCES),
    "description": lambda value: value or None,
    "tz": parse_timezone,
    "budgeting": lambda value: Budgeting(parse_choice(value, "budgeting", BUDGETING)),
    "slice": lambda value: parse_percent(value, "slice", allow_hundred=True),
    "credits": parse_credits,
    "service": lambda value: parse_name(value, "service"),
}


@dataclass(frozen=True)
class Definition:
    """An objective as typed, parsed: what /sla define (or its form) stores, and where its counts come from."""

    service_name: str
    spec: ObjectiveSpec
    pulled: bool = False  # from Prometheus: checked against the server and backfilled
    promql: dict[str, str] = field(default_factory=dict)
    datasource: str | None = None


def read_definition(
    service: str, name: str, options: dict[str, str], promql: dict[str, str], locale: Locale = DEFAULT_LOCALE
) -> tuple[Definition | None, dict[str, str]]:
    """The definition that `options` (the keys of /sla define, as typed) and the queries give, or the error of each
    option refused (in the reader's language), by key (target is required; good=, bad=, total= and datasource= need
    source=prometheus)."""
    ordered = {"name": name, **{key: options[key] for key in OBJECTIVE_PARSERS if key in options}, "service": service}
    values, refused = parse_each(ordered, OBJECTIVE_PARSERS, locale)
    errors: dict[str, str] = {}
    if "target" not in options:
        errors["target"] = tr(locale, "target= is required, like target=99.9 (percent)")
    source = str(values.get("source", "incidents"))
    if "source" in refused:
        errors["source"] = refused["source"]
    elif (promql or "datasource" in options) and source != "prometheus":
        keys = ", ".join(f"{key}=" for key in [*promql, *(["datasource"] if "datasource" in options else [])])
        errors["source"] = tr(locale, "{keys} are for Prometheus: add source=prometheus", keys=keys)
    errors |= {key: message for key, message in refused.items() if key not in errors}
    if errors:
        return None, errors
    spec = ObjectiveSpec(
        name=str(values["name"]),
        target_percent=values["target"],  # type: ignore[arg-type]
        window=values.get("window") or WindowSpec.parse("30d"),  # type: ignore[arg-type]
        kind=values.get("kind", ObjectiveKind.SLO),  # type: ignore[arg-type]
        source=ObjectiveSource(source if source != "prometheus" else "events"),
        description=values.get("description"),  # type: ignore[arg-type]
        timezone=values.get("tz"),  # type: ignore[arg-type]
        budgeting=values.get("budgeting", Budgeting.OCCURRENCES),  # type: ignore[arg-type]
        slice_target_percent=values.get("slice"),  # type: ignore[arg-type]
        credits=values.get("credits"),  # type: ignore[arg-type]
    )
    pulled = source == "prometheus"
    return Definition(str(values["service"]), spec, pulled, promql, options.get("datasource")), {}


def check_definition(ctx: CommandContext, definition: Definition) -> None:
    """Every rule a definition must pass that needs no Prometheus server: the spec's, a known service, a free
    name, the queries' shapes and their server named (for admins). Nothing is stored."""
    if definition.pulled:
        check_pulled(ctx, definition.spec, definition.promql, definition.datasource)
    with ctx.runtime.db.session() as session:
        check_new_objective(session, definition.service_name, definition.spec)
    ctx.require_admin()


def define_checked(ctx: CommandContext, definition: Definition) -> Reply:
    """Store the definition (a pulled one is checked against its server first, then backfilled)."""
    spec, service_name = definition.spec, definition.service_name
    if definition.pulled:
        return define_pulled(ctx, service_name, spec, definition.promql, definition.datasource)
    ctx.require_admin()
    with ctx.runtime.db.session() as session:
        objective, service = objectives.define_objective(session, service_name, spec, ctx.user_id)
    return render.objective_defined(objective, service, locale=ctx.locale)


def define(ctx: CommandContext, text: str) -> Reply:
    text, promql = take_promql(text)
    args = parse_args(text, OBJECTIVE_KEYS | {"datasource"})
    words = args.words
    if not args.options and not promql and len(words) <= 1 and "/" not in "".join(words):
        chosen = parse_name(words[0], "service") if words else None
        return picking_service_form(ctx, Form.NEW_OBJECTIVE, chosen, DEFINE_USAGE)
    if len(words) == 1 and "/" in words[0]:
        words = list(parse_objective_ref(words[0]))
    if len(words) != 2:
        raise UserError(
            t(
                "Give the service and a name for the objective, like: "
                "/sla define checkout availability target=99.9 window=30d"
            )
        )
    definition, errors = read_definition(words[0], words[1], args.options, promql, ctx.locale)
    first_error(errors)
    assert definition is not None
    return define_checked(ctx, definition)


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
        raise UserError(t("Give the objective as service/name, like: /sla delete checkout/availability"))
    service_name, name = parse_objective_ref(args.words[0])
    ctx.require_admin()
    with ctx.runtime.db.session() as session:
        objective, service = objectives.delete_objective(session, service_name, name)
    return render.objective_deleted(objective, service, locale=ctx.locale)
