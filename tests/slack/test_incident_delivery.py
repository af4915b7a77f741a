"""An incident's messages go out through the outbox: announced once whatever Slack does (an outage of 429s or
500s, an answer lost after Slack stored the post), with its thread notes after it, in order."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import select

from slabot.devtools.localslack import LocalSlack
from storage.models.incidents import Incident
from storage.models.outbox import OutboxMessage, OutboxStatus
from tests.conftest import FakeClock
from tests.driver import SlackDriver

CHANNEL = "C0CHECK"


@pytest.fixture
def checkout(driver: SlackDriver) -> SlackDriver:
    driver.command(f"/sla service add checkout channel=<#{CHANNEL}|checkout> oncall=<@U0BOB|bob>")
    return driver


def top_level(slack: LocalSlack) -> list[dict[str, Any]]:
    return [m for m in slack.messages(CHANNEL) if m.get("thread_ts") in (None, m["ts"])]


def thread_of(slack: LocalSlack, parent: dict[str, Any]) -> list[str]:
    return [m["text"] for m in slack.messages(CHANNEL) if m.get("thread_ts") == parent["ts"] and m is not parent]


def the_incident(driver: SlackDriver) -> Incident:
    with driver.runtime.db.session() as session:
        (incident,) = session.exec(select(Incident)).all()
        return incident


def outbox(driver: SlackDriver) -> dict[str, OutboxStatus]:
    with driver.runtime.db.session() as session:
        return {row.key: row.status for row in session.exec(select(OutboxMessage)).all()}


def run_delivery(driver: SlackDriver, clock: FakeClock, minutes: int) -> None:
    """The scheduler's delivery job, every 5 seconds of the test's clock."""
    for _ in range(minutes * 12):
        clock.advance(seconds=5)
        driver.notifier.deliverer.deliver_due()


@pytest.mark.parametrize("status", [429, 500])
def test_an_incident_opened_during_a_slack_outage_is_announced_once_when_slack_recovers(
    checkout: SlackDriver, clock: FakeClock, status: int
) -> None:
    slack = checkout.slack
    recovered_at = clock.now + timedelta(minutes=2)
    for method in ("chat.postMessage", "chat.update"):
        slack.fail_while(method, lambda: clock.now < recovered_at, status=status, retry_after=0)

    opened = checkout.command("/incident open checkout sev2 Payments fail")
    assert "Opened incident #1" in opened.text
    assert "Slack has not taken the message for <#C0CHECK> yet" in opened.text
    clock.advance(seconds=30)
    checkout.command("/incident ack 1", user="U0BOB")
    clock.advance(seconds=30)
    resolved = checkout.command("/incident resolve 1")
    assert "Resolved incident #1" in resolved.text and "follows by itself" in resolved.text
    assert slack.messages(CHANNEL) == []
    assert the_incident(checkout).thread_ts is None

    run_delivery(checkout, clock, minutes=8)

    (announcement,) = top_level(slack)
    assert announcement["text"].startswith("Incident #1 sev2: Payments fail on checkout (resolved)")
    assert sum("<@U0BOB>" in m["text"] for m in top_level(slack)) == 1  # the on-call was pinged once
    assert thread_of(slack, announcement) == [
        ":eyes: <@U0BOB> acknowledged incident #1 (30s after it started).",
        ":white_check_mark: <@U0ALICE> resolved incident #1 after 1m.",
    ]
    posts = [c for c in slack.calls_to("chat.postMessage") if c.response.get("ok")]
    assert len(posts) == 3  # the announcement and two notes, each once
    assert the_incident(checkout).thread_ts == announcement["ts"]
    rows = outbox(checkout)
    assert rows.pop("incident:1:edit:2") == OutboxStatus.SUPERSEDED  # the ack's edit, replaced by the resolve's
    assert set(rows.values()) == {OutboxStatus.DELIVERED}
    (survey,) = [c for c in slack.calls_to("chat.postEphemeral") if c.response.get("ok")]
    assert survey.args["thread_ts"] == announcement["ts"] and survey.args["user"] == "U0ALICE"


def test_an_announcement_slack_stored_without_answering_appears_once(checkout: SlackDriver, clock: FakeClock) -> None:
    slack = checkout.slack
    slack.lose_response("chat.postMessage")
    opened = checkout.command("/incident open checkout sev1 Checkout down")
    assert "Slack has not taken the message for <#C0CHECK> yet (internal_error)" in opened.text
    (stored,) = slack.messages(CHANNEL)  # Slack has it; slabot does not know
    assert the_incident(checkout).thread_ts is None

    run_delivery(checkout, clock, minutes=1)
    assert slack.messages(CHANNEL) == [stored]  # found by its outbox key in the channel's history, not posted again
    assert slack.calls_to("conversations.history")
    assert the_incident(checkout).thread_ts == stored["ts"]

    checkout.command("/incident ack 1", user="U0BOB")
    assert thread_of(slack, stored) == [":eyes: <@U0BOB> acknowledged incident #1 (1m after it started)."]
    assert len(top_level(slack)) == 1


def test_a_note_never_overtakes_the_announcement_it_belongs_to(checkout: SlackDriver, clock: FakeClock) -> None:
    """Slack answers again at once, but the announcement is still waiting out its backoff: the ack's note,
    delivered right after the command, waits behind it in the channel."""
    slack = checkout.slack
    slack.fail("chat.postMessage", status=503)
    checkout.command("/incident open checkout sev2 Cart empties")
    acked = checkout.command("/incident ack 1", user="U0BOB")
    assert "follows by itself" in acked.text
    assert slack.messages(CHANNEL) == []
    run_delivery(checkout, clock, minutes=1)
    (announcement,) = top_level(slack)
    assert thread_of(slack, announcement) == [":eyes: <@U0BOB> acknowledged incident #1 (0s after it started)."]
