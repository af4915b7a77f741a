"""Parsing and displaying times, durations and percentages, the way people read and type them.

Pure: no clock (the caller passes ``now``), no I/O. Values are exact (``Fraction``) until the last step;
percentages round half up except attainment and shares of targets met, which are floored so a miss
never displays as met; durations are truncated, so an amount never reads larger than it is.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

from slabot.core.budget import percent_from_target
from slabot.core.i18n import DEFAULT_LOCALE, Locale, t, tr

__all__ = [
    "floor_minute",
    "format_attainment",
    "format_duration",
    "format_local",
    "format_percent",
    "format_share",
    "format_target",
    "format_when",
    "no_data",
    "parse_duration",
    "parse_when",
]

_MINUTE = 60
_HOUR = 3600
_DAY = 86400


def _round_half_up(value: Fraction) -> int:
    """Nearest integer, halves away from zero (2.5 -> 3, -2.5 -> -3)."""
    magnitude = math.floor(abs(value) + Fraction(1, 2))
    return -magnitude if value < 0 else magnitude


def _unit(locale: Locale, amount: int | str, unit: str) -> str:
    if unit == "d":
        return tr(locale, "{n}d", n=amount)
    if unit == "h":
        return tr(locale, "{n}h", n=amount)
    if unit == "m":
        return tr(locale, "{n}m", n=amount)
    return tr(locale, "{n}s", n=amount)


def _two_units(locale: Locale, total: int, size: int, big: str, small: str) -> str:
    whole, rest = divmod(total, size)
    larger = _unit(locale, whole, big)
    if not rest:
        return larger
    # Translators: a duration in two units, like "43m 12s"
    return tr(locale, "{larger} {smaller}", larger=larger, smaller=_unit(locale, rest, small))


def _format_magnitude(seconds: Fraction, locale: Locale) -> str:
    """A non-negative duration in the two largest units, truncated at the smaller one shown (2h 12m 32s is
    "2h 12m"), so an amount never reads larger than it is; below 10 s with tenths (4.32 s is "4.3s")."""
    if seconds < 10:
        whole, tenth = divmod(math.floor(seconds * 10), 10)
        return _unit(locale, f"{whole}.{tenth}" if tenth else str(whole), "s")
    if seconds < _HOUR:
        whole = math.floor(seconds)
        return _unit(locale, whole, "s") if whole < _MINUTE else _two_units(locale, whole, _MINUTE, "m", "s")
    if seconds < _DAY:
        return _two_units(locale, math.floor(seconds / _MINUTE), 60, "h", "m")
    return _two_units(locale, math.floor(seconds / _HOUR), 24, "d", "h")


def format_duration(seconds: int | Fraction | Decimal, locale: Locale = DEFAULT_LOCALE) -> str:
    """43m 12s, 2h 12m, 3d 4h, 30d, 52s, 4.3s, 0s (43分12秒 in Chinese): truncated, never rounded up; a negative
    value keeps its "-" however small (-0.04 s is "-0s": over budget, if only just)."""
    value = Fraction(seconds)
    text = _format_magnitude(abs(value), locale)
    return f"-{text}" if value < 0 else text


def _fixed(ratio: Fraction, decimals: int, rounder: str) -> str:
    """ratio as a percentage with ``decimals`` places, rounded half up ("half") or down ("floor"); a
    negative ratio keeps its "-" even where it rounds to zero ("-0.0%")."""
    scaled = ratio * 100 * 10**decimals
    units = _round_half_up(scaled) if rounder == "half" else math.floor(scaled)
    digits = str(abs(units)).rjust(decimals + 1, "0")
    body = f"{digits[:-decimals]}.{digits[-decimals:]}" if decimals > 0 else digits
    return f"-{body}%" if ratio < 0 else f"{body}%"


def no_data(locale: Locale = DEFAULT_LOCALE) -> str:
    """What a figure with nothing to compute it from reads as."""
    return tr(locale, "no data")


def format_percent(ratio: Fraction | None, decimals: int = 1, locale: Locale = DEFAULT_LOCALE) -> str:
    """0.30555… -> "30.6%" (half up); None -> "no data"; negative ratios keep their sign (-1/3000 -> "-0.0%")."""
    if ratio is None:
        return no_data(locale)
    return _fixed(Fraction(ratio), decimals, "half")


def format_share(ratio: Fraction | None, decimals: int = 1, locale: Locale = DEFAULT_LOCALE) -> str:
    """A share that must never read better than it is (targets met, 199 of 200 -> "99.5%"), floored;
    None -> "no data"."""
    if ratio is None:
        return no_data(locale)
    return _fixed(Fraction(ratio), decimals, "floor")


def _target_decimals(target: Fraction) -> int:
    """Decimal places of the target's percentage (99.95% -> 2), at least 1, at most 6."""
    try:
        exponent = percent_from_target(target).as_tuple().exponent
    except ValueError:
        return 6
    assert isinstance(exponent, int)
    return min(6, max(1, -exponent))


def format_attainment(attainment: Fraction | None, target: Fraction, locale: Locale = DEFAULT_LOCALE) -> str:
    """Attainment with the target's precision, floored: 0.998996 against 99.9% is "99.8%", not "99.9%"."""
    if attainment is None:
        return no_data(locale)
    return _fixed(Fraction(attainment), _target_decimals(target), "floor")


