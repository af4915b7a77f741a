"""The postmortem as Markdown, for a lead to paste into a wiki: summary, timeline, the error budget it
consumed, the five whys, root cause, action items and the opener's rating.

User text is made safe for Markdown: Slack markup becomes plain mentions (`<@U0123|bob>` → `@U0123`), `<` and
`>` become entities (no stray HTML), and table cells escape `|` and keep line breaks as `<br>`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from slabot.core.budget import exact_seconds, target_from_percent
from slabot.core.timefmt import format_duration, format_percent, format_target, format_when
from slabot.rca.analysis import Analysis, is_overdue
from slabot.rca.conversation import MAX_WHYS
from slabot.rca.impact import POSTMORTEM_SHARE, BudgetImpact
from slabot.rca.postmortem import (
    ActionAdded,
    ActionDone,
    Happening,
    IncidentChanged,
    Postmortem,
    RcaFinished,
    RcaStarted,
    TimelineEntry,
)
from slabot.render.locale import Locale
from slabot.render.rca import category_label
from slabot.render.status import budget_amount
from slabot.slo.measurement import Measure
from storage.models.catalog import Service
from storage.models.incidents import CsatRating, Incident

__all__ = ["cell", "inline", "paragraph", "postmortem_markdown", "user"]

_USER = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
_CHANNEL = re.compile(r"<#(C[A-Z0-9]+)(?:\|([^>]*))?>")
_GROUP = re.compile(r"<!subteam\^([A-Z0-9]+)(?:\|([^>]*))?>")
_SPECIAL = re.compile(r"<!(here|channel|everyone)(?:\|[^>]*)?>")
_LINK = re.compile(r"<((?:https?|mailto):[^|>\s]+)(?:\|([^>]*))?>")
_BLOCK_START = re.compile(r"#|[-+*=_]|[0-9]+[.)]")
_SLACK_ID = re.compile(r"[UWB][A-Z0-9]{2,}")


def _plain(text: str) -> str:
    """Slack markup as plain text, then no raw HTML: `<@U0123|bob>` → `@U0123`, `<#C1|ops>` → `#ops`."""
    text = _USER.sub(lambda m: f"@{m.group(1)}", text)
    text = _CHANNEL.sub(lambda m: f"#{m.group(2) or m.group(1)}", text)
    text = _GROUP.sub(lambda m: m.group(2) if m.group(2) else f"@{m.group(1)}", text)
    text = _SPECIAL.sub(lambda m: f"@{m.group(1)}", text)
    text = _LINK.sub(lambda m: f"[{m.group(2)}]({m.group(1)})" if m.group(2) else m.group(1), text)
    return text.replace("<", "&lt;").replace(">", "&gt;")


def inline(text: str) -> str:
    """User text on one line of prose (a heading, a list item): line breaks become spaces."""
    return " ".join(_plain(text).split())


def paragraph(text: str) -> str:
    """User text starting a paragraph of its own: inline, and never read as a heading, list or rule."""
    flat = inline(text)
    return "\\" + flat if _BLOCK_START.match(flat) else flat


def cell(text: str) -> str:
    """User text inside a table cell: `|` escaped, line breaks kept as <br>."""
    lines = [" ".join(line.split()) for line in _plain(text).replace("\\", "\\\\").replace("|", "\\|").splitlines()]
    return "<br>".join(line for line in lines if line)


def user(user_id: str | None) -> str:
    """A Slack user as `@U0123` (never a `<@U0123>` mention); anything else as written."""
    if not user_id:
        return "—"
    return f"@{user_id}" if _SLACK_ID.fullmatch(user_id) else inline(user_id)


def _table(header: Iterable[str], rows: Iterable[Iterable[str]]) -> list[str]:
    names = list(header)
    lines = ["| " + " | ".join(names) + " |", "|" + " --- |" * len(names)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def _since(start: datetime, end: datetime | None) -> str | None:
    return None if end is None else format_duration(exact_seconds(end - start))


# --- sections -----------------------------------------------------------------------------------------


def _summary(incident: Incident, service: Service, zone: ZoneInfo, now: datetime) -> list[str]:
    def when(moment: datetime | None, missing: str) -> str:
        return missing if moment is None else format_when(moment, zone)

    to_ack = _since(incident.started_at, incident.acknowledged_at) or "not acknowledged yet"
    to_resolve = _since(incident.started_at, incident.resolved_at)
    if to_resolve is None:
        to_resolve = f"ongoing ({format_duration(exact_seconds(max(now - incident.started_at, timedelta(0))))} so far)"
    status: str = incident.status.value
    if incident.paused_at is not None:
        status += f" (paused since {format_when(incident.paused_at, zone)})"
    return [
        f"# Postmortem: incident #{incident.id} sev{incident.severity} — {inline(incident.title)}",
        "",
        f"- **Service:** {inline(service.name)}",
        f"- **Severity:** sev{incident.severity}",
        f"- **Impact:** {incident.impact_percent.normalize():f}%",
        f"- **Status:** {status}",
        f"- **Started:** {format_when(incident.started_at, zone)}",
        f"- **Acknowledged:** {when(incident.acknowledged_at, 'not yet')}",
        f"- **Resolved:** {when(incident.resolved_at, 'not yet')}",
        f"- **Time to acknowledge:** {to_ack}",
        f"- **Time to resolve:** {to_resolve}",
        f"- **Opened by:** {user(incident.opened_by)}",
        f"- **Acknowledged by:** {user(incident.acknowledged_by)}",
        f"- **Resolved by:** {user(incident.resolved_by)}",
    ]


def _event(what: Happening) -> str:
    """The timeline's event column: "acknowledged", "5-Why started (auto)", "action item #2 done"."""
    match what:
        case IncidentChanged(kind):
            return kind.value
        case RcaStarted(trigger):
            return f"5-Why started ({trigger.value})"
        case RcaFinished():
            return "5-Why finished"
        case ActionAdded(action_id):
            return f"action item #{action_id} added"
        case ActionDone(action_id):
            return f"action item #{action_id} done"


