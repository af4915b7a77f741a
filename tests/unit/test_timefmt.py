from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from slabot.core.timefmt import (
    floor_minute,
    format_attainment,
    format_duration,
    format_percent,
    format_target,
    format_when,
    parse_duration,
    parse_when,
)

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)


# --- format_duration ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [
        (0, "0s"),
        (2592, "43m 12s"),
        (792, "13m 12s"),
        (900, "15m"),
        (1692, "28m 12s"),
        (7500, "2h 5m"),
        (3 * 86400 + 4 * 3600, "3d 4h"),
        (720 * 3600, "30d"),
        (50 * 3600, "2d 2h"),
        (86400, "1d"),
        (2 * 86400, "2d"),
        (3600, "1h"),
        (300, "5m"),
        (60, "1m"),
        (Fraction(5184, 100), "51s"),
        (Fraction(432, 100), "4.3s"),
        (Decimal("4.32"), "4.3s"),
        (Decimal("4.35"), "4.3s"),
        (Decimal("4.25"), "4.2s"),
        (Decimal("0.05"), "0s"),
        (Decimal("0.1"), "0.1s"),
        (Decimal("0.04"), "0s"),
        (5, "5s"),
        (Decimal("5.0"), "5s"),
        (Decimal("9.94"), "9.9s"),
        (Decimal("9.95"), "9.9s"),
        (10, "10s"),
        (Decimal("10.5"), "10s"),
        (Decimal("59.4"), "59s"),
        (Decimal("59.5"), "59s"),
        (Decimal("59.999"), "59s"),
        (Decimal("89.5"), "1m 29s"),
        (Decimal("3599.4"), "59m 59s"),
        (Decimal("3599.6"), "59m 59s"),
        (Decimal("3629.9"), "1h"),
        (Decimal("3630"), "1h"),
        (Decimal("3660"), "1h 1m"),
        (Decimal("86369.9"), "23h 59m"),
        (Decimal("86370"), "23h 59m"),
        (86400 + 1799, "1d"),
        (86400 + 1800, "1d"),
        (86400 + 3600, "1d 1h"),
        (86400 * 2 - 1800, "1d 23h"),
        (Fraction(1296, 10), "2m 9s"),
        (Fraction(2592, 10), "4m 19s"),
        (12960, "3h 36m"),
        (400 * 86400, "400d"),
        (-1008, "-16m 48s"),
        (Decimal("-4.32"), "-4.3s"),
        (Decimal("-0.01"), "-0s"),  # over budget, if only just
        (-1, "-1s"),
        (-90000, "-1d 1h"),
        (7952, "2h 12m"),  # 2h 12m 32s: truncated, never "2h 13m"
        (-7952, "-2h 12m"),
    ],
)
def test_format_duration(seconds: int | Fraction | Decimal, shown: str) -> None:
    assert format_duration(seconds) == shown


@given(st.fractions(min_value=0, max_value=10**9))
def test_format_duration_never_overflows_a_unit(seconds: Fraction) -> None:
    text = format_duration(seconds)
    assert not any(bad in text.split() for bad in ("60s", "60m", "24h"))
    assert format_duration(-seconds) in (text, f"-{text}")


# --- percentages --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ratio", "decimals", "shown"),
    [
        (Fraction(792, 2592), 1, "30.6%"),
        (Fraction(1692, 2592), 1, "65.3%"),
        (Fraction(-1008, 2592), 1, "-38.9%"),
        (Fraction(1), 1, "100.0%"),
        (Fraction(0), 1, "0.0%"),
        (Fraction(1, 2000), 1, "0.1%"),  # 0.05% rounds half up
        (Fraction(-1, 2000), 1, "-0.1%"),
        (Fraction(-1, 3000), 1, "-0.0%"),  # over budget keeps its sign
        (Fraction(-1, 2592), 1, "-0.0%"),  # 1s over a 43m 12s budget
        (Fraction(1, 3), 0, "33%"),
        (Fraction(2, 3), 2, "66.67%"),
        (Fraction(5, 1000), 0, "1%"),
    ],
)
def test_format_percent(ratio: Fraction, decimals: int, shown: str) -> None:
    assert format_percent(ratio, decimals) == shown


def test_format_percent_no_data() -> None:
    assert format_percent(None) == "no data"


