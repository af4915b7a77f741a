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
from slabot.core.i18n import Message, t, tr
from slabot.core.timefmt import format_duration, format_percent, format_target, format_when
from slabot.incidents.satisfaction import CSAT_HIGHEST
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
from slabot.render.rca import asked_questions, category_label
from slabot.render.status import budget_amount, window_label
from slabot.slo.measurement import Measure
from storage.models.catalog import Budgeting, Service
from storage.models.incidents import CsatRating, Incident, IncidentEventKind, IncidentStatus
from storage.models.rca import ActionItem, ActionItemStatus, RcaTrigger

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


def _table(header: str, rows: Iterable[Iterable[str]]) -> list[str]:
    """A Markdown table under its header line (`| a | b |`, in the reader's language)."""
    columns = header.count("|") - 1
    return [header, "|" + " --- |" * columns, *("| " + " | ".join(row) + " |" for row in rows)]


def _since(start: datetime, end: datetime | None, locale: Locale) -> str | None:
    return None if end is None else format_duration(exact_seconds(end - start), locale)


# --- sections -----------------------------------------------------------------------------------------


def _status_line(status: IncidentStatus, paused_since: str | None) -> Message:
    """The summary's status line: "resolved", "acknowledged (paused since …)"."""
    if paused_since is None:
        if status == IncidentStatus.RESOLVED:
            return t("- **Status:** resolved")
        if status == IncidentStatus.ACKNOWLEDGED:
            return t("- **Status:** acknowledged")
        return t("- **Status:** open")
    if status == IncidentStatus.RESOLVED:
        return t("- **Status:** resolved (paused since {time})", time=paused_since)
    if status == IncidentStatus.ACKNOWLEDGED:
        return t("- **Status:** acknowledged (paused since {time})", time=paused_since)
    return t("- **Status:** open (paused since {time})", time=paused_since)


def _summary(incident: Incident, service: Service, zone: ZoneInfo, now: datetime, locale: Locale) -> list[str]:
    def when(moment: datetime | None) -> str:
        return tr(locale, "not yet") if moment is None else format_when(moment, zone, locale=locale)

    to_ack = _since(incident.started_at, incident.acknowledged_at, locale) or tr(locale, "not acknowledged yet")
    to_resolve = _since(incident.started_at, incident.resolved_at, locale)
    if to_resolve is None:
        so_far = format_duration(exact_seconds(max(now - incident.started_at, timedelta(0))), locale)
        to_resolve = tr(locale, "ongoing ({duration} so far)", duration=so_far)
    impact = format(incident.impact_percent.normalize(), "f")
    paused = None if incident.paused_at is None else format_when(incident.paused_at, zone, locale=locale)
    return [
        tr(
            locale,
            "# Postmortem: incident #{id} sev{severity} — {title}",
            id=incident.id,
            severity=incident.severity,
            title=inline(incident.title),
        ),
        "",
        tr(locale, "- **Service:** {service}", service=inline(service.name)),
        tr(locale, "- **Severity:** sev{severity}", severity=incident.severity),
        tr(locale, "- **Impact:** {impact}%", impact=impact),
        _status_line(IncidentStatus(incident.status), paused).render(locale),
        tr(locale, "- **Started:** {time}", time=format_when(incident.started_at, zone, locale=locale)),
        tr(locale, "- **Acknowledged:** {time}", time=when(incident.acknowledged_at)),
        tr(locale, "- **Resolved:** {time}", time=when(incident.resolved_at)),
        tr(locale, "- **Time to acknowledge:** {duration}", duration=to_ack),
        tr(locale, "- **Time to resolve:** {duration}", duration=to_resolve),
        tr(locale, "- **Opened by:** {person}", person=user(incident.opened_by)),
        tr(locale, "- **Acknowledged by:** {person}", person=user(incident.acknowledged_by)),
        tr(locale, "- **Resolved by:** {person}", person=user(incident.resolved_by)),
    ]


_CHANGES = {
    IncidentEventKind.OPENED: t("opened"),
    IncidentEventKind.ACKNOWLEDGED: t("acknowledged"),
    IncidentEventKind.RESOLVED: t("resolved"),
    IncidentEventKind.PAUSED: t("paused"),
    IncidentEventKind.RESUMED: t("resumed"),
}
_STARTS = {
    RcaTrigger.COMMAND: t("5-Why started (command)"),
    RcaTrigger.BUTTON: t("5-Why started (button)"),
    RcaTrigger.AUTO: t("5-Why started (auto)"),
}


