"""Incident messages: the channel announcement (the incident's thread), thread updates, lists and details."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement

from slabot.core.mentions import channel_mention, oncall_mention, user_mention
from slabot.core.timefmt import format_duration, format_when
from slabot.incidents.events import AlreadyDone
from slabot.incidents.timers import TimerState
from slabot.render.follow_up import FollowUp, follow_up_blocks
from slabot.render.ids import ActionId, BlockId
from slabot.render.itsm import timers_text
from slabot.render.locale import Locale
from slabot.render.reply import Reply, context, escape, fields_only, header, section, with_more
from storage.models.catalog import Service
from storage.models.incidents import Incident, IncidentEvent, IncidentEventKind, IncidentStatus

STATUS_ICON = {
    IncidentStatus.OPEN: ":rotating_light:",
    IncidentStatus.ACKNOWLEDGED: ":eyes:",
    IncidentStatus.RESOLVED: ":white_check_mark:",
}


def _title(incident: Incident) -> str:
    """The incident as mrkdwn (blocks and fallback text alike): its title escaped, so no typed mention pings."""
    return f"#{incident.id} sev{incident.severity}: {escape(incident.title)}"


def _header_title(incident: Incident) -> str:
    """The same for a plain_text header, which Slack never parses: the title as typed."""
    return f"#{incident.id} sev{incident.severity}: {incident.title}"


def _elapsed(start: datetime, end: datetime) -> str:
    return format_duration(int((end - start).total_seconds()))


def _status_text(incident: Incident, now: datetime) -> str:
    if incident.resolved_at is not None:
        return f"resolved after {_elapsed(incident.started_at, incident.resolved_at)}"
    if incident.acknowledged_at is not None:
        return f"acknowledged, ongoing for {_elapsed(incident.started_at, now)}"
    return f"open for {_elapsed(incident.started_at, now)}, not acknowledged"


def message_link(channel_id: str, ts: str) -> str:
    """A link to a Slack message by its channel and ts (Slack's permalink form, which it resolves to the
    workspace of whoever opens it)."""
    return f"https://slack.com/archives/{channel_id}/p{ts.replace('.', '')}"


def announcement_buttons(incident: Incident, analysed: bool) -> ActionsBlock | None:
    """What can be done next, as on the commands: Acknowledge while open, Resolve until resolved, then Start
    5-Why unless one is running or finished (`analysed`)."""
    value = str(incident.id)
    buttons: list[ButtonElement] = []
    if incident.status == IncidentStatus.OPEN:
        buttons.append(ButtonElement(text="Acknowledge", action_id=ActionId.INCIDENT_ACKNOWLEDGE, value=value))
    if incident.status != IncidentStatus.RESOLVED:
        buttons.append(ButtonElement(text="Resolve", action_id=ActionId.INCIDENT_RESOLVE, value=value))
    elif not analysed:
        buttons.append(ButtonElement(text="Start 5-Why", action_id=ActionId.RCA_START, value=value, style="primary"))
    return ActionsBlock(block_id=BlockId.INCIDENT_ACTIONS, elements=buttons) if buttons else None


def announcement(
    incident: Incident, service: Service, now: datetime, zone: ZoneInfo, *, analysed: bool = False, locale: Locale
) -> Reply:
    """The message in the service channel; kept up to date as the incident moves on, with the buttons its
    state allows (`analysed`: a 5-Why of it is running or finished)."""
    icon = STATUS_ICON[IncidentStatus(incident.status)]
    oncall = oncall_mention(service.oncall_id) if service.oncall_id else "nobody set (/sla service edit)"
    details = (
        f"*{service.name}* · sev{incident.severity} · impact {incident.impact_percent}% · "
        f"started {format_when(incident.started_at, zone)}\n"
        f"*Status:* {_status_text(incident, now)}\n"
        f"*On-call:* {oncall} · opened by {user_mention(incident.opened_by)}"
    )
    blocks: list[Block] = [header(f"{icon} Incident {_header_title(incident)}"), section(details)]
    if incident.source_channel_id and incident.source_ts:
        link = message_link(incident.source_channel_id, incident.source_ts)
        blocks.append(context(f"Opened from <{link}|a message> in {channel_mention(incident.source_channel_id)}"))
    buttons = announcement_buttons(incident, analysed)
    if buttons is not None:
        blocks.append(buttons)
    if incident.status != IncidentStatus.RESOLVED:
        blocks.append(
            context(f"/incident ack {incident.id} · /incident resolve {incident.id} · updates follow in this thread")
        )
    mention = f" {oncall_mention(service.oncall_id)}" if service.oncall_id else ""
    text = f"Incident {_title(incident)} on {service.name} ({incident.status}){mention}"
    return Reply(text=text, blocks=blocks, public=True)


def acknowledged_note(incident: Incident, *, locale: Locale) -> Reply:
    assert incident.acknowledged_at is not None and incident.acknowledged_by is not None
    took = _elapsed(incident.started_at, incident.acknowledged_at)
    who = user_mention(incident.acknowledged_by)
    text = f":eyes: {who} acknowledged incident #{incident.id} ({took} after it started)."
    return Reply(text=text, blocks=[section(text)], public=True)


def resolved_note(incident: Incident, *, locale: Locale) -> Reply:
    """Posted in the incident's thread; its button starts the 5-Why there."""
    assert incident.resolved_at is not None and incident.resolved_by is not None
    took = _elapsed(incident.started_at, incident.resolved_at)
    text = f":white_check_mark: {user_mention(incident.resolved_by)} resolved incident #{incident.id} after {took}."
    start = ButtonElement(text="Start 5-Why", action_id=ActionId.RCA_START, value=str(incident.id), style="primary")
    blocks: list[Block] = [
        section(text),
        ActionsBlock(block_id=BlockId.RCA_START, elements=[start]),
        context(f"Find the root cause together in this thread, or later with /sla why {incident.id}."),
    ]
    return Reply(text=text, blocks=blocks, public=True)


