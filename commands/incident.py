"""/incident open | ack | resolve | pause | resume | list | show."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlmodel import Session

from commands.args import Args, parse_args, parse_incident_id, parse_percent, parse_time
from commands.context import CommandContext
from commands.forms import Form, OpenForm
from commands.router import CommandGroup
from slabot.catalog.names import parse_name
from slabot.config.runtime import Runtime
from slabot.core.errors import UserError, shown
from slabot.core.i18n import t, tr
from slabot.incidents import lifecycle, satisfaction
from slabot.incidents.events import AlreadyDone, IncidentChange
from slabot.incidents.lifecycle import NewIncident
from slabot.incidents.targets import TimerBook
from slabot.notify import keys
from slabot.notify.delivery import DeliveryReport
from slabot.notify.notifier import Notifier, Queued
from slabot.rca import runs as rca
from slabot.rca.analysis import latest_analysis
from slabot.render import incidents as render
from slabot.render.follow_up import FollowUp
from slabot.render.locale import DEFAULT_LOCALE, Locale
from slabot.render.reply import Reply
from storage.models.catalog import Service
from storage.models.incidents import EVENT_DETAIL_MAX as REASON_MAX
from storage.models.incidents import TITLE_MAX, Incident, IncidentEventKind, IncidentStatus
from storage.queries import catalog as service_queries
from storage.queries import incidents as incident_queries
from storage.queries import rca as rca_queries

INCIDENT = CommandGroup("/incident", t("Incident commands"))
LIST_LIMIT = 40
RESOLVE_CHOICES = 100  # the incidents the Resolve incident form lists (a static select's options)


def _severity(text: str) -> int:
    raw = text.lower().removeprefix("sev")
    if raw not in ("1", "2", "3", "4"):
        raise UserError(t("severity must be sev1, sev2, sev3 or sev4 (got '{text}')", text=text))
    return int(raw)


def _when(ctx: CommandContext, key: str, text: str, now: datetime) -> datetime:
    return parse_time(key, text, now, ctx.runtime.settings.timezone)


def delivery_problem(
    report: DeliveryReport, key: str, channel: str | None, locale: Locale = DEFAULT_LOCALE
) -> str | None:
    """What to tell the person when the message under `key` did not reach Slack right away (in their language)."""
    problem = report.problem(key)
    if problem is None or channel is None:
        return None
    final, error = problem
    if final:
        return render.post_failure(channel, error or "unknown_error", locale)
    return render.post_delayed(channel, error, locale)


def record_incident(
    runtime: Runtime, notifier: Notifier, new: NewIncident, actor: str, where: str | None
) -> tuple[IncidentChange, Queued]:
    """Record the incident and queue its announcement in one transaction (delivered by the caller)."""
    now = runtime.now()
    with runtime.db.session() as session:
        change = lifecycle.open_incident(session, new, actor, now, where)
        queued = notifier.queue(session, [change], now)
    return change, queued


def announced(
    notifier: Notifier, change: IncidentChange, queued: Queued, locale: Locale = DEFAULT_LOCALE
) -> str | None:
    """Deliver what record_incident queued; a problem to tell the person (in `locale`) when the announcement did
    not go out."""
    report = notifier.deliver(queued)
    return delivery_problem(report, keys.announcement(change.incident.id), change.incident.channel_id, locale)


def open_and_announce(
    runtime: Runtime,
    notifier: Notifier,
    new: NewIncident,
    actor: str,
    where: str | None,
    locale: Locale = DEFAULT_LOCALE,
) -> tuple[IncidentChange, str | None]:
    """Record the incident and queue its announcement in one transaction, then deliver it; the change, and
    a problem to tell the person when the announcement did not go out at once. Shared by /incident open
    and the alert's Open incident modal."""
    change, queued = record_incident(runtime, notifier, new, actor, where)
    return change, announced(notifier, change, queued, locale)


def declarable_services(runtime: Runtime) -> tuple[str, ...]:
    """The services an incident can be declared on (the declare form's choices), by name."""
    with runtime.db.session() as session:
        names = tuple(service.name for service in service_queries.all_services(session))
    if not names:
        raise UserError(t("There are no services yet: add one first with /sla service add."))
    return names


