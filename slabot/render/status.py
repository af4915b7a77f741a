"""/sla status and /sla budget: where objectives stand, and what consumed their budget."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import Block, ButtonElement

from slabot.core.timefmt import format_attainment, format_duration, format_percent, format_target, format_when
from slabot.render.ids import ActionId
from slabot.render.locale import Locale
from slabot.render.reply import Reply, context, escape, header, section, with_more
from slabot.slo.measurement import Measure
from slabot.slo.source_problems import SourceProblem
from slabot.slo.status import ObjectiveStatus, State

STATE_ICON = {
    State.EXHAUSTED: ":red_circle:",
    State.AT_RISK: ":large_yellow_circle:",
    State.NO_DATA: ":white_circle:",
    State.HEALTHY: ":large_green_circle:",
}
# Failing first.
STATE_ORDER = [State.EXHAUSTED, State.AT_RISK, State.NO_DATA, State.HEALTHY]
HOUR = 3600
UTC = ZoneInfo("UTC")


TREND = {"down": "↘ burning", "up": "↗ recovering", "flat": "→ steady"}


def budget_amount(measure: Measure, amount: Fraction) -> str:
    """A duration for time-based and timeslice objectives (a slice is a minute), a count of events otherwise."""
    if measure == Measure.SECONDS:
        return format_duration(amount)
    if measure == Measure.SLICES:
        return format_duration(amount * 60)
    tenths = (Decimal(amount.numerator) / Decimal(amount.denominator)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return f"{tenths:,.1f}".removesuffix(".0") + " events"


def format_amount(status: ObjectiveStatus, amount: Fraction) -> str:
    """An amount of this objective's budget, as budget_amount reads it."""
    return budget_amount(Measure.of(status.objective), amount)


def objective_name(status: ObjectiveStatus) -> str:
    """service/objective, as users type it."""
    return f"{status.service.name}/{status.objective.name}"


def left_phrase(status: ObjectiveStatus) -> str:
    report = status.report
    if report.attainment is None:
        return "no data yet"
    left = f"{format_amount(status, report.left)} of {format_amount(status, report.total)}"
    if report.left_fraction is not None:
        left += f" ({format_percent(report.left_fraction)})"
    if report.left <= 0:
        over = format_amount(status, -report.left)
        return f"exhausted, {over} over budget" if report.left < 0 else "exhausted"
    return left + " left"


def problem_text(problem: SourceProblem, zone: ZoneInfo) -> str:
    """What stops a pulled objective being measured: "source unavailable since …" or "metric missing since …"."""
    what = "source unavailable" if problem.unavailable else "metric missing from Prometheus"
    return f"{what} since {format_when(problem.since, zone)}"


def state_text(status: ObjectiveStatus, zone: ZoneInfo) -> str:
    """The state with its icon; a pulled source that is not measuring it says so instead (never "no data")."""
    if status.source_problem is not None:
        return f":warning: {problem_text(status.source_problem, zone)}"
    return f"{STATE_ICON[status.state]} {status.state.value}"


def status_line(status: ObjectiveStatus, zone: ZoneInfo | None = None) -> str:
    objective = status.objective
    problem = status.source_problem
    if problem is not None:
        head = (
            f":warning: *{objective_name(status)}* {objective.kind.upper()} {format_target(status.target)} over "
            f"{objective.window} · *{problem_text(problem, zone or UTC)}*"
        )
        if problem.unavailable:
            return f"{head}\nCounts resume, and the gap is filled, when Prometheus answers again"
        return f"{head}\nNo series for `{escape(problem.query or '')}`: counts resume when they come back"
    head = (
        f"{STATE_ICON[status.state]} *{objective_name(status)}* {objective.kind.upper()} "
        f"{format_target(status.target)} over {objective.window} · *{status.state.value}*"
    )
    attainment = format_attainment(status.report.attainment, status.target)
    line = f"{head}\nAttainment *{attainment}* · budget {left_phrase(status)}"
    rate = status.forecast.burn_rates.get(HOUR)
    if rate is not None:
        line += f" · {TREND[status.trend]} ({format_rate(rate)}× in 1h)"
    return line


def format_rate(rate: Fraction) -> str:
    """A burn rate with up to two decimals: 14.4, 0.93, 1000."""
    text = f"{Decimal(rate.numerator) / Decimal(rate.denominator):.2f}"
    return text.rstrip("0").rstrip(".")


def _state_counts(items: Sequence[ObjectiveStatus]) -> str:
    counts = {state: sum(1 for s in items if s.state == state) for state in STATE_ORDER}
    return " · ".join(f"{counts[state]} {state.value}" for state in STATE_ORDER if counts[state])


def budget_button(status: ObjectiveStatus) -> ButtonElement:
    """Beside an objective in /sla status: its /sla budget, shown to whoever clicks."""
    return ButtonElement(text="Budget", action_id=ActionId.STATUS_BUDGET, value=objective_name(status))


def status_reply(
    items: Sequence[ObjectiveStatus],
    now: datetime,
    zone: ZoneInfo,
    service_name: str | None,
    public: bool,
    *,
    locale: Locale,
) -> Reply:
    title = f"Service levels: {service_name}" if service_name else "Service levels"
    if not items:
        where = f" for {service_name}" if service_name else ""
        text = f"No objectives{where} yet. Define one with /sla define <service> <name> target=99.9 window=30d"
        return Reply(text=text, blocks=[section(escape(text))], public=public)
    ordered = sorted(items, key=lambda s: (STATE_ORDER.index(s.state), objective_name(s)))
    summary = f"{_state_counts(ordered)} · as of {format_when(now, zone)}"
    rows: list[Block] = [section(status_line(item, zone), accessory=budget_button(item)) for item in ordered]
    blocks = with_more([header(title), context(summary)], rows, "objectives")
    text_lines = [f"{title} ({summary})"]
    text_lines += [
        f"{objective_name(s)}: {problem_text(s.source_problem, zone)}"
        if s.source_problem is not None
        else f"{objective_name(s)}: {s.state.value}, attainment {format_attainment(s.report.attainment, s.target)}, "
        f"budget {left_phrase(s)}"
        for s in ordered
    ]
    return Reply(text="\n".join(text_lines), blocks=blocks, public=public)