@pytest.mark.parametrize(
    ("attainment", "target", "shown"),
    [
        (Fraction(998996, 1000000), Fraction(999, 1000), "99.8%"),
        (Fraction(999, 1000), Fraction(999, 1000), "99.9%"),
        (Fraction(1), Fraction(999, 1000), "100.0%"),
        (Fraction(99949, 100000), Fraction(9995, 10000), "99.94%"),
        (Fraction(9995, 10000), Fraction(9995, 10000), "99.95%"),
        (Fraction(1), Fraction(9995, 10000), "100.00%"),
        (Fraction(98999, 100000), Fraction(99, 100), "98.9%"),
        (Fraction(99999, 100000), Fraction(9999, 10000), "99.99%"),
        (Fraction(0), Fraction(99, 100), "0.0%"),
    ],
)
def test_format_attainment_floors(attainment: Fraction, target: Fraction, shown: str) -> None:
    assert format_attainment(attainment, target) == shown


def test_format_attainment_no_data() -> None:
    assert format_attainment(None, Fraction(999, 1000)) == "no data"


@given(
    st.fractions(min_value=0, max_value=1),
    st.sampled_from(["99", "99.5", "99.9", "99.95", "99.99", "99.999"]),
)
def test_a_miss_never_displays_as_met(attainment: Fraction, percent: str) -> None:
    target = Fraction(Decimal(percent)) / 100
    shown = Decimal(format_attainment(attainment, target).rstrip("%"))
    assert (shown >= Decimal(percent)) == (attainment >= target)


@pytest.mark.parametrize(
    ("target", "shown"),
    [
        (Fraction(999, 1000), "99.9%"),
        (Fraction(9995, 10000), "99.95%"),
        (Fraction(99, 100), "99%"),
        (Fraction(995, 1000), "99.5%"),
        (Fraction(99999, 100000), "99.999%"),
        (Fraction(1, 2), "50%"),
        (Fraction(2, 3), "66.6667%"),
    ],
)
def test_format_target(target: Fraction, shown: str) -> None:
    assert format_target(target) == shown


# --- parse_duration -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("90s", timedelta(seconds=90)),
        ("30m", timedelta(minutes=30)),
        ("2h", timedelta(hours=2)),
        ("3d", timedelta(days=3)),
        ("1w", timedelta(weeks=1)),
        ("1h30m", timedelta(hours=1, minutes=30)),
        ("1d12h", timedelta(days=1, hours=12)),
        ("1h 30m", timedelta(hours=1, minutes=30)),
        ("2H", timedelta(hours=2)),
        (" 45M ", timedelta(minutes=45)),
        ("1w2d3h4m5s", timedelta(weeks=1, days=2, hours=3, minutes=4, seconds=5)),
        ("0h5m", timedelta(minutes=5)),
    ],
)
def test_parse_duration(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize(
    "text",
    ["2x", "", "   ", "h", "30", "1.5h", "-2h", "30m1h", "2 hours", "1h30", "+5m", "٣m", "10000000000000d"],
)
def test_parse_duration_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_duration(text)


def test_parse_duration_messages() -> None:
    with pytest.raises(ValueError) as error:
        parse_duration("2x")
    assert str(error.value) == "'2x' is not a duration: use a number with s, m, h or d, like 30m or 2h"
    with pytest.raises(ValueError, match="longer than zero"):
        parse_duration("0m")
    with pytest.raises(ValueError, match="longer than zero"):
        parse_duration("0h0m")


# --- parse_when ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30m", datetime(2026, 11, 21, 11, 30, tzinfo=UTC)),
        ("2h", datetime(2026, 11, 21, 10, 0, tzinfo=UTC)),
        ("1d12h", datetime(2026, 11, 20, 0, 0, tzinfo=UTC)),
        ("2h ago", datetime(2026, 11, 21, 10, 0, tzinfo=UTC)),
        ("2026-11-21T10:00:00Z", datetime(2026, 11, 21, 10, 0, tzinfo=UTC)),
        ("2026-11-21T10:00+01:00", datetime(2026, 11, 21, 9, 0, tzinfo=UTC)),
        ("2026-11-21T10:00-05:00", datetime(2026, 11, 21, 15, 0, tzinfo=UTC)),
        ("2026-11-21 10:00", datetime(2026, 11, 21, 9, 0, tzinfo=UTC)),
        ("2026-11-21T10:00", datetime(2026, 11, 21, 9, 0, tzinfo=UTC)),
        ("2026-11-21t10:00z", datetime(2026, 11, 21, 10, 0, tzinfo=UTC)),
        ("2026-07-01 10:00", datetime(2026, 7, 1, 8, 0, tzinfo=UTC)),  # CEST
        ("2026-11-21 10:00:30", datetime(2026, 11, 21, 9, 0, 30, tzinfo=UTC)),
        # 02:30 on 25 October 2026 happens twice in Berlin: the first one (CEST) is taken
        ("2026-10-25 02:30", datetime(2026, 10, 25, 0, 30, tzinfo=UTC)),
    ],
)
def test_parse_when(text: str, expected: datetime) -> None:
    parsed = parse_when(text, NOW, BERLIN)
    assert parsed == expected
    assert parsed.tzinfo is UTC


