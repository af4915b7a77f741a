"""Incident messages: the channel announcement (the incident's thread), thread updates, lists and details."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement

from slabot.core.i18n import tn, tr
from slabot.core.mentions import channel_mention, oncall_mention, user_mention
from slabot.core.timefmt import format_duration, format_when
from slabot.incidents.events import AlreadyDone
from slabot.incidents.timers import TimerState
from slabot.render.follow_up import FollowUp, follow_up_blocks
from slabot.render.ids import ActionId, BlockId
from slabot.render.itsm import timers_text
from slabot.render.locale import DEFAULT_LOCALE, Locale
from slabot.render.reply import Reply, context, escape, fields_only, header, section, with_more
from storage.models.catalog import Service
from storage.models.incidents import Incident, IncidentEvent, IncidentEventKind, IncidentStatus

STATUS_ICON = {
    IncidentStatus.OPEN: ":rotating_light:",
    IncidentStatus.ACKNOWLEDGED: ":eyes:",
    IncidentStatus.RESOLVED: ":white_check_mark:",
}


def _title(incident: Incident, locale: Locale) -> str:
    """The incident as mrkdwn (blocks and fallback text alike): its title escaped, so no typed mention pings."""
    return tr(locale, "#{id} sev{severity}: {title}", id=incident.id, severity=incident.severity,
              title=escape(incident.title))  # fmt: skip


def _header_title(incident: Incident, locale: Locale) -> str:
    """The incident's header (plain_text, which Slack never parses: the title as typed)."""
    icon = STATUS_ICON[IncidentStatus(incident.status)]
    return tr(locale, "{icon} Incident #{id} sev{severity}: {title}", icon=icon, id=incident.id,
              severity=incident.severity, title=incident.title)  # fmt: skip


def _elapsed(start: datetime, end: datetime, locale: Locale) -> str:
    return format_duration(int((end - start).total_seconds()), locale)


def status_word(status: str, locale: Locale) -> str:
    """An incident's state in a word: open, acknowledged or resolved."""
    if status == IncidentStatus.RESOLVED:
        return tr(locale, "resolved")
    if status == IncidentStatus.ACKNOWLEDGED:
        return tr(locale, "acknowledged")
    return tr(locale, "open")


def _status_text(incident: Incident, now: datetime, locale: Locale) -> str:
    if incident.resolved_at is not None:
        took = _elapsed(incident.started_at, incident.resolved_at, locale)
        return tr(locale, "resolved after {duration}", duration=took)
    if incident.acknowledged_at is not None:
        return tr(locale, "acknowledged, ongoing for {duration}", duration=_elapsed(incident.started_at, now, locale))
    return tr(locale, "open for {duration}, not acknowledged", duration=_elapsed(incident.started_at, now, locale))


def message_link(channel_id: str, ts: str) -> str:
    """A link to a Slack message by its channel and ts (Slack's permalink form, which it resolves to the
    workspace of whoever opens it)."""
    return f"https://slack.com/archives/{channel_id}/p{ts.replace('.', '')}"


def announcement_buttons(incident: Incident, analysed: bool, locale: Locale = DEFAULT_LOCALE) -> ActionsBlock | None:
    """What can be done next, as on the commands: Acknowledge while open, Resolve until resolved, then Start
    5-Why unless one is running or finished (`analysed`)."""
    value = str(incident.id)
    buttons: list[ButtonElement] = []
    if incident.status == IncidentStatus.OPEN:
        buttons.append(
            ButtonElement(text=tr(locale, "Acknowledge"), action_id=ActionId.INCIDENT_ACKNOWLEDGE, value=value)
        )
    if incident.status != IncidentStatus.RESOLVED:
        buttons.append(ButtonElement(text=tr(locale, "Resolve"), action_id=ActionId.INCIDENT_RESOLVE, value=value))
    elif not analysed:
        buttons.append(_start_5why(incident, locale))
    return ActionsBlock(block_id=BlockId.INCIDENT_ACTIONS, elements=buttons) if buttons else None


def _start_5why(incident: Incident, locale: Locale) -> ButtonElement:
    return ButtonElement(
        text=tr(locale, "Start 5-Why"), action_id=ActionId.RCA_START, value=str(incident.id), style="primary"
    )


