"""/sla report month=2026-11 [service] [format=slack|pdf|csv]: the monthly SLA report of one calendar month (in
the bot's zone) for this channel, queued at once and rendered by the digest worker after the ack."""

from __future__ import annotations

from commands.args import Args
from commands.context import CommandContext
from slabot.catalog.names import parse_name
from slabot.core.errors import UserError
from slabot.core.i18n import t
from slabot.render.monthly_commands import report_queued
from slabot.render.reply import Reply
from slabot.reports import digests, runs
from slabot.reports.monthly_period import last_complete_month, month, parse_month
from storage.models.reports import ReportFormat, ReportPeriod

FORMATS = tuple(ReportFormat)


def parse_format(text: str) -> ReportFormat:
    word = text.strip().lower()
    if word not in FORMATS:
        raise UserError(
            t("format= must be slack, pdf or csv (got '{text}'), like format=pdf", text=text.strip()),
            field="format",
        )
    return ReportFormat(word)


def report_month(ctx: CommandContext, args: Args) -> Reply:
    """Queue the report of one month; the worker renders it (a PDF takes a few seconds) and posts it here."""
    if "week" in args.options:
        raise UserError(t("Give week= for a weekly digest or month= for a monthly report, not both"))
    if len(args.words) > 1:
        raise UserError(t("Give at most one service, like: /sla report checkout month=2026-11"))
    now, zone = ctx.now(), ctx.runtime.settings.timezone
    first = parse_month(args.options["month"], now, zone) if "month" in args.options else last_complete_month(now, zone)
    chosen = parse_format(args.options["format"]) if "format" in args.options else ReportFormat.SLACK
    name = parse_name(args.words[0], "service") if args.words else None
    with ctx.runtime.db.session() as session:
        services = digests.resolve_services(session, [name] if name else [])
        service_ids = [service.id for service in services] or None
        runs.queue_report(
            session,
            ctx.channel_id,
            first,
            zone,
            service_ids,
            ctx.user_id,
            now,
            period=ReportPeriod.MONTH,
            formats=(chosen,),
        )
    return report_queued(month(first, zone), name, chosen, ctx.channel_id, locale=ctx.locale)
