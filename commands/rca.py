"""/sla why (start or stop an incident's 5-Why) and /sla actions (the action items 5-Whys left)."""

from __future__ import annotations

from commands.args import parse_args, parse_id, parse_incident_id, parse_name
from commands.context import CommandContext
from slabot.catalog.services import get_service
from slabot.core.errors import UserError
from slabot.core.i18n import t
from slabot.rca import runs
from slabot.render import rca as render
from slabot.render.reply import Reply
from storage.models.rca import RcaTrigger
from storage.queries.rca import action_items_listed

WHY_USAGE = "/sla why <incident-id> [cancel]"
ACTIONS_USAGE = "/sla actions [service] [open] | /sla actions done <id>"
LIST_LIMIT = 60


def why(ctx: CommandContext, text: str) -> Reply:
    args = parse_args(text, frozenset())
    if not args.words or len(args.words) > 2 or (len(args.words) == 2 and args.words[1].lower() != "cancel"):
        raise UserError(t("Give the incident number, and cancel to stop its 5-Why, like: /sla why 12"))
    incident_id = parse_incident_id(args.words[0])
    now = ctx.now()
    if len(args.words) == 2:
        with ctx.runtime.db.session() as session:
            said = runs.cancel(session, incident_id, ctx.user_id, now)
            queued = ctx.notifier.queue(session, said, now)
        ctx.notifier.deliver(queued)
        return render.cancelled_reply(incident_id, locale=ctx.locale)
    with ctx.runtime.db.session() as session:
        incident, said = runs.start(session, incident_id, ctx.user_id, RcaTrigger.COMMAND, now)
        queued = ctx.notifier.queue(session, said, now)
    ctx.notifier.deliver(queued)
    return render.started_reply(incident, locale=ctx.locale)


def close_action_item(ctx: CommandContext, number: int) -> Reply:
    """/sla actions done <id>, and the App Home's Done button."""
    with ctx.runtime.db.session() as session:
        item = runs.close_action(session, number, ctx.user_id, ctx.now())
    return render.action_closed(item, locale=ctx.locale)


def actions(ctx: CommandContext, text: str) -> Reply:
    args = parse_args(text, frozenset())
    words = [w.lower() for w in args.words]
    if words[:1] == ["done"]:
        if len(words) != 2:
            raise UserError(t("Give the action item's number, like: /sla actions done 7"))
        return close_action_item(ctx, parse_id(args.words[1], "action item", "/sla actions"))
    only_open = "open" in words
    names = [w for w in args.words if w.lower() != "open"]
    if len(names) > 1 or words.count("open") > 1:
        raise UserError(t("Give at most one service and open, like: /sla actions checkout open"))
    service_name = parse_name(names[0], "service") if names else None
    with ctx.runtime.db.session() as session:
        service_id = get_service(session, service_name).id if service_name is not None else None
        rows = action_items_listed(session, service_id, only_open, LIST_LIMIT)
    today = ctx.now().astimezone(ctx.runtime.settings.timezone).date()
    return render.action_list(rows, today, only_open=only_open, service_name=service_name, locale=ctx.locale)
