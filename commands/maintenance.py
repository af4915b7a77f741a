"""/sla maintenance add | list | remove: the spans left out of a service's objectives."""

from __future__ import annotations

from commands.args import optional_service, parse_args, parse_id, parse_objective_ref, parse_time
from commands.context import CommandContext
from commands.forms import Form, picking_service_form
from commands.router import CommandGroup
from slabot.catalog import maintenance
from slabot.catalog.maintenance import NewMaintenance
from slabot.catalog.names import parse_name
from slabot.core.errors import UserError
from slabot.core.i18n import t
from slabot.render import maintenance as render
from slabot.render.reply import Reply
from storage.models.catalog import MAINTENANCE_REASON_MAX

MAINTENANCE = CommandGroup("/sla maintenance", t("Maintenance windows"))


@MAINTENANCE.route(
    "add",
    t(
        '/sla maintenance add <service>[/<objective>] start=<time> end=<time> [reason="…"] (reason up to {max} '
        "characters)",
        max=MAINTENANCE_REASON_MAX,
    ),
    t("exclude a span from a service's objectives"),
)
def maintenance_add(ctx: CommandContext, text: str) -> Reply:
    args = parse_args(text, frozenset({"start", "end", "reason"}))
    if not args.options and len(args.words) <= 1 and "/" not in "".join(args.words):
        chosen = parse_name(args.words[0], "service") if args.words else None
        return picking_service_form(ctx, Form.MAINTENANCE, chosen, MAINTENANCE.routes["add"].usage)
    if len(args.words) != 1 or "start" not in args.options or "end" not in args.options:
        raise UserError(
            t(
                "Give the service (or service/objective), start= and end=, like: "
                "/sla maintenance add checkout start=2026-11-22T02:00 end=2026-11-22T04:00"
            )
        )
    target = args.words[0]
    service_name, objective_name = (
        parse_objective_ref(target) if "/" in target else (parse_name(target, "service"), None)
    )
    now, zone = ctx.now(), ctx.runtime.settings.timezone
    starts_at = parse_time("start", args.options["start"], now, zone)
    ends_at = parse_time("end", args.options["end"], now, zone)
    new = NewMaintenance(service_name, objective_name, starts_at, ends_at, args.options.get("reason") or None)
    return add_window(ctx, new)


def add_window(ctx: CommandContext, new: NewMaintenance) -> Reply:
    """Store a maintenance window (for admins): /sla maintenance add, and its form."""
    ctx.require_admin()
    with ctx.runtime.db.session() as session:
        window, service, objective = maintenance.add(session, new, ctx.user_id)
    return render.maintenance_added(window, service, objective, ctx.runtime.settings.timezone, locale=ctx.locale)


@MAINTENANCE.route("list", "/sla maintenance list [service]", t("list maintenance windows"))
def maintenance_list(ctx: CommandContext, text: str) -> Reply:
    args = parse_args(text, frozenset())
    service_name = optional_service(args, "/sla maintenance list")
    with ctx.runtime.db.session() as session:
        rows = maintenance.listing(session, service_name)
    return render.maintenance_list(rows, ctx.runtime.settings.timezone, locale=ctx.locale)


@MAINTENANCE.route("remove", "/sla maintenance remove <id>", t("remove a maintenance window"))
def maintenance_remove(ctx: CommandContext, text: str) -> Reply:
    args = parse_args(text, frozenset())
    if len(args.words) != 1:
        raise UserError(t("Give the window's number from /sla maintenance list, like: /sla maintenance remove 3"))
    window_id = parse_id(args.words[0], "maintenance window", "/sla maintenance list")
    ctx.require_admin()
    with ctx.runtime.db.session() as session:
        window = maintenance.remove(session, window_id)
    return render.maintenance_removed(window, locale=ctx.locale)
