"""/sla calendar (business calendars) and /sla policy sev<N> (incident response and resolution targets)."""

from __future__ import annotations

import re
from datetime import date

from commands.args import Args, parse_args, tokenize
from commands.context import CommandContext
from commands.router import CommandGroup
from slabot.catalog.names import parse_name, parse_zone
from slabot.core.business_time import parse_hours
from slabot.core.errors import UserError
from slabot.incidents import calendars, targets
from slabot.incidents.lifecycle import SEVERITIES
from slabot.incidents.timers import BUILTIN_BUSINESS
from slabot.render import itsm as render
from slabot.render.reply import Reply
from storage.models.incidents import CalendarDayKind

CALENDAR = CommandGroup("/sla calendar", "Business calendars")
_OPTION = re.compile(r"^([a-z_]+)=(.*)$", re.DOTALL)
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_SEVERITY = re.compile(r"sev[0-9]+", re.IGNORECASE)
_ADD_KEYS = frozenset({"tz", "hours", "country"})
_POLICY_KEYS = frozenset({"ack", "resolve", "calendar"})


def is_severity(word: str) -> bool:
    """/sla policy sev<N> is about incident targets, not an objective's alert policy."""
    return _SEVERITY.fullmatch(word) is not None


def _add_args(text: str) -> Args:
    """Words and options, where the unquoted words after hours= belong to it up to the next key=value
    (`hours=mon-fri 09:00-12:00,13:00-18:00 country=CN`); quoted hours work too."""
    args = Args()
    current: str | None = None
    for token in tokenize(text):
        match = _OPTION.match(token)
        key = match.group(1).lower() if match else None
        if match and key is not None:
            if key not in _ADD_KEYS:
                raise UserError(f"unknown option {key}= (options here: country=, hours=, tz=)")
            if key in args.options:
                raise UserError(f"{key}= is given twice")
            args.options[key] = match.group(2).strip()
            current = key
        elif current == "hours":
            args.options["hours"] = f"{args.options['hours']} {token}".strip()
        else:
            args.words.append(token)
    return args


def _calendar_name(args: Args, example: str) -> str:
    if not args.words:
        raise UserError(f"Give the calendar's name, like: {example}")
    return parse_name(args.words[0], "calendar")


@CALENDAR.route(
    "add",
    '/sla calendar add <name> tz=<Area/City> hours="mon-fri 09:00-12:00,13:00-18:00" [country=CN]',
    "add a business calendar: working hours in a zone, a country's public holidays",
)
def calendar_add(ctx: CommandContext, text: str) -> Reply:
    args = _add_args(text)
    example = "/sla calendar add cn-office tz=Asia/Shanghai hours=mon-fri 09:00-12:00,13:00-18:00 country=CN"
    name = _calendar_name(args, example)
    if len(args.words) > 1:
        raise UserError(f"Give one name, then tz=, hours= and country=, like: {example}")
    if "tz" not in args.options or "hours" not in args.options:
        raise UserError(f"Give the zone and the working hours, like: {example}")
    zone = parse_zone(args.options["tz"])
    ctx.require_admin()
    with ctx.runtime.db.session() as session:
        calendar = calendars.add_calendar(
            session,
            name,
            zone.key,
            args.options["hours"],
            args.options.get("country") or None,
            ctx.user_id,
            now=ctx.now(),
        )
    return render.calendar_added(calendar, parse_hours(calendar.hours).day_seconds, locale=ctx.locale)


def _day(ctx: CommandContext, text: str, kind: CalendarDayKind) -> Reply:
    args = parse_args(text, frozenset())
    example = f"/sla calendar {kind.value} cn-office 2026-12-24"
    if len(args.words) != 2:
        raise UserError(f"Give the calendar and the date, like: {example}")
    name = parse_name(args.words[0], "calendar")
    raw = args.words[1]
    try:
        if not _DATE.fullmatch(raw):
            raise ValueError(raw)
        day = date.fromisoformat(raw)
    except ValueError:
        raise UserError(f"'{raw}' is not a date: write it as YYYY-MM-DD, like: {example}") from None
    ctx.require_admin()
    with ctx.runtime.db.session() as session:
        calendar, row, previous = calendars.calendar_day(session, name, day, kind, ctx.user_id)
    return render.calendar_day_set(calendar, row, previous, locale=ctx.locale)


@CALENDAR.route("holiday", "/sla calendar holiday <name> <YYYY-MM-DD>", "make a date a day off on a calendar")
def calendar_holiday(ctx: CommandContext, text: str) -> Reply:
    return _day(ctx, text, CalendarDayKind.HOLIDAY)


@CALENDAR.route("workday", "/sla calendar workday <name> <YYYY-MM-DD>", "make a date a working day on a calendar")
def calendar_workday(ctx: CommandContext, text: str) -> Reply:
    return _day(ctx, text, CalendarDayKind.WORKDAY)


@CALENDAR.route("list", "/sla calendar list", "list calendars, their hours and days off")
def calendar_list(ctx: CommandContext, text: str) -> Reply:
    if parse_args(text, frozenset()).words:
        raise UserError("/sla calendar list takes nothing after it")
    with ctx.runtime.db.session() as session:
        specs = targets.targets(session).values()
        infos = calendars.list_calendars(session, ctx.runtime.settings.timezone, list(specs))
    return render.calendar_list(infos, locale=ctx.locale)


@CALENDAR.route("remove", "/sla calendar remove <name>", "remove a calendar no severity counts on")
def calendar_remove(ctx: CommandContext, text: str) -> Reply:
    args = parse_args(text, frozenset())
    if len(args.words) != 1:
        raise UserError("Give the calendar's name, like: /sla calendar remove cn-office")
    name = parse_name(args.words[0], "calendar")
    ctx.require_admin()
    with ctx.runtime.db.session() as session:
        calendar = calendars.remove_calendar(session, name, list(targets.targets(session).values()))
    return render.calendar_removed(calendar, builtin_takes_over=name == BUILTIN_BUSINESS, locale=ctx.locale)


def _severity(word: str) -> int:
    raw = word.lower().removeprefix("sev")
    if not raw.isascii() or not raw.isdigit() or len(raw) > 2 or int(raw) not in SEVERITIES:
        raise UserError(f"severity must be sev1, sev2, sev3 or sev4 (got '{word}')")
    return int(raw)


def severity_policy(ctx: CommandContext, text: str) -> Reply:
    """/sla policy sev<N> [ack=<duration>] [resolve=<duration>] [calendar=<name>]; no options shows all four."""
    args = parse_args(text, _POLICY_KEYS)
    if len(args.words) != 1:
        raise UserError("Give one severity and the targets, like: /sla policy sev3 ack=4h resolve=3d calendar=business")
    severity = _severity(args.words[0])
    options = args.options
    for key, value in options.items():
        if not value:
            raise UserError(f"{key}= needs a value, like {key}=" + ("business" if key == "calendar" else "4h"))
    zone = ctx.runtime.settings.timezone
    if options:
        ctx.require_admin()
    with ctx.runtime.db.session() as session:
        if options:
            targets.set_target(
                session,
                severity,
                options.get("ack"),
                options.get("resolve"),
                parse_name(options["calendar"], "calendar") if "calendar" in options else None,
                ctx.user_id,
                now=ctx.now(),
            )
        book = targets.TimerBook.load(session, zone)
        rows = [book.row(level) for level in SEVERITIES]
    return render.targets_reply(rows, changed=severity if options else None, locale=ctx.locale)
