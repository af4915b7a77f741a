"""/sla status and /sla budget."""

from __future__ import annotations

from commands.args import parse_args, parse_objective_ref
from commands.context import CommandContext
from slabot.catalog import objectives
from slabot.catalog.names import parse_name
from slabot.core.errors import UserError
from slabot.core.i18n import t
from slabot.render import budget as render_budget
from slabot.render import status as render
from slabot.render.reply import Reply
from slabot.slo.status import statuses


def status(ctx: CommandContext, text: str) -> Reply:
    args = parse_args(text, frozenset())
    public = args.take_flag("public")
    if len(args.words) > 1:
        raise UserError(t("Give at most one service name, like: /sla status checkout"))
    now, zone = ctx.now(), ctx.runtime.settings.timezone
    service_name = parse_name(args.words[0], "service") if args.words else None
    with ctx.runtime.db.snapshot() as session:  # every figure from one consistent state
        pairs, name = objectives.objectives_of(session, service_name)
        items = statuses(session, now, zone, pairs)
    return render.status_reply(items, now, zone, name, public, locale=ctx.locale)


def budget(ctx: CommandContext, text: str) -> Reply:
    args = parse_args(text, frozenset())
    public = args.take_flag("public")
    if len(args.words) != 1:
        raise UserError(t("Give the objective as service/name, like: /sla budget checkout/availability"))
    service_name, name = parse_objective_ref(args.words[0])
    return objective_budget(ctx, service_name, name, public)


def objective_budget(ctx: CommandContext, service_name: str, name: str, public: bool = False) -> Reply:
    """/sla budget service/name, and the App Home's Budget button."""
    now, zone = ctx.now(), ctx.runtime.settings.timezone
    with ctx.runtime.db.snapshot() as session:
        objective, service = objectives.get_objective(session, service_name, name)
        (item,) = statuses(session, now, zone, [(objective, service)])
    return render_budget.budget_reply(item, zone, public, locale=ctx.locale)
