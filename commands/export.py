"""/sla export [service]: the catalogue (or one service) uploaded to this channel as OpenSLO v1 YAML."""

from __future__ import annotations

from commands.args import optional_service, parse_args
from commands.context import CommandContext
from slabot.core.errors import UserError, said_by
from slabot.core.i18n import t
from slabot.render.openslo import export_queued, openslo_yaml
from slabot.render.reply import Reply
from slabot.sources.openslo_export import ExportRequested, gather_export


def export(ctx: CommandContext, text: str) -> Reply:
    name = optional_service(parse_args(text, frozenset()), "/sla export")
    now = ctx.now()
    with ctx.runtime.db.session() as session:
        catalogue = gather_export(session, name)
        if not catalogue.services:
            raise UserError(t("There are no services to export yet. Add one with /sla service add <name>."))
        try:
            openslo_yaml(catalogue, ctx.runtime.settings.timezone.key)
        except ValueError as error:
            raise UserError(t("Cannot export as OpenSLO: {problem}", problem=said_by(error))) from None
        event = ExportRequested(ctx.channel_id, name, catalogue, ctx.user_id, now)
        queued = ctx.notifier.queue(session, [event], now)
    ctx.notifier.deliver(queued)
    return export_queued(name, ctx.channel_id, locale=ctx.locale)
