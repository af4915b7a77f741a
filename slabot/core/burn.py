"""Multi-window, multi-burn-rate alert rules and budget forecasts, exact (DOMAIN.md sections 2 and 4).

Pure: no I/O, no database, no Slack, no clock. The caller counts bad and valid amounts per lookback
(events for event-based objectives, seconds for time-based ones) and passes them in; everything here is
``Fraction`` arithmetic built on ``slabot.core.budget``, rounded only inside user-facing messages. A rule refused
raises ValueError with a Message (slabot.core.i18n), read in any language: wrap it with errors.said_by.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Literal

from slabot.core.budget import burn_rate, burn_threshold, max_burn_rate, threshold_can_fire, time_to_exhaust
from slabot.core.errors import said_by, shown
from slabot.core.i18n import DEFAULT_LOCALE, Locale, t, tr
from slabot.core.timefmt import format_duration, format_target, parse_duration

__all__ = [
    "DEFAULT_RULES",
    "LOOKBACKS",
    "AlertRule",
    "Counts",
    "Forecast",
    "RuleResult",
    "check_rule",
    "evaluate_rules",
    "forecast",
    "format_rule",
    "parse_rule",
    "trend",
]

LOOKBACKS: tuple[int, ...] = (300, 1800, 3600, 7200, 21600, 86400, 259200)  # 5m 30m 1h 2h 6h 1d 3d, in seconds

_HOUR = 3600
_DAY = 86400


@dataclass(frozen=True)
class _Lasting:
    """A duration inside a Message: written out in the reader's language (1h, 1小时)."""

    seconds: int

    def render(self, locale: Locale) -> str:
        return format_duration(self.seconds, locale)


@dataclass(frozen=True, init=False)
class Counts:
    """Bad and valid amounts in one lookback: events for event-based objectives, seconds for time-based ones."""

    bad: Fraction | int
    valid: Fraction | int

    def __init__(self, bad: Fraction | int, valid: Fraction | int) -> None:
        """Whole counts stay ints (exact, and cheaper than Fractions in a pass over a thousand objectives)."""
        if not isinstance(bad, int):
            bad = Fraction(bad)
        if not isinstance(valid, int):
            valid = Fraction(valid)
        if not 0 <= bad <= valid:
            raise ValueError(f"bad ({bad}) must be between 0 and valid ({valid})")
        object.__setattr__(self, "bad", bad)
        object.__setattr__(self, "valid", valid)


@dataclass(frozen=True)
class AlertRule:
    """Alert when the long and the short window both burn fast enough to spend ``budget_fraction`` in ``long``."""

    severity: Literal["page", "ticket"]
    long_seconds: int
    short_seconds: int
    budget_fraction: Fraction  # share of the window's budget the long window may consume, e.g. Fraction(2, 100)

    def __post_init__(self) -> None:
        object.__setattr__(self, "budget_fraction", Fraction(self.budget_fraction))

    @classmethod
    def from_stored(cls, severity: str, long_seconds: int, short_seconds: int, budget_percent: Decimal) -> AlertRule:
        """A rule as a row keeps it: its severity, windows in seconds and percent of the budget."""
        kind: Literal["page", "ticket"] = "page" if severity == "page" else "ticket"
        return cls(kind, long_seconds, short_seconds, Fraction(budget_percent) / 100)

    def threshold(self, window_seconds: int) -> Fraction:
        """The burn rate at which the long window consumes ``budget_fraction``: fraction × window / long."""
        return _threshold(self, window_seconds)

    def describe(self, locale: Locale = DEFAULT_LOCALE) -> str:
        """ "page: 2% of the budget in 1h (5m)"."""
        severity = tr(locale, "page") if self.severity == "page" else tr(locale, "ticket")
        return tr(
            locale,
            "{severity}: {share} of the budget in {long} ({short})",
            severity=severity,
            share=format_target(self.budget_fraction),
            long=format_duration(self.long_seconds, locale),
            short=format_duration(self.short_seconds, locale),
        )


@functools.lru_cache(maxsize=1024)
def _threshold(rule: AlertRule, window_seconds: int) -> Fraction:
    return burn_threshold(rule.budget_fraction, window_seconds, rule.long_seconds)


MAX_RULES = 8  # per objective

DEFAULT_RULES: tuple[AlertRule, ...] = (
    AlertRule("page", _HOUR, 300, Fraction(2, 100)),
    AlertRule("page", 6 * _HOUR, 1800, Fraction(5, 100)),
    AlertRule("ticket", _DAY, 2 * _HOUR, Fraction(10, 100)),
    AlertRule("ticket", 3 * _DAY, 6 * _HOUR, Fraction(10, 100)),
)


def _format_rate(rate: Fraction) -> str:
    """A burn rate with at most 2 decimals, half up, no trailing zeros: 14.4, 0.93, 1000."""
    hundredths = math.floor(rate * 100 + Fraction(1, 2))
    return f"{hundredths // 100}.{hundredths % 100:02d}".rstrip("0").rstrip(".")


