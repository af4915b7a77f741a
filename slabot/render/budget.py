"""/sla budget: one objective's error budget, burn rates, forecast, exclusions and what consumed it."""

from __future__ import annotations

from fractions import Fraction
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import Block

from slabot.core.burn import LOOKBACKS
from slabot.core.timefmt import format_attainment, format_duration, format_percent, format_target, format_when
from slabot.render.locale import Locale
from slabot.render.reply import Reply, context, escape, fields_only, header, section
from slabot.render.status import HOUR, format_amount, format_rate, left_phrase, objective_name, state_text
from slabot.slo.status import ObjectiveStatus
from storage.models.catalog import Budgeting

MAX_CONSUMERS = 10
MAX_MAINTENANCE = 5
LOOKBACK_LABELS = {300: "5m", 1800: "30m", 3600: "1h", 7200: "2h", 21600: "6h", 86400: "1d", 259200: "3d"}


def _amount(status: ObjectiveStatus, value: Fraction | int) -> str:
    if status.time_based:
        return format_duration(value)
    if status.objective.budgeting == Budgeting.TIMESLICES:
        return f"{int(value):,} min"
    return f"{int(value):,}"


def burn_table(status: ObjectiveStatus) -> str:
    """A fixed-width table: lookback, burn rate, bad / valid."""
    unit = (
        "time" if status.time_based else ("slices" if status.objective.budgeting == Budgeting.TIMESLICES else "events")
    )
    rows = [f"{'lookback':<9}{'burn rate':>10}   bad / valid {unit}"]
    measured = status.measurement
    for lookback in (*LOOKBACKS, 0):
        counts = measured.window if lookback == 0 else measured.lookbacks[lookback]
        rate = status.forecast.burn_rates.get(lookback)
        label = "window" if lookback == 0 else LOOKBACK_LABELS[lookback]
        shown = "no data" if rate is None else format_rate(rate)
        rows.append(f"{label:<9}{shown:>10}   {_amount(status, counts.bad)} / {_amount(status, counts.valid)}")
    return "```\n" + "\n".join(rows) + "\n```"


def _exhaust(seconds: Fraction | None, rate: Fraction | None) -> str:
    """What happens to the budget at one burn rate: gone in …, already gone, not used up (no burn)."""
    if seconds is not None:
        return "already gone" if seconds == 0 else f"gone in {format_duration(seconds)}"
    return "not known (no data)" if rate is None else "not used up"


def outlook(status: ObjectiveStatus) -> str:
    forecast = status.forecast
    hour = _exhaust(forecast.exhaust_at_1h, forecast.burn_rates.get(HOUR))
    six = _exhaust(forecast.exhaust_at_6h, forecast.burn_rates.get(6 * HOUR))
    if hour == six:
        lines = [f"At the 1h and 6h burn rates the budget is {hour}."]
    else:
        lines = [f"At the 1h burn rate the budget is {hour}; at the 6h rate, {six}."]
    if forecast.projected_left_fraction is not None:
        if status.bounds.end > status.bounds.now:
            lines.append(
                f"Projected at the end of the window: {format_percent(forecast.projected_left_fraction)} left."
            )
        elif forecast.projected_left_fraction <= 0:
            lines.append("A full window at the 1d rate would use up the whole budget.")
        else:
            lines.append(
                f"A full window at the 1d rate would leave {format_percent(forecast.projected_left_fraction)}."
            )
    return "\n".join(lines)


def _consumers(status: ObjectiveStatus) -> Block:
    lines = []
    for consumer in status.consumers[:MAX_CONSUMERS]:
        incident = consumer.incident
        share = ""
        if status.report.total > 0:
            share = f" ({format_percent(consumer.bad_seconds / status.report.total)} of the budget)"
        ongoing = "" if incident.resolved_at else " · ongoing"
        lines.append(
            f"#{incident.id} sev{incident.severity} {escape(incident.title)} · {incident.impact_percent}% impact"
            f"{ongoing} → *{format_duration(consumer.bad_seconds)}*{share}"
        )
    if not lines:
        return section("No incident touched this window.")
    more = len(status.consumers) - len(lines)
    return section(
        "*Incidents that consumed it*\n" + "\n".join(lines) + (f"\n…and {more} more incidents" if more else "")
    )


def _maintenance(status: ObjectiveStatus, zone: ZoneInfo) -> Block | None:
    if not status.maintenance:
        return None
    lines = [
        f"#{w.id} {format_when(w.starts_at, zone)} → {format_when(w.ends_at, zone)}"
        + (f" · {escape(w.reason)}" if w.reason else "")
        for w in status.maintenance[:MAX_MAINTENANCE]
    ]
    more = len(status.maintenance) - len(lines)
    body = "*Maintenance (excluded)*\n" + "\n".join(lines) + (f"\n…and {more} more" if more else "")
    return section(body)


def budget_reply(status: ObjectiveStatus, zone: ZoneInfo, public: bool, *, locale: Locale) -> Reply:
    report = status.report
    bounds = status.bounds
    objective = status.objective
    method = "incidents" if status.time_based else objective.budgeting
    window = f"{objective.window}: {format_when(bounds.start, zone)} → {format_when(bounds.end, zone)}"
    fields = [
        f"*Target*\n{format_target(status.target)} ({objective.kind.upper()}, {method})",
        f"*Window*\n{window}",
        f"*Attainment*\n{format_attainment(report.attainment, status.target)}"
        if status.source_problem is None
        else "*Attainment*\n— (waiting for its source)",
        f"*State*\n{state_text(status, zone)}",
    ]
    if report.attainment is None:
        fields.append("*Budget*\nno data yet")
    else:
        fields += [
            f"*Budget*\n{format_amount(status, report.total)}",
            f"*Consumed*\n{format_amount(status, report.consumed)}",
            f"*Left*\n{format_amount(status, report.left)} ({format_percent(report.left_fraction)})",
        ]
    blocks: list[Block] = [header(f"Error budget: {objective_name(status)}"), fields_only(fields)]
    if report.attainment is not None:
        blocks += [section("*Burn rates*\n" + burn_table(status)), section(outlook(status))]
    if status.time_based:
        blocks.append(_consumers(status))
    maintenance = _maintenance(status, zone)
    if maintenance is not None:
        blocks.append(maintenance)
    if status.time_based:
        blocks.append(
            context(
                "Each incident counts its time in the window × its impact; "
                "overlapping incidents never count a moment more than once."
            )
        )
    elif report.attainment is None:
        blocks.append(
            context(
                "No events in this window yet: send counts to POST /api/v1/events "
                "or backfill with python bot.py ingest &lt;file.csv&gt;."
            )
        )
    text = (
        f"Error budget {objective_name(status)}: {format_amount(status, report.total)} budget, "
        f"{format_amount(status, report.consumed)} consumed, {left_phrase(status)}"
    )
    return Reply(text=text, blocks=blocks, public=public)