def paused_note(incident: Incident, actor: str, reason: str | None, *, locale: Locale) -> Reply:
    why = f": {escape(reason)}" if reason else "."
    text = f":double_vertical_bar: {user_mention(actor)} paused the SLA timers of incident #{incident.id}{why}"
    return Reply(text=text, blocks=[section(text)], public=True)


def resumed_note(incident: Incident, actor: str, paused_at: datetime, now: datetime, *, locale: Locale) -> Reply:
    took = format_duration(max(0, int((now - paused_at).total_seconds())))
    text = (
        f":arrow_forward: {user_mention(actor)} resumed the SLA timers of incident #{incident.id} (paused for {took})."
    )
    return Reply(text=text, blocks=[section(text)], public=True)


def _where(incident: Incident) -> str:
    return f"in {channel_mention(incident.channel_id)}" if incident.channel_id else "nowhere yet"


def confirmation(
    incident: Incident,
    service: Service,
    verb: str,
    problem: str | None = None,
    *,
    posted: bool = False,
    locale: Locale,
) -> Reply:
    """What the person who typed the command sees; `posted`: its message reached the incident's channel."""
    text = f"{STATUS_ICON[IncidentStatus(incident.status)]} {verb} incident {_title(incident)} on {service.name}."
    blocks: list[Block] = [section(text)]
    if problem:
        blocks.append(section(f":warning: {problem}"))
        text += f"\n{problem}"
    elif posted:
        blocks.append(context(f"Posted {_where(incident)}."))
    return Reply(text=text, blocks=blocks)


def already_done(result: AlreadyDone, zone: ZoneInfo, *, locale: Locale) -> Reply:
    """What the person is told when the change they asked for had been made already (perhaps a moment
    before, by someone else): by whom and when, in the configured zone."""
    number = result.incident.id
    by = f" by {user_mention(result.by)}" if result.by else ""
    at = f" at {format_when(result.at, zone)}" if result.at else ""
    timers = result.asked in (IncidentEventKind.PAUSED, IncidentEventKind.RESUMED)
    detail: str | None = None
    if result.done == IncidentEventKind.RESOLVED and timers:
        text = f"Incident #{number} is already resolved: its timers have stopped."
        detail = f"Resolved{by}{at}."
    elif result.done == IncidentEventKind.RESOLVED:
        text = f"Incident #{number} was already resolved{by}{at}."
    elif result.done == IncidentEventKind.ACKNOWLEDGED:
        text = f"Incident #{number} was already acknowledged{by}{at}."
    elif result.done == IncidentEventKind.PAUSED:
        text = f"Incident #{number} is already paused. Resume it with /incident resume {number}."
        detail = f"Paused{by}{at}."
    else:
        text = f"Incident #{number} was already resumed{by}{at}."
    text = f":warning: {text}"
    blocks: list[Block] = [section(text)]
    if detail is not None:
        blocks.append(context(detail))
        text += f"\n{detail}"
    return Reply(text=text, blocks=blocks)