def _timeline(entries: Iterable[TimelineEntry], zone: ZoneInfo) -> list[str]:
    rows = [[format_when(entry.at, zone), _event(entry.what), user(entry.who), cell(entry.detail)] for entry in entries]
    return ["## Timeline", "", *_table(["time", "event", "who", "detail"], rows)]


def _impact_row(service: Service, impact: BudgetImpact, costly: bool, zone: ZoneInfo) -> list[str]:
    objective = impact.objective
    method = "incidents" if impact.time_based else objective.budgeting
    window = objective.window
    if impact.bounds is not None:
        window += f" ({format_when(impact.bounds.start, zone)} → {format_when(impact.bounds.end, zone)})"
    consumed = "no data (no events in the window)" if impact.consumed is None else format_percent(impact.consumed)
    return [
        cell(f"{service.name}/{objective.name}"),
        f"{objective.kind.upper()}, {method}",
        format_target(target_from_percent(objective.target_percent)),
        window,
        budget_amount(Measure.of(impact.objective), impact.bad),
        budget_amount(Measure.of(impact.objective), impact.budget),
        f"**{consumed}**" if costly else consumed,
    ]


def _impacts(postmortem: Postmortem, zone: ZoneInfo) -> list[str]:
    service, impacts, costly = postmortem.service, postmortem.impacts, postmortem.costly
    lines = ["## Impact on error budgets", ""]
    if not impacts:
        return [*lines, f"{inline(service.name)} has no objectives, so no error budget was measured."]
    header = ["objective", "kind", "target", "window", "bad", "budget", "consumed"]
    lines += _table(header, [_impact_row(service, i, i in costly, zone) for i in impacts])
    threshold = format_percent(POSTMORTEM_SHARE, 0)
    if costly:
        names = ", ".join(inline(f"{service.name}/{i.objective.name}") for i in costly)
        lines += [
            "",
            f"This incident crossed the {threshold} postmortem threshold: it consumed more than "
            f"{threshold} of the error budget of {names}, so a postmortem is required.",
        ]
    else:
        lines += ["", f"No objective lost more than {threshold} of its error budget (the postmortem threshold)."]
    return lines


def _whys(incident_id: int, analysis: Analysis | None, zone: ZoneInfo) -> list[str]:
    lines = ["## Five whys", ""]
    if analysis is None:
        return [*lines, f"No 5-Why yet: start one with `/sla why {incident_id}`."]
    if not analysis.finished:
        lines += [
            f"This 5-Why is still running (started {format_when(analysis.rca.started_at, zone)} by "
            f"{user(analysis.rca.started_by)}): {len(analysis.whys)} of {MAX_WHYS} answered so far.",
            "",
        ]
    if not analysis.whys:
        return [*lines, "No answer yet."]
    for why in analysis.whys:
        answer = f"{paragraph(why.answer)} — {user(why.answered_by)}"
        lines += [f"**{inline(why.question)}**", "", answer, ""]  # the question as asked: "Why 2/5: why …?"
    return lines[:-1]


def _root_cause(analysis: Analysis | None) -> list[str]:
    lines = ["## Root cause", ""]
    if analysis is None or analysis.root_cause is None:
        return [*lines, "Not found yet."]
    category = category_label(analysis.category) if analysis.category is not None else "not classified"
    return [*lines, paragraph(analysis.root_cause), "", f"Category (fishbone): {category}"]


def _action_items(postmortem: Postmortem, zone: ZoneInfo) -> list[str]:
    lines = ["## Action items", ""]
    if not postmortem.action_items:
        return [*lines, "None recorded."]
    rows = []
    for item in postmortem.action_items:
        status: str = item.status.value
        if is_overdue(item, postmortem.today):
            status += " (overdue)"
        elif item.done_at is not None:
            status += f" {item.done_at.astimezone(zone):%Y-%m-%d}"
        rows.append([f"#{item.id}", cell(item.text), user(item.owner_id), f"{item.due:%Y-%m-%d}", status])
    return [*lines, *_table(["#", "what", "owner", "due", "status"], rows)]


def _csat(rating: CsatRating | None, zone: ZoneInfo) -> list[str]:
    lines = ["## Customer satisfaction", ""]
    if rating is None:
        return [*lines, "Not rated."]
    text = f"Rated **{rating.rating}/5** by {user(rating.user_id)} on {format_when(rating.rated_at, zone)}."
    if rating.comment and rating.comment.strip():
        return [*lines, text, "", f"> {inline(rating.comment)}"]
    return [*lines, text]


def postmortem_markdown(postmortem: Postmortem, zone: ZoneInfo, *, locale: Locale) -> str:
    """The whole postmortem, times shown in `zone`, ending with when it was exported."""
    incident = postmortem.incident
    sections = [
        _summary(incident, postmortem.service, zone, postmortem.now),
        _timeline(postmortem.timeline, zone),
        _impacts(postmortem, zone),
        _whys(incident.id, postmortem.analysis, zone),
        _root_cause(postmortem.analysis),
        _action_items(postmortem, zone),
        _csat(postmortem.rating, zone),
        [f"_Exported by slabot on {format_when(postmortem.now, zone)}._"],
    ]
    return "\n\n".join("\n".join(lines) for lines in sections) + "\n"
