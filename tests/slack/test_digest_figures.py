"""Figures the digest and /sla budget got wrong: calendar windows at the week's end, breaches that did not
follow the incident record, whole-percent timer attainment, durations rounded up, a lost minus sign and the
zero-burn outlook. Every number is computed by hand in the comments.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import select

from slabot.incidents import breaches as timer_marks
from storage.models.incidents import Incident, SlaBreach
from tests.conftest import FakeClock
from tests.driver import SlackDriver
from tests.slack.test_digest_report import run_report, texts

AFTER = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)  # Tuesday of 2026-W49: W48 is the last complete week


def objective_lines(driver: SlackDriver, clock: FakeClock, week: str) -> list[str]:
    clock.now = AFTER
    driver.slack.clear()
    driver.command(f"/sla report week={week}")
    digest, _ = run_report(driver, clock)
    return [t for t in texts(digest["blocks"]) if t.startswith(":")]


def outage(driver: SlackDriver, start: str, end: str, severity: int = 3) -> None:
    answer = driver.command(f"/incident open checkout sev{severity} Outage started={start}")
    number = answer.text.split("#", 1)[1].split(" ", 1)[0]
    driver.command(f"/incident resolve {number} resolved={end}")


def test_a_week_objective_reports_the_week_that_ended_not_the_empty_next_one(
    driver: SlackDriver, clock: FakeClock
) -> None:
    clock.now = AFTER
    driver.command("/sla service add checkout channel=<#C0CHECK|checkout>")
    driver.command("/sla define checkout availability target=99 window=week")
    outage(driver, "2026-11-25T10:00Z", "2026-11-25T11:00Z")
    (line,) = objective_lines(driver, clock, "2026-W48")
    # W48 has 10,080 minutes: attainment 1 − 60/10,080 = 99.40…%; budget 100.8 min, 40.8 left = 40.476…%
    assert "week attainment *99.4%* · budget left 40.5%" in line
    assert "*met*" in line and "no data" not in line
    assert "This week 99.4% · bad time 1h · 1 incident" in line


def test_a_month_objective_in_the_week_that_ends_its_month(driver: SlackDriver, clock: FakeClock) -> None:
    clock.now = AFTER
    driver.command("/sla service add checkout channel=<#C0CHECK|checkout>")
    driver.command("/sla define checkout monthly target=99 window=month")
    outage(driver, "2026-05-27T10:00Z", "2026-05-27T11:00Z")
    # 2026-W22 runs 25–31 May and ends 1 June 00:00: May has 44,640 minutes, a budget of 446.4
    # attainment 1 − 60/44,640 = 99.86…% (floored 99.8%); left 386.4/446.4 = 86.55…%
    (line,) = objective_lines(driver, clock, "2026-W22")
    assert "month attainment *99.8%* · budget left 86.6%" in line
    # a week before (24 May) the month had no bad time yet
    assert "(▼ 13.4 pts on the week before)" in line


def breaches_and_sev1(driver: SlackDriver, clock: FakeClock) -> tuple[str, str, str]:
    clock.now = AFTER
    driver.slack.clear()
    driver.command("/sla report week=2026-W48")
    digest, _ = run_report(driver, clock)
    body = texts(digest["blocks"])
    summary = next(t for t in body if t.startswith("*Summary*"))
    incidents = next(t for t in body if t.startswith("*Incidents*"))
    breaches = next(t for t in body if t.startswith("*SLA breaches*"))
    return summary, incidents, breaches


def test_a_target_missed_between_two_passes_is_listed(driver: SlackDriver, clock: FakeClock) -> None:
    driver.command("/sla service add checkout channel=<#C0CHECK|checkout>")
    # sev1 acknowledged after 20 minutes (15m target missed) and resolved, with no evaluation pass between
    clock.now = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
    driver.command("/incident open checkout sev1 Card payments fail")
    clock.advance(minutes=20)
    driver.command("/incident ack 1")
    clock.advance(minutes=10)
    driver.command("/incident resolve 1")
    with driver.runtime.db.session() as session:
        assert session.exec(select(SlaBreach)).all() == []  # nothing stored: no pass ran
    summary, incidents, breaches = breaches_and_sev1(driver, clock)
    assert "response 0/1 met (0.0%)" in incidents
    assert summary.endswith("1 incident, 1 SLA breach")
    assert breaches.startswith("*SLA breaches* 1\n")
    assert "#1 checkout sev1: response target 15m missed at 2026-11-25 10:15 UTC" in breaches


def test_a_stored_breach_the_record_now_says_was_met_is_not_listed(driver: SlackDriver, clock: FakeClock) -> None:
    driver.command("/sla service add checkout channel=<#C0CHECK|checkout>")
    clock.now = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
    driver.command("/incident open checkout sev1 Card payments fail")
    clock.advance(minutes=20)
    zone = driver.runtime.settings.timezone
    with driver.runtime.db.session() as session:
        # the evaluation pass's timer step: it looks open past 15m, so the response breach is stored
        (mark,) = timer_marks.apply(session, clock.now, zone)
        assert mark.breached and len(session.exec(select(SlaBreach)).all()) == 1
        # the record is corrected: it was acknowledged 5 minutes in
        incident = session.get(Incident, 1)
        assert incident is not None
        incident.acknowledged_at = incident.started_at + timedelta(minutes=5)
        session.add(incident)
    driver.command("/incident resolve 1")
    summary, incidents, breaches = breaches_and_sev1(driver, clock)
    assert "response 1/1 met (100.0%)" in incidents
    assert summary.endswith("1 incident, 0 SLA breaches")
    assert breaches == "*SLA breaches*\nNone this week."


def test_budget_left_is_truncated_never_rounded_up(driver: SlackDriver) -> None:
    driver.command("/sla service add checkout")
    driver.command("/sla define checkout availability target=99.5 window=30d")
    # 216m of budget; 1h 23m 28s consumed leaves 2h 12m 32s = 7,952 of 12,960 s (61.358…%)
    outage(driver, "2026-11-20T10:00:00Z", "2026-11-20T11:23:28Z")
    text = driver.command("/sla budget checkout/availability").all_text
    assert "*Left*\n2h 12m (61.4%)" in text
    assert "budget 2h 12m of 3h 36m (61.4%) left" in driver.command("/sla status").all_text


def test_an_overspent_budget_keeps_its_sign(driver: SlackDriver) -> None:
    driver.command("/sla service add checkout")
    driver.command("/sla define checkout availability target=99.9 window=30d")
    # 43m 12s of budget, 43m 13s consumed: 1 s over, −1/2,592 of the budget (−0.04%)
    outage(driver, "2026-11-20T10:00:00Z", "2026-11-20T10:43:13Z")
    text = driver.command("/sla budget checkout/availability").all_text
    assert "*Left*\n-1s (-0.0%)" in text
    assert "exhausted, 1s over budget" in driver.command("/sla status").all_text


def test_at_zero_burn_the_budget_is_not_used_up(driver: SlackDriver) -> None:
    driver.command("/sla service add checkout")
    driver.command("/sla define checkout availability target=99.9 window=30d")
    text = driver.command("/sla budget checkout/availability").all_text
    assert "At the 1h and 6h burn rates the budget is not used up." in text
    assert "never at this rate" not in text