def post_failure(channel_id: str, error: str) -> str:
    """A message Slack refused for good."""
    if error in ("not_in_channel", "channel_not_found", "is_archived"):
        return (
            f"I could not post in {channel_mention(channel_id)} ({error}). "
            "Invite me there with /invite @slabot, or set another channel with /sla service edit."
        )
    return f"I could not post in {channel_mention(channel_id)} ({error}); the incident is recorded all the same."


def recorded_with_problem(incident_id: int, problem: str) -> Reply:
    """The DM to whoever filed an incident from an alert's form when its announcement has not gone out."""
    text = f":warning: Incident #{incident_id} is recorded. {problem}"
    return Reply(text=text, blocks=[section(text)])


def post_delayed(channel_id: str, error: str | None) -> str:
    """A message Slack has not taken yet: it stays queued and goes out as soon as Slack answers."""
    why = f" ({error})" if error and error != "waiting" else ""
    return (
        f"Slack has not taken the message for {channel_mention(channel_id)} yet{why}; the incident is recorded, "
        "and the message follows by itself as soon as Slack answers."
    )


def incident_line(incident: Incident, service: Service, now: datetime, zone: ZoneInfo) -> str:
    """An incident as /incident list shows it (and the App Home): title, service, state, start."""
    return (
        f"{STATUS_ICON[IncidentStatus(incident.status)]} *{_title(incident)}* · {service.name}\n"
        f"{_status_text(incident, now)} · started {format_when(incident.started_at, zone)}"
    )


def incident_list(
    rows: Sequence[tuple[Incident, Service]],
    now: datetime,
    zone: ZoneInfo,
    only_unresolved: bool,
    *,
    locale: Locale,
) -> Reply:
    title = "Unresolved incidents" if only_unresolved else "Incidents"
    if not rows:
        text = "No unresolved incidents. :tada:" if only_unresolved else "No incidents recorded yet."
        return Reply(text=text, blocks=[section(text)])
    lines = [section(incident_line(incident, service, now, zone)) for incident, service in rows]
    blocks = with_more([header(f"{title} ({len(rows)})")], lines, "incidents", reserve=1)
    if only_unresolved:
        blocks.append(context("Resolved ones too: /incident list all"))
    text = f"{title}: " + "; ".join(f"{_title(i)} ({i.status})" for i, _ in rows)
    return Reply(text=text, blocks=blocks)


def incident_detail(
    incident: Incident,
    service: Service,
    timeline: Sequence[IncidentEvent],
    now: datetime,
    zone: ZoneInfo,
    timers: Sequence[TimerState] = (),
    follow_up: FollowUp | None = None,
    *,
    locale: Locale,
) -> Reply:
    """/incident show: the facts, SLA timers, timeline and, when given, what followed (root cause, action
    items, the opener's rating)."""
    fields = [
        f"*Service*\n{service.name}",
        f"*Severity*\nsev{incident.severity}",
        f"*Status*\n{_status_text(incident, now)}",
        f"*Impact*\n{incident.impact_percent}%",
        f"*Started*\n{format_when(incident.started_at, zone)}",
        f"*Thread*\n{_where(incident)}",
    ]
    if incident.acknowledged_at is not None:
        fields.append(f"*Time to acknowledge*\n{_elapsed(incident.started_at, incident.acknowledged_at)}")
    if incident.resolved_at is not None:
        fields.append(f"*Time to resolve*\n{_elapsed(incident.started_at, incident.resolved_at)}")
    events = "\n".join(
        f"{format_when(event.at, zone)} · {event.kind} by {user_mention(event.actor)}"
        + (f": {escape(event.detail)}" if event.detail else "")
        for event in timeline
    )
    blocks: list[Block] = [
        header(f"{STATUS_ICON[IncidentStatus(incident.status)]} Incident {_header_title(incident)}"),
        fields_only(fields),
        *([section(timers_text(timers, now))] if timers else []),
        section(f"*Timeline*\n{events or 'nothing recorded'}"),
        *(follow_up_blocks(incident, follow_up, zone, locale=locale) if follow_up is not None else []),
    ]
    text = f"Incident {_title(incident)} on {service.name}: {_status_text(incident, now)}"
    return Reply(text=text, blocks=blocks)
