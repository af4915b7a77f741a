"""/sla digest add|list|remove (the weekly digest's schedule, added by command or by its form, typed bare) and
/sla report (a digest now)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import cast
from zoneinfo import ZoneInfo

from commands import monthly_report
from commands.args import first_error, parse_args, parse_channel, parse_each, parse_id
from commands.context import CommandContext
from commands.forms import Form, OpenForm, settings_form
from commands.router import CommandGroup
from slabot.catalog.names import parse_name
from slabot.core.errors import UserError
from slabot.core.i18n import DEFAULT_LOCALE, Locale, t
from slabot.render import digest_commands as render
from slabot.render.ids import FormField
from slabot.render.reply import Reply
from slabot.render.weeks import time_of_day
from slabot.reports import digests, runs
from slabot.reports.monthly_schedule import DayChoice, digest_slot, parse_day, parse_every
from slabot.reports.schedule import (
    DEFAULT_AT_MINUTE,
    DEFAULT_WEEKDAY,
    WEEKDAYS,
    Slot,
    Week,
    last_complete_week,
    parse_time_of_day,
    parse_week,
    parse_zone,
)
from storage.models.reports import ReportPeriod
from storage.queries import catalog as catalog_queries

DIGEST = CommandGroup("/sla digest", t("Weekly digest"))
ADD_USAGE = "/sla digest add <#channel> [services=a,b] [every=week|month|day] [day=mon|1] [time=09:00] [tz=Area/City]"
REPORT_USAGE = "/sla report [service] [week=2026-W46] | /sla report [service] month=2026-11 [format=slack|pdf|csv]"


@dataclass(frozen=True)
class NewDigest:
    """A weekly digest as typed, parsed: the channel, the services it is limited to (none: every one), when."""

    channel_id: str
    services: tuple[str, ...]
    slot: Slot


def _service_names(text: str) -> tuple[str, ...]:
    names = [part.strip() for part in text.split(",") if part.strip()]
    if not names:
        raise UserError(t("services= needs service names separated by commas, like services=checkout,payments"))
    return tuple(sorted({parse_name(name, "service") for name in names}))


DIGEST_PARSERS = {
    "channel": parse_channel,
    "services": _service_names,
    "every": parse_every,
    "day": parse_day,
    "time": parse_time_of_day,
    "tz": parse_zone,
}


def read_digest(
    options: Mapping[str, str], zone: ZoneInfo, locale: Locale = DEFAULT_LOCALE
) -> tuple[NewDigest | None, dict[str, str]]:
    """The digest `options` give (channel, services, day, time, tz; one left out takes its default: every
    service, Monday 09:00 in `zone`), or the error of each refused (in `locale`), by key."""
    ordered = {key: options[key] for key in DIGEST_PARSERS if key in options}
    values, errors = parse_each(ordered, DIGEST_PARSERS, locale)
    if errors:
        return None, errors
    try:
        slot = digest_slot(
            cast(ReportPeriod, values.get("every", ReportPeriod.WEEK)),
            cast(DayChoice | None, values.get("day")),
            cast(int | None, values.get("time")),
            cast(ZoneInfo, values.get("tz", zone)),
        )
    except UserError as error:
        return None, {error.field or "day": error.text(locale)}
    return NewDigest(cast(str, values["channel"]), cast(tuple[str, ...], values.get("services", ())), slot), {}


@DIGEST.route("add", ADD_USAGE, t("post a weekly digest to a channel"))
def add(ctx: CommandContext, text: str) -> Reply:
    if not text.strip():
        return digest_form(ctx)
    args = parse_args(text, frozenset({"services", "every", "day", "time", "tz"}))
    if len(args.words) != 1:
        raise UserError(t("Give the channel to post in, picked with #, like: /sla digest add #sre-leads day=mon"))
    new, errors = read_digest({**args.options, "channel": args.words[0]}, ctx.runtime.settings.timezone, ctx.locale)
    first_error(errors)
    assert new is not None
    return add_digest(ctx, new)


def add_digest(ctx: CommandContext, new: NewDigest) -> Reply:
    """Schedule a weekly digest (for admins): /sla digest add, and its form."""
    ctx.require_admin()
    now = ctx.now()
    with ctx.runtime.db.session() as session:
        try:
            services = digests.resolve_services(session, new.services)
        except UserError as error:
            error.field = error.field or "services"
            raise
        info = digests.add_digest(session, new.channel_id, services, new.slot, ctx.user_id, now)
    return render.digest_added(info, now, locale=ctx.locale)


def digest_form(ctx: CommandContext) -> OpenForm:
    """The New digest form (for admins): the services to pick from, starting on Monday 09:00 in the bot's zone."""
    ctx.require_admin()
    with ctx.runtime.db.session() as session:
        names = tuple(service.name for service in catalog_queries.all_services(session))
    initial: dict[str, str] = {
        FormField.DAY: WEEKDAYS[DEFAULT_WEEKDAY],
        FormField.TIME: time_of_day(DEFAULT_AT_MINUTE),
        FormField.TZ: ctx.runtime.settings.timezone.key,
    }
    return settings_form(Form.DIGEST, ADD_USAGE, initial=initial, services=names, locale=ctx.locale)


@DIGEST.route("list", "/sla digest list", t("list weekly digests and when each runs next"))
def list_(ctx: CommandContext, text: str) -> Reply:
    if parse_args(text, frozenset()).words:
        raise UserError(t("/sla digest list takes nothing after it"))
    with ctx.runtime.db.session() as session:
        infos = digests.list_digests(session)
    return render.digest_list(infos, ctx.now(), locale=ctx.locale)


@DIGEST.route("remove", "/sla digest remove <id>", t("stop a weekly digest"))
def remove(ctx: CommandContext, text: str) -> Reply:
    words = parse_args(text, frozenset()).words
    if len(words) != 1:
        raise UserError(t("Give the digest's number from /sla digest list, like: /sla digest remove 3"))
    digest_id = parse_id(words[0], "digest", "/sla digest list")
    ctx.require_admin()
    with ctx.runtime.db.session() as session:
        info = digests.remove_digest(session, digest_id)
    return render.digest_removed(info, locale=ctx.locale)


def report(ctx: CommandContext, text: str) -> Reply:
    """Queue a digest of one week for this channel; a worker renders it after the ack and posts it here."""
    args = parse_args(text, frozenset({"week", "month", "format"}))
    if "month" in args.options or "format" in args.options:
        return monthly_report.report_month(ctx, args)
    if len(args.words) > 1:
        raise UserError(t("Give at most one service, like: /sla report checkout week=2026-W46"))
    now, zone = ctx.now(), ctx.runtime.settings.timezone
    monday = parse_week(args.options["week"], now, zone) if "week" in args.options else last_complete_week(now, zone)
    name = parse_name(args.words[0], "service") if args.words else None
    with ctx.runtime.db.session() as session:
        services = digests.resolve_services(session, [name] if name else [])
        service_ids = [service.id for service in services] or None
        runs.queue_report(session, ctx.channel_id, monday, zone, service_ids, ctx.user_id, now)
    return render.report_queued(Week(monday, zone), name, ctx.channel_id, locale=ctx.locale)