def _event(what: Happening, locale: Locale) -> str:
    """The timeline's event column: "acknowledged", "5-Why started (auto)", "action item #2 done"."""
    match what:
        case IncidentChanged(kind):
            return _CHANGES[IncidentEventKind(kind)].render(locale)
        case RcaStarted(trigger):
            return _STARTS[RcaTrigger(trigger)].render(locale)
        case RcaFinished():
            return tr(locale, "5-Why finished")
        case ActionAdded(action_id):
            return tr(locale, "action item #{id} added", id=action_id)
        case ActionDone(action_id):
            return tr(locale, "action item #{id} done", id=action_id)


def _timeline(entries: Iterable[TimelineEntry], zone: ZoneInfo, locale: Locale) -> list[str]:
    rows = [
        [format_when(entry.at, zone, locale=locale), _event(entry.what, locale), user(entry.who), cell(entry.detail)]
        for entry in entries
    ]
    header = tr(locale, "| time | event | who | detail |")
    return [tr(locale, "## Timeline"), "", *_table(header, rows)]


def _method(impact: BudgetImpact, locale: Locale) -> str:
    """The kind column: "SLO, incidents", "SLA, timeslices"."""
    kind = impact.objective.kind.upper()
    if impact.time_based:
        return tr(locale, "{kind}, incidents", kind=kind)
    if impact.objective.budgeting == Budgeting.TIMESLICES:
        return tr(locale, "{kind}, timeslices", kind=kind)
    return tr(locale, "{kind}, occurrences", kind=kind)


def _impact_row(service: Service, impact: BudgetImpact, costly: bool, zone: ZoneInfo, locale: Locale) -> list[str]:
    objective = impact.objective
    window = window_label(objective.window, locale)
    if impact.bounds is not None:
        start, end = (format_when(moment, zone, locale=locale) for moment in (impact.bounds.start, impact.bounds.end))
        window = tr(locale, "{window} ({start} → {end})", window=window, start=start, end=end)
    if impact.consumed is None:
        consumed = tr(locale, "no data (no events in the window)")
    else:
        consumed = format_percent(impact.consumed, locale=locale)
    return [
        cell(f"{service.name}/{objective.name}"),
        _method(impact, locale),
        format_target(target_from_percent(objective.target_percent)),
        window,
        budget_amount(Measure.of(impact.objective), impact.bad, locale),
        budget_amount(Measure.of(impact.objective), impact.budget, locale),
        f"**{consumed}**" if costly else consumed,
    ]


def _impacts(postmortem: Postmortem, zone: ZoneInfo, locale: Locale) -> list[str]:
    service, impacts, costly = postmortem.service, postmortem.impacts, postmortem.costly
    lines = [tr(locale, "## Impact on error budgets"), ""]
    if not impacts:
        said = tr(locale, "{service} has no objectives, so no error budget was measured.", service=inline(service.name))
        return [*lines, said]
    header = tr(locale, "| objective | kind | target | window | bad | budget | consumed |")
    lines += _table(header, [_impact_row(service, i, i in costly, zone, locale) for i in impacts])
    threshold = format_percent(POSTMORTEM_SHARE, 0, locale=locale)
    if costly:
        names = ", ".join(inline(f"{service.name}/{i.objective.name}") for i in costly)
        crossed = tr(
            locale,
            "This incident crossed the {threshold} postmortem threshold: it consumed more than {threshold} of the "
            "error budget of {names}, so a postmortem is required.",
            threshold=threshold,
            names=names,
        )
        return [*lines, "", crossed]
    below = tr(
        locale,
        "No objective lost more than {threshold} of its error budget (the postmortem threshold).",
        threshold=threshold,
    )
    return [*lines, "", below]