def test_parse_when_local_zone_matters() -> None:
    assert parse_when("2026-11-21 10:00", NOW, NEW_YORK) == datetime(2026, 11, 21, 15, 0, tzinfo=UTC)
    # a relative time does not depend on the zone, and now may be given in any zone
    assert parse_when("30m", NOW.astimezone(NEW_YORK), BERLIN) == datetime(2026, 11, 21, 11, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "zone"),
    [("2026-03-29 02:30", BERLIN), ("2026-03-29T02:00", BERLIN), ("2026-03-08 02:15", NEW_YORK)],
)
def test_parse_when_rejects_dst_gap(text: str, zone: ZoneInfo) -> None:
    with pytest.raises(ValueError, match=f"does not exist in {zone.key}"):
        parse_when(text, NOW, zone)


def test_parse_when_gap_time_with_offset_is_fine() -> None:
    assert parse_when("2026-03-29T02:30+01:00", NOW, BERLIN) == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    "text",
    [
        "yesterday",
        "",
        "2026-11-21",
        "2026-02-30 10:00",
        "2026-13-01 10:00",
        "21.11.2026 10:00",
        "10:00",
        "2x",
        "ago",
    ],
)
def test_parse_when_rejects(text: str) -> None:
    with pytest.raises(ValueError) as error:
        parse_when(text, NOW, BERLIN)
    message = str(error.value)
    assert "30m" in message and "2026-11-21 10:00" in message


def test_parse_when_zero_duration() -> None:
    with pytest.raises(ValueError, match="longer than zero"):
        parse_when("0m", NOW, BERLIN)


# --- format_when / floor_minute -----------------------------------------------------------------------


def test_format_when() -> None:
    assert format_when(datetime(2026, 11, 21, 9, 0, tzinfo=UTC), BERLIN) == "2026-11-21 10:00 CET"
    assert format_when(datetime(2026, 7, 1, 8, 0, tzinfo=UTC), BERLIN) == "2026-07-01 10:00 CEST"
    assert format_when(datetime(2026, 11, 21, 15, 0, tzinfo=UTC), NEW_YORK) == "2026-11-21 10:00 EST"
    assert format_when(datetime(2026, 11, 21, 9, 0, 59, tzinfo=UTC), ZoneInfo("UTC")) == "2026-11-21 09:00 UTC"


def test_format_when_relative_hint() -> None:
    moment = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
    assert format_when(moment, BERLIN, now=NOW) == "2026-11-21 10:00 CET (3h ago)"
    assert format_when(moment, BERLIN, now=moment - timedelta(days=3, hours=4)) == "2026-11-21 10:00 CET (in 3d 4h)"
    assert format_when(moment, BERLIN, now=moment + timedelta(seconds=30)) == "2026-11-21 10:00 CET (just now)"


def test_round_trip_parse_format() -> None:
    parsed = parse_when("2026-11-21 10:00", NOW, BERLIN)
    assert format_when(parsed, BERLIN) == "2026-11-21 10:00 CET"


def test_floor_minute() -> None:
    assert floor_minute(datetime(2026, 11, 21, 10, 17, 59, 999999, tzinfo=UTC)) == datetime(
        2026, 11, 21, 10, 17, tzinfo=UTC
    )
    assert floor_minute(datetime(2026, 11, 21, 10, 17, tzinfo=UTC)) == datetime(2026, 11, 21, 10, 17, tzinfo=UTC)
    local = floor_minute(datetime(2026, 11, 21, 10, 17, 30, tzinfo=BERLIN))
    assert local == datetime(2026, 11, 21, 9, 17, tzinfo=UTC)
    assert local.tzinfo is BERLIN
    assert floor_minute(datetime(2026, 11, 21, 10, 17, 30)) == datetime(2026, 11, 21, 10, 17)
