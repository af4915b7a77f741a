"""/sla status and /sla budget: where objectives stand, and what consumed their budget."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import Block, ButtonElement

from slabot.core.i18n import tn, tr
from slabot.core.timefmt import format_attainment, format_duration, format_percent, format_target, format_when, no_data
from slabot.core.windows import WindowSpec
from slabot.render.ids import ActionId
from slabot.render.locale import DEFAULT_LOCALE, Locale
from slabot.render.reply import Reply, context, escape, header, section, with_more
from slabot.slo.measurement import Measure
from slabot.slo.source_problems import SourceProblem
from slabot.slo.status import ObjectiveStatus, State
from storage.models.catalog import Budgeting

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


def state_label(state: State, locale: Locale = DEFAULT_LOCALE) -> str:
    """ "healthy", "at risk", "exhausted", "no data" in the reader's language."""
    if state == State.HEALTHY:
        return tr(locale, "healthy")
    if state == State.AT_RISK:
        return tr(locale, "at risk")
    if state == State.EXHAUSTED:
        return tr(locale, "exhausted")
    return no_data(locale)


def trend_label(trend: str, locale: Locale = DEFAULT_LOCALE) -> str:
    """Where the budget is heading at the 1h rate: "↘ burning", "↗ recovering", "→ steady"."""
    if trend == "down":
        return tr(locale, "↘ burning")
    if trend == "up":
        return tr(locale, "↗ recovering")
    return tr(locale, "→ steady")


def window_label(window: str, locale: Locale = DEFAULT_LOCALE) -> str:
    """An objective's window as it was set ("30d", "month"), in the reader's language ("30天", "自然月")."""
    try:
        spec = WindowSpec.parse(window)
    except ValueError:
        return escape(window)
    if spec.kind == "rolling":
        return tr(locale, "{n}d", n=spec.days)
    if spec.kind == "week":
        return tr(locale, "week")
    if spec.kind == "month":
        return tr(locale, "month")
    return tr(locale, "quarter")


def budgeting_label(budgeting: str, locale: Locale = DEFAULT_LOCALE) -> str:
    """How an events objective counts its budget: "timeslices" or "occurrences"."""
    return tr(locale, "timeslices") if budgeting == Budgeting.TIMESLICES else tr(locale, "occurrences")


