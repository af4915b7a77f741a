"""/sla digest add|list|remove (the weekly digest's schedule) and /sla report (a digest now)."""

from __future__ import annotations

from commands.args import parse_args, parse_channel, parse_id
from commands.context import CommandContext
from commands.router import CommandGroup
from slabot.catalog.names import parse_name
from slabot.core.errors import UserError
from slabot.render import digest_commands as render
from slabot.render.reply import Reply
from slabot.reports import digests, runs
from slabot.reports.schedule import (
    DEFAULT_AT_MINUTE,
    DEFAULT_WEEKDAY,
    Slot,
    Week,
    last_complete_week,
    parse_time_of_day,
    parse_week,
    parse_weekday,
    parse_zone,
)

DIGEST = CommandGroup("/sla digest", "Weekly digest")
ADD_USAGE = "/sla digest add <#channel> [services=a,b] [day=mon] [time=09:00] [tz=Area/City]"
REPORT_USAGE = "/sla report [service] [week=2026-W46]"


def _service_names(text: str) -> list[str]:
    names = [part.strip() for part in text.split(",") if part.strip()]
    if not names:
        raise UserError("services= needs service names separated by commas, like services=checkout,payments")
    return sorted({parse_name(name, "service") for name in names})


@DIGEST.route("add", ADD_USAGE, "post a weekly digest to a channel")
def add(ctx: CommandContext, text: str) -> Reply:
    args = parse_args(text, frozenset({"services", "day", "time", "tz"}))
    if len(args.words) != 1:
        raise UserError("Give the channel to post in, picked with #, like: /sla digest add #sre-leads day=mon")
    channel_id = parse_channel(args.words[0])
    options = args.options
    slot = Slot(
        parse_weekday(options["day"]) if "day" in options else DEFAULT_WEEKDAY,
        parse_time_of_day(options["time"]) if "time" in options else DEFAULT_AT_MINUTE,
        parse_zone(options["tz"]) if "tz" in options else ctx.runtime.settings.timezone,
    )
    names = _service_names(options["services"]) if "services" in options else []
    ctx.require_admin()
    now = ctx.now()
    with ctx.runtime.db.session() as session:
        services = digests.resolve_services(session, names)
        info = digests.add_digest(session, channel_id, services, slot, ctx.user_id, now)
    return render.digest_added(info, now, locale=ctx.locale)


@DIGEST.route("list", "/sla digest list", "list weekly digests and when each runs next")
def list_(ctx: CommandContext, text: str) -> Reply:
    if parse_args(text, frozenset()).words:
        raise UserError("/sla digest list takes nothing after it")
    with ctx.runtime.db.session() as session:
        infos = digests.list_digests(session)
    return render.digest_list(infos, ctx.now(), locale=ctx.locale)


@DIGEST.route("remove", "/sla digest remove <id>", "stop a weekly digest")
def remove(ctx: CommandContext, text: str) -> Reply:
    words = parse_args(text, frozenset()).words
    if len(words) != 1:
        raise UserError("Give the digest's number from /sla digest list, like: /sla digest remove 3")
    digest_id = parse_id(words[0], "digest", "/sla digest list")
    ctx.require_admin()
    with ctx.runtime.db.session() as session:
        info = digests.remove_digest(session, digest_id)
    return render.digest_removed(info, locale=ctx.locale)


def report(ctx: CommandContext, text: str) -> Reply:
    """Queue a digest of one week for this channel; a worker renders it after the ack and posts it here."""
    args = parse_args(text, frozenset({"week"}))
    if len(args.words) > 1:
        raise UserError("Give at most one service, like: /sla report checkout week=2026-W46")
    now, zone = ctx.now(), ctx.runtime.settings.timezone
    monday = parse_week(args.options["week"], now, zone) if "week" in args.options else last_complete_week(now, zone)
    name = parse_name(args.words[0], "service") if args.words else None
    with ctx.runtime.db.session() as session:
        services = digests.resolve_services(session, [name] if name else [])
        service_ids = [service.id for service in services] or None
        runs.queue_report(session, ctx.channel_id, monday, zone, service_ids, ctx.user_id, now)
    return render.report_queued(Week(monday, zone), name, ctx.channel_id, locale=ctx.locale)