def announcement(
    incident: Incident, service: Service, now: datetime, zone: ZoneInfo, *, analysed: bool = False, locale: Locale
) -> Reply:
    """The message in the service channel; kept up to date as the incident moves on, with the buttons its
    state allows (`analysed`: a 5-Why of it is running or finished)."""
    oncall = oncall_mention(service.oncall_id) if service.oncall_id else tr(locale, "nobody set (/sla service edit)")
    details = tr(
        locale,
        "*{service}* · sev{severity} · impact {impact}% · started {started}\n*Status:* {status}\n"
        "*On-call:* {oncall} · opened by {opener}",
        service=service.name,
        severity=incident.severity,
        impact=incident.impact_percent,
        started=format_when(incident.started_at, zone, locale=locale),
        status=_status_text(incident, now, locale),
        oncall=oncall,
        opener=user_mention(incident.opened_by),
    )
    blocks: list[Block] = [header(_header_title(incident, locale)), section(details)]
    if incident.source_channel_id and incident.source_ts:
        link = message_link(incident.source_channel_id, incident.source_ts)
        where = channel_mention(incident.source_channel_id)
        blocks.append(context(tr(locale, "Opened from <{link}|a message> in {channel}", link=link, channel=where)))
    buttons = announcement_buttons(incident, analysed, locale)
    if buttons is not None:
        blocks.append(buttons)
    if incident.status != IncidentStatus.RESOLVED:
        hint = tr(locale, "/incident ack {id} · /incident resolve {id} · updates follow in this thread", id=incident.id)
        blocks.append(context(hint))
    text = tr(locale, "Incident {title} on {service} ({status})", title=_title(incident, locale),
              service=service.name, status=status_word(incident.status, locale))  # fmt: skip
    if service.oncall_id:
        text = f"{text} {oncall_mention(service.oncall_id)}"
    return Reply(text=text, blocks=blocks, public=True)


def acknowledged_note(incident: Incident, *, locale: Locale) -> Reply:
    assert incident.acknowledged_at is not None and incident.acknowledged_by is not None
    took = _elapsed(incident.started_at, incident.acknowledged_at, locale)
    text = tr(locale, ":eyes: {who} acknowledged incident #{id} ({duration} after it started).",
              who=user_mention(incident.acknowledged_by), id=incident.id, duration=took)  # fmt: skip
    return Reply(text=text, blocks=[section(text)], public=True)


def resolved_note(incident: Incident, *, locale: Locale) -> Reply:
    """Posted in the incident's thread; its button starts the 5-Why there."""
    assert incident.resolved_at is not None and incident.resolved_by is not None
    took = _elapsed(incident.started_at, incident.resolved_at, locale)
    text = tr(locale, ":white_check_mark: {who} resolved incident #{id} after {duration}.",
              who=user_mention(incident.resolved_by), id=incident.id, duration=took)  # fmt: skip
    hint = tr(locale, "Find the root cause together in this thread, or later with /sla why {id}.", id=incident.id)
    blocks: list[Block] = [
        section(text),
        ActionsBlock(block_id=BlockId.RCA_START, elements=[_start_5why(incident, locale)]),
        context(hint),
    ]
    return Reply(text=text, blocks=blocks, public=True)


def paused_note(incident: Incident, actor: str, reason: str | None, *, locale: Locale) -> Reply:
    who = user_mention(actor)
    if reason:
        text = tr(locale, ":double_vertical_bar: {who} paused the SLA timers of incident #{id}: {reason}", who=who,
                  id=incident.id, reason=escape(reason))  # fmt: skip
    else:
        text = tr(locale, ":double_vertical_bar: {who} paused the SLA timers of incident #{id}.", who=who,
                  id=incident.id)  # fmt: skip
    return Reply(text=text, blocks=[section(text)], public=True)


def resumed_note(incident: Incident, actor: str, paused_at: datetime, now: datetime, *, locale: Locale) -> Reply:
    took = format_duration(max(0, int((now - paused_at).total_seconds())), locale)
    text = tr(locale, ":arrow_forward: {who} resumed the SLA timers of incident #{id} (paused for {duration}).",
              who=user_mention(actor), id=incident.id, duration=took)  # fmt: skip
    return Reply(text=text, blocks=[section(text)], public=True)


def _where(incident: Incident, locale: Locale) -> str:
    if incident.channel_id:
        return tr(locale, "in {channel}", channel=channel_mention(incident.channel_id))
    return tr(locale, "nowhere yet")