def format_target(target: Fraction) -> str:
    """Exact, without trailing zeros: "99.9%", "99.95%", "99%"."""
    try:
        return f"{percent_from_target(target):f}%"
    except ValueError:
        text = format_percent(target, 4)
        return text[:-1].rstrip("0").rstrip(".") + "%"


_DURATION_UNITS = {"w": 7 * _DAY, "d": _DAY, "h": _HOUR, "m": _MINUTE, "s": 1}
_DURATION = re.compile(r"(?:([0-9]+)w)?\s*(?:([0-9]+)d)?\s*(?:([0-9]+)h)?\s*(?:([0-9]+)m)?\s*(?:([0-9]+)s)?")
_MAX_DURATION_SECONDS = 100 * 366 * _DAY


def parse_duration(text: str) -> timedelta:
    """ "90s", "30m", "2h", "3d", "1w", "1h30m", "1d12h" (any case, whole numbers, longer than zero)."""
    cleaned = text.strip().lower()
    match = _DURATION.fullmatch(cleaned)
    if not cleaned or match is None:
        raise ValueError(
            t("'{text}' is not a duration: use a number with s, m, h or d, like 30m or 2h", text=text.strip())
        )
    seconds = sum(
        int(amount) * size
        for amount, size in zip(match.groups(), _DURATION_UNITS.values(), strict=True)
        if amount is not None
    )
    if seconds == 0:
        raise ValueError(t("a duration must be longer than zero, not '{text}'", text=text.strip()))
    if seconds > _MAX_DURATION_SECONDS:
        raise ValueError(t("'{text}' is too long: a duration can be at most 100 years", text=text.strip()))
    return timedelta(seconds=seconds)


_ISO_TIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,6})?)?"
    r"(?:Z|[+-][0-9]{2}(?::?[0-9]{2})?)?"
)


def _when_error(text: str) -> ValueError:
    return ValueError(
        t(
            "'{text}' is not a time: give how long ago, like 30m or 2h, or a date and time, like 2026-11-21 10:00 "
            "or 2026-11-21T10:00+01:00",
            text=text.strip(),
        )
    )


def parse_when(text: str, now: datetime, tz: ZoneInfo) -> datetime:
    """A time typed by a person, as UTC.

    Either a duration meaning that long before ``now`` ("30m", "2h", "2h ago"), or an ISO-8601 date and
    time ("2026-11-21T10:00:00Z", "2026-11-21T10:00+01:00", "2026-11-21 10:00"). Without an offset the time
    is local to ``tz``; a local time skipped by a DST change is rejected, an ambiguous one is the first.
    """
    cleaned = text.strip()
    relative = cleaned[:-3].rstrip() if cleaned.lower().endswith("ago") else cleaned
    if relative and relative[0].isdigit() and _DURATION.fullmatch(relative.lower()):
        if now.tzinfo is None or now.utcoffset() is None:
            raise ValueError(f"now must be a timezone-aware datetime, not {now!r}")
        return now.astimezone(UTC) - parse_duration(relative)
    candidate = cleaned.upper()
    if _ISO_TIME.fullmatch(candidate) is None:
        raise _when_error(text)
    try:
        parsed = datetime.fromisoformat(candidate)
    except ValueError:
        raise _when_error(text) from None
    if parsed.tzinfo is not None:
        return parsed.astimezone(UTC)
    local = parsed.replace(tzinfo=tz, fold=0)
    if local.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != parsed:
        skipped = f"{parsed:%Y-%m-%d %H:%M}"
        raise ValueError(
            t(
                "{time} does not exist in {zone} (the clocks skip it for daylight saving time): pick another time "
                "or give an offset, like +01:00",
                time=skipped,
                zone=tz.key,
            )
        )
    return local.astimezone(UTC)


def format_local(local: datetime, locale: Locale = DEFAULT_LOCALE) -> str:
    """A local date and minute: "2026-11-21 09:30", in Chinese "2026年11月21日 09:30"."""
    return tr(
        locale,
        "{year}-{month:02d}-{day:02d} {hour:02d}:{minute:02d}",
        year=local.year,
        month=local.month,
        day=local.day,
        hour=local.hour,
        minute=local.minute,
    )


def format_when(dt: datetime, tz: ZoneInfo, now: datetime | None = None, locale: Locale = DEFAULT_LOCALE) -> str:
    """ "2026-11-21 10:00 CET"; with ``now``, a hint is added: "(2h ago)", "(in 3d 4h)" or "(just now)"."""
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError(f"a time to display must be timezone-aware, not {dt!r}")
    local = dt.astimezone(tz)
    text = f"{format_local(local, locale)} {local.tzname()}"
    if now is None:
        return text
    delta = Fraction((now - dt) // timedelta(microseconds=1), 1_000_000)
    if abs(delta) < _MINUTE:
        return tr(locale, "{time} (just now)", time=text)
    if delta > 0:
        return tr(locale, "{time} ({duration} ago)", time=text, duration=format_duration(delta, locale))
    return tr(locale, "{time} (in {duration})", time=text, duration=format_duration(-delta, locale))


def floor_minute(dt: datetime) -> datetime:
    """The start of the minute containing ``dt`` (floored on the UTC instant; same tzinfo as ``dt``)."""
    if dt.tzinfo is None or dt.utcoffset() is None:
        return dt.replace(second=0, microsecond=0)
    floored = dt.astimezone(UTC).replace(second=0, microsecond=0)
    return floored.astimezone(dt.tzinfo)
