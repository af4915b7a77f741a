"""The weekly digest message: summary first, failing objectives first, then incidents, breaches, root causes
(with a nudge to analyse the incidents that have none) and satisfaction, in the reader's language.

Always within Slack's 50 blocks: objectives past the room left end with "…and N more objectives".
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction

from slack_sdk.models.blocks import Block

from slabot.core.i18n import tn, tr
from slabot.core.timefmt import (
    format_attainment,
    format_duration,
    format_percent,
    format_share,
    format_target,
    format_when,
    no_data,
)
from slabot.render.charts.ranking import causes_pareto, pareto_rows, vital_few
from slabot.render.locale import DEFAULT_LOCALE, Locale
from slabot.render.reply import Reply, clip, context, divider, escape, header, listed, section, with_more
from slabot.render.status import format_amount, objective_name, window_label
from slabot.render.weeks import week_period
from slabot.reports.incident_stats import Attainment, BreachLine, ResponseTimes, SeverityStats
from slabot.reports.satisfaction_stats import CsatSummary
from slabot.reports.weekly import VERDICT_ORDER, DigestReport, ObjectiveLine, Verdict
from storage.models.incidents import SlaTimerKind

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


def verdict_word(verdict: Verdict, *, locale: Locale = DEFAULT_LOCALE) -> str:
    """ "breached", "at risk", "no data", "met" (已违约, 有风险, 无数据, 达标)."""
    if verdict == Verdict.BREACHED:
        return tr(locale, "breached")
    if verdict == Verdict.AT_RISK:
        return tr(locale, "at risk")
    if verdict == Verdict.NO_DATA:
        return no_data(locale)
    return tr(locale, "met")


def _verdict_count(verdict: Verdict, count: int, locale: Locale) -> str:
    if verdict == Verdict.BREACHED:
        return tr(locale, "{n} breached", n=count)
    if verdict == Verdict.AT_RISK:
        return tr(locale, "{n} at risk", n=count)
    if verdict == Verdict.NO_DATA:
        return tr(locale, "{n} no data", n=count)
    return tr(locale, "{n} met", n=count)


def summary_text(report: DigestReport, *, locale: Locale = DEFAULT_LOCALE) -> str:
    """ "1 breached · 2 met; 3 incidents, 1 SLA breach" """
    parts = [_verdict_count(v, report.count(v), locale) for v in VERDICT_ORDER if report.count(v)]
    objectives = " · ".join(parts) if parts else tr(locale, "no objectives")
    incidents = tn(locale, "{n} incident", "{n} incidents", len(report.incidents))
    breaches = tn(locale, "{n} SLA breach", "{n} SLA breaches", len(report.breaches))
    return tr(locale, "{objectives}; {incidents}, {breaches}", objectives=objectives, incidents=incidents,
              breaches=breaches)  # fmt: skip


def _points(change: Fraction, locale: Locale) -> str:
    """A change of the budget left in percentage points: "▼ 12.5 pts", "▲ 3 pts", "no change"."""
    if change == 0:
        return tr(locale, "no change")
    arrow = "▲" if change > 0 else "▼"
    points = format_percent(abs(change), locale=locale).removesuffix("%").removesuffix(".0")
    return tr(locale, "{arrow} {points} pts", arrow=arrow, points=points)


def _budget(line: ObjectiveLine, locale: Locale) -> str:
    if line.left is None:
        return tr(locale, "budget: no data")
    left = format_percent(line.left, locale=locale)
    if line.left_change is None:
        return tr(locale, "budget left {left}", left=left)
    change = _points(line.left_change, locale)
    return tr(locale, "budget left {left} ({change} on the week before)", left=left, change=change)


def objective_text(line: ObjectiveLine, *, locale: Locale = DEFAULT_LOCALE) -> str:
    status, week = line.window, line.week
    objective = status.objective
    window = window_label(objective.window, locale)
    head = tr(
        locale,
        "{icon} *{name}* {kind} {target} over {window} · *{verdict}*",
        icon=VERDICT_ICON[line.verdict],
        name=escape(objective_name(status)),
        kind=objective.kind.upper(),
        target=format_target(status.target),
        window=window,
        verdict=verdict_word(line.verdict, locale=locale),
    )
    attainment = format_attainment(status.report.attainment, status.target, locale)
    overall = tr(
        locale,
        "{window} attainment *{attainment}* · {budget}",
        window=window,
        attainment=attainment,
        budget=_budget(line, locale),
    )
    figures = {
        "attainment": format_attainment(week.report.attainment, status.target, locale),
        "bad": format_amount(week, Fraction(week.measurement.window.bad), locale),
        "incidents": tn(locale, "{n} incident", "{n} incidents", line.incidents),
    }
    if week.time_based or objective.budgeting == "timeslices":
        this_week = tr(locale, "This week {attainment} · bad time {bad} · {incidents}", **figures)
    else:
        this_week = tr(locale, "This week {attainment} · bad {bad} · {incidents}", **figures)
    return f"{head}\n{overall}\n{this_week}"


def _time(value: Fraction | None, locale: Locale) -> str:
    return "–" if value is None else format_duration(value, locale)


def times_text(times: ResponseTimes, *, locale: Locale = DEFAULT_LOCALE) -> str:
    return tr(
        locale,
        "MTTA {mtta} (p90 {mtta_p90}) · MTTR {mttr} (p90 {mttr_p90})",
        mtta=_time(times.mtta_median, locale),
        mtta_p90=_time(times.mtta_p90, locale),
        mttr=_time(times.mttr_median, locale),
        mttr_p90=_time(times.mttr_p90, locale),
    )


def _response(value: Attainment, locale: Locale) -> str:
    if not value.decided:
        return tr(locale, "response –")
    share = format_share(value.ratio, locale=locale)
    return tr(locale, "response {met}/{decided} met ({share})", met=value.met, decided=value.decided, share=share)


def _resolution(value: Attainment, locale: Locale) -> str:
    if not value.decided:
        return tr(locale, "resolution –")
    share = format_share(value.ratio, locale=locale)
    return tr(locale, "resolution {met}/{decided} met ({share})", met=value.met, decided=value.decided, share=share)


def severity_text(row: SeverityStats, *, locale: Locale = DEFAULT_LOCALE) -> str:
    return tr(
        locale,
        "*sev{severity}* · {count} · {times} · {response} · {resolution}",
        severity=row.severity,
        count=row.count,
        times=times_text(row.times, locale=locale),
        response=_response(row.response, locale),
        resolution=_resolution(row.resolution, locale),
    )


def incidents_text(report: DigestReport, *, locale: Locale = DEFAULT_LOCALE) -> str:
    total = len(report.incidents)
    if not total:
        return tr(locale, "*Incidents*\nNone started this week.")
    counts = listed(
        [tr(locale, "sev{severity}: {count}", severity=row.severity, count=row.count) for row in report.severities],
        locale=locale,
    )
    times = times_text(report.overall, locale=locale)
    lines = [tr(locale, "*Incidents* {total} ({counts}) · {times}", total=total, counts=counts, times=times)]
    lines += [severity_text(row, locale=locale) for row in report.severities]
    return "\n".join(lines)


def breach_text(line: BreachLine, report: DigestReport, *, locale: Locale = DEFAULT_LOCALE) -> str:
    figures = {
        "id": line.incident.id,
        "service": escape(line.service),
        "severity": line.incident.severity,
        "target": format_duration(line.target_seconds, locale),
        "due": format_when(line.due_at, report.week.zone, locale=locale),
        "title": escape(line.incident.title),
    }
    if line.timer == SlaTimerKind.RESPONSE:
        return tr(
            locale, "• #{id} {service} sev{severity}: response target {target} missed at {due} · {title}", **figures
        )
    return tr(
        locale, "• #{id} {service} sev{severity}: resolution target {target} missed at {due} · {title}", **figures
    )


def breaches_text(report: DigestReport, *, locale: Locale = DEFAULT_LOCALE) -> str:
    if not report.breaches:
        return tr(locale, "*SLA breaches*\nNone this week.")
    shown = [breach_text(line, report, locale=locale) for line in report.breaches[:MAX_BREACH_LINES]]
    more = len(report.breaches) - len(shown)
    if more:
        shown.append(tr(locale, "…and {n} more breaches", n=more))
    return "\n".join([tr(locale, "*SLA breaches* {count}", count=len(report.breaches)), *shown])


def causes_text(report: DigestReport, *, locale: Locale) -> str:
    causes = causes_pareto(report.causes, locale=locale)
    items = [item for item, _ in pareto_rows(causes.items)]
    total = sum((item.value for item in items), Fraction(0))
    if not items or total <= 0:
        return f"*{causes.title}*\n{tr(locale, 'No bad time from incidents this week.')}"
    shown = [
        tr(
            locale,
            "{label} {duration} ({share})",
            label=escape(item.label),
            duration=format_duration(item.value * 60, locale),
            share=format_percent(item.value / total, 0, locale),
        )
        for item in items[:MAX_CAUSES]
    ]
    if len(items) > MAX_CAUSES:
        shown.append(tr(locale, "and {n} more", n=len(items) - MAX_CAUSES))
    few = tr(
        locale,
        "{few} of {total} make up 80% of it: start the action items there.",
        few=vital_few(items),
        total=len(items),
    )
    return f"*{causes.title}*\n{listed(shown, locale=locale)}\n{few}"


def nudge_text(report: DigestReport, *, locale: Locale = DEFAULT_LOCALE) -> str | None:
    """ "2 incidents have no root cause yet: `/sla why 3` · `/sla why 5`", the most bad time first; None if none."""
    count = len(report.unanalysed)
    if not count:
        return None
    commands = [f"`/sla why {incident_id}`" for incident_id in report.unanalysed[:MAX_NUDGE_IDS]]
    if count > MAX_NUDGE_IDS:
        commands.append("…")
    return tn(
        locale,
        "{n} incident has no root cause yet: {commands}",
        "{n} incidents have no root cause yet: {commands}",
        count,
        commands=" · ".join(commands),
    )


def format_mean(mean: Fraction) -> str:
    """A mean rating with one decimal, rounded half up: 17/4 -> "4.3", 4 -> "4.0"."""
    tenths = math.floor(mean * 10 + Fraction(1, 2))
    return f"{tenths // 10}.{tenths % 10}"


def satisfaction_text(summary: CsatSummary, *, locale: Locale = DEFAULT_LOCALE) -> str:
    if summary.mean is None:
        return tr(locale, "*Satisfaction*\nNo ratings this week.")
    lines = [
        tn(
            locale,
            "*Satisfaction* {mean}/5 from {n} rating",
            "*Satisfaction* {mean}/5 from {n} ratings",
            summary.count,
            mean=format_mean(summary.mean),
        ),
        " · ".join(f"{rating}★ {count}" for rating, count in summary.distribution),
    ]
    lowest = summary.lowest
    if lowest is not None:
        if lowest.comment:
            comment = escape(clip(" ".join(lowest.comment.split()), MAX_COMMENT))
            lines.append(
                tr(
                    locale,
                    "Lowest: #{id} rated {rating}★: “{comment}”",
                    id=lowest.incident_id,
                    rating=lowest.rating,
                    comment=comment,
                )
            )
        else:
            lines.append(tr(locale, "Lowest: #{id} rated {rating}★", id=lowest.incident_id, rating=lowest.rating))
    return "\n".join(lines)


def _tail(report: DigestReport, *, locale: Locale) -> list[Block]:
    """What follows the objectives, always shown in full."""
    blocks: list[Block] = [
        divider(),
        section(incidents_text(report, locale=locale)),
        section(breaches_text(report, locale=locale)),
        section(causes_text(report, locale=locale)),
    ]
    nudge = nudge_text(report, locale=locale)
    if nudge:
        blocks.append(context(nudge))
    blocks.append(section(satisfaction_text(report.satisfaction, locale=locale)))
    return blocks


def scope_text(report: DigestReport, *, locale: Locale = DEFAULT_LOCALE) -> str:
    if report.scope:
        services = listed([escape(name) for name in report.scope], locale=locale)
    else:
        services = tr(locale, "all services")
    return tr(
        locale, "{services} · week in {zone} · charts in the thread", services=services, zone=report.week.zone.key
    )


def digest_message(report: DigestReport, *, locale: Locale) -> Reply:
    period = week_period(report.week, locale=locale)
    summary = summary_text(report, locale=locale)
    blocks: list[Block] = [
        header(tr(locale, "Weekly service levels · {period}", period=period)),
        context(scope_text(report, locale=locale)),
        section(tr(locale, "*Summary* {summary}", summary=summary)),
        divider(),
    ]
    rows: Sequence[Block] = [section(objective_text(line, locale=locale)) for line in report.objectives]
    if not rows:
        rows = [section(tr(locale, "No objectives yet: add one with `/sla define`."))]
    tail = _tail(report, locale=locale)

    def more(count: int) -> str:
        return tr(locale, "…and {n} more objectives", n=count)

    blocks = [*with_more(blocks, rows, more, reserve=len(tail)), *tail]
    text = tr(locale, "Weekly service levels {period}: {summary}", period=period, summary=summary)
    return Reply(text=text, blocks=blocks, public=True)
