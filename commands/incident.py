"""/incident open | ack | resolve | pause | resume | list | show."""

from __future__ import annotations

from datetime import datetime

from commands.args import Args, parse_args, parse_choice, parse_incident_id, parse_name, parse_percent
from commands.context import CommandContext
from commands.router import CommandGroup
from slabot.core.errors import UserError
from slabot.core.timefmt import parse_when
from slabot.incidents import lifecycle as incidents
from slabot.incidents import pauses as incident_pause
from slabot.incidents.flow import after_resolve, open_and_announce
from slabot.incidents.lifecycle import NewIncident
from slabot.incidents.targets import TimerBook
from slabot.notify.announce import post, update
from slabot.render import incidents as render
from slabot.render import itsm as render_itsm
from slabot.render.follow_up import FollowUp
from slabot.render.reply import Reply
from storage.models.catalog import Service
from storage.models.incidents import Incident
from storage.queries import incidents as incident_queries
from storage.queries import rca as rca_queries

INCIDENT = CommandGroup("/incident", "Incidents")
LIST_LIMIT = 40


def _severity(text: str) -> int:
    raw = text.lower().removeprefix("sev")
    if raw not in ("1", "2", "3", "4"):
        raise UserError(f"severity must be sev1, sev2, sev3 or sev4 (got '{text}')")
    return int(raw)


def _when(ctx: CommandContext, key: str, text: str, now: datetime) -> datetime:
    try:
        return parse_when(text, now, ctx.runtime.settings.timezone)
    except ValueError as error:
        raise UserError(f"{key}=: {error}") from None


@INCIDENT.route(
    "open",
    "/incident open <service> <sev1|sev2|sev3|sev4> <title…> [started=30m|2026-11-21T09:30] [impact=100]",
    "record an incident and announce it in the service channel",
)
def open_(ctx: CommandContext, text: str) -> Reply:
    args = parse_args(text, frozenset({"started", "impact"}), free_text=True)
    if len(args.words) < 3:
        raise UserError("Give the service, the severity and a title, like: /incident open checkout sev2 Payments fail")
    now = ctx.now()
    new = NewIncident(
        service_name=parse_name(args.words[0], "service"),
        severity=_severity(args.words[1]),
        title=" ".join(args.words[2:]),
        started_at=_when(ctx, "started", args.options["started"], now) if "started" in args.options else now,
        impact_percent=parse_percent(args.options.get("impact", "100"), "impact", allow_hundred=True),
    )
    incident, service, problem = open_and_announce(ctx.runtime, ctx.client, new, ctx.user_id, ctx.channel_id)
    return render.confirmation(incident, service, "Opened", problem)


def _one_incident_id(args: Args, verb: str) -> int:
    if len(args.words) != 1:
        raise UserError(f"Give the incident number, like: /incident {verb} 12")
    return parse_incident_id(args.words[0])


def _announce_change(ctx: CommandContext, incident: Incident, service: Service, note: Reply) -> str | None:
    """Post the note in the incident's thread and refresh the announcement; returns a problem to report."""
    if incident.channel_id is None or incident.thread_ts is None:
        return None
    _, error = post(ctx.client, incident.channel_id, note, thread_ts=incident.thread_ts)
    refreshed = render.announcement(incident, service, ctx.now(), ctx.runtime.settings.timezone)
    update(ctx.client, incident.channel_id, incident.thread_ts, refreshed)
    return render.post_failure(incident.channel_id, error) if error else None


@INCIDENT.route("ack", "/incident ack <id>", "acknowledge an incident")
def ack(ctx: CommandContext, text: str) -> Reply:
    args = parse_args(text, frozenset())
    incident_id = _one_incident_id(args, "ack")
    with ctx.runtime.db.session() as session:
        incident, service = incidents.acknowledge(session, incident_id, ctx.user_id, ctx.now())
    problem = _announce_change(ctx, incident, service, render.acknowledged_note(incident))
    return render.confirmation(incident, service, "Acknowledged", problem)


@INCIDENT.route("resolve", "/incident resolve <id> [resolved=10m|2026-11-21T11:00]", "resolve an incident")
def resolve(ctx: CommandContext, text: str) -> Reply:
    args = parse_args(text, frozenset({"resolved"}))
    incident_id = _one_incident_id(args, "resolve")
    now = ctx.now()
    resolved_at = _when(ctx, "resolved", args.options["resolved"], now) if "resolved" in args.options else None
    with ctx.runtime.db.session() as session:
        incident, service = incidents.resolve(session, incident_id, ctx.user_id, now, resolved_at)
    problem = _announce_change(ctx, incident, service, render.resolved_note(incident))
    after_resolve(ctx.runtime, ctx.client, incident, ctx.user_id)
    return render.confirmation(incident, service, "Resolved", problem)


@INCIDENT.route(
    "pause", "/incident pause <id> [reason…]", "stop an incident's SLA timers while it waits on someone outside"
)
def pause(ctx: CommandContext, text: str) -> Reply:
    first, _, reason = text.strip().partition(" ")
    if not first:
        raise UserError("Give the incident number and why, like: /incident pause 12 waiting on the card processor")
    incident_id = parse_incident_id(first)
    with ctx.runtime.db.session() as session:
        incident, service = incident_pause.pause(session, incident_id, ctx.user_id, ctx.now(), reason)
    note = render_itsm.paused_note(incident, ctx.user_id, " ".join(reason.split()) or None)
    problem = _announce_change(ctx, incident, service, note)
    return render.confirmation(incident, service, "Paused the SLA timers of", problem)


@INCIDENT.route("resume", "/incident resume <id>", "restart a paused incident's SLA timers")
def resume(ctx: CommandContext, text: str) -> Reply:
    args = parse_args(text, frozenset())
    incident_id = _one_incident_id(args, "resume")
    now = ctx.now()
    with ctx.runtime.db.session() as session:
        incident, service, paused_at = incident_pause.resume(session, incident_id, ctx.user_id, now)
    note = render_itsm.resumed_note(incident, ctx.user_id, paused_at, now)
    problem = _announce_change(ctx, incident, service, note)
    return render.confirmation(incident, service, "Resumed the SLA timers of", problem)


@INCIDENT.route("list", "/incident list [open|all]", "list unresolved (or all) incidents")
def list_(ctx: CommandContext, text: str) -> Reply:
    args = parse_args(text, frozenset())
    if len(args.words) > 1:
        raise UserError("Say open or all, like: /incident list all")
    which = parse_choice(args.words[0], "the list", ("open", "all")) if args.words else "open"
    with ctx.runtime.db.session() as session:
        rows = incident_queries.incidents_with_services(session, only_unresolved=which == "open", limit=LIST_LIMIT)
    return render.incident_list(rows, ctx.now(), ctx.runtime.settings.timezone, which == "open")


@INCIDENT.route("show", "/incident show <id>", "details and timeline of an incident")
def show(ctx: CommandContext, text: str) -> Reply:
    args = parse_args(text, frozenset())
    incident_id = _one_incident_id(args, "show")
    now, zone = ctx.now(), ctx.runtime.settings.timezone
    with ctx.runtime.db.session() as session:
        incident, service = incidents.get_incident(session, incident_id)
        timeline = incident_queries.incident_timeline(session, incident_id)
        timers = TimerBook.load(session, zone).timers(incident, timeline, now)
        follow_up = FollowUp(
            rca_queries.latest_rca(session, incident_id),
            rca_queries.action_items_of(session, incident_id),
            rca_queries.csat_of(session, incident_id),
        )
    return render.incident_detail(incident, service, timeline, now, zone, timers, follow_up)