def _whys(incident: Incident, analysis: Analysis | None, zone: ZoneInfo, locale: Locale) -> list[str]:
    lines = [tr(locale, "## Five whys"), ""]
    if analysis is None:
        return [*lines, tr(locale, "No 5-Why yet: start one with `/sla why {id}`.", id=incident.id)]
    if not analysis.finished:
        running = tr(
            locale,
            "This 5-Why is still running (started {time} by {person}): {n} of {total} answered so far.",
            time=format_when(analysis.rca.started_at, zone, locale=locale),
            person=user(analysis.rca.started_by),
            n=len(analysis.whys),
            total=MAX_WHYS,
        )
        lines += [running, ""]
    if not analysis.whys:
        return [*lines, tr(locale, "No answer yet.")]
    for asked, why in zip(asked_questions(incident.title, analysis.whys, locale), analysis.whys, strict=True):
        answer = f"{paragraph(why.answer)} — {user(why.answered_by)}"
        lines += [f"**{inline(asked)}**", "", answer, ""]  # the question as asked: "Why 2/5: why …?"
    return lines[:-1]


def _root_cause(analysis: Analysis | None, locale: Locale) -> list[str]:
    lines = [tr(locale, "## Root cause"), ""]
    if analysis is None or analysis.root_cause is None:
        return [*lines, tr(locale, "Not found yet.")]
    if analysis.category is not None:
        category = category_label(analysis.category, locale)
    else:
        category = tr(locale, "not classified")
    return [
        *lines,
        paragraph(analysis.root_cause),
        "",
        tr(locale, "Category (fishbone): {category}", category=category),
    ]


def _action_row(item: ActionItem, postmortem: Postmortem, zone: ZoneInfo, locale: Locale) -> str:
    """One action item's table row, its status in words: open, open (overdue), done 2026-11-21."""
    row = {"id": item.id, "text": cell(item.text), "owner": user(item.owner_id), "due": f"{item.due:%Y-%m-%d}"}
    if is_overdue(item, postmortem.today):
        return tr(locale, "| #{id} | {text} | {owner} | {due} | open (overdue) |", **row)
    if item.status == ActionItemStatus.OPEN:
        return tr(locale, "| #{id} | {text} | {owner} | {due} | open |", **row)
    if item.done_at is None:
        return tr(locale, "| #{id} | {text} | {owner} | {due} | done |", **row)
    day = f"{item.done_at.astimezone(zone):%Y-%m-%d}"
    return tr(locale, "| #{id} | {text} | {owner} | {due} | done {day} |", day=day, **row)


def _action_items(postmortem: Postmortem, zone: ZoneInfo, locale: Locale) -> list[str]:
    lines = [tr(locale, "## Action items"), ""]
    if not postmortem.action_items:
        return [*lines, tr(locale, "None recorded.")]
    table = _table(tr(locale, "| # | what | owner | due | status |"), [])
    return [*lines, *table, *(_action_row(item, postmortem, zone, locale) for item in postmortem.action_items)]


def _csat(rating: CsatRating | None, zone: ZoneInfo, locale: Locale) -> list[str]:
    lines = [tr(locale, "## Customer satisfaction"), ""]
    if rating is None:
        return [*lines, tr(locale, "Not rated.")]
    text = tr(
        locale,
        "Rated **{rating}/{highest}** by {person} on {time}.",
        rating=rating.rating,
        highest=CSAT_HIGHEST,
        person=user(rating.user_id),
        time=format_when(rating.rated_at, zone, locale=locale),
    )
    if rating.comment and rating.comment.strip():
        return [*lines, text, "", f"> {inline(rating.comment)}"]
    return [*lines, text]


def postmortem_markdown(postmortem: Postmortem, zone: ZoneInfo, *, locale: Locale) -> str:
    """The whole postmortem in `locale`, times shown in `zone`, ending with when it was exported."""
    incident = postmortem.incident
    sections = [
        _summary(incident, postmortem.service, zone, postmortem.now, locale),
        _timeline(postmortem.timeline, zone, locale),
        _impacts(postmortem, zone, locale),
        _whys(incident, postmortem.analysis, zone, locale),
        _root_cause(postmortem.analysis, locale),
        _action_items(postmortem, zone, locale),
        _csat(postmortem.rating, zone, locale),
        [tr(locale, "_Exported by slabot on {time}._", time=format_when(postmortem.now, zone, locale=locale))],
    ]
    return "\n\n".join("\n".join(lines) for lines in sections) + "\n"
