"""How much of each objective's error budget one incident consumed, against hand-computed golden numbers
(DOMAIN.md §2: 99.9% over 30 days is 2592 s of budget; §5: more than 20% calls for a postmortem)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest

from slabot.core.timefmt import format_percent
from slabot.core.windows import WindowBounds
from slabot.rca.impact import POSTMORTEM_SHARE, BudgetImpact, incident_impacts, needs_postmortem
from slabot.slo.ingest import Point, event_objective, ingest
from slabot.slo.status import statuses
from storage.models.catalog import Objective
from storage.models.incidents import Incident
from storage.queries import catalog as queries
from tests.conftest import FakeClock
from tests.driver import SlackDriver

UTC_ZONE = ZoneInfo("UTC")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


@pytest.fixture
def checkout(driver: SlackDriver) -> SlackDriver:
    driver.command("/sla service add checkout channel=C0CHECK")
    driver.command("/sla define checkout availability target=99.9 window=30d")
    return driver


def incident(driver: SlackDriver, start: str, end: str | None, impact: int | str = 100) -> int:
    """Open (and resolve, with an end) an incident the way people do, with /incident; returns its number."""
    answer = driver.command(f"/incident open checkout sev2 Outage started={start} impact={impact}")
    number = int(answer.text.split("#", 1)[1].split(" ", 1)[0])
    if end is not None:
        assert "Resolved" in driver.command(f"/incident resolve {number} resolved={end}").text
    return number


def impacts_of(driver: SlackDriver, number: int, zone: ZoneInfo = UTC_ZONE) -> list[BudgetImpact]:
    with driver.runtime.db.session() as session:
        found = session.get(Incident, number)
        assert found is not None
        return incident_impacts(session, found, zone, driver.runtime.now())


def by_name(impacts: list[BudgetImpact]) -> dict[str, BudgetImpact]:
    return {impact.objective.name: impact for impact in impacts}


# --- time-based objectives ----------------------------------------------------------------------------


def test_thirty_minute_full_outage_consumes_1800_of_2592_seconds(checkout: SlackDriver) -> None:
    number = incident(checkout, "2026-11-20T10:00Z", "2026-11-20T10:30Z")
    (impact,) = impacts_of(checkout, number)
    assert impact.objective.name == "availability" and impact.time_based
    assert (impact.bad, impact.budget) == (Fraction(1800), Fraction(2592))
    assert impact.consumed == Fraction(25, 36)  # 69.44…%
    assert format_percent(impact.consumed) == "69.4%"
    # the window is the 30 days ending when the incident ended, not now
    assert impact.bounds == WindowBounds(at("2026-10-21T10:30Z"), at("2026-11-20T10:30Z"), at("2026-11-20T10:30Z"))
    assert needs_postmortem([impact])


def test_half_impact_counts_half_the_time(checkout: SlackDriver) -> None:
    number = incident(checkout, "2026-11-20T10:00Z", "2026-11-20T10:30Z", impact=50)
    (impact,) = impacts_of(checkout, number)
    assert impact.bad == 900 and impact.consumed == Fraction(900, 2592)
    assert format_percent(impact.consumed) == "34.7%"
    assert needs_postmortem([impact])


def test_five_minutes_stays_below_the_threshold(checkout: SlackDriver) -> None:
    number = incident(checkout, "2026-11-20T10:00Z", "2026-11-20T10:05Z")
    (impact,) = impacts_of(checkout, number)
    assert impact.bad == 300 and impact.consumed == Fraction(300, 2592)
    assert format_percent(impact.consumed) == "11.6%"
    assert not needs_postmortem([impact])


def test_exactly_twenty_percent_is_not_more_than_twenty(checkout: SlackDriver) -> None:
    # 14m 24s at 60% impact = 518.4 s = exactly 20% of 2592 s; one more second tips it over
    exact = incident(checkout, "2026-11-20T10:00Z", "2026-11-20T10:14:24Z", impact=60)
    (impact,) = impacts_of(checkout, exact)
    assert impact.bad == Fraction(5184, 10) and impact.consumed == POSTMORTEM_SHARE == Fraction(1, 5)
    assert not needs_postmortem([impact])
    over = incident(checkout, "2026-11-19T10:00Z", "2026-11-19T10:14:25Z", impact=60)
    (impact,) = impacts_of(checkout, over)
    assert impact.bad == 519 and impact.consumed == Fraction(519, 2592)
    assert needs_postmortem([impact])


def test_needs_postmortem_ignores_unknown_shares_and_needs_strictly_more() -> None:
    objective = Objective(service_id=1, name="x", target_percent=Decimal("99.9"), created_by="U0")

    def impact(consumed: Fraction | None) -> BudgetImpact:
        return BudgetImpact(objective, True, Fraction(0), Fraction(1), consumed)

    assert not needs_postmortem([])
    assert not needs_postmortem([impact(None), impact(Fraction(1, 5)), impact(Fraction(0))])
    assert needs_postmortem([impact(None), impact(Fraction(1, 5) + Fraction(1, 10**9))])


def test_an_ongoing_incident_counts_up_to_now(checkout: SlackDriver, clock: FakeClock) -> None:
    number = incident(checkout, "20m", None)
    (impact,) = impacts_of(checkout, number)
    assert impact.bad == 1200 and impact.consumed == Fraction(1200, 2592)
    clock.advance(minutes=10, seconds=30)
    (impact,) = impacts_of(checkout, number)
    assert impact.bad == 1830 and impact.consumed == Fraction(1830, 2592)


def test_later_incidents_do_not_change_an_earlier_ones_share(checkout: SlackDriver) -> None:
    first = incident(checkout, "2026-11-20T10:00Z", "2026-11-20T10:10Z")
    incident(checkout, "2026-11-20T10:05Z", "2026-11-20T10:30Z")  # overlaps: its own share, not the first's
    (impact,) = impacts_of(checkout, first)
    assert impact.bad == 600 and impact.consumed == Fraction(600, 2592)


def test_maintenance_is_left_out_where_it_applies(checkout: SlackDriver) -> None:
    checkout.command("/sla define checkout strict target=99.9 window=30d")
    checkout.command("/sla maintenance add checkout start=2026-11-20T10:20Z end=2026-11-20T10:40Z")
    checkout.command("/sla maintenance add checkout/strict start=2026-11-20T10:00Z end=2026-11-20T10:05Z")
    number = incident(checkout, "2026-11-20T10:00Z", "2026-11-20T10:30Z")
    impacts = by_name(impacts_of(checkout, number))
    assert list(impacts) == ["availability", "strict"]
    # service-wide maintenance 10:20-10:40: 10 of the incident's 30 minutes excluded; 10 minutes of it fall
    # inside the window (which ends at 10:30) and come off the window's length, as /sla budget does
    availability = impacts["availability"]
    assert availability.bad == 1200
    assert availability.budget == Fraction(2592000 - 600, 1000) == Fraction(25914, 10)
    assert availability.consumed == Fraction(1200 * 1000, 2591400)
    assert format_percent(availability.consumed) == "46.3%"
    # strict has its own 5 minutes of maintenance besides the service's 10
    strict = impacts["strict"]
    assert strict.bad == 900 and strict.budget == Fraction(2592000 - 900, 1000)
    assert format_percent(strict.consumed) == "34.7%"


def test_shares_match_what_sla_budget_reports_at_the_incidents_end(checkout: SlackDriver) -> None:
    checkout.command("/sla maintenance add checkout start=2026-11-20T10:20Z end=2026-11-20T10:40Z")
    number = incident(checkout, "2026-11-20T10:00Z", "2026-11-20T10:30Z", impact=40)
    (impact,) = impacts_of(checkout, number)
    with checkout.runtime.db.session() as session:
        (status,) = statuses(session, at("2026-11-20T10:30Z"), UTC_ZONE, queries.objectives_with_services(session))
    (consumer,) = status.consumers
    assert impact.bad == consumer.bad_seconds == 480
    assert impact.budget == status.report.total
    assert impact.consumed == consumer.bad_seconds / status.report.total


def test_28_days_and_calendar_month_windows(checkout: SlackDriver) -> None:
    checkout.command("/sla define checkout fourweeks target=99.9 window=28d")
    checkout.command("/sla define checkout monthly target=99.9 window=month tz=Europe/Berlin")
    number = incident(checkout, "2026-10-10T10:00Z", "2026-10-10T10:30Z")
    impacts = impacts_of(checkout, number)
    assert [i.objective.name for i in impacts] == ["availability", "fourweeks", "monthly"]  # name order
    named = by_name(impacts)
    assert named["availability"].consumed == Fraction(1800, 2592)
    # 28 days: 40.32 minutes = 2419.2 s of budget
    assert named["fourweeks"].budget == Fraction(24192, 10)
    assert format_percent(named["fourweeks"].consumed) == "74.4%"
    # October 2026 in Berlin: 31 days and the hour the clocks go back on the 25th = 2,682,000 s → 2682 s
    monthly = named["monthly"]
    assert monthly.bounds is not None
    assert (monthly.bounds.start, monthly.bounds.end) == (at("2026-09-30T22:00Z"), at("2026-10-31T23:00Z"))
    assert monthly.budget == 2682 and monthly.consumed == Fraction(1800, 2682)
    assert format_percent(monthly.consumed) == "67.1%"


def test_calendar_month_of_an_incident_at_the_boundary(checkout: SlackDriver) -> None:
    checkout.command("/sla define checkout monthly target=99.9 window=month tz=Europe/Berlin")
    # ends exactly at midnight on 1 November (Berlin): all of it is October's
    ending = incident(checkout, "2026-10-31T22:30Z", "2026-10-31T23:00Z")
    monthly = by_name(impacts_of(checkout, ending))["monthly"]
    assert monthly.bounds is not None and monthly.bounds.end == at("2026-10-31T23:00Z")
    assert monthly.bad == 1800 and monthly.budget == 2682
    # crosses midnight: November's window holds its last 10 minutes only (November has 30 plain days)
    crossing = incident(checkout, "2026-10-31T22:50Z", "2026-10-31T23:10Z")
    monthly = by_name(impacts_of(checkout, crossing))["monthly"]
    assert monthly.bounds is not None and monthly.bounds.start == at("2026-10-31T23:00Z")
    assert monthly.bad == 600 and monthly.budget == 2592 and monthly.consumed == Fraction(600, 2592)


def test_a_service_without_objectives_has_no_impacts(driver: SlackDriver) -> None:
    driver.command("/sla service add search")
    number = int(driver.command("/incident open search sev3 Slow started=10m").text.split("#", 1)[1].split(" ")[0])
    assert impacts_of(driver, number) == []


# --- event-based objectives ---------------------------------------------------------------------------


def send(driver: SlackDriver, name: str, points: list[Point]) -> None:
    with driver.runtime.db.session() as session:
        ingest(session, event_objective(session, "checkout", name), points, driver.runtime.now())


@pytest.fixture
def counted(checkout: SlackDriver) -> SlackDriver:
    """Every minute of 2026-11-21 until noon has 1,000 requests; 10:00-10:09 fail 10% of them."""
    checkout.command("/sla define checkout requests target=99 window=7d source=events")
    checkout.command("/sla define checkout slices target=95 window=7d source=events budgeting=timeslices slice=99")
    start = at("2026-11-21T00:00Z")
    points = [Point(start + timedelta(minutes=m), 900 if 600 <= m < 610 else 1000, 1000) for m in range(12 * 60)]
    for name in ("requests", "slices"):
        send(checkout, name, points)
    return checkout


def test_event_objective_counts_bad_events_in_the_incidents_minutes(counted: SlackDriver) -> None:
    number = incident(counted, "2026-11-21T10:00Z", "2026-11-21T10:10Z")
    named = by_name(impacts_of(counted, number))
    requests = named["requests"]
    assert not requests.time_based
    # bad: 10 minutes × 100 failed requests; budget: 1% of the 610 minutes × 1,000 up to the incident's end
    # (the minutes after it, till noon, are not in the window that ends with the incident)
    assert requests.bad == 1000 and requests.budget == 6100
    assert requests.consumed == Fraction(10, 61) and format_percent(requests.consumed) == "16.4%"
    # timeslices: the 10 minutes miss the 99% slice target; budget 5% of 610 slices = 30.5
    slices = named["slices"]
    assert slices.bad == 10 and slices.budget == Fraction(61, 2)
    assert slices.consumed == Fraction(20, 61) and format_percent(slices.consumed) == "32.8%"
    assert needs_postmortem([requests, slices]) and not needs_postmortem([requests])


def test_event_objective_touches_whole_minutes_and_skips_maintenance(counted: SlackDriver) -> None:
    counted.command("/sla maintenance add checkout/requests start=2026-11-21T10:05Z end=2026-11-21T10:07Z")
    # 10:00:30 to 10:09:10 touches all ten bad minutes; two of them are maintenance
    number = incident(counted, "2026-11-21T10:00:30Z", "2026-11-21T10:09:10Z")
    requests = by_name(impacts_of(counted, number))["requests"]
    assert requests.bad == 800 and requests.budget == Fraction(608_000, 100)
    assert requests.consumed == Fraction(800, 6080)
    assert by_name(impacts_of(counted, number))["slices"].bad == 10  # no maintenance for slices


def test_event_objective_without_events_cannot_tell(checkout: SlackDriver) -> None:
    checkout.command("/sla define checkout quiet target=99.9 window=30d source=events")
    number = incident(checkout, "2026-11-20T10:00Z", "2026-11-20T10:30Z")
    quiet = by_name(impacts_of(checkout, number))["quiet"]
    assert (quiet.bad, quiet.budget, quiet.consumed) == (0, 0, None)
