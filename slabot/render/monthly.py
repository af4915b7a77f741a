"""The monthly SLA report as a Slack message: summary first, then each SLA, OLA and SLO (missed first) with target
vs actual, budget and what is left, maintenance excluded, the trend of the months before and the credit owed;
then incidents by severity, breaches with their root causes, service credits, satisfaction and action items.

Always within Slack's 50 blocks: objectives past the room left end with "…and N more objectives"; the figures
come from slabot.render.monthly_text, as in the PDF and the CSV.
"""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import Block

from slabot.core.i18n import Locale, tr
from slabot.render import monthly_text as figures
from slabot.render.digest import format_mean
from slabot.render.monthly_credits import credit_band_text
from slabot.render.reply import MAX_BLOCKS, Reply, clip, context, divider, escape, header, section
from slabot.reports.monthly import BreachCause, MonthlyReport, ObjectiveMonth, Outcome
from slabot.reports.satisfaction_stats import CsatSummary

MAX_BREACH_LINES = 8
MAX_ACTION_LINES = 5
MAX_CREDIT_LINES = 10
MAX_CAUSE = 200


def summary_parts(report: MonthlyReport, *, locale: Locale) -> list[str]:
    """The headline figures, each a label and a number (the PDF's cover shows the same)."""
    return [
        tr(locale, "Missed: {n}", n=report.count(Outcome.MISSED)),
        tr(locale, "Met: {n}", n=report.count(Outcome.MET)),
        tr(locale, "No data: {n}", n=report.count(Outcome.NO_DATA)),
        tr(locale, "Incidents: {n}", n=len(report.incidents)),
        tr(locale, "SLA breaches: {n}", n=len(report.breaches)),
        tr(locale, "SLAs owing credit: {n}", n=len(report.credits_owed)),
    ]


def summary_text(report: MonthlyReport, *, locale: Locale) -> str:
    return " · ".join(summary_parts(report, locale=locale))


def budget_line(line: ObjectiveMonth, *, locale: Locale) -> str:
    month = line.figures
    if month.attainment is None:
        return tr(locale, "Budget: no data in this period")
    return tr(
        locale,
        "Budget {budget} · consumed {consumed} · left {left} ({share})",
        budget=figures.budget_text(month, locale=locale),
        consumed=figures.consumed_text(month, locale=locale),
        left=figures.left_text(month, locale=locale),
        share=figures.left_share_text(month, locale=locale),
    )


def trend_line(line: ObjectiveMonth, *, locale: Locale) -> str | None:
    if not line.trend:
        return None
    months = " · ".join(
        f"{figures.month_short(each.first)} {figures.attainment_text(each, locale=locale)}" for each in line.trend
    )
    return tr(locale, "Previous months: {months}", months=months)


def objective_text(line: ObjectiveMonth, *, locale: Locale) -> str:
    month = line.figures
    lines = [
        tr(
            locale,
            "{icon} *{name}* {kind} · target {target} · actual *{attainment}* · *{outcome}*",
            icon=figures.OUTCOME_ICON[month.outcome],
            name=escape(line.name),
            kind=figures.kind_label(line.objective.kind),
            target=figures.target_text(month),
            attainment=figures.attainment_text(month, locale=locale),
            outcome=figures.outcome_label(month.outcome, locale=locale),
        ),
        budget_line(line, locale=locale),
    ]
    if month.excluded_seconds:
        lines.append(
            tr(locale, "Maintenance excluded: {duration}", duration=figures.excluded_text(month, locale=locale))
        )
    trend = trend_line(line, locale=locale)
    if trend:
        lines.append(trend)
    lines.append(tr(locale, "Incidents: {n}", n=line.incidents))
    if line.credits is not None:
        lines.append(credit_band_text(line.credits, month.attainment, line.objective.target_percent, locale=locale))
    return "\n".join(lines)


def incidents_text(report: MonthlyReport, *, locale: Locale) -> str:
    if not report.incidents:
        return tr(locale, "*Incidents by severity*\nNo incidents started in this period.")
    rows = [
        tr(
            locale,
            "*Incidents by severity* {total} · MTTA {mtta} · MTTR {mttr}",
            total=len(report.incidents),
            mtta=figures.time_text(report.overall.mtta_median, locale=locale),
            mttr=figures.time_text(report.overall.mttr_median, locale=locale),
        )
    ]
    for row in report.severities:
        rows.append(
            tr(
                locale,
                "*sev{severity}* · {count} · response {response} · resolution {resolution} · MTTA {mtta} · MTTR {mttr}",
                severity=row.severity,
                count=row.count,
                response=figures.met_share(row.response, locale=locale),
                resolution=figures.met_share(row.resolution, locale=locale),
                mtta=figures.time_text(row.times.mtta_median, locale=locale),
                mttr=figures.time_text(row.times.mttr_median, locale=locale),
            )
        )
    return "\n".join(rows)


def cause_text(breach: BreachCause, *, locale: Locale) -> str:
    if breach.root_cause is None and breach.category is None:
        return tr(locale, "Root cause: not analysed yet (`/sla why {id}`)", id=breach.line.incident.id)
    return tr(
        locale,
        "Root cause ({category}): {cause}",
        category=figures.category_label(breach.category, locale=locale),
        cause=escape(clip(" ".join((breach.root_cause or "–").split()), MAX_CAUSE)),
    )