def _done(verb: str, incident: Incident, service: Service, locale: Locale) -> str:
    """The sentence of a change the person made: `verb` is Opened, Acknowledged, Resolved, or Paused / Resumed the
    SLA timers of."""
    shown = {
        "icon": STATUS_ICON[IncidentStatus(incident.status)],
        "title": _title(incident, locale),
        "service": service.name,
    }
    if verb == "Opened":
        return tr(locale, "{icon} Opened incident {title} on {service}.", **shown)
    if verb == "Acknowledged":
        return tr(locale, "{icon} Acknowledged incident {title} on {service}.", **shown)
    if verb == "Resolved":
        return tr(locale, "{icon} Resolved incident {title} on {service}.", **shown)
    if verb.startswith("Paused"):
        return tr(locale, "{icon} Paused the SLA timers of incident {title} on {service}.", **shown)
    return tr(locale, "{icon} Resumed the SLA timers of incident {title} on {service}.", **shown)


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
    text = _done(verb, incident, service, locale)
    blocks: list[Block] = [section(text)]
    if problem:
        blocks.append(section(f":warning: {problem}"))
        text += f"\n{problem}"
    elif posted and incident.channel_id:
        blocks.append(context(tr(locale, "Posted in {channel}.", channel=channel_mention(incident.channel_id))))
    return Reply(text=text, blocks=blocks)


def _already_text(result: AlreadyDone, zone: ZoneInfo, locale: Locale) -> tuple[str, str | None]:
    """What had been done already, by whom and when, and for some a detail line."""
    shown = {
        "id": result.incident.id,
        "who": user_mention(result.by) if result.by else tr(locale, "someone"),
        "when": format_when(result.at, zone, locale=locale) if result.at else tr(locale, "an unknown time"),
    }
    if result.done == IncidentEventKind.RESOLVED and result.asked in (
        IncidentEventKind.PAUSED,
        IncidentEventKind.RESUMED,
    ):
        text = tr(locale, "Incident #{id} is already resolved: its timers have stopped.", **shown)
        return text, tr(locale, "Resolved by {who} at {when}.", **shown)
    if result.done == IncidentEventKind.PAUSED:
        text = tr(locale, "Incident #{id} is already paused. Resume it with /incident resume {id}.", **shown)
        return text, tr(locale, "Paused by {who} at {when}.", **shown)
    if result.done == IncidentEventKind.RESOLVED:
        return tr(locale, "Incident #{id} was already resolved by {who} at {when}.", **shown), None
    if result.done == IncidentEventKind.ACKNOWLEDGED:
        return tr(locale, "Incident #{id} was already acknowledged by {who} at {when}.", **shown), None
    return tr(locale, "Incident #{id} was already resumed by {who} at {when}.", **shown), None


def already_done(result: AlreadyDone, zone: ZoneInfo, *, locale: Locale) -> Reply:
    """What the person is told when the change they asked for had been made already (perhaps a moment
    before, by someone else): by whom and when, in the configured zone."""
    said, detail = _already_text(result, zone, locale)
    text = f":warning: {said}"
    blocks: list[Block] = [section(text)]
    if detail is not None:
        blocks.append(context(detail))
        text += f"\n{detail}"
    return Reply(text=text, blocks=blocks)


def post_failure(channel_id: str, error: str, locale: Locale = DEFAULT_LOCALE) -> str:
    """A message Slack refused for good."""
    where = channel_mention(channel_id)
    if error in ("not_in_channel", "channel_not_found", "is_archived"):
        return tr(
            locale,
            "I could not post in {channel} ({error}). Invite me there with /invite @slabot, or set another channel "
            "with /sla service edit.",
            channel=where,
            error=error,
        )
    return tr(locale, "I could not post in {channel} ({error}); the incident is recorded all the same.", channel=where,
              error=error)  # fmt: skip


def recorded_with_problem(incident_id: int, problem: str, locale: Locale = DEFAULT_LOCALE) -> Reply:
    """The DM to whoever filed an incident from an alert's form when its announcement has not gone out."""
    text = tr(locale, ":warning: Incident #{id} is recorded. {problem}", id=incident_id, problem=problem)
    return Reply(text=text, blocks=[section(text)])


def post_delayed(channel_id: str, error: str | None, locale: Locale = DEFAULT_LOCALE) -> str:
    """A message Slack has not taken yet: it stays queued and goes out as soon as Slack answers."""
    where = channel_mention(channel_id)
    if error and error != "waiting":
        return tr(
            locale,
            "Slack has not taken the message for {channel} yet ({error}); the incident is recorded, and the message "
            "follows by itself as soon as Slack answers.",
            channel=where,
            error=error,
        )
    return tr(
        locale,
        "Slack has not taken the message for {channel} yet; the incident is recorded, and the message follows by "
        "itself as soon as Slack answers.",
        channel=where,
    )