def budget_amount(measure: Measure, amount: Fraction, locale: Locale = DEFAULT_LOCALE) -> str:
    """A duration for time-based and timeslice objectives (a slice is a minute), a count of events otherwise."""
    if measure == Measure.SECONDS:
        return format_duration(amount, locale)
    if measure == Measure.SLICES:
        return format_duration(amount * 60, locale)
    tenths = (Decimal(amount.numerator) / Decimal(amount.denominator)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    count = f"{tenths:,.1f}".removesuffix(".0")
    return tr(locale, "{count} events", count=count)


def format_amount(status: ObjectiveStatus, amount: Fraction, locale: Locale = DEFAULT_LOCALE) -> str:
    """An amount of this objective's budget, as budget_amount reads it."""
    return budget_amount(Measure.of(status.objective), amount, locale)


def objective_name(status: ObjectiveStatus) -> str:
    """service/objective, as users type it."""
    return f"{status.service.name}/{status.objective.name}"


def left_phrase(status: ObjectiveStatus, locale: Locale = DEFAULT_LOCALE) -> str:
    """ "13m 12s of 43m 12s (30.6%) left", "exhausted, 5m over budget", "no data yet"."""
    report = status.report
    if report.attainment is None:
        return tr(locale, "no data yet")
    if report.left <= 0:
        if report.left < 0:
            return tr(locale, "exhausted, {over} over budget", over=format_amount(status, -report.left, locale))
        return tr(locale, "exhausted")
    left, total = format_amount(status, report.left, locale), format_amount(status, report.total, locale)
    if report.left_fraction is None:
        return tr(locale, "{left} of {total} left", left=left, total=total)
    share = format_percent(report.left_fraction, locale=locale)
    return tr(locale, "{left} of {total} ({share}) left", left=left, total=total, share=share)


def problem_text(problem: SourceProblem, zone: ZoneInfo, locale: Locale = DEFAULT_LOCALE) -> str:
    """What stops a pulled objective being measured: "source unavailable since …" or "metric missing since …"."""
    when = format_when(problem.since, zone, locale=locale)
    if problem.unavailable:
        return tr(locale, "source unavailable since {when}", when=when)
    return tr(locale, "metric missing from Prometheus since {when}", when=when)


def state_text(status: ObjectiveStatus, zone: ZoneInfo, locale: Locale = DEFAULT_LOCALE) -> str:
    """The state with its icon; a pulled source that is not measuring it says so instead (never "no data")."""
    if status.source_problem is not None:
        return f":warning: {problem_text(status.source_problem, zone, locale)}"
    return f"{STATE_ICON[status.state]} {state_label(status.state, locale)}"


def status_line(status: ObjectiveStatus, zone: ZoneInfo | None = None, locale: Locale = DEFAULT_LOCALE) -> str:
    objective = status.objective
    problem = status.source_problem
    shown = {
        "name": objective_name(status),
        "kind": objective.kind.upper(),
        "target": format_target(status.target),
        "window": window_label(objective.window, locale),
    }
    if problem is not None:
        what = problem_text(problem, zone or UTC, locale)
        head = tr(locale, ":warning: *{name}* {kind} {target} over {window} · *{problem}*", problem=what, **shown)
        if problem.unavailable:
            resume = tr(locale, "Counts resume, and the gap is filled, when Prometheus answers again")
        else:
            query = escape(problem.query or "")
            resume = tr(locale, "No series for `{query}`: counts resume when they come back", query=query)
        return f"{head}\n{resume}"
    state = state_label(status.state, locale)
    head = tr(
        locale,
        "{icon} *{name}* {kind} {target} over {window} · *{state}*",
        icon=STATE_ICON[status.state],
        state=state,
        **shown,
    )
    attainment = format_attainment(status.report.attainment, status.target, locale)
    line = tr(
        locale, "Attainment *{attainment}* · budget {left}", attainment=attainment, left=left_phrase(status, locale)
    )
    rate = status.forecast.burn_rates.get(HOUR)
    if rate is not None:
        trend = tr(locale, "{trend} ({rate}× in 1h)", trend=trend_label(status.trend, locale), rate=format_rate(rate))
        line += f" · {trend}"
    return f"{head}\n{line}"


def format_rate(rate: Fraction) -> str:
    """A burn rate with up to two decimals: 14.4, 0.93, 1000."""
    text = f"{Decimal(rate.numerator) / Decimal(rate.denominator):.2f}"
    return text.rstrip("0").rstrip(".")


def state_counts(counts: Mapping[State, int], locale: Locale, *, zeros: bool = False) -> str:
    """ "1 exhausted · 2 healthy", failing first; with `zeros` every state, none counted too."""
    return " · ".join(
        tr(locale, "{count} {state}", count=counts.get(state, 0), state=state_label(state, locale))
        for state in STATE_ORDER
        if zeros or counts.get(state, 0)
    )


def budget_button(
    status: ObjectiveStatus, locale: Locale = DEFAULT_LOCALE, action: ActionId = ActionId.STATUS_BUDGET
) -> ButtonElement:
    """Beside an objective in /sla status (and on the Home, `action`): its /sla budget, shown to whoever clicks."""
    return ButtonElement(text=tr(locale, "Budget"), action_id=action, value=objective_name(status))


def no_objectives(service_name: str | None, locale: Locale) -> str:
    """What a listing of no objectives says (of a service, or at all), with what to type."""
    if service_name:
        return tr(
            locale,
            "No objectives for {service} yet. Define one with /sla define <service> <name> target=99.9 window=30d",
            service=service_name,
        )
    return tr(locale, "No objectives yet. Define one with /sla define <service> <name> target=99.9 window=30d")


def _empty(service_name: str | None, public: bool, locale: Locale) -> Reply:
    text = no_objectives(service_name, locale)
    return Reply(text=text, blocks=[section(escape(text))], public=public)


def _text_line(status: ObjectiveStatus, zone: ZoneInfo, locale: Locale) -> str:
    name = objective_name(status)
    if status.source_problem is not None:
        return tr(locale, "{name}: {problem}", name=name, problem=problem_text(status.source_problem, zone, locale))
    return tr(
        locale,
        "{name}: {state}, attainment {attainment}, budget {left}",
        name=name,
        state=state_label(status.state, locale),
        attainment=format_attainment(status.report.attainment, status.target, locale),
        left=left_phrase(status, locale),
    )


def status_reply(
    items: Sequence[ObjectiveStatus],
    now: datetime,
    zone: ZoneInfo,
    service_name: str | None,
    public: bool,
    *,
    locale: Locale,
) -> Reply:
    if not items:
        return _empty(service_name, public, locale)
    title = (
        tr(locale, "Service levels: {service}", service=service_name) if service_name else tr(locale, "Service levels")
    )
    ordered = sorted(items, key=lambda s: (STATE_ORDER.index(s.state), objective_name(s)))
    when = format_when(now, zone, locale=locale)
    counts = state_counts(Counter(s.state for s in ordered), locale)
    summary = tr(locale, "{counts} · as of {when}", counts=counts, when=when)
    rows: list[Block] = [
        section(status_line(item, zone, locale), accessory=budget_button(item, locale)) for item in ordered
    ]
    blocks = with_more(
        [header(title), context(summary)],
        rows,
        lambda n: tn(locale, "…and {n} more objective", "…and {n} more objectives", n),
    )
    text_lines = [tr(locale, "{title} ({summary})", title=title, summary=summary)]
    text_lines += [_text_line(s, zone, locale) for s in ordered]
    return Reply(text="\n".join(text_lines), blocks=blocks, public=public)