def breach_text(breach: BreachCause, report: MonthlyReport, *, locale: Locale) -> str:
    head = figures.breach_head(breach.line, report.period.zone, locale=locale, typed=escape)
    return f"{head}\n      {cause_text(breach, locale=locale)}"


def breaches_text(report: MonthlyReport, *, locale: Locale, most: int = MAX_BREACH_LINES) -> str:
    """The breaches with their causes, the first `most` of them and how many more."""
    if not report.breaches:
        return tr(locale, "*SLA breaches*\nNo response or resolution target was missed in this period.")
    shown = [breach_text(breach, report, locale=locale) for breach in report.breaches[:most]]
    more = len(report.breaches) - len(shown)
    if more:
        shown.append(tr(locale, "…and {n} more breaches", n=more))
    return tr(locale, "*SLA breaches* {count}", count=len(report.breaches)) + "\n" + "\n".join(shown)


def credits_text(report: MonthlyReport, *, locale: Locale) -> str | None:
    """The SLAs with credit schedules and what each owes; None when no SLA in scope has one."""
    lines = report.with_credits
    if not lines:
        return None
    rows = [
        tr(
            locale,
            "• *{name}* · attainment {attainment} · credit owed {credit}",
            name=escape(line.name),
            attainment=figures.attainment_text(line.figures, locale=locale),
            credit=figures.credit_text(line, locale=locale),
        )
        for line in lines[:MAX_CREDIT_LINES]
    ]
    if len(lines) > MAX_CREDIT_LINES:
        rows.append(tr(locale, "…and {n} more SLAs", n=len(lines) - MAX_CREDIT_LINES))
    head = tr(
        locale,
        "*Service credits* {count} of {total} SLAs owe a credit",
        count=len(report.credits_owed),
        total=len(lines),
    )
    return head + "\n" + "\n".join(rows)


def satisfaction_text(summary: CsatSummary, *, locale: Locale) -> str:
    if summary.mean is None:
        return tr(locale, "*Satisfaction*\nNo ratings in this period.")
    distribution = " · ".join(f"{rating}★ {count}" for rating, count in summary.distribution)
    return tr(
        locale,
        "*Satisfaction* {mean}/5 from {count} ratings\n{distribution}",
        mean=format_mean(summary.mean),
        count=summary.count,
        distribution=distribution,
    )


def actions_text(report: MonthlyReport, *, locale: Locale) -> str:
    head = tr(
        locale,
        "*Action items* opened {opened} · closed {closed}",
        opened=len(report.opened),
        closed=len(report.closed),
    )
    rows = [
        tr(
            locale,
            "• #{incident} {service}: {text} (due {due})",
            incident=action.incident_id,
            service=escape(action.service),
            text=escape(clip(" ".join(action.item.text.split()), MAX_CAUSE)),
            due=figures.day_title(action.item.due, locale=locale),
        )
        for action in report.opened[:MAX_ACTION_LINES]
    ]
    if len(report.opened) > MAX_ACTION_LINES:
        rows.append(tr(locale, "…and {n} more opened", n=len(report.opened) - MAX_ACTION_LINES))
    return "\n".join([head, *rows])


def _tail(report: MonthlyReport, *, locale: Locale) -> list[Block]:
    blocks: list[Block] = [
        divider(),
        section(incidents_text(report, locale=locale)),
        section(breaches_text(report, locale=locale)),
    ]
    credits = credits_text(report, locale=locale)
    if credits:
        blocks.append(section(credits))
    blocks += [
        section(satisfaction_text(report.satisfaction, locale=locale)),
        section(actions_text(report, locale=locale)),
    ]
    return blocks


def fit(head: list[Block], rows: Sequence[Block], tail: list[Block], *, locale: Locale) -> list[Block]:
    """head, as many rows as fit in 50 blocks with the tail, and "…and N more objectives" when some do not."""
    room = MAX_BLOCKS - len(head) - len(tail)
    if len(rows) <= room:
        return [*head, *rows, *tail]
    shown = max(room - 1, 0)
    more = context(tr(locale, "…and {n} more objectives", n=len(rows) - shown))
    return [*head, *rows[:shown], more, *tail]


def monthly_message(report: MonthlyReport, *, locale: Locale) -> Reply:
    title = figures.period_title(report.period, locale=locale)
    head: list[Block] = [
        header(tr(locale, "Monthly service levels · {month}", month=title)),
        context(figures.scope_line(report, locale=locale, typed=escape)),
        section(tr(locale, "*Summary* {summary}", summary=summary_text(report, locale=locale))),
        divider(),
    ]
    rows: Sequence[Block] = [section(objective_text(line, locale=locale)) for line in report.objectives]
    if not rows:
        rows = [section(tr(locale, "No objectives yet: add one with `/sla define`."))]
    blocks = fit(head, rows, _tail(report, locale=locale), locale=locale)
    text = tr(
        locale, "Monthly service levels {month}: {summary}", month=title, summary=summary_text(report, locale=locale)
    )
    return Reply(text=text, blocks=blocks, public=True)