def incident_line(
    incident: Incident, service: Service, now: datetime, zone: ZoneInfo, locale: Locale = DEFAULT_LOCALE
) -> str:
    """An incident as /incident list shows it (and the App Home): title, service, state, start."""
    return tr(
        locale,
        "{icon} *{title}* · {service}\n{status} · started {started}",
        icon=STATUS_ICON[IncidentStatus(incident.status)],
        title=_title(incident, locale),
        service=service.name,
        status=_status_text(incident, now, locale),
        started=format_when(incident.started_at, zone, locale=locale),
    )


def incident_list(
    rows: Sequence[tuple[Incident, Service]],
    now: datetime,
    zone: ZoneInfo,
    only_unresolved: bool,
    *,
    locale: Locale,
) -> Reply:
    if not rows:
        text = (
            tr(locale, "No unresolved incidents. :tada:")
            if only_unresolved
            else tr(locale, "No incidents recorded yet.")
        )
        return Reply(text=text, blocks=[section(text)])
    lines = [section(incident_line(incident, service, now, zone, locale)) for incident, service in rows]
    items = tr(locale, "; ").join(
        tr(locale, "{title} ({status})", title=_title(i, locale), status=status_word(i.status, locale)) for i, _ in rows
    )
    if only_unresolved:
        title = tr(locale, "Unresolved incidents ({n})", n=len(rows))
        text = tr(locale, "Unresolved incidents: {incidents}", incidents=items)
    else:
        title = tr(locale, "Incidents ({n})", n=len(rows))
        text = tr(locale, "Incidents: {incidents}", incidents=items)
    blocks = with_more(
        [header(title)], lines, lambda n: tn(locale, "…and {n} more incident", "…and {n} more incidents", n), reserve=1
    )
    if only_unresolved:
        blocks.append(context(tr(locale, "Resolved ones too: /incident list all")))
    return Reply(text=text, blocks=blocks)


def _event_line(event: IncidentEvent, zone: ZoneInfo, locale: Locale) -> str:
    shown = {"when": format_when(event.at, zone, locale=locale), "who": user_mention(event.actor)}
    if event.kind == IncidentEventKind.OPENED:
        line = tr(locale, "{when} · opened by {who}", **shown)
    elif event.kind == IncidentEventKind.ACKNOWLEDGED:
        line = tr(locale, "{when} · acknowledged by {who}", **shown)
    elif event.kind == IncidentEventKind.RESOLVED:
        line = tr(locale, "{when} · resolved by {who}", **shown)
    elif event.kind == IncidentEventKind.PAUSED:
        line = tr(locale, "{when} · paused by {who}", **shown)
    else:
        line = tr(locale, "{when} · resumed by {who}", **shown)
    return tr(locale, "{event}: {detail}", event=line, detail=escape(event.detail)) if event.detail else line


def _field(label: str, value: object) -> str:
    return f"*{label}*\n{value}"


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
        _field(tr(locale, "Service"), service.name),
        _field(tr(locale, "Severity"), f"sev{incident.severity}"),
        _field(tr(locale, "Status"), _status_text(incident, now, locale)),
        _field(tr(locale, "Impact"), f"{incident.impact_percent}%"),
        _field(tr(locale, "Started"), format_when(incident.started_at, zone, locale=locale)),
        _field(tr(locale, "Thread"), _where(incident, locale)),
    ]
    if incident.acknowledged_at is not None:
        took = _elapsed(incident.started_at, incident.acknowledged_at, locale)
        fields.append(_field(tr(locale, "Time to acknowledge"), took))
    if incident.resolved_at is not None:
        fields.append(
            _field(tr(locale, "Time to resolve"), _elapsed(incident.started_at, incident.resolved_at, locale))
        )
    events = "\n".join(_event_line(event, zone, locale) for event in timeline)
    blocks: list[Block] = [
        header(_header_title(incident, locale)),
        fields_only(fields),
        *([section(timers_text(timers, now, locale))] if timers else []),
        section(_field(tr(locale, "Timeline"), events or tr(locale, "nothing recorded"))),
        *(follow_up_blocks(incident, follow_up, zone, locale=locale) if follow_up is not None else []),
    ]
    text = tr(locale, "Incident {title} on {service}: {status}", title=_title(incident, locale), service=service.name,
              status=_status_text(incident, now, locale))  # fmt: skip
    return Reply(text=text, blocks=blocks)