def check_rule(rule: AlertRule, target: Fraction, window_seconds: int) -> None:
    """Raise ValueError, with a sentence for the user (a Message), when ``rule`` makes no sense for this
    objective."""
    name = format_rule(rule)
    if not 0 < rule.budget_fraction <= 1:
        raise ValueError(
            t("{rule}: the share of the budget must be above 0% and at most 100%, not {share}", rule=name,
              share=format_target(rule.budget_fraction))
        )  # fmt: skip
    if rule.short_seconds <= 0 or rule.long_seconds <= 0:
        raise ValueError(t("{rule}: both windows must be longer than zero", rule=name))
    short, long = _Lasting(rule.short_seconds), _Lasting(rule.long_seconds)
    if rule.short_seconds >= rule.long_seconds:
        raise ValueError(
            t("{rule}: the short window ({short}) must be shorter than the long one ({long}); 1/12 of it is usual, "
              "like 1h/5m", rule=name, short=short, long=long)
        )  # fmt: skip
    if window_seconds <= 0:
        raise ValueError(
            t("an objective's window must be longer than zero, not {seconds} seconds", seconds=window_seconds)
        )
    if rule.long_seconds > window_seconds:
        raise ValueError(
            t("{rule}: the long window ({long}) is longer than the objective's window ({window})", rule=name,
              long=long, window=_Lasting(window_seconds))
        )  # fmt: skip
    threshold = rule.threshold(window_seconds)
    if not threshold_can_fire(threshold, target):
        highest = max_burn_rate(target)
        needed, most = _format_rate(threshold), _format_rate(highest)
        params = {"rule": name, "target": format_target(target), "window": _Lasting(window_seconds), "most": most}
        if needed == most:
            raise ValueError(
                t("{rule} can never fire on {target} over {window}: it needs a burn rate of just above {most}, and "
                  "the highest possible is {most} (a full outage); use a smaller share of the budget or a longer "
                  "window", **params)
            )  # fmt: skip
        raise ValueError(
            t("{rule} can never fire on {target} over {window}: it needs a burn rate of {needed}, and the highest "
              "possible is {most} (a full outage); use a smaller share of the budget or a longer window",
              needed=needed, **params)
        )  # fmt: skip


_RULE = re.compile(r"(page|ticket)\s*:\s*([0-9]+(?:\.[0-9]+)?)\s*%\s*:\s*([0-9a-z ]+?)\s*/\s*([0-9a-z ]+)")


def parse_rule(text: str) -> AlertRule:
    """ "page:2%:1h/5m" -> AlertRule("page", 3600, 300, Fraction(2, 100)): severity:percent%:long/short."""
    cleaned = text.strip().lower()
    typed = shown(text)
    match = _RULE.fullmatch(cleaned)
    if match is None:
        raise ValueError(
            t("'{text}' is not an alert rule: write severity:percent%:long/short, like page:2%:1h/5m or "
              "ticket:10%:3d/6h", text=typed)
        )  # fmt: skip
    severity, percent, long_text, short_text = match.groups()
    try:
        fraction = Fraction(Decimal(percent)) / 100
        long_seconds = parse_duration(long_text) // timedelta(seconds=1)
        short_seconds = parse_duration(short_text) // timedelta(seconds=1)
    except (ValueError, InvalidOperation) as exc:
        problem = said_by(exc) if isinstance(exc, ValueError) else str(exc)
        raise ValueError(
            t("'{text}' is not an alert rule ({problem}); write one like page:2%:1h/5m or ticket:10%:3d/6h",
              text=typed, problem=problem)
        ) from None  # fmt: skip
    if not 0 < fraction <= 1:
        raise ValueError(t("'{text}': the share of the budget must be above 0% and at most 100%", text=typed))
    if short_seconds >= long_seconds:
        raise ValueError(
            t("'{text}': the short window must be shorter than the long one, like page:2%:1h/5m or ticket:10%:3d/6h",
              text=typed)
        )  # fmt: skip
    return AlertRule("page" if severity == "page" else "ticket", long_seconds, short_seconds, fraction)


def _compact_duration(seconds: int) -> str:
    """Exact, no spaces, for the rule syntax: 3d, 1h30m, 90061 -> 1d1h1m1s."""
    parts: list[str] = []
    rest = seconds
    for unit, size in (("d", _DAY), ("h", _HOUR), ("m", 60), ("s", 1)):
        amount, rest = divmod(rest, size)
        if amount:
            parts.append(f"{amount}{unit}")
    return "".join(parts) or "0s"


def format_rule(rule: AlertRule) -> str:
    """The inverse of ``parse_rule``: "page:2%:1h/5m"."""
    percent = format_target(rule.budget_fraction)
    return f"{rule.severity}:{percent}:{_compact_duration(rule.long_seconds)}/{_compact_duration(rule.short_seconds)}"


@dataclass(frozen=True)
class RuleResult:
    """One rule evaluated against the current counts."""

    rule: AlertRule
    threshold: Fraction
    long: Counts
    short: Counts
    long_rate: Fraction | None  # None = no data in that lookback
    short_rate: Fraction | None
    firing: bool
    low_traffic: bool  # valid events below min_events in the long or the short window (only when events_based)
    budget_total: Fraction

    @property
    def budget_consumed(self) -> Fraction | None:
        """long.bad / budget_total: the share of the window's budget spent in the long window."""
        return Fraction(self.long.bad) / self.budget_total if self.budget_total != 0 else None


