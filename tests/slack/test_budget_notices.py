"""Error budget policy notices: below 50%, below 25%, exhausted with the change freeze, each once per
crossing; the freeze lifts when the budget is back."""

from __future__ import annotations

from fractions import Fraction

import pytest

from slabot.alerting.budget_policy import band, plain_band
from slabot.devtools.localslack import LocalSlack
from slabot.slo.ingest import Point
from tests.conftest import FakeClock
from tests.driver import SlackDriver
from tests.loop import Loop

CHANNEL = "C0CHECK"
API = "checkout/api"


@pytest.mark.parametrize(
    ("left", "expected"),
    [
        (Fraction(1), 100),
        (Fraction(1, 2), 100),
        (Fraction(49, 100), 50),
        (Fraction(1, 4), 50),
        (Fraction(24, 100), 25),
        (Fraction(1, 1000), 25),
        (Fraction(0), 0),
        (Fraction(-3, 10), 0),
    ],
)
def test_plain_bands(left: Fraction, expected: int) -> None:
    assert plain_band(left) == expected


@pytest.mark.parametrize(
    ("left", "current", "expected"),
    [
        (Fraction(51, 100), 50, 50),  # back above 50% by less than the margin: no new crossing later
        (Fraction(52, 100), 50, 100),
        (Fraction(1, 100), 0, 0),
        (Fraction(2, 100), 0, 25),
        (Fraction(30, 100), 0, 50),  # climbs two bands at once
        (Fraction(90, 100), 0, 100),
        (Fraction(10, 100), 50, 25),  # falling follows the lines exactly
        (Fraction(0), 25, 0),
    ],
)
def test_band_needs_a_margin_to_rise(left: Fraction, current: int, expected: int) -> None:
    assert band(left, current) == expected


def notices(slack: LocalSlack) -> list[str]:
    return [m["text"] for m in slack.messages(CHANNEL) if "budget" in m["text"] or "freeze" in m["text"]]


@pytest.fixture
def loop(driver: SlackDriver, clock: FakeClock) -> Loop:
    driver.command(f"/sla service add checkout channel={CHANNEL} oncall=<@U0ONCALL|oncall>")
    driver.command("/sla define checkout api target=99.9 window=30d source=events")
    loop = Loop(driver, clock)
    loop.send(API, 3 * 1440, 1000, 1000)
    return loop


def test_each_crossing_is_told_once_and_exhaustion_announces_the_freeze(loop: Loop, driver: SlackDriver) -> None:
    # the budget is 0.1% of 4,320,000 events = 4,320 bad events; spend it in old spikes that page nobody
    spikes = loop.send(API, 3, 167, 1000, offset=2 * 1440)  # 2,499 bad: 42% left
    loop.run(2)
    assert notices(driver.slack) == ["checkout/api: less than 50% of the error budget left"]
    loop.run(3)
    assert len(notices(driver.slack)) == 1
    spikes += loop.send(API, 3, 600, 1000, offset=1440 + 600)  # 1,200 more: 14% left
    loop.run(1)
    assert notices(driver.slack)[1:] == ["checkout/api: less than 25% of the error budget left"]
    spikes += loop.send(API, 2, 600, 1000, offset=1440 + 900)  # 800 more: exhausted
    loop.run(2)
    *_, freeze = driver.slack.messages(CHANNEL)
    assert freeze["text"] == "checkout/api: error budget exhausted; change freeze"
    blocks = " ".join(b["text"]["text"] for b in freeze["blocks"] if "text" in b)
    assert "has exhausted the 30-day budget" in blocks and "<@U0ONCALL>" in blocks
    assert "only urgent fixes and security fixes ship" in blocks
    loop.run(3)
    assert len(notices(driver.slack)) == 3

    # the bad minutes turn out to be a measurement error and are resent as good: the freeze lifts
    loop.store(API, [Point(point.ts, 1000, 1000) for point in spikes])
    loop.run(1)
    assert driver.slack.messages(CHANNEL)[-1]["text"] == "checkout/api: change freeze lifted"
    loop.send(API, 3, 167, 1000, offset=2 * 1440)  # falling below 50% again is a new crossing
    loop.run(1)
    assert driver.slack.messages(CHANNEL)[-1]["text"] == "checkout/api: less than 50% of the error budget left"
