"""The digest's incident numbers against hand-computed ones: medians, p90, SLA attainment, trend, causes, CSAT."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest

from slabot.incidents.targets import TimerBook
from slabot.incidents.timers import DEFAULT_TARGETS
from slabot.render.digest import format_mean, satisfaction_text
from slabot.reports.chart_data import CauseMinutes
from slabot.reports.incident_stats import (
    P90,
    bad_minutes_by,
    median,
    percentile,
    response_times,
    root_causes,
    severity_stats,
    weekly_trend,
)
from slabot.reports.satisfaction_stats import CsatSummary, LowestRating, csat_summary
from slabot.reports.schedule import Week
from storage.models.incidents import CsatRating, Incident
from storage.models.rca import FishboneCategory

BERLIN = ZoneInfo("Europe/Berlin")
WEEK = Week(date(2026, 11, 9), BERLIN)  # Mon 9 Nov 00:00 CET = 8 Nov 23:00 UTC
M = 60


def incident(
    number: int,
    severity: int,
    started: datetime,
    ack: int | None,
    fixed: int | None,
    *,
    impact: int = 100,
    service_id: int = 1,
) -> Incident:
    """Acknowledged `ack` and resolved `fixed` seconds after it started (None: not yet)."""
    return Incident(
        id=number,
        service_id=service_id,
        severity=severity,
        title=f"incident {number}",
        impact_percent=Decimal(impact),
        status="open",
        started_at=started,
        acknowledged_at=None if ack is None else started + timedelta(seconds=ack),
        resolved_at=None if fixed is None else started + timedelta(seconds=fixed),
        opened_by="U1",
    )


def at(day: int, hour: int) -> datetime:
    return datetime(2026, 11, day, hour, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("values", "middle", "p90"),
    [
        ([5, 1, 3], 3, 5),
        ([4, 1, 3, 2], Fraction(5, 2), 4),
        (list(range(1, 11)), Fraction(11, 2), 9),
        (list(range(1, 12)), 6, 10),
        ([7], 7, 7),
    ],
)
def test_median_and_nearest_rank_p90(values: list[int], middle: Fraction, p90: int) -> None:
    fractions = [Fraction(v) for v in values]
    assert median(fractions) == middle
    assert percentile(fractions, P90) == p90


def test_no_values_have_no_median() -> None:
    assert median([]) is None
    assert percentile([], P90) is None


THE_WEEK = [
    incident(1, 2, at(9, 10), 10 * M, 2 * 3600),  # met both
    incident(2, 2, at(10, 10), 40 * M, 9 * 3600, impact=50),  # missed both (30m / 8h)
    incident(3, 2, at(11, 10), 20 * M, None),  # acknowledged in time, still open at the week's end: missed 8h
    incident(4, 1, at(12, 12), 5 * M, 3600, service_id=2),  # met both (15m / 4h)
]


def test_severity_rows_hand_computed() -> None:
    book = TimerBook(dict(DEFAULT_TARGETS), {}, BERLIN)
    sev1, sev2 = severity_stats(THE_WEEK, {}, book.timers, WEEK.end)
    assert (sev1.severity, sev1.count) == (1, 1)
    assert (sev1.times.mtta_median, sev1.times.mttr_median) == (5 * M, 3600)
    assert (sev1.response.met, sev1.response.missed, sev1.resolution.met) == (1, 0, 1)
    assert (sev2.severity, sev2.count) == (2, 3)
    assert sev2.times.mtta_median == 20 * M and sev2.times.mtta_p90 == 40 * M
    assert sev2.times.mttr_median == Fraction(11 * 3600, 2) and sev2.times.mttr_p90 == 9 * 3600
    assert (sev2.response.met, sev2.response.missed, sev2.response.ratio) == (2, 1, Fraction(2, 3))
    assert (sev2.resolution.met, sev2.resolution.missed, sev2.resolution.ratio) == (1, 2, Fraction(1, 3))


def test_a_timer_still_running_within_its_target_has_no_outcome_yet() -> None:
    book = TimerBook(dict(DEFAULT_TARGETS), {}, BERLIN)
    late_sunday = WEEK.end - timedelta(minutes=10)
    (row,) = severity_stats([incident(9, 2, late_sunday, None, None)], {}, book.timers, WEEK.end)
    assert (row.response.decided, row.resolution.decided) == (0, 0)
    assert row.response.ratio is None


def test_times_known_after_the_week_are_left_out() -> None:
    late = incident(5, 3, at(15, 20), 4 * 3600, None)  # acknowledged Monday 01:00, after the week
    assert response_times([late], WEEK.end).mtta_median is None
    assert response_times([late], WEEK.end + timedelta(hours=2)).mtta_median == 4 * 3600


def test_weekly_trend_groups_by_the_week_an_incident_started() -> None:
    weeks = [WEEK.previous(1), WEEK]
    earlier = incident(6, 2, at(3, 9), 30 * M, 3 * 3600)
    trend = weekly_trend([earlier, *THE_WEEK], weeks)
    assert [w.monday for w in trend] == [date(2026, 11, 2), date(2026, 11, 9)]
    assert [w.incidents for w in trend] == [1, 4]
    assert trend[0].mtta_median == 30 * M and trend[0].mttr_p90 == 3 * 3600
    assert trend[1].mtta_median == Fraction(15 * M) and trend[1].mttr_median == 2 * 3600


def test_bad_minutes_add_up_duration_times_impact_inside_the_week() -> None:
    straddling = incident(7, 3, WEEK.start - timedelta(hours=1), None, 3 * 3600)  # 2h inside the week
    minutes = bad_minutes_by([*THE_WEEK, straddling], WEEK, lambda i: f"service {i.service_id}")
    # service 1: 120 (#1) + 270 (#2, 9h at 50%) + #3 open from Wed 10:00 UTC to the week's end + 120 (#7)
    open_minutes = Fraction((WEEK.end - at(11, 10)) // timedelta(minutes=1))
    assert minutes == {"service 1": 120 + 270 + open_minutes + 120, "service 2": 60}


def test_bad_time_by_root_cause_keeps_the_unanalysed_bad_time_as_a_bar_of_its_own() -> None:
    categories = {1: FishboneCategory.PROCESS, 4: FishboneCategory.DEPENDENCIES}
    quiet = incident(8, 3, at(12, 9), 0, 0)  # no bad time: neither a cause nor an incident to analyse
    causes = root_causes([*THE_WEEK, quiet], WEEK, categories)
    open_minutes = Fraction((WEEK.end - at(11, 10)) // timedelta(minutes=1))
    assert {item.category: item.minutes for item in causes.items} == {
        FishboneCategory.PROCESS: 120,
        FishboneCategory.DEPENDENCIES: 60,
        None: 270 + open_minutes,  # not analysed
    }
    assert all(isinstance(item, CauseMinutes) for item in causes.items)
    assert causes.unanalysed == (3, 2)  # #3 is still open (over 4 days of bad time), #2 had 270 minutes


def rating(incident_id: int, value: int, comment: str | None = None) -> CsatRating:
    return CsatRating(incident_id=incident_id, user_id="U1", rating=value, comment=comment, rated_at=at(16, 9))


@pytest.mark.parametrize(
    ("values", "mean", "shown", "distribution"),
    [
        ([5, 4, 4, 3], Fraction(4), "4.0", (1, 2, 1, 0, 0)),
        ([5, 4], Fraction(9, 2), "4.5", (1, 1, 0, 0, 0)),
        ([5, 4, 4, 4], Fraction(17, 4), "4.3", (1, 3, 0, 0, 0)),  # 4.25 rounds half up
        ([2, 1, 1], Fraction(4, 3), "1.3", (0, 0, 0, 1, 2)),
        ([5, 5, 5, 5, 4, 4], Fraction(14, 3), "4.7", (4, 2, 0, 0, 0)),
        ([1], Fraction(1), "1.0", (0, 0, 0, 0, 1)),
    ],
)
def test_csat_mean_and_distribution(
    values: list[int], mean: Fraction, shown: str, distribution: tuple[int, ...]
) -> None:
    summary = csat_summary([rating(number, value) for number, value in enumerate(values, start=1)])
    assert (summary.count, summary.mean) == (len(values), mean)
    assert summary.distribution == tuple(zip((5, 4, 3, 2, 1), distribution, strict=True))
    assert format_mean(mean) == shown


def test_no_ratings_have_no_mean() -> None:
    summary = csat_summary([])
    assert summary == CsatSummary(0, None, ((5, 0), (4, 0), (3, 0), (2, 0), (1, 0)), None)
    assert satisfaction_text(summary) == "*Satisfaction*\nNo ratings this week."


def test_the_lowest_rating_prefers_one_with_a_comment_then_the_lowest_incident() -> None:
    ratings = [rating(7, 2, "  "), rating(9, 2, "nobody answered"), rating(3, 4, "ok"), rating(5, 2)]
    assert csat_summary(ratings).lowest == LowestRating(9, 2, "nobody answered")
    assert csat_summary([rating(7, 3, "  "), rating(5, 3)]).lowest == LowestRating(5, 3, None)  # blank = none
    text = satisfaction_text(csat_summary([rating(6, 5), rating(4, 4)]))
    assert text == "*Satisfaction* 4.5/5 from 2 ratings\n5★ 1 · 4★ 1 · 3★ 0 · 2★ 0 · 1★ 0\nLowest: #4 rated 4★"
