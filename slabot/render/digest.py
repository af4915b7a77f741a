"""The weekly digest message: summary first, failing objectives first, then incidents, breaches, root causes
(with a nudge to analyse the incidents that have none) and satisfaction.

Always within Slack's 50 blocks: objectives past the room left end with "…and N more objectives".
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction

from slack_sdk.models.blocks import Block

from slabot.core.timefmt import (
    format_attainment,
    format_duration,
    format_percent,
    format_share,
    format_target,
    format_when,
)
from slabot.render.charts.ranking import causes_pareto, pareto_rows, vital_few
from slabot.render.locale import Locale
from slabot.render.reply import Reply, clip, context, divider, escape, header, section, with_more
from slabot.render.status import format_amount, objective_name
from slabot.render.weeks import week_period
from slabot.reports.incident_stats import Attainment, BreachLine, ResponseTimes, SeverityStats
from slabot.reports.satisfaction_stats import CsatSummary
from slabot.reports.weekly import VERDICT_ORDER, DigestReport, ObjectiveLine, Verdict

VERDICT_WORDS = {
    Verdict.BREACHED: "breached",
    Verdict.AT_RISK: "at risk",
    Verdict.NO_DATA: "no data",
    Verdict.MET: "met",
}
VERDICT_ICON = {
    Verdict.BREACHED: ":red_circle:",
    Verdict.AT_RISK: ":large_yellow_circle:",
    Verdict.NO_DATA: ":white_circle:",
    Verdict.MET: ":large_green_circle:",
}
MAX_BREACH_LINES = 8
MAX_CAUSES = 5
MAX_NUDGE_IDS = 3
MAX_COMMENT = 300


def summary_text(report: DigestReport) -> str:
    parts = [f"{report.count(verdict)} {VERDICT_WORDS[verdict]}" for verdict in VERDICT_ORDER if report.count(verdict)]
    objectives = " · ".join(parts) if parts else "no objectives"
    incidents = len(report.incidents)
    return f"{objectives}; {incidents} incident{'s' if incidents != 1 else ''}, {len(report.breaches)} SLA breaches"


def _points(change: Fraction) -> str:
    """A change of the budget left in percentage points: "▼ 12.5 pts", "▲ 3 pts", "no change"."""
    if change == 0:
        return "no change"
    arrow = "▲" if change > 0 else "▼"
    return f"{arrow} {format_percent(abs(change)).removesuffix('%').removesuffix('.0')} pts"


def objective_text(line: ObjectiveLine) -> str:
    status, week = line.window, line.week
    objective = status.objective
    head = (
        f"{VERDICT_ICON[line.verdict]} *{escape(objective_name(status))}* {objective.kind.upper()} "
        f"{format_target(status.target)} over {objective.window} · *{VERDICT_WORDS[line.verdict]}*"
    )
    window = format_attainment(status.report.attainment, status.target)
    if line.left is None:
        budget = "budget: no data"
    else:
        budget = f"budget left {format_percent(line.left)}"
        if line.left_change is not None:
            budget += f" ({_points(line.left_change)} on the week before)"
    week_text = format_attainment(week.report.attainment, status.target)
    bad = format_amount(week, Fraction(week.measurement.window.bad))
    noun = "bad time" if week.time_based or objective.budgeting == "timeslices" else "bad"
    incidents = f"{line.incidents} incident{'s' if line.incidents != 1 else ''}"
    this_week = f"This week {week_text} · {noun} {bad} · {incidents}"
    return f"{head}\n{objective.window} attainment *{window}* · {budget}\n{this_week}"


def _time(value: Fraction | None) -> str:
    return "–" if value is None else format_duration(value)


def times_text(times: ResponseTimes) -> str:
    return (
        f"MTTA {_time(times.mtta_median)} (p90 {_time(times.mtta_p90)}) · "
        f"MTTR {_time(times.mttr_median)} (p90 {_time(times.mttr_p90)})"
    )


def _attainment(name: str, value: Attainment) -> str:
    if not value.decided:
        return f"{name} –"
    return f"{name} {value.met}/{value.decided} met ({format_share(value.ratio)})"


def severity_text(row: SeverityStats) -> str:
    return (
        f"*sev{row.severity}* · {row.count} · {times_text(row.times)} · "
        f"{_attainment('response', row.response)} · {_attainment('resolution', row.resolution)}"
    )


def incidents_text(report: DigestReport) -> str:
    total = len(report.incidents)
    if not total:
        return "*Incidents*\nNone started this week."
    counts = ", ".join(f"sev{row.severity}: {row.count}" for row in report.severities)
    lines = [f"*Incidents* {total} ({counts}) · {times_text(report.overall)}"]
    lines += [severity_text(row) for row in report.severities]
    return "\n".join(lines)


def breach_text(line: BreachLine, report: DigestReport) -> str:
    zone = report.week.zone
    return (
        f"• #{line.incident.id} {escape(line.service)} sev{line.incident.severity}: {line.timer.value} target "
        f"{format_duration(line.target_seconds)} missed at {format_when(line.due_at, zone)} · "
        f"{escape(line.incident.title)}"
    )


def breaches_text(report: DigestReport) -> str:
    if not report.breaches:
        return "*SLA breaches*\nNone this week."
    shown = [breach_text(line, report) for line in report.breaches[:MAX_BREACH_LINES]]
    more = len(report.breaches) - len(shown)
    if more:
        shown.append(f"…and {more} more breaches")
    return f"*SLA breaches* {len(report.breaches)}\n" + "\n".join(shown)


def causes_text(report: DigestReport, *, locale: Locale) -> str:
    causes = causes_pareto(report.causes, locale=locale)
    items = [item for item, _ in pareto_rows(causes.items)]
    total = sum((item.value for item in items), Fraction(0))
    if not items or total <= 0:
        return f"*{causes.title}*\nNo bad time from incidents this week."
    shown = [
        f"{escape(item.label)} {format_duration(item.value * 60)} ({format_percent(item.value / total, 0)})"
        for item in items[:MAX_CAUSES]
    ]
    if len(items) > MAX_CAUSES:
        shown.append(f"and {len(items) - MAX_CAUSES} more")
    few = vital_few(items)
    return (
        f"*{causes.title}*\n{', '.join(shown)}\n{few} of {len(items)} make up 80% of it: start the action items there."
    )


def nudge_text(report: DigestReport) -> str | None:
    """ "2 incidents have no root cause yet: `/sla why 3` · `/sla why 5`", the most bad time first; None if none."""
    count = len(report.unanalysed)
    if not count:
        return None
    commands = [f"`/sla why {incident_id}`" for incident_id in report.unanalysed[:MAX_NUDGE_IDS]]
    if count > MAX_NUDGE_IDS:
        commands.append("…")
    have = "incident has" if count == 1 else "incidents have"
    return f"{count} {have} no root cause yet: {' · '.join(commands)}"


def format_mean(mean: Fraction) -> str:
    """A mean rating with one decimal, rounded half up: 17/4 -> "4.3", 4 -> "4.0"."""
    tenths = math.floor(mean * 10 + Fraction(1, 2))
    return f"{tenths // 10}.{tenths % 10}"


def satisfaction_text(summary: CsatSummary) -> str:
    if summary.mean is None:
        return "*Satisfaction*\nNo ratings this week."
    ratings = f"{summary.count} rating{'s' if summary.count != 1 else ''}"
    lines = [
        f"*Satisfaction* {format_mean(summary.mean)}/5 from {ratings}",
        " · ".join(f"{rating}★ {count}" for rating, count in summary.distribution),
    ]
    if summary.lowest is not None:
        lowest = f"Lowest: #{summary.lowest.incident_id} rated {summary.lowest.rating}★"
        if summary.lowest.comment:
            lowest += f": “{escape(clip(' '.join(summary.lowest.comment.split()), MAX_COMMENT))}”"
        lines.append(lowest)
    return "\n".join(lines)


def _tail(report: DigestReport, *, locale: Locale) -> list[Block]:
    """What follows the objectives, always shown in full."""
    blocks: list[Block] = [
        divider(),
        section(incidents_text(report)),
        section(breaches_text(report)),
        section(causes_text(report, locale=locale)),
    ]
    nudge = nudge_text(report)
    if nudge:
        blocks.append(context(nudge))
    blocks.append(section(satisfaction_text(report.satisfaction)))
    return blocks


def scope_text(report: DigestReport) -> str:
    services = ", ".join(escape(name) for name in report.scope) if report.scope else "all services"
    return f"{services} · week in {report.week.zone.key} · charts in the thread"


def digest_message(report: DigestReport, *, locale: Locale) -> Reply:
    period = week_period(report.week, locale=locale)
    blocks: list[Block] = [
        header(f"Weekly service levels · {period}"),
        context(scope_text(report)),
        section(f"*Summary* {summary_text(report)}"),
        divider(),
    ]
    rows: Sequence[Block] = [section(objective_text(line)) for line in report.objectives]
    if not rows:
        rows = [section("No objectives yet: add one with `/sla define`.")]
    tail = _tail(report, locale=locale)
    blocks = [*with_more(blocks, rows, "objectives", reserve=len(tail)), *tail]
    text = f"Weekly service levels {period}: {summary_text(report)}"
    return Reply(text=text, blocks=blocks, public=True)
