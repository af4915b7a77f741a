"""Working time on calendars: 24x7, or business hours in a zone with a country's public holidays.

Pure (no clock, no database); the only outside source is the ``holidays`` package, looked up once per
country and year. Instants are handled as whole microseconds since the epoch, so sums are exact; the
public functions take and return aware datetimes and count whole seconds (floored).

A business day's working windows are wall-clock times of its local date: on a DST-change day a window is
as long as the clocks say (00:00-24:00 lasts 23h in spring and 25h in autumn). An instant is working time
when its local wall time lies inside a window of its local date.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

import holidays

from slabot.core.i18n import t
from slabot.core.timefmt import parse_duration

__all__ = [
    "AlwaysOn",
    "BusinessCalendar",
    "WeeklyHours",
    "WorkCalendar",
    "parse_hours",
    "target_seconds",
]

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_FULL_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_DAY_INDEX = {**{n: i for i, n in enumerate(DAY_NAMES)}, **{n: i for i, n in enumerate(_FULL_NAMES)}}
_GROUP = re.compile(r"([a-z]+)(?:\s*-\s*([a-z]+))?(?:\s+(.*))?", re.DOTALL)
_WINDOW = re.compile(r"([0-9]{1,2}):([0-9]{2})-([0-9]{1,2}):([0-9]{2})")
_EXAMPLE = t("like mon-fri 09:00-12:00,13:00-18:00 (several groups separated by ;)")
_US = 1_000_000
_DAY = 86400
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_NAIVE_EPOCH = datetime(1970, 1, 1)
_ONE_US = timedelta(microseconds=1)
# add_working_seconds gives up after this many days in a row without working time.
_MAX_IDLE_DAYS = 3700

Window = tuple[int, int]  # minutes after local midnight, [start, end); end may be 1440 (24:00)


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@dataclass(frozen=True)
class WeeklyHours:
    """Working windows per weekday (index 0 is Monday), sorted, not overlapping, touching ones merged."""

    days: tuple[tuple[Window, ...], ...]

    def windows(self, weekday: int) -> tuple[Window, ...]:
        return self.days[weekday]

    @property
    def first_windows(self) -> tuple[Window, ...]:
        """The windows of the first weekday with hours: what an extra working day uses."""
        return next(day for day in self.days if day)

    @property
    def day_seconds(self) -> int:
        return sum(end - start for start, end in self.first_windows) * 60

    def format(self) -> str:
        """The normalised spec: runs of consecutive weekdays with the same windows, like parse_hours reads."""
        groups: list[str] = []
        index = 0
        while index < 7:
            windows = self.days[index]
            last = index
            while last + 1 < 7 and self.days[last + 1] == windows:
                last += 1
            if windows:
                names = DAY_NAMES[index] if last == index else f"{DAY_NAMES[index]}-{DAY_NAMES[last]}"
                groups.append(f"{names} " + ",".join(f"{_clock(a)}-{_clock(b)}" for a, b in windows))
            index = last + 1
        return "; ".join(groups)


def _day(word: str) -> int:
    found = _DAY_INDEX.get(word)
    if found is None:
        raise ValueError(
            t("'{word}' is not a day: use mon, tue, wed, thu, fri, sat or sun, {example}", word=word, example=_EXAMPLE)
        )
    return found


def _window(text: str) -> Window:
    match = _WINDOW.fullmatch(text)
    if match is None:
        raise ValueError(t("'{text}' is not a time window: write it as HH:MM-HH:MM, {example}", text=text,
                           example=_EXAMPLE))  # fmt: skip
    sh, sm, eh, em = (int(part) for part in match.groups())
    if sh > 23 or sm > 59 or em > 59 or eh > 24 or (eh == 24 and em != 0):
        raise ValueError(t("'{text}' has a time that does not exist: use 00:00 to 23:59 (24:00 as an end)", text=text))
    start, end = sh * 60 + sm, eh * 60 + em
    if end <= start:
        raise ValueError(
            t(
                "'{text}' ends before it starts: a window stays within one day, so split a night shift, like "
                "mon 22:00-24:00; tue 00:00-06:00",
                text=text,
            )
        )
    return start, end


def parse_hours(text: str) -> WeeklyHours:
    """`mon-fri 09:00-12:00,13:00-18:00; sat 10:00-14:00`: day ranges or single days, then HH:MM-HH:MM
    windows separated by commas; groups separated by `;`. A ValueError says what to type instead."""
    per_day: list[list[Window]] = [[] for _ in range(7)]
    groups = [group.strip() for group in text.lower().split(";") if group.strip()]
    if not groups:
        raise ValueError(t("give working hours, {example}", example=_EXAMPLE))
    for group in groups:
        match = _GROUP.fullmatch(group)
        if match is None:
            raise ValueError(t("'{group}' does not start with a day: write days then times, {example}", group=group,
                               example=_EXAMPLE))  # fmt: skip
        first, last, times = match.groups()
        start_day = _day(first)
        end_day = _day(last) if last else start_day
        if end_day < start_day:
            raise ValueError(
                t("'{first}-{last}' runs backwards: write day ranges from mon towards sun, like mon-fri", first=first,
                  last=last)
            )  # fmt: skip
        if not times or not times.strip():
            raise ValueError(t("'{group}' has no times: add them, {example}", group=group, example=_EXAMPLE))
        windows = [_window(part) for part in re.sub(r"\s+", "", times).split(",") if part]
        for weekday in range(start_day, end_day + 1):
            per_day[weekday].extend(windows)
    days: list[tuple[Window, ...]] = []
    for weekday, windows in enumerate(per_day):
        merged: list[Window] = []
        for start, end in sorted(windows):
            if merged and start < merged[-1][1]:
                before = merged[-1]
                first_window = f"{_clock(before[0])}-{_clock(before[1])}"
                second_window = f"{_clock(start)}-{_clock(end)}"
                raise ValueError(
                    t(
                        "on {day} {first} and {second} overlap: give each working time once, {example}",
                        day=DAY_NAMES[weekday],
                        first=first_window,
                        second=second_window,
                        example=_EXAMPLE,
                    )
                )
            if merged and start == merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
            else:
                merged.append((start, end))
        days.append(tuple(merged))
    return WeeklyHours(tuple(days))


def _to_us(dt: datetime) -> int:
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError(f"working time needs timezone-aware datetimes, not {dt!r}")
    return (dt - _EPOCH) // _ONE_US


def _from_us(us: int) -> datetime:
    return _EPOCH + timedelta(microseconds=us)


class WorkCalendar(Protocol):
    """What timers need of a calendar."""

    @property
    def name(self) -> str: ...

    @property
    def zone(self) -> ZoneInfo: ...

    @property
    def day_seconds(self) -> int:
        """The working length of one "day" of a target."""
        ...

    def working_seconds(self, start: datetime, end: datetime) -> int:
        """Whole seconds of working time in [start, end), floored; 0 when end <= start."""
        ...

    def add_working_seconds(self, start: datetime, seconds: int) -> datetime:
        """The earliest instant t >= start with working_seconds(start, t) == seconds (start itself for 0)."""
        ...


@dataclass(frozen=True)
class AlwaysOn:
    """24x7: every second counts. The zone is only for display."""

    zone: ZoneInfo
    name: str = "24x7"
    day_seconds: int = _DAY

    def working_seconds(self, start: datetime, end: datetime) -> int:
        return max(0, (_to_us(end) - _to_us(start)) // _US)

    def add_working_seconds(self, start: datetime, seconds: int) -> datetime:
        return _from_us(_to_us(start) + seconds * _US)


@functools.lru_cache(maxsize=512)
def _country_year(country: str, year: int) -> tuple[frozenset[date], frozenset[date]]:
    """A country's public holidays and make-up working days (China's weekend workdays) of one year."""
    table = holidays.country_holidays(country, years=year)
    days_off = frozenset(day for day in table if day.year == year)
    workdays = frozenset(day for day in getattr(table, "weekend_workdays", ()) if day.year == year)
    return days_off, workdays


class BusinessCalendar:
    """Working windows per weekday in a zone, less a country's public holidays and explicit days off, plus
    the country's make-up working days and explicit extra working days.

    An explicit day off wins over everything; an explicit working day wins over a public holiday. An extra
    working day on a weekday without hours uses the hours of the first weekday that has some.
    """

    def __init__(
        self,
        name: str,
        zone: ZoneInfo,
        hours: WeeklyHours,
        country: str | None = None,
        days_off: frozenset[date] = frozenset(),
        extra_workdays: frozenset[date] = frozenset(),
    ) -> None:
        self.name = name
        self.zone = zone
        self.hours = hours
        self.country = country
        self.days_off = days_off
        self.extra_workdays = extra_workdays
        self._intervals: dict[date, tuple[tuple[int, int], ...]] = {}

    @property
    def day_seconds(self) -> int:
        return self.hours.day_seconds

    def windows_on(self, day: date) -> tuple[Window, ...]:
        """The local working windows of one date (empty on a day off)."""
        if day in self.days_off:
            return ()
        own = self.hours.windows(day.weekday())
        if day in self.extra_workdays:
            return own or self.hours.first_windows
        public_off, make_up = _country_year(self.country, day.year) if self.country else (frozenset(), frozenset())
        if day in make_up:
            return own or self.hours.first_windows
        return () if day in public_off else own

    def is_working_day(self, day: date) -> bool:
        return bool(self.windows_on(day))

    # ---- instants: microseconds since the epoch ---------------------------------------------------------

    def _local_us(self, us: int) -> int:
        return (_from_us(us).astimezone(self.zone).replace(tzinfo=None) - _NAIVE_EPOCH) // _ONE_US

    def _offset_us(self, us: int) -> int:
        offset = _from_us(us).astimezone(self.zone).utcoffset()
        assert offset is not None
        return offset // _ONE_US

    def _local_date(self, us: int) -> date:
        return _from_us(us).astimezone(self.zone).date()

    def _first_instant(self, local_us: int) -> int:
        """The earliest instant whose wall time is at or after local_us (the end of the gap if it is skipped)."""
        naive = _NAIVE_EPOCH + timedelta(microseconds=local_us)
        candidates = [_to_us(naive.replace(tzinfo=self.zone, fold=fold)) for fold in (0, 1)]
        low, high = min(candidates), max(candidates)
        if self._local_us(low) >= local_us:
            return low
        while high - low > 1:  # in a DST gap: search the transition
            middle = (low + high) // 2
            if self._local_us(middle) >= local_us:
                high = middle
            else:
                low = middle
        return high

    def _segments(self, day: date) -> list[tuple[int, int, int]]:
        """The day's instants as [start, end) spans of one UTC offset each: (start, end, offset)."""
        midnight = (datetime.combine(day, datetime.min.time()) - _NAIVE_EPOCH) // _ONE_US
        start = self._first_instant(midnight)
        end = self._first_instant(midnight + _DAY * _US)
        first, last = self._offset_us(start), self._offset_us(end - 1)
        if first == last:
            return [(start, end, first)]
        low, high = start, end - 1
        while high - low > 1:
            middle = (low + high) // 2
            if self._offset_us(middle) == last:
                high = middle
            else:
                low = middle
        return [(start, high, first), (high, end, last)]

    def _day_intervals(self, day: date) -> tuple[tuple[int, int], ...]:
        """The working time of one local date as sorted, disjoint UTC [start, end) spans."""
        cached = self._intervals.get(day)
        if cached is not None:
            return cached
        windows = self.windows_on(day)
        spans: list[tuple[int, int]] = []
        if windows:
            midnight = (datetime.combine(day, datetime.min.time()) - _NAIVE_EPOCH) // _ONE_US
            for seg_start, seg_end, offset in self._segments(day):
                for first, last in windows:
                    start = max(midnight + first * 60 * _US - offset, seg_start)
                    end = min(midnight + last * 60 * _US - offset, seg_end)
                    if end > start:
                        spans.append((start, end))
        merged: list[tuple[int, int]] = []
        for start, end in sorted(spans):
            if merged and start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
            else:
                merged.append((start, end))
        result = tuple(merged)
        self._intervals[day] = result
        return result

    def _days_from(self, us: int) -> Iterator[date]:
        day = self._local_date(us) - timedelta(days=1)
        while True:
            yield day
            day += timedelta(days=1)

    def working_us(self, start_us: int, end_us: int) -> int:
        if end_us <= start_us:
            return 0
        total = 0
        last_day = self._local_date(end_us) + timedelta(days=1)
        for day in self._days_from(start_us):
            if day > last_day:
                break
            for start, end in self._day_intervals(day):
                total += max(0, min(end, end_us) - max(start, start_us))
        return total

    def working_seconds(self, start: datetime, end: datetime) -> int:
        return self.working_us(_to_us(start), _to_us(end)) // _US

    def add_working_seconds(self, start: datetime, seconds: int) -> datetime:
        start_us = _to_us(start)
        remaining = seconds * _US
        if remaining <= 0:
            return _from_us(start_us)
        idle = 0
        for day in self._days_from(start_us):
            spans = self._day_intervals(day)
            idle = 0 if spans else idle + 1
            if idle > _MAX_IDLE_DAYS:
                raise ValueError(f"calendar {self.name} has no working time for ten years")
            for span_start, span_end in spans:
                begin = max(span_start, start_us)
                if span_end <= begin:
                    continue
                if span_end - begin >= remaining:
                    return _from_us(begin + remaining)
                remaining -= span_end - begin
        raise AssertionError("unreachable")  # pragma: no cover


_UNIT = re.compile(r"([0-9]+)\s*([wdhms])")


def target_seconds(text: str, calendar: WorkCalendar) -> int:
    """A target's length in working seconds.

    Days count as working days of the calendar: each `d` is ``calendar.day_seconds`` (and each `w` seven
    of those); hours, minutes and seconds are plain working time. On 24x7 a day is 24h, so nothing changes;
    on mon-fri 09:00-17:00 "3d" is 24 working hours, "1d" is 8, "1d2h" is 10 and "4h" is 4 working hours.
    A ValueError (from parse_duration) says what to type when the text is not a duration.
    """
    total = int(parse_duration(text).total_seconds())
    days = sum(int(amount) * (7 if unit == "w" else 1) for amount, unit in _UNIT.findall(text.lower()) if unit in "wd")
    return days * calendar.day_seconds + (total - days * _DAY)
