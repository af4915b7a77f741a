"""/sla budget: one objective's error budget, burn rates, forecast, exclusions and what consumed it."""

from __future__ import annotations

from fractions import Fraction
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import Block

from slabot.core.burn import LOOKBACKS
from slabot.core.i18n import tr
from slabot.core.timefmt import (
    format_attainment,
    format_duration,
    format_percent,
    format_target,
    format_when,
    no_data,
)
from slabot.render.locale import Locale
from slabot.render.monthly_credits import credit_status_text
from slabot.render.reply import Reply, context, escape, fields_only, header, section, text_width
from slabot.render.status import (
    HOUR,
    budgeting_label,
    format_amount,
    format_rate,
    left_phrase,
    objective_name,
    state_text,
    window_label,
)
from slabot.slo.status import ObjectiveStatus
from storage.models.catalog import Budgeting
from storage.models.incidents import Incident

MAX_CONSUMERS = 10
MAX_MAINTENANCE = 5


def _amount(status: ObjectiveStatus, value: Fraction | int, locale: Locale) -> str:
    if status.time_based:
        return format_duration(value, locale)
    if status.objective.budgeting == Budgeting.TIMESLICES:
        return tr(locale, "{count:,} min", count=int(value))
    return f"{int(value):,}"


def _pad(text: str, width: int, right: bool = False) -> str:
    fill = " " * max(width - text_width(text), 0)
    return fill + text if right else text + fill


def _unit_heading(status: ObjectiveStatus, locale: Locale) -> str:
    if status.time_based:
        return tr(locale, "bad / valid time")
    if status.objective.budgeting == Budgeting.TIMESLICES:
        return tr(locale, "bad / valid slices")
    return tr(locale, "bad / valid events")


def burn_table(status: ObjectiveStatus, locale: Locale) -> str:
    """A fixed-width table: lookback, burn rate, bad / valid."""
    first, second = tr(locale, "lookback"), tr(locale, "burn rate")
    rows = [f"{_pad(first, 9)}{_pad(second, 10, right=True)}   {_unit_heading(status, locale)}"]
    measured = status.measurement
    for lookback in (*LOOKBACKS, 0):
        counts = measured.window if lookback == 0 else measured.lookbacks[lookback]
        rate = status.forecast.burn_rates.get(lookback)
        label = tr(locale, "window") if lookback == 0 else format_duration(lookback, locale)
        shown = no_data(locale) if rate is None else format_rate(rate)
        amounts = f"{_amount(status, counts.bad, locale)} / {_amount(status, counts.valid, locale)}"
        rows.append(f"{_pad(label, 9)}{_pad(shown, 10, right=True)}   {amounts}")
    return "```\n" + "\n".join(rows) + "\n```"


def _exhaust(seconds: Fraction | None, rate: Fraction | None, locale: Locale) -> str:
    """What happens to the budget at one burn rate: gone in …, already gone, not used up (no burn)."""
    if seconds is not None:
        if seconds == 0:
            return tr(locale, "already gone")
        return tr(locale, "gone in {duration}", duration=format_duration(seconds, locale))
    return tr(locale, "not known (no data)") if rate is None else tr(locale, "not used up")


def outlook(status: ObjectiveStatus, locale: Locale) -> str:
    forecast = status.forecast
    hour = _exhaust(forecast.exhaust_at_1h, forecast.burn_rates.get(HOUR), locale)
    six = _exhaust(forecast.exhaust_at_6h, forecast.burn_rates.get(6 * HOUR), locale)
    if hour == six:
        lines = [tr(locale, "At the 1h and 6h burn rates the budget is {outcome}.", outcome=hour)]
    else:
        lines = [tr(locale, "At the 1h burn rate the budget is {hour}; at the 6h rate, {six}.", hour=hour, six=six)]
    projected = forecast.projected_left_fraction
    if projected is not None:
        share = format_percent(projected, locale=locale)
        if status.bounds.end > status.bounds.now:
            lines.append(tr(locale, "Projected at the end of the window: {share} left.", share=share))
        elif projected <= 0:
            lines.append(tr(locale, "A full window at the 1d rate would use up the whole budget."))
        else:
            lines.append(tr(locale, "A full window at the 1d rate would leave {share}.", share=share))
    return "\n".join(lines)


def _consumer_line(incident: Incident, bad: str, share: str | None, locale: Locale) -> str:
    shown = {
        "id": incident.id,
        "severity": incident.severity,
        "title": escape(incident.title),
        "impact": incident.impact_percent,
        "bad": bad,
    }
    ongoing = incident.resolved_at is None
    if share is None:
        if ongoing:
            return tr(locale, "#{id} sev{severity} {title} · {impact}% impact · ongoing → *{bad}*", **shown)
        return tr(locale, "#{id} sev{severity} {title} · {impact}% impact → *{bad}*", **shown)
    if ongoing:
        return tr(
            locale,
            "#{id} sev{severity} {title} · {impact}% impact · ongoing → *{bad}* ({share} of the budget)",
            share=share,
            **shown,
        )
    return tr(
        locale, "#{id} sev{severity} {title} · {impact}% impact → *{bad}* ({share} of the budget)", share=share, **shown
    )