@INCIDENT.route(
    "open",
    t(
        "/incident open <service> <sev1|sev2|sev3|sev4> <title…> [started=30m|2026-11-21T09:30] [impact=100] (title "
        "up to {max} characters)",
        max=TITLE_MAX,
    ),
    t("record an incident and announce it in the service channel"),
)
def open_(ctx: CommandContext, text: str) -> Reply:
    args = parse_args(text, frozenset({"started", "impact"}), free_text=True)
    if len(args.words) < 3:
        raise UserError(
            t("Give the service, the severity and a title, like: /incident open checkout sev2 Payments fail")
        )
    now = ctx.now()
    new = NewIncident(
        service_name=parse_name(args.words[0], "service"),
        severity=_severity(args.words[1]),
        title=" ".join(args.words[2:]),
        started_at=_when(ctx, "started", args.options["started"], now) if "started" in args.options else now,
        impact_percent=parse_percent(args.options.get("impact", "100"), "impact", allow_hundred=True),
    )
    change, problem = open_and_announce(ctx.runtime, ctx.notifier, new, ctx.user_id, ctx.channel_id, ctx.locale)
    posted = change.incident.channel_id is not None and problem is None
    return render.confirmation(change.incident, change.service, "Opened", problem, posted=posted, locale=ctx.locale)


def _one_incident_id(args: Args, verb: str) -> int:
    if len(args.words) != 1:
        raise UserError(t("Give the incident number, like: /incident {verb} 12", verb=verb))
    return parse_incident_id(args.words[0])


def queue_change(
    session: Session, runtime: Runtime, notifier: Notifier, change: IncidentChange, now: datetime
) -> Queued:
    """Queue a change's messages and, after a resolve, what follows it: the opener's survey and perhaps a
    5-Why (the budget policy). Shared by the commands and Alertmanager's webhook."""
    settings = runtime.settings
    queued = notifier.queue(session, [change, *satisfaction.surveys_after(change)], now)
    if change.kind == IncidentEventKind.RESOLVED:
        started = rca.start_if_costly(session, change.incident, settings.auto_rca, settings.timezone, now)
        queued += notifier.queue(session, started, now)
    return queued


Change = Callable[[Session, datetime], IncidentChange | AlreadyDone]


def _change(ctx: CommandContext, verb: str, change_it: Change) -> Reply:
    """One unit of work: the change, the messages it causes (a note in the thread, the refreshed
    announcement; after a resolve the opener's survey and perhaps a 5-Why), all queued before it commits,
    then delivered. The person is told when the note could not go out at once, and who made the change
    and when if it had been made already (then nothing is written or sent)."""
    now = ctx.now()
    settings = ctx.runtime.settings
    locale = ctx.locale  # looked up (perhaps asking Slack, then remembered) before the transaction, never in it
    with ctx.runtime.db.session() as session:
        change = change_it(session, now)
        if isinstance(change, AlreadyDone):
            return render.already_done(change, settings.timezone, locale=locale)
        queued = queue_change(session, ctx.runtime, ctx.notifier, change, now)
    report = ctx.notifier.deliver(queued)
    incident = change.incident
    note = keys.incident_note(incident.id, change.timeline_id)
    problem = delivery_problem(report, note, incident.channel_id, locale)
    return render.confirmation(
        incident, change.service, verb, problem, posted=incident.channel_id is not None, locale=locale
    )


def acknowledge_incident(ctx: CommandContext, incident_id: int) -> Reply:
    """/incident ack, and the App Home's Acknowledge button."""
    return _change(
        ctx, "Acknowledged", lambda session, now: lifecycle.acknowledge(session, incident_id, ctx.user_id, now)
    )


def resolve_incident(ctx: CommandContext, incident_id: int, at: datetime | None = None) -> Reply:
    """/incident resolve, and the Resolve incident form (resolved now, or `at`)."""
    return _change(ctx, "Resolved", lambda session, now: lifecycle.resolve(session, incident_id, ctx.user_id, now, at))


@INCIDENT.route("ack", "/incident ack <id>", t("acknowledge an incident"))
def ack(ctx: CommandContext, text: str) -> Reply:
    return acknowledge_incident(ctx, _one_incident_id(parse_args(text, frozenset()), "ack"))


def resolvable_incidents(runtime: Runtime) -> tuple[tuple[Incident, Service], ...]:
    """The unresolved incidents the Resolve incident form picks from, newest first: one more than it lists, so
    the form knows to ask for the number instead."""
    with runtime.db.session() as session:
        rows = incident_queries.incidents_with_services(session, only_unresolved=True, limit=RESOLVE_CHOICES + 1)
    if not rows:
        raise UserError(t("No incident is unresolved, so there is nothing to resolve. See /incident list all."))
    return tuple(rows)


