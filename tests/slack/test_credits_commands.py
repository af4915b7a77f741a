"""Service credits on SLAs: /sla define … kind=sla credits=… stores the schedule normalised, refuses it on SLOs
and OLAs and when it is malformed (storing nothing), and /sla budget shows the band the SLA is in now."""

from __future__ import annotations

import pytest
from sqlmodel import select

from storage.models.catalog import Objective
from tests.conftest import FakeClock
from tests.driver import SlackDriver


@pytest.fixture
def checkout(driver: SlackDriver) -> SlackDriver:
    driver.command("/sla service add checkout")
    return driver


def stored(driver: SlackDriver) -> dict[str, str | None]:
    with driver.runtime.db.session() as session:
        return {o.name: o.credits for o in session.exec(select(Objective)).all()}


def test_an_sla_keeps_its_credits_normalised(checkout: SlackDriver) -> None:
    answer = checkout.command(
        '/sla define checkout availability target=99.9 kind=sla credits="99.90:10, 99.5%:25 ,99:50"'
    )
    assert not answer.text.startswith(":warning:"), answer.text
    checkout.command("/sla define checkout latency target=99 kind=sla")
    assert stored(checkout) == {"availability": "99.9:10,99.5:25,99:50", "latency": None}


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            '/sla define checkout a target=99.9 credits="99.9:10"',
            "credits= is for SLAs, the targets promised to customers: add kind=sla, or leave credits= out for this SLO",
        ),
        ('/sla define checkout a target=99.9 kind=ola credits="99.9:10"', "leave credits= out for this OLA"),
        ('/sla define checkout a target=99.9 kind=sla credits="99.9"', "'99.9' is not a credit band"),
        (
            '/sla define checkout a target=99.9 kind=sla credits="99:10,99.5:25"',
            "Credit bands go from the highest attainment down, each below the one before (99 then 99.5 is not)",
        ),
        (
            '/sla define checkout a target=99.9 kind=sla credits="99.95:10"',
            "Credits start at or below the target: the first band owes below 99.95% but the SLA's target is 99.9%; "
            'start with 99.9 or lower, like credits="99.9:10"',
        ),
        ("/sla define checkout a target=99.9 kind=sla credits=", "credits= needs credit bands"),
    ],
)
def test_bad_credits_say_what_to_type_and_store_nothing(checkout: SlackDriver, line: str, message: str) -> None:
    answer = checkout.command(line)
    assert answer.ephemeral and answer.text.startswith(":warning:") and message in answer.text, answer.text
    assert "Usage: /sla define" in answer.all_text
    assert stored(checkout) == {}


def test_budget_shows_the_credit_band_now(checkout: SlackDriver, clock: FakeClock) -> None:
    checkout.command('/sla define checkout availability target=99.9 kind=sla credits="99.9:10,99.5:25,99:50"')
    checkout.command("/sla define checkout internal target=99.9")
    schedule = "Credits: below 99.9%: 10% · below 99.5%: 25% · below 99%: 50%"
    clean = checkout.command("/sla budget checkout/availability").all_text
    assert f"*Service credit*\nNo credit owed: attainment 100.0% is not below 99.9%.\n{schedule}" in clean
    # 60 minutes down in the 30-day window: 1 - 60/43,200 = 99.86%, below 99.9% but not 99.5%
    clock.advance(hours=-2)
    checkout.command("/incident open checkout sev2 Checkout down")
    clock.advance(hours=1)
    checkout.command("/incident resolve 1")
    clock.advance(hours=1)
    owed = checkout.command("/sla budget checkout/availability").all_text
    assert f"*Service credit*\n10% credit owed: attainment 99.8% is below 99.9%.\n{schedule}" in owed
    assert "Service credit" not in checkout.command("/sla budget checkout/internal").all_text
