"""/sla status and /sla budget: the numbers a team reads, checked against DOMAIN.md's worked example."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.conftest import FakeClock
from tests.driver import SlackDriver


@pytest.fixture
def checkout(driver: SlackDriver) -> SlackDriver:
    driver.command("/sla service add checkout channel=C0CHECK oncall=U0BOB")
    driver.command("/sla define checkout availability target=99.9 window=30d")
    return driver


def incident(driver: SlackDriver, start: str, end: str | None, impact: int = 100, title: str = "Outage") -> None:
    answer = driver.command(f"/incident open checkout sev1 {title} started={start} impact={impact}")
    number = answer.text.split("#", 1)[1].split(" ", 1)[0]
    if end is not None:
        driver.command(f"/incident resolve {number} resolved={end}")


def test_worked_example_one_full_outage_of_30_minutes(checkout: SlackDriver) -> None:
    incident(checkout, "2026-11-20T10:00Z", "2026-11-20T10:30Z")
    budget = checkout.command("/sla budget checkout/availability")
    assert budget.ephemeral
    text = budget.all_text
    assert "*Budget*\n43m 12s" in text
    assert "*Consumed*\n30m" in text
    assert "*Left*\n13m 12s (30.6%)" in text
    assert "#1 sev1 Outage · 100% impact → *30m* (69.4% of the budget)" in text
    assert (
        budget.text
        == "Error budget checkout/availability: 43m 12s budget, 30m consumed, 13m 12s of 43m 12s (30.6%) left"
    )
    status = checkout.command("/sla status")
    assert "*checkout/availability* SLO 99.9% over 30d · *healthy*" in status.all_text
    assert "budget 13m 12s of 43m 12s (30.6%) left" in status.all_text
    assert "Attainment *99.9%*" in status.all_text


def test_worked_example_at_half_impact(checkout: SlackDriver) -> None:
    incident(checkout, "2026-11-20T10:00Z", "2026-11-20T10:30Z", impact=50)
    text = checkout.command("/sla budget checkout/availability").all_text
    assert "*Consumed*\n15m" in text and "*Left*\n28m 12s (65.3%)" in text


def test_overlapping_incidents_never_count_a_minute_twice(checkout: SlackDriver) -> None:
    incident(checkout, "2026-11-20T10:00Z", "2026-11-20T10:30Z", title="Database")
    incident(checkout, "2026-11-20T10:10Z", "2026-11-20T10:20Z", title="Network")
    text = checkout.command("/sla budget checkout/availability").all_text
    assert "*Consumed*\n30m" in text
    assert "#1 sev1 Database" in text and "#2 sev1 Network" in text


def test_states_at_risk_exhausted_and_no_data(checkout: SlackDriver) -> None:
    checkout.command("/sla define checkout latency target=99 source=events")
    checkout.command("/sla define checkout weekly target=99.9 window=7d")
    incident(checkout, "2026-11-01T10:00Z", "2026-11-01T10:35Z")  # 30d: 8m 12s left (19.0%): at risk
    status = checkout.command("/sla status checkout")
    text = status.all_text
    assert "1 at risk · 1 no data" in text
    lines = [block["text"]["text"] for block in status.blocks if block["type"] == "section"]
    assert lines[0].startswith(":large_yellow_circle: *checkout/availability*") and "*at risk*" in lines[0]
    assert "budget 8m 12s of 43m 12s (19.0%) left" in lines[0]
    assert lines[1].startswith(":white_circle: *checkout/latency*") and "Attainment *no data*" in lines[1]
    assert lines[2].startswith(":large_green_circle: *checkout/weekly*")  # the incident is older than 7 days
    incident(checkout, "2026-11-21T09:00Z", "2026-11-21T09:10Z")
    text = checkout.command("/sla status").all_text
    assert ":red_circle: *checkout/availability*" in text and "exhausted, 1m 48s over budget" in text


def test_an_ongoing_incident_counts_up_to_now(checkout: SlackDriver, clock: FakeClock) -> None:
    incident(checkout, "20m", None)
    assert "*Consumed*\n20m" in checkout.command("/sla budget checkout/availability").all_text
    clock.advance(minutes=5)
    assert "*Consumed*\n25m" in checkout.command("/sla budget checkout/availability").all_text


def test_public_replies_go_to_the_channel(checkout: SlackDriver) -> None:
    assert checkout.command("/sla status public").reply["response_type"] == "in_channel"
    assert checkout.command("/sla budget checkout/availability public").reply["response_type"] == "in_channel"


def test_calendar_month_in_a_dst_month_uses_the_real_length(driver: SlackDriver, clock: FakeClock) -> None:
    clock.now = datetime(2026, 10, 20, 12, 0, tzinfo=UTC)
    driver.command("/sla service add checkout")
    driver.command("/sla define checkout monthly target=99.9 window=month tz=Europe/Berlin")
    text = driver.command("/sla budget checkout/monthly").all_text
    # October 2026 in Berlin has 31 days and one extra hour: 2,682,000 s, so 2,682 s of budget
    assert "*Budget*\n44m 42s" in text
    assert "month: 2026-09-30 22:00 UTC → 2026-10-31 23:00 UTC" in text


def test_unknown_objective_and_bad_reference(checkout: SlackDriver) -> None:
    answer = checkout.command("/sla budget checkout/latency")
    assert answer.ephemeral and "checkout has no objective 'latency'" in answer.text
    assert "Usage: /sla budget <service>/<name> [public]" in answer.text
    assert "is not service/objective" in checkout.command("/sla budget checkout").text
    assert "There is no service 'nosuch'" in checkout.command("/sla status nosuch").text
