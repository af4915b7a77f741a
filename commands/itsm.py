"""/sla calendar (business calendars) and /sla policy sev<N> (incident response and resolution targets), and
their forms: New calendar, and a severity's targets (each typed bare, for admins)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import cast
from zoneinfo import ZoneInfo

from commands.args import Args, first_error, parse_args, parse_each, tokenize
from commands.context import CommandContext
from commands.forms import Form, OpenForm, settings_form
from commands.router import CommandGroup
from slabot.catalog.names import parse_name, parse_zone
from slabot.core.business_time import parse_hours
from slabot.core.errors import UserError, said_by, shown
from slabot.core.i18n import DEFAULT_LOCALE, Locale, t, tr
from slabot.incidents import calendars, targets
from slabot.incidents.lifecycle import SEVERITIES
from slabot.incidents.timers import ALWAYS_ON, BUILTIN_BUSINESS, BUSINESS_HOURS
from slabot.render import itsm as render
from slabot.render.ids import FormField
from slabot.render.reply import Reply
from storage.models.incidents import CalendarDayKind

CALENDAR = CommandGroup("/sla calendar", t("Business calendars"))
_OPTION = re.compile(r"^([a-z_]+)=(.*)$", re.DOTALL)
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_SEVERITY = re.compile(r"sev[0-9]+", re.IGNORECASE)
_ADD_KEYS = frozenset({"tz", "hours", "country"})
_POLICY_KEYS = frozenset({"ack", "resolve", "calendar"})
CALENDAR_ADD_USAGE = '/sla calendar add <name> tz=<Area/City> hours="mon-fri 09:00-12:00,13:00-18:00" [country=CN]'
TARGETS_USAGE = "/sla policy sev<N> [ack=<duration>] [resolve=<duration>] [calendar=<name>]"


@dataclass(frozen=True)
class NewCalendar:
    """A business calendar as typed, parsed: its name, zone and working hours (its country is checked as it is
    stored)."""

    name: str
    zone: ZoneInfo
    hours: str
    country: str | None


def _hours(text: str) -> str:
    try:
        parse_hours(text)
    except ValueError as error:
        raise UserError(t("{key}=: {problem}", key="hours", problem=said_by(error))) from None
    return text.strip()


CALENDAR_PARSERS: dict[str, Callable[[str], object]] = {
    "name": lambda text: parse_name(text, "calendar"),
    "tz": parse_zone,
    "hours": _hours,
    "country": lambda text: text.strip() or None,
}


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
                raise UserError(
                    t("unknown option {key}= (options here: {known})", key=key, known="country=, hours=, tz=")
                )
            if key in args.options:
                raise UserError(t("{key}= is given twice", key=key))
            args.options[key] = match.group(2).strip()
            current = key
        elif current == "hours":
            args.options["hours"] = f"{args.options['hours']} {token}".strip()
        else:
            args.words.append(token)
    return args


def _calendar_name(args: Args, example: str) -> str:
    if not args.words:
        raise UserError(t("Give the calendar's name, like: {example}", example=example))
    return parse_name(args.words[0], "calendar")


@CALENDAR.route(
    "add",
    CALENDAR_ADD_USAGE,
    t("add a business calendar: working hours in a zone, a country's public holidays"),
)
def calendar_add(ctx: CommandContext, text: str) -> Reply:
    if not text.strip():
        return calendar_form(ctx)
    args = _add_args(text)
    example = "/sla calendar add cn-office tz=Asia/Shanghai hours=mon-fri 09:00-12:00,13:00-18:00 country=CN"
    name = _calendar_name(args, example)
    if len(args.words) > 1:
        raise UserError(t("Give one name, then tz=, hours= and country=, like: {example}", example=example))
    if "tz" not in args.options or "hours" not in args.options:
        raise UserError(t("Give the zone and the working hours, like: {example}", example=example))
    new, errors = read_calendar({**args.options, "name": name}, ctx.locale)
    first_error(errors)
    assert new is not None
    return add_calendar(ctx, new)


def read_calendar(
    options: Mapping[str, str], locale: Locale = DEFAULT_LOCALE
) -> tuple[NewCalendar | None, dict[str, str]]:
    """The calendar `options` give (name, tz, hours, country; a part left out is empty), or the error of each
    part refused, by key (in the reader's `locale`)."""
    given = {key: options.get(key, "") for key in CALENDAR_PARSERS}
    values, errors = parse_each(given, CALENDAR_PARSERS, locale)
    if errors:
        return None, errors
    name, zone, hours = cast(str, values["name"]), cast(ZoneInfo, values["tz"]), cast(str, values["hours"])
    return NewCalendar(name, zone, hours, cast(str | None, values["country"])), {}


def add_calendar(ctx: CommandContext, new: NewCalendar) -> Reply:
    """Store a business calendar (for admins): /sla calendar add, and its form."""
    ctx.require_admin()
    with ctx.runtime.db.session() as session:
        calendar = calendars.add_calendar(
            session, new.name, new.zone.key, new.hours, new.country, ctx.user_id, now=ctx.now()
        )
    return render.calendar_added(calendar, parse_hours(calendar.hours).day_seconds, locale=ctx.locale)


def calendar_form(ctx: CommandContext) -> OpenForm:
    """The New calendar form (for admins), starting in the bot's zone with Mon-Fri 09:00-17:00."""
    ctx.require_admin()
    initial: dict[str, str] = {FormField.TZ: ctx.runtime.settings.timezone.key, FormField.HOURS: BUSINESS_HOURS}
    return settings_form(Form.CALENDAR, CALENDAR_ADD_USAGE, initial=initial, locale=ctx.locale)


def _day(ctx: CommandContext, text: str, kind: CalendarDayKind) -> Reply:
    args = parse_args(text, frozenset())
    example = f"/sla calendar {kind.value} cn-office 2026-12-24"
    if len(args.words) != 2:
        raise UserError(t("Give the calendar and the date, like: {example}", example=example))
    name = parse_name(args.words[0], "calendar")
    raw = args.words[1]
    try:
        if not _DATE.fullmatch(raw):
            raise ValueError(raw)
        day = date.fromisoformat(raw)
    except ValueError:
        raise UserError(
            t("'{text}' is not a date: write it as YYYY-MM-DD, like: {example}", text=shown(raw), example=example)
        ) from None
    ctx.require_admin()
    with ctx.runtime.db.session() as session:
        calendar, row, previous = calendars.calendar_day(session, name, day, kind, ctx.user_id)
    return render.calendar_day_set(calendar, row, previous, locale=ctx.locale)


@CALENDAR.route("holiday", "/sla calendar holiday <name> <YYYY-MM-DD>", t("make a date a day off on a calendar"))
def calendar_holiday(ctx: CommandContext, text: str) -> Reply:
    return _day(ctx, text, CalendarDayKind.HOLIDAY)


@CALENDAR.route("workday", "/sla calendar workday <name> <YYYY-MM-DD>", t("make a date a working day on a calendar"))
def calendar_workday(ctx: CommandContext, text: str) -> Reply:
    return _day(ctx, text, CalendarDayKind.WORKDAY)


@CALENDAR.route("list", "/sla calendar list", t("list calendars, their hours and days off"))
def calendar_list(ctx: CommandContext, text: str) -> Reply:
    if parse_args(text, frozenset()).words:
        raise UserError(t("/sla calendar list takes nothing after it"))
    with ctx.runtime.db.session() as session:
        specs = targets.targets(session).values()
        infos = calendars.list_calendars(session, ctx.runtime.settings.timezone, list(specs))
    return render.calendar_list(infos, locale=ctx.locale)


@CALENDAR.route("remove", "/sla calendar remove <name>", t("remove a calendar no severity counts on"))
def calendar_remove(ctx: CommandContext, text: str) -> Reply:
    args = parse_args(text, frozenset())
    if len(args.words) != 1:
        raise UserError(t("Give the calendar's name, like: {example}", example="/sla calendar remove cn-office"))
    name = parse_name(args.words[0], "calendar")
    ctx.require_admin()
    with ctx.runtime.db.session() as session:
        calendar = calendars.remove_calendar(session, name, list(targets.targets(session).values()))
    return render.calendar_removed(calendar, builtin_takes_over=name == BUILTIN_BUSINESS, locale=ctx.locale)


def _severity(word: str) -> int:
    raw = word.lower().removeprefix("sev")
    if not raw.isascii() or not raw.isdigit() or len(raw) > 2 or int(raw) not in SEVERITIES:
        raise UserError(t("severity must be sev1, sev2, sev3 or sev4 (got '{text}')", text=shown(word)))
    return int(raw)


def severity_policy(ctx: CommandContext, text: str) -> Reply:
    """/sla policy sev<N> [ack=<duration>] [resolve=<duration>] [calendar=<name>]; with no options the form
    of the severity's targets for admins, all four severities' targets for everyone else."""
    args = parse_args(text, _POLICY_KEYS)
    if len(args.words) != 1:
        raise UserError(
            t("Give one severity and the targets, like: /sla policy sev3 ack=4h resolve=3d calendar=business")
        )
    severity = _severity(args.words[0])
    if not args.options:
        if ctx.runtime.settings.is_admin(ctx.user_id):
            return severity_form(ctx, severity)
        with ctx.runtime.db.session() as session:
            book = targets.TimerBook.load(session, ctx.runtime.settings.timezone)
            rows = [book.row(level) for level in SEVERITIES]
        return render.targets_reply(rows, changed=None, locale=ctx.locale)  # the locale is looked up after the read
    changes, errors = read_targets(args.options, ctx.locale)
    first_error(errors)
    return change_targets(ctx, severity, changes)


def read_targets(options: Mapping[str, str], locale: Locale = DEFAULT_LOCALE) -> tuple[dict[str, str], dict[str, str]]:
    """The targets `options` change (ack=, resolve= as typed, calendar= by its name), and the error of each
    refused, by key; the durations are checked as they are stored (change_targets)."""
    changes: dict[str, str] = {}
    errors: dict[str, str] = {}
    for key in ("ack", "resolve", "calendar"):
        value = options.get(key)
        if value is None:
            continue
        if not value.strip():
            example = f"{key}=business" if key == "calendar" else f"{key}=4h"
            errors[key] = tr(locale, "{key}= needs a value, like {example}", key=key, example=example)
            continue
        try:
            changes[key] = parse_name(value, "calendar") if key == "calendar" else value
        except UserError as error:
            errors[key] = error.text(locale)
    return changes, errors


def change_targets(ctx: CommandContext, severity: int, changes: Mapping[str, str]) -> Reply:
    """Change some of a severity's targets (for admins): /sla policy sev<N> with options, and its form. Each
    part is set in turn in one transaction (all or nothing), so a refusal names the option it is about."""
    ctx.require_admin()
    with ctx.runtime.db.session() as session:
        for key in ("ack", "resolve", "calendar"):
            if key not in changes:
                continue
            parts = {part: changes[key] if part == key else None for part in ("ack", "resolve", "calendar")}
            try:
                targets.set_target(
                    session,
                    severity,
                    parts["ack"],
                    parts["resolve"],
                    parts["calendar"],
                    ctx.user_id,
                    now=ctx.now(),
                )
            except UserError as error:
                error.field = error.field or key
                raise
        book = targets.TimerBook.load(session, ctx.runtime.settings.timezone)
        rows = [book.row(level) for level in SEVERITIES]
    return render.targets_reply(rows, changed=severity, locale=ctx.locale)


def severity_form(ctx: CommandContext, severity: int) -> OpenForm:
    """The form of a severity's targets (for admins), filled in with them as they count now, and the calendars
    to count them on (the built-in ones too)."""
    ctx.require_admin()
    with ctx.runtime.db.session() as session:
        spec = targets.targets(session)[severity]
        infos = calendars.list_calendars(session, ctx.runtime.settings.timezone, [])
    choices = tuple((info.name, _calendar_choice(info, ctx.locale)) for info in infos)
    initial: dict[str, str] = {
        FormField.SEVERITY: str(severity),
        FormField.ACK: spec.response,
        FormField.RESOLVE: spec.resolution,
        FormField.CALENDAR: spec.calendar,
    }
    return settings_form(Form.SEVERITY_TARGETS, TARGETS_USAGE, initial=initial, choices=choices, locale=ctx.locale)


def _calendar_choice(info: calendars.CalendarInfo, locale: Locale) -> str:
    """A calendar as the severity form offers it: its name, hours and zone (plain text)."""
    hours = tr(locale, "every hour") if info.name == ALWAYS_ON else info.hours
    return tr(locale, "{name} ({hours}, {zone})", name=info.name, hours=hours, zone=info.timezone)
