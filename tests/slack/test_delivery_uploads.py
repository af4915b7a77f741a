"""The outbox's uploads (a digest's charts): each file shared exactly once, in its message's thread, through
files_upload_v2's three calls, through 429s, failed byte uploads, lost answers, dead senders and two senders
at once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlmodel import select

from slabot.config.runtime import Runtime
from slabot.devtools.localslack import LocalSlack
from slabot.notify import outbox
from slabot.notify.delivery import LEASE, Deliverer
from slabot.render.reply import Reply, section
from storage.models.outbox import OutboxFile, OutboxMessage, OutboxStatus
from tests.conftest import FakeClock
from tests.slack.test_delivery import client_for, deliver_at_once, drain, rows

CHANNEL = "C0DIGEST"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class Crash(BaseException):
    """Stands for the process dying: nothing after it runs."""


@dataclass(frozen=True)
class Chart:
    filename: str
    title: str
    alt_text: str
    png: bytes


def chart(run: int, name: str) -> Chart:
    # every byte value, NUL included: what is stored (bytea / BLOB) and uploaded must be the PNG as drawn
    png = PNG_SIGNATURE + bytes(range(256)) + name.encode()
    return Chart(f"slabot-digest-{run}-{name}.png", f"{name} chart", f"The {name} of checkout, week 46", png)


NAMES = ("sli", "burndown", "pareto")


def queue_digest(runtime: Runtime, run: int = 12, channel: str = CHANNEL) -> list[Chart]:
    """The digest message and its three charts under it, in one transaction, as the digest runner does."""
    charts = [chart(run, name) for name in NAMES]
    with runtime.db.session() as session:
        outbox.post(
            session, f"digest:{run}", channel, Reply(text=f"digest {run}", blocks=[section("week")]), runtime.now()
        )
        for index, drawn in enumerate(charts, start=1):
            assert outbox.upload(
                session, f"digest:{run}:chart:{index}", channel, drawn, runtime.now(), parent_key=f"digest:{run}"
            )
    return charts


def chart_keys(run: int = 12) -> list[str]:
    return [f"digest:{run}:chart:{index}" for index in range(1, len(NAMES) + 1)]


def shared(slack: LocalSlack, channel: str = CHANNEL) -> list[str]:
    """The names of the files shared in the channel (threads included), one entry per share, oldest first."""
    return [file["name"] for message in slack.messages(channel) for file in message.get("files", [])]


def test_charts_are_shared_in_the_digest_thread_through_the_three_calls(
    runtime: Runtime, slack: LocalSlack, deliverer: Deliverer
) -> None:
    charts = queue_digest(runtime)
    report = deliverer.deliver_due()
    assert report.delivered == ["digest:12", *chart_keys()]

    steps = ["files.getUploadURLExternal", "upload", "files.completeUploadExternal"]
    assert [call.method for call in slack.calls] == ["chat.postMessage", *steps * 3]
    parent, *shares = slack.messages(CHANNEL)
    asked = slack.calls_to("files.getUploadURLExternal")
    completed = slack.calls_to("files.completeUploadExternal")
    for index, (drawn, ask, complete, share) in enumerate(zip(charts, asked, completed, shares, strict=True), 1):
        file_id = ask.response["file_id"]
        assert (ask.args["filename"], int(ask.args["length"])) == (drawn.filename, len(drawn.png))
        assert ask.args["alt_txt"] == drawn.alt_text
        assert slack.uploads[file_id] == drawn.png
        assert complete.args["channel_id"] == CHANNEL and complete.args["thread_ts"] == parent["ts"]
        assert complete.args["files"] == [{"id": file_id, "title": drawn.title}]
        # what people see: a message from the bot in the thread, with the file, its title and alt text
        assert share["thread_ts"] == parent["ts"] and share["bot_id"] == "B0SLABOT"
        [file] = share["files"]
        assert (file["id"], file["name"], file["title"], file["alt_txt"]) == (
            file_id,
            drawn.filename,
            drawn.title,
            drawn.alt_text,
        )
        row = rows(runtime)[f"digest:12:chart:{index}"]
        assert (row.status, row.ts, row.attempts, row.uncertain) == (OutboxStatus.DELIVERED, file_id, 1, False)
    assert parent["text"] == "digest 12" and parent.get("files") is None
    assert slack.calls_to("conversations.replies") == []  # nothing was uncertain: no lookups


def test_queuing_an_upload_twice_is_one_row_and_its_bytes_are_kept_as_drawn(runtime: Runtime) -> None:
    first, second = chart(7, "sli"), chart(7, "burndown")
    with runtime.db.session() as session:
        assert outbox.upload(session, "k", CHANNEL, first, runtime.now(), thread_ts="1700000000.000100")
        assert not outbox.upload(session, "k", CHANNEL, second, runtime.now())
    with runtime.db.session() as session:
        [row] = session.exec(select(OutboxMessage)).all()
        [file] = session.exec(select(OutboxFile)).all()
    assert (row.key, row.action, row.text, row.blocks) == ("k", "upload", "sli chart", "[]")
    assert (row.thread_ts, row.parent_key, row.status) == ("1700000000.000100", None, OutboxStatus.PENDING)
    assert (file.key, file.filename, file.title, file.alt_text) == ("k", first.filename, first.title, first.alt_text)
    assert bytes(file.content) == first.png


def test_an_upload_with_a_known_thread_ts_and_a_long_title(
    runtime: Runtime, slack: LocalSlack, deliverer: Deliverer
) -> None:
    parent = slack.add_message(CHANNEL, "a thread someone started")
    long = Chart("slabot-long.png", "t" * 400, "", PNG_SIGNATURE)
    with runtime.db.session() as session:
        outbox.upload(session, "k", CHANNEL, long, runtime.now(), thread_ts=parent)
    assert deliverer.deliver_due().delivered == ["k"]
    [complete] = slack.calls_to("files.completeUploadExternal")
    assert complete.args["thread_ts"] == parent
    assert complete.args["files"][0]["title"] == "t" * 249 + "…"  # Slack's 250 characters
    assert "alt_txt" not in slack.calls_to("files.getUploadURLExternal")[0].args


def test_uploads_wait_for_their_message(
    runtime: Runtime, slack: LocalSlack, deliverer: Deliverer, clock: FakeClock
) -> None:
    queue_digest(runtime)
    slack.fail("chat.postMessage", status=503)
    deliverer.deliver_due()
    assert slack.calls_to("files.getUploadURLExternal") == []  # held behind their message
    deliverer.deliver_due([CHANNEL])  # asked for their channel at once (as after a request), they still wait
    assert slack.calls_to("files.getUploadURLExternal") == []
    assert [rows(runtime)[key].attempts for key in chart_keys()] == [0, 0, 0]
    drain(deliverer, clock)
    parent = slack.messages(CHANNEL)[0]
    assert shared(slack) == [chart(12, name).filename for name in NAMES]  # in the order queued
    assert all(m["thread_ts"] == parent["ts"] for m in slack.messages(CHANNEL)[1:])


def test_uploads_under_a_failed_message_fail_too(
    runtime: Runtime, slack: LocalSlack, deliverer: Deliverer, clock: FakeClock
) -> None:
    queue_digest(runtime)
    slack.fail_with_error("chat.postMessage", "not_in_channel")
    drain(deliverer, clock, rounds=2)
    stored = rows(runtime)
    assert stored["digest:12"].status == OutboxStatus.FAILED
    assert [(stored[k].status, stored[k].last_error) for k in chart_keys()] == [("failed", "parent_failed")] * 3
    assert slack.calls_to("files.getUploadURLExternal") == [] and shared(slack) == []


@pytest.mark.parametrize("method", ["files.getUploadURLExternal", "upload"])
def test_a_rate_limit_waits_for_retry_after(
    runtime: Runtime, slack: LocalSlack, deliverer: Deliverer, clock: FakeClock, method: str
) -> None:
    queue_digest(runtime)
    slack.fail(method, status=429, retry_after=30)
    report = deliverer.deliver_due()
    assert report.delivered == ["digest:12"] and report.retrying == ["digest:12:chart:1"]
    first = rows(runtime)["digest:12:chart:1"]
    assert first.next_attempt_at == clock.now + timedelta(seconds=30) and not first.uncertain
    assert first.last_error == ("upload_http_429" if method == "upload" else "ratelimited")
    clock.advance(seconds=29)
    deliverer.deliver_due()
    assert shared(slack) == []  # the later charts keep their place behind the first
    clock.advance(seconds=1)
    assert deliverer.deliver_due().delivered == chart_keys()
    assert shared(slack) == [chart(12, name).filename for name in NAMES]
    assert slack.calls_to("conversations.replies") == []


@pytest.mark.parametrize(
    ("method", "fault", "error"),
    [
        ("files.getUploadURLExternal", "500", "internal_error"),
        ("upload", "500", "upload_http_500"),
        ("upload", "202", "SlackRequestError"),  # slack_sdk refuses any status but 200 for the bytes
        ("upload", "timeout", "TimeoutError"),
        ("files.getUploadURLExternal", "timeout", "TimeoutError"),
    ],
)
def test_a_failure_before_the_share_is_retried_without_a_lookup(
    runtime: Runtime, slack: LocalSlack, clock: FakeClock, method: str, fault: str, error: str
) -> None:
    deliverer = Deliverer(runtime.db, client_for(slack, runtime, timeout=0.4), clock)
    charts = queue_digest(runtime)
    if fault == "timeout":
        slack.delay(method, 0.8)
    else:
        slack.fail(method, status=int(fault))
    deliverer.deliver_due()
    first = rows(runtime)["digest:12:chart:1"]
    assert (first.status, first.last_error, first.uncertain) == (OutboxStatus.PENDING, error, False)
    assert first.next_attempt_at == clock.now + timedelta(seconds=5)
    drain(deliverer, clock)
    assert shared(slack) == [drawn.filename for drawn in charts]  # each once
    assert len(slack.calls_to("files.completeUploadExternal")) == 3
    assert len(slack.calls_to("files.getUploadURLExternal")) == 4  # the retry started over
    assert slack.calls_to("conversations.replies") == []  # nothing could have been shared: no lookup
    shares = slack.messages(CHANNEL)[1:]
    assert [bytes(slack.uploads[m["files"][0]["id"]]) for m in shares] == [drawn.png for drawn in charts]


@pytest.mark.parametrize("fault", ["lost answer", "timeout", "503"])
def test_an_uncertain_share_is_looked_up_and_not_shared_twice(
    runtime: Runtime, slack: LocalSlack, clock: FakeClock, fault: str
) -> None:
    deliverer = Deliverer(runtime.db, client_for(slack, runtime, timeout=0.4), clock)
    charts = queue_digest(runtime)
    if fault == "lost answer":
        slack.lose_response("files.completeUploadExternal")  # Slack shared it; the answer never came
    elif fault == "timeout":
        slack.delay("files.completeUploadExternal", 0.8)
    else:
        slack.fail("files.completeUploadExternal", status=503)  # it did not share it after all
    deliverer.deliver_due()
    first = rows(runtime)["digest:12:chart:1"]
    assert first.status == OutboxStatus.PENDING and first.uncertain
    drain(deliverer, clock)
    assert shared(slack) == [drawn.filename for drawn in charts]  # each exactly once
    [lookup] = slack.calls_to("conversations.replies")
    parent = slack.messages(CHANNEL)[0]
    assert (lookup.args["channel"], lookup.args["ts"]) == (CHANNEL, parent["ts"])
    completes = 4 if fault == "503" else 3
    assert len(slack.calls_to("files.completeUploadExternal")) == completes
    stored = rows(runtime)
    for drawn, key, message in zip(charts, chart_keys(), slack.messages(CHANNEL)[1:], strict=True):
        assert stored[key].status == OutboxStatus.DELIVERED and stored[key].ts == message["files"][0]["id"]
        assert message["files"][0]["name"] == drawn.filename


def test_a_lost_answer_of_a_top_level_upload_is_looked_up_in_the_channel(
    runtime: Runtime, slack: LocalSlack, deliverer: Deliverer, clock: FakeClock
) -> None:
    with runtime.db.session() as session:
        outbox.upload(session, "solo", CHANNEL, chart(3, "trend"), runtime.now())
    slack.add_message(CHANNEL, "someone talks meanwhile")
    slack.lose_response("files.completeUploadExternal")
    drain(deliverer, clock)
    assert shared(slack) == ["slabot-digest-3-trend.png"]
    assert len(slack.calls_to("conversations.history")) == 1
    assert slack.calls_to("files.completeUploadExternal")[0].args.get("thread_ts") is None
    [share] = [message for message in slack.messages(CHANNEL) if message.get("files")]
    assert share["thread_ts"] is None and rows(runtime)["solo"].ts == share["files"][0]["id"]


@pytest.mark.parametrize("crash_point", ["before the upload", "after the share"])
def test_a_sender_dying_mid_upload_shares_each_file_once(
    runtime: Runtime, slack: LocalSlack, clock: FakeClock, crash_point: str
) -> None:
    class Dying(Deliverer):
        def _share(self, row: OutboxMessage, file: OutboxFile, thread_ts: str | None, uncertain: bool) -> str:
            if crash_point == "before the upload":
                raise Crash
            super()._share(row, file, thread_ts, uncertain)
            raise Crash

    charts = queue_digest(runtime)
    with pytest.raises(Crash):
        Dying(runtime.db, client_for(slack, runtime), clock).deliver_due()
    assert rows(runtime)["digest:12:chart:1"].status == OutboxStatus.SENDING

    restarted = Deliverer(runtime.db, client_for(slack, runtime), clock)
    clock.advance(seconds=30)
    restarted.deliver_due()  # the claim may still be alive: leave it, and the charts after it
    assert rows(runtime)["digest:12:chart:1"].status == OutboxStatus.SENDING
    assert len(shared(slack)) == (1 if crash_point == "after the share" else 0)
    clock.advance(seconds=LEASE.total_seconds())
    restarted.deliver_due()
    assert shared(slack) == [drawn.filename for drawn in charts]
    assert len(slack.calls_to("conversations.replies")) == 1  # the taken-over claim was looked up
    assert len(slack.calls_to("files.completeUploadExternal")) == 3
    assert all(row.status == OutboxStatus.DELIVERED for row in rows(runtime).values())


def test_a_permanent_error_fails_the_upload_and_the_others_go_on(
    runtime: Runtime, slack: LocalSlack, deliverer: Deliverer, clock: FakeClock
) -> None:
    charts = queue_digest(runtime)
    slack.fail_with_error("files.completeUploadExternal", "not_in_channel")
    report = deliverer.deliver_due()
    assert report.failed == ["digest:12:chart:1"] and report.delivered == ["digest:12", *chart_keys()[1:]]
    drain(deliverer, clock, rounds=2)
    first = rows(runtime)["digest:12:chart:1"]
    assert (first.status, first.last_error, first.uncertain) == (OutboxStatus.FAILED, "not_in_channel", False)
    assert shared(slack) == [drawn.filename for drawn in charts[1:]]
    assert len(slack.calls_to("files.completeUploadExternal")) == 3


def test_an_upload_error_retrying_cannot_fix_fails_the_row(
    runtime: Runtime, slack: LocalSlack, deliverer: Deliverer
) -> None:
    with runtime.db.session() as session:
        outbox.upload(session, "k", CHANNEL, chart(1, "sli"), runtime.now())
    slack.fail_with_error("files.getUploadURLExternal", "file_uploads_disabled")
    assert deliverer.deliver_due().failed == ["k"]
    assert rows(runtime)["k"].last_error == "file_uploads_disabled"


def test_two_senders_at_once_share_each_file_once(runtime: Runtime, slack: LocalSlack, clock: FakeClock) -> None:
    channels = [f"C0TEAM{index}" for index in range(3)]
    for run, channel in enumerate(channels, start=1):
        queue_digest(runtime, run=run, channel=channel)
    senders = [Deliverer(runtime.db, client_for(slack, runtime), clock) for _ in range(3)]
    deliver_at_once(senders)
    drain(senders[0], clock, rounds=2)
    for run, channel in enumerate(channels, start=1):
        parent, *shares = slack.messages(channel)
        assert shared(slack, channel) == [chart(run, name).filename for name in NAMES]
        assert all(message["thread_ts"] == parent["ts"] for message in shares)
    assert len(slack.calls_to("files.completeUploadExternal")) == 9
    assert len(slack.calls_to("chat.postMessage")) == 3
    assert all(row.status == OutboxStatus.DELIVERED for row in rows(runtime).values())