def incident_to_resolve(runtime: Runtime, incident_id: int, locale: Locale) -> tuple[Incident, Service] | Reply:
    """The incident a Resolve button opens the form for; what /incident resolve would say ("already resolved
    by … at …") when it is resolved already."""
    with runtime.db.session() as session:
        incident, service = lifecycle.get_incident(session, incident_id)
    if incident.status != IncidentStatus.RESOLVED:
        return incident, service
    done = AlreadyDone(
        IncidentEventKind.RESOLVED, IncidentEventKind.RESOLVED, incident, incident.resolved_by, incident.resolved_at
    )
    return render.already_done(done, runtime.settings.timezone, locale=locale)


RESOLVE_USAGE = "/incident resolve <id> [resolved=10m|2026-11-21T11:00]"


@INCIDENT.route("resolve", RESOLVE_USAGE, t("resolve an incident"))
def resolve(ctx: CommandContext, text: str) -> Reply:
    args = parse_args(text, frozenset({"resolved"}))
    if not args.words and not args.options:
        unopened = tr(
            ctx.locale, "The form could not be opened; type the incident's number instead, like: /incident resolve 12"
        )
        return OpenForm(text=unopened, form=Form.RESOLVE_INCIDENT, usage=RESOLVE_USAGE)
    incident_id = _one_incident_id(args, "resolve")
    now = ctx.now()
    at = _when(ctx, "resolved", args.options["resolved"], now) if "resolved" in args.options else None
    return resolve_incident(ctx, incident_id, at)


@INCIDENT.route(
    "pause",
    t("/incident pause <id> [reason…] (reason up to {max} characters)", max=REASON_MAX),
    t("stop an incident's SLA timers while it waits on someone outside"),
)
def pause(ctx: CommandContext, text: str) -> Reply:
    first, _, reason = text.strip().partition(" ")
    if not first:
        raise UserError(t("Give the incident number and why, like: /incident pause 12 waiting on the card processor"))
    incident_id = parse_incident_id(first)
    return _change(
        ctx,
        "Paused the SLA timers of",
        lambda session, now: lifecycle.pause(session, incident_id, ctx.user_id, now, reason),
    )


@INCIDENT.route("resume", "/incident resume <id>", t("restart a paused incident's SLA timers"))
def resume(ctx: CommandContext, text: str) -> Reply:
    incident_id = _one_incident_id(parse_args(text, frozenset()), "resume")
    return _change(
        ctx, "Resumed the SLA timers of", lambda session, now: lifecycle.resume(session, incident_id, ctx.user_id, now)
    )


@INCIDENT.route("list", "/incident list [open|all]", t("list unresolved (or all) incidents"))
def list_(ctx: CommandContext, text: str) -> Reply:
    args = parse_args(text, frozenset())
    if len(args.words) > 1:
        raise UserError(t("Say open or all, like: /incident list all"))
    which = args.words[0].lower() if args.words else "open"
    if which not in ("open", "all"):
        raise UserError(t("the list must be open or all (got '{text}')", text=shown(args.words[0])))
    with ctx.runtime.db.session() as session:
        rows = incident_queries.incidents_with_services(session, only_unresolved=which == "open", limit=LIST_LIMIT)
    return render.incident_list(rows, ctx.now(), ctx.runtime.settings.timezone, which == "open", locale=ctx.locale)


@INCIDENT.route("show", "/incident show <id>", t("details and timeline of an incident"))
def show(ctx: CommandContext, text: str) -> Reply:
    incident_id = _one_incident_id(parse_args(text, frozenset()), "show")
    now, zone = ctx.now(), ctx.runtime.settings.timezone
    with ctx.runtime.db.session() as session:
        incident, service = lifecycle.get_incident(session, incident_id)
        timeline = incident_queries.incident_timeline(session, incident_id)
        timers = TimerBook.load(session, zone).timers(incident, timeline, now)
        follow_up = FollowUp(
            latest_analysis(session, incident_id),
            rca_queries.action_items_of(session, incident_id),
            rca_queries.csat_of(session, incident_id),
        )
    return render.incident_detail(incident, service, timeline, now, zone, timers, follow_up, locale=ctx.locale)
