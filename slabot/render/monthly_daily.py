"""The daily summary: the day before in a few lines, from the monthly report's numbers over one day. Each
objective on one line (missed first: actual vs target and what it consumed), then incidents and breaches.

Short by design: at most MAX_LINES objectives (the rest counted), at most MAX_BREACHES breaches.
"""

from __future__ import annotations

from slack_sdk.models.blocks import Block

from slabot.core.i18n import Locale, tr
from slabot.render import monthly_text as figures
from slabot.render.monthly import breaches_text, summary_text
from slabot.render.reply import Reply, context, escape, header, section
from slabot.reports.monthly import MonthlyReport, ObjectiveMonth

MAX_LINES = 25
MAX_BREACHES = 5


def objective_line(line: ObjectiveMonth, *, locale: Locale) -> str:
    day = line.figures
    return tr(
        locale,
        "{icon} *{name}* {attainment} (target {target}) · consumed {consumed}",
        icon=figures.OUTCOME_ICON[day.outcome],
        name=escape(line.name),
        attainment=figures.attainment_text(day, locale=locale),
        target=figures.target_text(day),
        consumed=figures.consumed_text(day, locale=locale) if day.attainment is not None else "–",
    )


def daily_message(report: MonthlyReport, *, locale: Locale) -> Reply:
    title = figures.period_title(report.period, locale=locale)
    scope = escape(figures.scope_names(report.scope, locale=locale))
    blocks: list[Block] = [
        header(tr(locale, "Daily service levels · {day}", day=title)),
        context(tr(locale, "{services} · the day in {zone}", services=scope, zone=report.period.zone.key)),
        section(tr(locale, "*Summary* {summary}", summary=summary_text(report, locale=locale))),
    ]
    lines = [objective_line(line, locale=locale) for line in report.objectives[:MAX_LINES]]
    if len(report.objectives) > MAX_LINES:
        lines.append(tr(locale, "…and {n} more objectives", n=len(report.objectives) - MAX_LINES))
    if lines:
        blocks.append(section("\n".join(lines)))
    if report.breaches:
        blocks.append(section(breaches_text(report, locale=locale, most=MAX_BREACHES)))
    blocks.append(context(tr(locale, "The whole month: /sla report month=YYYY-MM")))
    text = tr(locale, "Daily service levels {day}: {summary}", day=title, summary=summary_text(report, locale=locale))
    return Reply(text=text, blocks=blocks, public=True)
