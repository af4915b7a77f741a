"""Incident response and resolution timers in the evaluation pass: warnings at 50% and 75% in the incident's
thread, the breach at 100% in the thread and the channel, each once; breaches stored for the digest."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlmodel import select

from slabot.devtools.localslack import LocalSlack
from storage.models.incidents import Incident, SlaBreach
from storage.models.outbox import OutboxMessage
from tests.conftest import FakeClock
from tests.driver import SlackDriver
from tests.loop import Loop

CHANNEL = "C0CHECK"


@pytest.fixture
def loop(driver: SlackDriver, clock: FakeClock) -> Loop:
    driver.command(f"/sla service add checkout channel={CHANNEL} oncall=<@U0ONCALL|oncall>")
    return Loop(driver, clock)


def thread(slack: LocalSlack) -> list[str]:
    [announcement] = [m for m in slack.messages(CHANNEL) if m["text"].startswith("Incident #1 ")]
    return [m["text"] for m in slack.messages(CHANNEL) if m.get("thread_ts") == announcement["ts"]]


def channel_breaches(slack: LocalSlack) -> list[dict[str, Any]]:
    return [m for m in slack.messages(CHANNEL) if m.get("thread_ts") is None and "missed its" in m["text"]]


def breaches(driver: SlackDriver) -> list[SlaBreach]:
    with driver.runtime.db.session() as session:
        return list(session.exec(select(SlaBreach)).all())


def test_sev2_response_timer_warns_at_half_and_three_quarters_then_breaches_once(
    loop: Loop, driver: SlackDriver, clock: FakeClock
) -> None:
    driver.command("/incident open checkout sev2 Payments fail")  # sev2: respond within 30m, 24x7
    loop.run(14)
    assert thread(driver.slack) == []
    loop.run(1)  # 15 minutes: half of the response target
    assert thread(driver.slack) == [
        ":hourglass_flowing_sand: 50% of the response (acknowledge) target of incident #1 has elapsed: "
        "15m left, due 2026-11-21 12:30 UTC (50.0% used)."
    ]
    loop.run(8)  # 23 minutes: past 75%
    assert len(thread(driver.slack)) == 2 and thread(driver.slack)[1].startswith(":hourglass_flowing_sand: 75% of")
    loop.run(7)  # 30 minutes: missed
    assert thread(driver.slack)[2] == (
        ":rotating_light: Incident #1 missed its response (acknowledge) target of 30m (due 2026-11-21 12:30 UTC). "
        "<@U0ONCALL>"
    )
    [loud] = channel_breaches(driver.slack)
    assert "Incident #1 on checkout (sev2: Payments fail) missed its response" in loud["text"]
    assert "<@U0ONCALL>" in loud["text"]
    [breach] = breaches(driver)
    assert (breach.incident_id, breach.timer, breach.severity, breach.target_seconds) == (1, "response", 2, 1800)
    assert breach.due_at == clock.now
    loop.run(10)
    assert len(thread(driver.slack)) == 3 and len(channel_breaches(driver.slack)) == 1
    driver.command("/incident ack 1")
    loop.run(5)
    assert len(breaches(driver)) == 1


def test_a_late_first_look_posts_only_the_highest_mark(loop: Loop, driver: SlackDriver) -> None:
    driver.command("/incident open checkout sev2 Payments fail")
    loop.clock.advance(minutes=25)  # the bot was down: 83% elapsed at the first pass
    loop.tick()
    [warning] = thread(driver.slack)
    assert warning.startswith(":hourglass_flowing_sand: 75% of the response")


def test_a_paused_incident_does_not_run_its_timers(loop: Loop, driver: SlackDriver) -> None:
    driver.command("/incident open checkout sev2 Payments fail")
    driver.command("/incident ack 1")
    loop.run(60, every=5)  # a pass every 5 minutes (SLABOT_EVAL_INTERVAL=300)
    driver.command("/incident pause 1 waiting on the payment provider")
    loop.run(8 * 60, every=5)  # longer than the 8h resolution target, all of it paused
    assert [t for t in thread(driver.slack) if "resolution" in t] == []
    driver.command("/incident resume 1")
    loop.run(3 * 60, every=5)  # 4h of running time: half of the resolution target
    [half] = [t for t in thread(driver.slack) if "resolution" in t]
    assert half.startswith(":hourglass_flowing_sand: 50% of the resolution target of incident #1")
    assert breaches(driver) == []


def test_a_breach_only_seen_after_the_incident_resolved_is_stored_without_a_ping(
    loop: Loop, driver: SlackDriver
) -> None:
    driver.command("/incident open checkout sev1 Site down")  # sev1: 15m to respond
    loop.clock.advance(minutes=20)
    driver.command("/incident resolve 1")  # acknowledged at resolve: 20m, a missed response
    loop.tick()
    [breach] = breaches(driver)
    assert breach.timer == "response"
    assert channel_breaches(driver.slack) == []


def test_sev3_counts_business_hours_only(loop: Loop, driver: SlackDriver) -> None:
    """sev3: respond within 4h on the built-in business calendar (Mon-Fri 09:00-17:00); 2026-11-21 is a Saturday."""
    driver.command("/incident open checkout sev3 Slow search")
    loop.clock.advance(days=1, hours=22, minutes=59)  # Monday 10:59: 1h59m of business time
    loop.tick()
    assert thread(driver.slack) == []
    loop.clock.advance(minutes=1)  # Monday 11:00: 2h
    loop.tick()
    assert thread(driver.slack) == [
        ":hourglass_flowing_sand: 50% of the response (acknowledge) target of incident #1 has elapsed: "
        "2h left, due 2026-11-23 13:00 UTC (50.0% used)."
    ]
    loop.clock.advance(hours=2)
    loop.tick()
    assert thread(driver.slack)[-1] == (
        ":rotating_light: Incident #1 missed its response (acknowledge) target of 4h (business calendar) "
        "(due 2026-11-23 13:00 UTC). <@U0ONCALL>"
    )


@pytest.mark.parametrize("status", [429, 500])
def test_warnings_of_an_incident_announced_late_wait_for_its_thread(
    loop: Loop, driver: SlackDriver, clock: FakeClock, status: int
) -> None:
    """Slack refuses posts for the incident's first 20 minutes: its announcement goes out when Slack is back,
    and the 50% warning queued meanwhile follows in its thread, not in the channel."""
    recovered_at = clock.now + timedelta(minutes=20)
    driver.slack.fail_while("chat.postMessage", lambda: clock.now < recovered_at, status=status, retry_after=0)
    driver.command("/incident open checkout sev2 Payments fail")
    loop.run(19)
    assert driver.slack.messages(CHANNEL) == []
    loop.run(12)  # 31 minutes: 50% and 75% passed, then the 30m response target missed
    [announcement] = [m for m in driver.slack.messages(CHANNEL) if m["text"].startswith("Incident #1 ")]
    half, three_quarters, missed = thread(driver.slack)
    assert half == (
        ":hourglass_flowing_sand: 50% of the response (acknowledge) target of incident #1 has elapsed: "
        "15m left, due 2026-11-21 12:30 UTC (50.0% used)."
    )
    assert three_quarters.startswith(":hourglass_flowing_sand: 75% of the response (acknowledge) target")
    assert missed.startswith(":rotating_light: Incident #1 missed its response (acknowledge) target of 30m")
    [loud] = channel_breaches(driver.slack)
    assert loud["text"].startswith(":rotating_light: Incident #1 on checkout (sev2: Payments fail) missed")
    top = [m["ts"] for m in driver.slack.messages(CHANNEL) if m.get("thread_ts") is None]
    assert top == [announcement["ts"], loud["ts"]]  # announced once; nothing but the breach beside it


def test_a_breach_in_the_channel_escapes_the_incident_title(loop: Loop, driver: SlackDriver) -> None:
    driver.command("/incident open checkout sev1 <!here> payments & refunds fail")
    loop.run(15)
    [loud] = channel_breaches(driver.slack)
    assert "(sev1: &lt;!here&gt; payments &amp; refunds fail) missed its response" in loud["text"]
    assert "&lt;!here&gt;" in loud["blocks"][0]["text"]["text"] and "<!here>" not in loud["blocks"][0]["text"]["text"]


def test_an_incident_never_announced_gets_its_notices_in_the_channel(loop: Loop, driver: SlackDriver) -> None:
    """An incident recorded before the outbox carried announcements, whose announcement never reached Slack,
    has no thread: its notices go to the channel (and hold back nothing waiting for a parent)."""
    with driver.runtime.db.session() as session:
        incident = Incident(
            service_id=1,
            severity=2,
            title="Payments fail",
            impact_percent=Decimal(100),
            started_at=loop.clock.now,
            opened_by="U0ALICE",
            channel_id=CHANNEL,
        )
        session.add(incident)
    loop.run(30)
    texts = [m["text"] for m in driver.slack.messages(CHANNEL) if m.get("thread_ts") is None]
    assert [t.split(" target")[0] for t in texts] == [
        ":hourglass_flowing_sand: 50% of the response (acknowledge)",
        ":hourglass_flowing_sand: 75% of the response (acknowledge)",
        ":rotating_light: Incident #1 on checkout (sev2: Payments fail) missed its response (acknowledge)",
    ]
    with driver.runtime.db.session() as session:
        keys = {row.key for row in session.exec(select(OutboxMessage)).all()}
    assert keys == {"timer:1:response:50", "timer:1:response:75", "timer:1:response:100"}
