"""SLO windows: rolling N days, or the calendar week, month or quarter in the objective's time zone.

Pure: the caller passes ``now`` and the zone. All bounds are timezone-aware UTC datetimes aligned to
whole minutes; a calendar period runs from one local midnight to the next period's local midnight, so
a month with a DST change is an hour longer or shorter and its budget follows the real length. A window typed
wrong raises ValueError with a Message (slabot.core.i18n), read in any language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from slabot.core.errors import shown
from slabot.core.i18n import t

__all__ = ["MAX_ROLLING_DAYS", "WindowBounds", "WindowKind", "WindowSpec", "window_bounds", "window_through"]

WindowKind = Literal["rolling", "week", "month", "quarter"]
MAX_ROLLING_DAYS = 400
_CALENDAR_KINDS: tuple[WindowKind, ...] = ("week", "month", "quarter")
_ROLLING = re.compile(r"([0-9]+)d")


@dataclass(frozen=True)
class WindowSpec:
    """``WindowSpec("rolling", 30)`` is "30d"; ``WindowSpec("month")`` is the calendar month."""

    kind: WindowKind
    days: int | None = None

    @property
    def nominal_seconds(self) -> int:
        """The length burn-rate thresholds are derived from: a rolling window's days, a calendar window's
        nominal 7, 30 or 91 days."""
        days = self.days if self.days is not None else {"week": 7, "month": 30, "quarter": 91}[self.kind]
        return days * 86400

    def __post_init__(self) -> None:
        if self.kind == "rolling":
            if self.days is None or not 1 <= self.days <= MAX_ROLLING_DAYS:
                raise ValueError(f"a rolling window needs 1 to {MAX_ROLLING_DAYS} days, not {self.days}")
        elif self.kind in _CALENDAR_KINDS:
            if self.days is not None:
                raise ValueError(f"a {self.kind} window takes no number of days")
        else:
            raise ValueError(f"unknown window kind {self.kind!r}")

    def __str__(self) -> str:
        return f"{self.days}d" if self.kind == "rolling" else self.kind

    @property
    def is_calendar(self) -> bool:
        return self.kind != "rolling"

    @classmethod
    def parse(cls, text: str) -> WindowSpec:
        """ "30d", "7d", any "<N>d" with 1 <= N <= 400, "week", "month" or "quarter" (any case)."""
        cleaned = text.strip().lower()
        if cleaned in _CALENDAR_KINDS:
            return cls(cleaned)
        match = _ROLLING.fullmatch(cleaned)
        if match is not None and 1 <= int(match.group(1)) <= MAX_ROLLING_DAYS:
            return cls("rolling", int(match.group(1)))
        raise ValueError(
            t("window must be Nd (1 to {most} days), week, month or quarter, not '{text}'", most=MAX_ROLLING_DAYS,
              text=shown(text))
        )  # fmt: skip


@dataclass(frozen=True)
class WindowBounds:
    """[start, end) in UTC, with ``now`` the evaluation point (end == now for rolling windows)."""

    start: datetime
    end: datetime
    now: datetime

    @property
    def length_seconds(self) -> int:
        """The real length of the window (DST included)."""
        return (self.end - self.start) // timedelta(seconds=1)

    @property
    def elapsed_seconds(self) -> int:
        """How much of the window lies before ``now``."""
        return (self.now - self.start) // timedelta(seconds=1)


def _floor_minute_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"now must be a timezone-aware datetime, not {moment!r}")
    return moment.astimezone(UTC).replace(second=0, microsecond=0)


def _day_start(day: date, tz: ZoneInfo) -> datetime:
    """The first instant (UTC) whose local date in ``tz`` is ``day``.

    Usually local midnight. Where a DST gap swallows midnight (some zones change clocks at 00:00) the day
    starts when the gap ends; an ambiguous midnight takes its first occurrence.
    """
    wall = datetime.combine(day, time(0))
    candidate = wall.replace(tzinfo=tz, fold=0).astimezone(UTC)
    if candidate.astimezone(tz).replace(tzinfo=None) == wall:
        return candidate
    # Midnight does not exist: with fold=1 the wall time maps to an instant before the gap, with fold=0
    # after it. The day starts where the gap ends; offsets change on whole seconds, so bisect to one.
    before = wall.replace(tzinfo=tz, fold=1).astimezone(UTC)
    while candidate - before > timedelta(seconds=1):
        middle = before + (candidate - before) // 2
        middle = middle.replace(microsecond=0)
        if middle.astimezone(tz).date() < day:
            before = middle
        else:
            candidate = middle
    return candidate


def _period_days(kind: WindowKind, today: date) -> tuple[date, date]:
    """First day of the calendar period containing ``today`` and first day of the next one."""
    if kind == "week":
        first = today - timedelta(days=today.weekday())
        return first, first + timedelta(days=7)
    months = 1 if kind == "month" else 3
    first_month = today.month if kind == "month" else 3 * ((today.month - 1) // 3) + 1
    first = date(today.year, first_month, 1)
    index = today.year * 12 + first_month - 1 + months
    return first, date(index // 12, index % 12 + 1, 1)


def window_bounds(spec: WindowSpec, now: datetime, tz: ZoneInfo) -> WindowBounds:
    """The window of ``spec`` evaluated at ``now`` (floored to the minute, UTC).

    Rolling N days: [now - N days, now). Calendar: the week (from Monday), month or quarter (from
    January, April, July, October) containing ``now`` in zone ``tz``, from local midnight to the next
    period's local midnight.
    """
    now = _floor_minute_utc(now)
    if spec.kind == "rolling":
        assert spec.days is not None
        return WindowBounds(start=now - timedelta(days=spec.days), end=now, now=now)
    first, following = _period_days(spec.kind, now.astimezone(tz).date())
    return WindowBounds(start=_day_start(first, tz), end=_day_start(following, tz), now=now)


def window_through(spec: WindowSpec, end: datetime, tz: ZoneInfo) -> WindowBounds:
    """The window of ``spec`` as it stood when a span ending at ``end`` (exclusive, floored to the minute) ended.

    Rolling: as at ``end``. Calendar: the period holding the span's last instant, evaluated at ``end``; at
    the boundary of two periods that is the one ending, not the empty one starting (a week that ends a
    month reports that month, whole).
    """
    end = _floor_minute_utc(end)
    if spec.kind == "rolling":
        return window_bounds(spec, end, tz)
    first, following = _period_days(spec.kind, (end - timedelta(microseconds=1)).astimezone(tz).date())
    start, stop = _day_start(first, tz), _day_start(following, tz)
    return WindowBounds(start=start, end=stop, now=min(end, stop))