def _consumers(status: ObjectiveStatus, locale: Locale) -> Block:
    lines = []
    for consumer in status.consumers[:MAX_CONSUMERS]:
        share = None
        if status.report.total > 0:
            share = format_percent(consumer.bad_seconds / status.report.total, locale=locale)
        lines.append(_consumer_line(consumer.incident, format_duration(consumer.bad_seconds, locale), share, locale))
    if not lines:
        return section(tr(locale, "No incident touched this window."))
    more = len(status.consumers) - len(lines)
    if more:
        lines.append(tr(locale, "…and {n} more incidents", n=more))
    return section("\n".join([tr(locale, "*Incidents that consumed it*"), *lines]))


def _maintenance(status: ObjectiveStatus, zone: ZoneInfo, locale: Locale) -> Block | None:
    if not status.maintenance:
        return None
    lines = [
        f"#{w.id} {format_when(w.starts_at, zone, locale=locale)} → {format_when(w.ends_at, zone, locale=locale)}"
        + (f" · {escape(w.reason)}" if w.reason else "")
        for w in status.maintenance[:MAX_MAINTENANCE]
    ]
    more = len(status.maintenance) - len(lines)
    if more:
        lines.append(tr(locale, "…and {n} more", n=more))
    return section("\n".join([tr(locale, "*Maintenance (excluded)*"), *lines]))


def _method(status: ObjectiveStatus, locale: Locale) -> str:
    """How the budget is counted: from incidents, or the events' budgeting method."""
    return tr(locale, "incidents") if status.time_based else budgeting_label(status.objective.budgeting, locale)


def _fields(status: ObjectiveStatus, zone: ZoneInfo, locale: Locale) -> list[str]:
    report, bounds, objective = status.report, status.bounds, status.objective
    start, end = format_when(bounds.start, zone, locale=locale), format_when(bounds.end, zone, locale=locale)
    target = format_target(status.target)
    kind = objective.kind.upper()
    fields = [
        tr(locale, "*Target*\n{target} ({kind}, {method})", target=target, kind=kind, method=_method(status, locale)),
        tr(
            locale,
            "*Window*\n{window}: {start} → {end}",
            window=window_label(objective.window, locale),
            start=start,
            end=end,
        ),
        tr(locale, "*Attainment*\n{attainment}", attainment=format_attainment(report.attainment, status.target, locale))
        if status.source_problem is None
        else tr(locale, "*Attainment*\n— (waiting for its source)"),
        tr(locale, "*State*\n{state}", state=state_text(status, zone, locale)),
    ]
    if report.attainment is None:
        return [*fields, tr(locale, "*Budget*\nno data yet")]
    left = format_amount(status, report.left, locale)
    return [
        *fields,
        tr(locale, "*Budget*\n{amount}", amount=format_amount(status, report.total, locale)),
        tr(locale, "*Consumed*\n{amount}", amount=format_amount(status, report.consumed, locale)),
        tr(
            locale, "*Left*\n{amount} ({share})", amount=left, share=format_percent(report.left_fraction, locale=locale)
        ),
    ]


def budget_reply(status: ObjectiveStatus, zone: ZoneInfo, public: bool, *, locale: Locale) -> Reply:
    report = status.report
    name = objective_name(status)
    blocks: list[Block] = [
        header(tr(locale, "Error budget: {name}", name=name)),
        fields_only(_fields(status, zone, locale)),
    ]
    credit = credit_status_text(status.objective, report.attainment, locale=locale)
    if credit is not None:
        blocks.append(section(credit))
    if report.attainment is not None:
        table = burn_table(status, locale)
        heading = tr(locale, "*Burn rates*")
        blocks += [section(f"{heading}\n{table}"), section(outlook(status, locale))]
    if status.time_based:
        blocks.append(_consumers(status, locale))
    maintenance = _maintenance(status, zone, locale)
    if maintenance is not None:
        blocks.append(maintenance)
    if status.time_based:
        blocks.append(
            context(
                tr(
                    locale,
                    "Each incident counts its time in the window × its impact; "
                    "overlapping incidents never count a moment more than once.",
                )
            )
        )
    elif report.attainment is None:
        blocks.append(
            context(
                tr(
                    locale,
                    "No events in this window yet: send counts to POST /api/v1/events "
                    "or backfill with python bot.py ingest &lt;file.csv&gt;.",
                )
            )
        )
    text = tr(
        locale,
        "Error budget {name}: {total} budget, {consumed} consumed, {left}",
        name=name,
        total=format_amount(status, report.total, locale),
        consumed=format_amount(status, report.consumed, locale),
        left=left_phrase(status, locale),
    )
    return Reply(text=text, blocks=blocks, public=public)