def evaluate_rules(
    rules: Sequence[AlertRule],
    counts: Mapping[int, Counts],
    *,
    target: Fraction,
    window_seconds: int,
    budget_total: Fraction,
    min_events: int,
    events_based: bool,
    rates: Mapping[int, Fraction | None] | None = None,
) -> list[RuleResult]:
    """Each rule fires when both its long and short burn rates are at or above its threshold.

    A window with no data (valid 0) never fires, and neither does a low-traffic one (fewer than
    ``min_events`` valid events in either window, event-based objectives only). ``counts`` must hold
    every rule's long and short lookback (KeyError otherwise). ``rates`` may bring burn rates already
    computed for these counts (a Forecast's), so they are not computed twice.
    """
    known = rates or {}

    def rate(lookback: int) -> Fraction | None:
        if lookback in known:
            return known[lookback]
        found = counts[lookback]
        return burn_rate(found.bad, found.valid, target)

    results: list[RuleResult] = []
    for rule in rules:
        threshold = rule.threshold(window_seconds)
        long, short = counts[rule.long_seconds], counts[rule.short_seconds]
        long_rate, short_rate = rate(rule.long_seconds), rate(rule.short_seconds)
        low_traffic = events_based and (long.valid < min_events or short.valid < min_events)
        firing = (
            not low_traffic
            and long_rate is not None
            and short_rate is not None
            and long_rate >= threshold
            and short_rate >= threshold
        )
        results.append(
            RuleResult(rule, threshold, long, short, long_rate, short_rate, firing, low_traffic, Fraction(budget_total))
        )
    return results


@dataclass(frozen=True)
class Forecast:
    """Where the budget is heading."""

    burn_rates: dict[int, Fraction | None]  # per lookback in LOOKBACKS order, then key 0 for the window so far
    exhaust_at_1h: Fraction | None  # seconds until what is left is gone at the 1h rate (None: never / no data)
    exhaust_at_6h: Fraction | None  # 0 when nothing is left
    projected_left_fraction: Fraction | None  # share of the budget left at the end of the window


def _exhaust(left_fraction: Fraction | None, window_seconds: int, rate: Fraction | None) -> Fraction | None:
    if left_fraction is None:
        return None
    if left_fraction <= 0:
        return Fraction(0)
    return None if rate is None else time_to_exhaust(left_fraction, window_seconds, rate)


def forecast(
    counts: Mapping[int, Counts],
    window_counts: Counts,
    *,
    target: Fraction,
    window_seconds: int,
    left_fraction: Fraction | None,
    remaining_seconds: int,
    calendar: bool,
) -> Forecast:
    """Burn rates per lookback, time to exhaustion at the 1h and 6h rates, and the budget left at the end.

    A lookback missing from ``counts`` has no data (None). The projection for a calendar window keeps
    burning at the window-so-far rate until the period ends: left − rate × remaining / window. A rolling
    window never ends, so it shows where a full window at the 1d rate ends up: 1 − rate_1d. None when the
    rate it needs or ``left_fraction`` is None.
    """
    if window_seconds <= 0:
        raise ValueError(f"a window must be longer than zero, not {window_seconds} seconds")
    if remaining_seconds < 0:
        raise ValueError(f"the time remaining cannot be negative, not {remaining_seconds} seconds")
    rates: dict[int, Fraction | None] = {}
    for lookback in LOOKBACKS:
        found = counts.get(lookback)
        rates[lookback] = None if found is None else burn_rate(found.bad, found.valid, target)
    rates[0] = burn_rate(window_counts.bad, window_counts.valid, target)
    left = None if left_fraction is None else Fraction(left_fraction)
    needed = rates[0] if calendar else rates[_DAY]
    projected: Fraction | None = None
    if left is not None and needed is not None:
        projected = left - needed * remaining_seconds / window_seconds if calendar else 1 - needed
    return Forecast(
        burn_rates=rates,
        exhaust_at_1h=_exhaust(left, window_seconds, rates[_HOUR]),
        exhaust_at_6h=_exhaust(left, window_seconds, rates[6 * _HOUR]),
        projected_left_fraction=projected,
    )


def trend(forecast: Forecast) -> Literal["up", "down", "flat"]:
    """Which way the budget is going, from the last hour against the last six.

    "down": the 1h burn rate is above 1 (faster than the budget allows) and above the 6h rate (or the 6h
    rate is unknown), so things are getting worse. "up": the 1h burn rate is below 1, recovering.
    "flat": anything else (burning fast but slowing down, exactly 1, or no 1h data).
    """
    last_hour = forecast.burn_rates.get(_HOUR)
    six_hours = forecast.burn_rates.get(6 * _HOUR)
    if last_hour is None:
        return "flat"
    if last_hour > 1 and (six_hours is None or last_hour > six_hours):
        return "down"
    if last_hour < 1:
        return "up"
    return "flat"
