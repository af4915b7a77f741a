"""The outbox and its delivery: every message reaches Slack exactly once, in order per channel, through
429s, 5xx, lost answers, timeouts, crashes mid-delivery and two senders at once."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from slack_sdk import WebClient
from sqlmodel import select

from slabot.config.runtime import Runtime
from slabot.devtools.localslack import LocalSlack
from slabot.notify import outbox
from slabot.notify.delivery import LEASE, METADATA_EVENT, Deliverer
from slabot.notify.outcomes import create_delivery_client
from slabot.render.reply import Reply, section
from storage.models.outbox import OutboxMessage, OutboxStatus
from tests.conftest import FakeClock

CHANNEL = "C0ALERTS"
OTHER = "C0OTHER"


class Crash(BaseException):
    """Stands for the process dying: nothing after it runs."""


def reply(text: str) -> Reply:
    return Reply(text=text, blocks=[section(text)], public=True)


def queue(runtime: Runtime, key: str, text: str, channel: str = CHANNEL, **kwargs: Any) -> bool:
    with runtime.db.session() as session:
        return outbox.post(session, key, channel, reply(text), runtime.now(), **kwargs)


def rows(runtime: Runtime) -> dict[str, OutboxMessage]:
    with runtime.db.session() as session:
        return {row.key: row for row in session.exec(select(OutboxMessage)).all()}


def texts(slack: LocalSlack, channel: str = CHANNEL) -> list[str]:
    return [message["text"] for message in slack.messages(channel)]


def client_for(slack: LocalSlack, runtime: Runtime, timeout: float = 10) -> WebClient:
    client = create_delivery_client("xoxb-test", slack.base_url)
    client.timeout = timeout
    return client


def deliver_at_once(senders: list[Deliverer]) -> None:
    """Each sender delivers what is due, all at the same time, each in a thread of its own."""
    threads = [threading.Thread(target=sender.deliver_due) for sender in senders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def drain(deliverer: Deliverer, clock: FakeClock, rounds: int = 12) -> None:
    """Deliver, letting time pass between rounds as the scheduler would."""
    for _ in range(rounds):
        deliverer.deliver_due()
        clock.advance(minutes=6)


def test_a_message_is_posted_once_with_its_key_in_metadata(
    runtime: Runtime, slack: LocalSlack, deliverer: Deliverer
) -> None:
    assert queue(runtime, "k1", "first")
    assert not queue(runtime, "k1", "first again")  # the same key twice is one message
    report = deliverer.deliver_due()
    assert report.delivered == ["k1"]
    deliverer.deliver_due()
    [message] = slack.messages(CHANNEL)
    assert message["text"] == "first"
    assert message["metadata"] == {"event_type": METADATA_EVENT, "event_payload": {"key": "k1"}}
    row = rows(runtime)["k1"]
    assert row.status == OutboxStatus.DELIVERED and row.ts == message["ts"] and row.attempts == 1


def test_rate_limits_are_waited_out_and_the_message_arrives_once(
    runtime: Runtime, slack: LocalSlack, deliverer: Deliverer, clock: FakeClock
) -> None:
    queue(runtime, "k1", "rate limited")
    slack.fail("chat.postMessage", status=429, times=5, retry_after=0)
    drain(deliverer, clock)
    assert texts(slack) == ["rate limited"]
    assert len(slack.calls_to("chat.postMessage")) == 6
    assert slack.calls_to("conversations.history") == []  # a 429 certainly did not post: no lookup


def test_retry_after_is_honoured(runtime: Runtime, slack: LocalSlack, deliverer: Deliverer, clock: FakeClock) -> None:
    queue(runtime, "k1", "wait for it")
    slack.fail("chat.postMessage", status=429, times=1, retry_after=30)
    deliverer.deliver_due()  # a long Retry-After is scheduled, not slept through in the sender
    row = rows(runtime)["k1"]
    assert row.status == OutboxStatus.PENDING and row.next_attempt_at == clock.now + timedelta(seconds=30)
    clock.advance(seconds=29)
    deliverer.deliver_due()
    assert texts(slack) == []
    clock.advance(seconds=1)
    deliverer.deliver_due()
    assert texts(slack) == ["wait for it"]


def test_server_errors_back_off_and_look_before_posting_again(
    runtime: Runtime, slack: LocalSlack, deliverer: Deliverer, clock: FakeClock
) -> None:
    queue(runtime, "k1", "after 500s")
    slack.fail("chat.postMessage", status=500, times=3)
    deliverer.deliver_due()
    first = rows(runtime)["k1"]
    assert first.status == OutboxStatus.PENDING and first.uncertain and first.last_error == "internal_error"
    assert first.next_attempt_at == clock.now + timedelta(seconds=5)
    deliverer.deliver_due()  # not due yet
    assert len(slack.calls_to("chat.postMessage")) == 1
    drain(deliverer, clock)
    assert texts(slack) == ["after 500s"]
    assert slack.calls_to("conversations.history")  # it looked before each retry


def test_a_lost_answer_does_not_post_twice(
    runtime: Runtime, slack: LocalSlack, deliverer: Deliverer, clock: FakeClock
) -> None:
    queue(runtime, "k1", "landed but we never heard")
    slack.lose_response("chat.postMessage", times=1)
    drain(deliverer, clock)
    assert texts(slack) == ["landed but we never heard"]
    assert len(slack.calls_to("chat.postMessage")) == 1
    assert rows(runtime)["k1"].ts == slack.messages(CHANNEL)[0]["ts"]


def test_a_timeout_does_not_post_twice(runtime: Runtime, slack: LocalSlack, clock: FakeClock) -> None:
    deliverer = Deliverer(runtime.db, client_for(slack, runtime, timeout=0.4), clock)
    queue(runtime, "k1", "slow Slack")
    slack.delay("chat.postMessage", 0.8)
    deliverer.deliver_due()
    assert rows(runtime)["k1"].uncertain
    drain(deliverer, clock)
    assert texts(slack) == ["slow Slack"]


@pytest.mark.parametrize("crash_point", ["before the post", "after the post"])
def test_a_restart_in_the_middle_of_delivery_loses_nothing_and_repeats_nothing(
    runtime: Runtime, slack: LocalSlack, clock: FakeClock, crash_point: str
) -> None:
    class Dying(Deliverer):
        def _post(self, row: OutboxMessage, thread_ts: str | None, uncertain: bool) -> str:
            if crash_point == "before the post":
                raise Crash
            super()._post(row, thread_ts, uncertain)
            raise Crash

    queue(runtime, "k1", "survives a crash")
    with pytest.raises(Crash):
        Dying(runtime.db, client_for(slack, runtime), clock).deliver_due()
    assert rows(runtime)["k1"].status == OutboxStatus.SENDING

    restarted = Deliverer(runtime.db, client_for(slack, runtime), clock)
    clock.advance(seconds=30)
    restarted.deliver_due()  # the claim may still be alive: leave it
    assert rows(runtime)["k1"].status == OutboxStatus.SENDING
    clock.advance(seconds=LEASE.total_seconds())
    restarted.deliver_due()
    assert texts(slack) == ["survives a crash"]
    assert rows(runtime)["k1"].status == OutboxStatus.DELIVERED


def test_order_is_kept_per_channel_and_other_channels_go_on(
    runtime: Runtime, slack: LocalSlack, deliverer: Deliverer, clock: FakeClock
) -> None:
    queue(runtime, "warn", "50% warning")
    queue(runtime, "breach", "breach")
    queue(runtime, "elsewhere", "other channel", channel=OTHER)
    slack.fail("chat.postMessage", status=503, times=1)
    deliverer.deliver_due()
    assert texts(slack) == [] and texts(slack, OTHER) == ["other channel"]
    drain(deliverer, clock)
    assert texts(slack) == ["50% warning", "breach"]


def test_a_permanent_error_fails_the_row_without_holding_the_others(
    runtime: Runtime, slack: LocalSlack, deliverer: Deliverer, clock: FakeClock
) -> None:
    queue(runtime, "k1", "bot not invited", channel="C0PRIVATE")
    queue(runtime, "k2", "fine")
    slack.fail_with_error("chat.postMessage", "not_in_channel")
    report = deliverer.deliver_due()
    assert report.failed == ["k1"] and report.delivered == ["k2"]
    drain(deliverer, clock)
    assert rows(runtime)["k1"].status == OutboxStatus.FAILED and rows(runtime)["k1"].last_error == "not_in_channel"
    assert len(slack.calls_to("chat.postMessage")) == 2


def test_thread_replies_and_edits_wait_for_their_message(
    runtime: Runtime, slack: LocalSlack, deliverer: Deliverer, clock: FakeClock
) -> None:
    queue(runtime, "alert", "alert v0")
    with runtime.db.session() as session:
        outbox.edit(session, "alert:v1", "alert", CHANNEL, reply("alert v1"), clock.now)
        outbox.edit(session, "alert:v2", "alert", CHANNEL, reply("alert v2"), clock.now)
        outbox.post(session, "alert:note", CHANNEL, reply("recovered"), clock.now, parent_key="alert")
    slack.fail("chat.postMessage", status=500, times=1)
    deliverer.deliver_due()
    assert slack.calls_to("chat.update") == []  # the edit waits for the message it edits
    drain(deliverer, clock)
    parent, note = slack.messages(CHANNEL)
    assert parent["text"] == "alert v2" and note["text"] == "recovered" and note["thread_ts"] == parent["ts"]
    assert rows(runtime)["alert:v1"].status == OutboxStatus.SUPERSEDED
    assert len(slack.calls_to("chat.update")) == 1


def test_two_senders_at_once_send_each_message_once(runtime: Runtime, slack: LocalSlack, clock: FakeClock) -> None:
    for index in range(20):
        queue(runtime, f"k{index}", f"message {index}", channel=f"C0CH{index % 4}")
    senders = [Deliverer(runtime.db, client_for(slack, runtime), clock) for _ in range(3)]
    deliver_at_once(senders)
    drain(senders[0], clock, rounds=2)
    posted = sorted(message["text"] for message in slack.messages())
    assert posted == sorted(f"message {index}" for index in range(20))
    assert len(slack.calls_to("chat.postMessage")) == 20


def test_delivery_right_after_a_request_never_overtakes_an_older_row_of_its_channel(
    runtime: Runtime, slack: LocalSlack, deliverer: Deliverer, clock: FakeClock
) -> None:
    """A request delivers the rows it wrote at once, but only behind what already waits in their channel:
    Why 3 never lands before Why 2. Other channels are not held up."""
    queue(runtime, "why-2", "Why 2/5")
    slack.fail("chat.postMessage", status=500)
    deliverer.deliver_due()  # Why 2 is now backing off
    queue(runtime, "why-3", "Why 3/5")
    queue(runtime, "elsewhere", "a notice", channel=OTHER)
    report = deliverer.deliver_due([CHANNEL, OTHER])  # what a request that wrote both does right after it
    assert report.delivered == ["elsewhere"] and texts(slack) == []
    assert rows(runtime)["why-3"].attempts == 0  # not even tried
    drain(deliverer, clock, rounds=2)
    assert texts(slack) == ["Why 2/5", "Why 3/5"]
