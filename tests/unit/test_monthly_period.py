"""The monthly report's periods: calendar months and days in a zone (DST included), month= as typed, which
period a monthly or daily digest reports when it fires, and the empty report in every format."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from slabot.core.errors import UserError
from slabot.render.monthly import monthly_message
from slabot.render.monthly_csv import monthly_csv
from slabot.render.monthly_pdf import monthly_pdf
from slabot.reports.incident_stats import ResponseTimes
from slabot.reports.monthly import MonthlyReport
from slabot.reports.monthly_period import Period, day, last_complete_month, month, parse_month
from slabot.reports.monthly_schedule import DayChoice, digest_slot, parse_day
from slabot.reports.satisfaction_stats import csat_summary
from slabot.reports.schedule import Slot
from storage.models.reports import ReportPeriod

BERLIN = ZoneInfo("Europe/Berlin")
UTC_ZONE = ZoneInfo("UTC")


def test_a_month_runs_from_local_midnight_and_follows_dst() -> None:
    october = month(date(2026, 10, 1), BERLIN)
    assert (october.start, october.end) == (
        datetime(2026, 9, 30, 22, 0, tzinfo=UTC),
        datetime(2026, 10, 31, 23, 0, tzinfo=UTC),
    )
    assert october.seconds == (31 * 24 + 1) * 3600  # the clocks go back on 25 October
    assert month(date(2026, 3, 1), BERLIN).seconds == (31 * 24 - 1) * 3600
    assert month(date(2026, 11, 1), UTC_ZONE).seconds == 30 * 86400
    assert month(date(2026, 1, 1), UTC_ZONE).previous(3) == month(date(2025, 10, 1), UTC_ZONE)
    assert day(date(2026, 3, 29), BERLIN).seconds == 23 * 3600
    assert (month(date(2026, 11, 1), UTC_ZONE).label, day(date(2026, 11, 21), UTC_ZONE).label) == (
        "2026-11",
        "2026-11-21",
    )
    with pytest.raises(ValueError):
        Period(ReportPeriod.MONTH, date(2026, 11, 2), UTC_ZONE)


def test_month_as_typed() -> None:
    now = datetime(2026, 12, 1, 0, 30, tzinfo=UTC)  # still November 30 in New York
    assert last_complete_month(now, UTC_ZONE) == date(2026, 11, 1)
    assert last_complete_month(now, ZoneInfo("America/New_York")) == date(2026, 10, 1)
    assert parse_month(" 2026-11 ", now, UTC_ZONE) == date(2026, 11, 1)
    assert parse_month("2025-3", now, UTC_ZONE) == date(2025, 3, 1)
    for text, message in [
        ("2026-12", "2026-12 has not ended yet: the last complete month is 2026-11"),
        ("2026-00", "month= must be a calendar month like 2026-11 (got '2026-00')"),
        ("Nov", "month= must be a calendar month like 2026-11 (got 'Nov')"),
        ("2026-11-01", "month= must be a calendar month like 2026-11"),
    ]:
        with pytest.raises(UserError) as raised:
            parse_month(text, now, UTC_ZONE)
        assert message in raised.value.message


def test_what_a_firing_digest_reports() -> None:
    monthly = digest_slot(ReportPeriod.MONTH, parse_day("1"), 9 * 60, BERLIN)
    assert monthly == Slot(0, 540, BERLIN, every=ReportPeriod.MONTH, day_of_month=1)
    fire = monthly.next_run(datetime(2026, 11, 21, tzinfo=UTC))
    assert fire == datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
    assert monthly.reported(fire) == date(2026, 11, 1)
    daily = digest_slot(ReportPeriod.DAY, None, 30, BERLIN)  # 00:30 local: the day that just ended
    fire = daily.next_run(datetime(2026, 11, 21, 12, 0, tzinfo=UTC))
    assert fire == datetime(2026, 11, 21, 23, 30, tzinfo=UTC)
    assert daily.reported(fire) == date(2026, 11, 21)
    weekly = digest_slot(ReportPeriod.WEEK, DayChoice(weekday=4), None, UTC_ZONE)
    assert weekly == Slot(4, 540, UTC_ZONE)
    assert digest_slot(ReportPeriod.MONTH, None, None, UTC_ZONE).day_of_month == 1


def test_an_empty_month_reads_in_every_format() -> None:
    report = MonthlyReport(
        period=month(date(2026, 11, 1), UTC_ZONE),
        scope=(),
        objectives=(),
        trend_firsts=(),
        incidents=(),
        overall=ResponseTimes(None, None, None, None),
        severities=(),
        breaches=(),
        satisfaction=csat_summary([]),
        opened=(),
        closed=(),
    )
    shown = [block.to_dict() for block in monthly_message(report, locale="en").blocks]
    assert "No objectives yet: add one with `/sla define`." in str(shown)
    assert monthly_pdf(report, locale="zh").startswith(b"%PDF-")
    assert monthly_csv(report, locale="en").decode("utf-8-sig").startswith("Month,Service,Objective")
