"""The 5-Why conversation as a team has it: signed message events through the real HTTP server, the bot's
questions in the incident's thread, the category buttons, action items, and what ends up stored."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from typing import Any

import pytest
from sqlmodel import col, select

from slabot.config.runtime import Runtime
from slabot.devtools.localslack import LocalSlack
from slabot.runtime.http import create_http_app
from storage.models.outbox import OutboxMessage, OutboxStatus
from storage.models.rca import ActionItem, Rca, RcaStage, RcaWhy
from storage.models.slack_events import SlackEvent
from tests.conftest import FakeClock
from tests.driver import Server, SlackDriver
from tests.threads import People

CHANNEL = "C0CHECK"
BOB, DANA = "U0BOB", "U0DANA"


@pytest.fixture
def people(driver: SlackDriver, slack: LocalSlack, runtime: Runtime) -> Iterator[People]:
    with Server(create_http_app(runtime, driver.app)) as server:
        yield People(driver, slack, server.url)


def resolved_incident(driver: SlackDriver, title: str = "Checkout returns 500s") -> tuple[int, str]:
    """A resolved incident announced in #C0CHECK; returns its id and thread ts."""
    if not driver.command("/sla service list").text.count("checkout"):
        driver.command(f"/sla service add checkout channel={CHANNEL}")
    opened = driver.command(f"/incident open checkout sev2 {title} started=40m")
    incident_id = int(opened.text.split("#", 1)[1].split(" ", 1)[0])
    driver.command(f"/incident resolve {incident_id}")
    announcement = next(
        p for p in driver.posts(CHANNEL) if p.args.get("thread_ts") is None and f"#{incident_id} " in p.args["text"]
    )
    return incident_id, announcement.response["ts"]


def running_5_why(driver: SlackDriver, title: str = "Checkout returns 500s") -> tuple[int, str]:
    """A resolved incident whose 5-Why was started with /sla why; returns its id and thread ts."""
    incident_id, thread = resolved_incident(driver, title)
    driver.command(f"/sla why {incident_id}")
    return incident_id, thread


def bot_said(slack: LocalSlack, thread_ts: str) -> list[dict[str, Any]]:
    """The bot's messages in the thread, oldest first, as they read now (edits applied)."""
    return [m for m in slack.messages(CHANNEL) if m.get("thread_ts") == thread_ts and m.get("bot_id")]


def last_text(slack: LocalSlack, thread_ts: str) -> str:
    return str(bot_said(slack, thread_ts)[-1]["text"])


def stored(runtime: Runtime, incident_id: int) -> tuple[Rca, list[RcaWhy], list[ActionItem]]:
    with runtime.db.session() as session:
        rca = session.exec(select(Rca).where(col(Rca.incident_id) == incident_id).order_by(col(Rca.id).desc())).first()
        assert rca is not None
        whys = list(session.exec(select(RcaWhy).where(col(RcaWhy.rca_id) == rca.id).order_by(col(RcaWhy.position))))
        actions = list(session.exec(select(ActionItem).where(col(ActionItem.incident_id) == incident_id)))
    return rca, whys, actions


ANSWERS = [
    "The payment database failed over.",
    "The primary ran out of disk",
    "WAL files piled up on the primary",
    "The replica lagged and held back WAL cleanup",
    "Nobody was alerted about replica lag",
]


def test_five_answers_then_category_actions_and_summary(
    driver: SlackDriver, slack: LocalSlack, people: People, runtime: Runtime
) -> None:
    incident_id, thread = resolved_incident(driver)
    answer = driver.command(f"/sla why {incident_id}")
    assert answer.text == (
        f":mag: Started a 5-Why for incident #{incident_id} in its thread in <#{CHANNEL}>. "
        "Answer its questions in the thread."
    )
    assert "Why 1/5: why did “Checkout returns 500s” happen?" in last_text(slack, thread)

    expected_questions = [
        "Why 2/5: why the payment database failed over?",
        "Why 3/5: why the primary ran out of disk?",
        "Why 4/5: why WAL files piled up on the primary?",
        "Why 5/5: why the replica lagged and held back WAL cleanup?",
    ]
    for text, next_question in zip(ANSWERS, [*expected_questions, None], strict=True):
        people.reply(CHANNEL, thread, text, user=BOB)
        if next_question:
            assert next_question in last_text(slack, thread)

    wrap_up = bot_said(slack, thread)[-1]
    assert "*Root cause:* Nobody was alerted about replica lag" in wrap_up["text"]
    buttons = [e for b in wrap_up["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert [b["text"]["text"] for b in buttons] == [
        "People",
        "Process",
        "Technology",
        "Dependencies",
        "Measurement",
        "Environment",
    ]

    driver.click(wrap_up, "rca_category:measurement", user=DANA, channel=CHANNEL)
    edited = bot_said(slack, thread)[-1]
    assert "*Category:* Measurement" in edited["text"]
    chosen = [e for b in edited["blocks"] if b["type"] == "actions" for e in b["elements"] if e.get("style")]
    assert [b["text"]["text"] for b in chosen] == ["Measurement"]

    people.reply(CHANNEL, thread, f"action: add a replica lag alarm owner=<@{DANA}> due=2026-12-01", user=BOB)
    assert last_text(slack, thread) == (
        f":memo: Action item recorded: #1 add a replica lag alarm · <@{DANA}> · due 2026-12-01 · open"
    )
    people.reply(CHANNEL, thread, "Action: page on WAL volume > 80% owner=me due=2w", user=BOB)
    assert f"#2 page on WAL volume &gt; 80% · <@{BOB}> · due 2026-12-05 · open" in last_text(slack, thread)

    people.reply(CHANNEL, thread, "done", user=DANA)
    summary = bot_said(slack, thread)[-1]
    assert summary["text"] == (
        f"5-Why of incident #{incident_id} sev2: Checkout returns 500s finished. "
        "Root cause: Nobody was alerted about replica lag (Measurement); 2 action items."
    )
    body = "\n".join(b["text"]["text"] for b in summary["blocks"] if b["type"] == "section")
    assert "Why 1/5: why did “Checkout returns 500s” happen?\n      → The payment database failed over." in body
    assert "Why 5/5: why the replica lagged and held back WAL cleanup?" in body
    assert "*Root cause:* Nobody was alerted about replica lag\n*Category:* Measurement" in body
    assert f"• #1 add a replica lag alarm · <@{DANA}> · due 2026-12-01 · open" in body
    # the wrap-up message lost its buttons once finished
    wrap_up_now = next(m for m in bot_said(slack, thread) if m["ts"] == wrap_up["ts"])
    assert not [b for b in wrap_up_now["blocks"] if b["type"] == "actions"]

    rca, whys, actions = stored(runtime, incident_id)
    assert (rca.stage, rca.category, rca.running_incident_id, rca.finished_by) == ("done", "measurement", None, DANA)
    assert [w.answer for w in whys] == [" ".join(a.split()) for a in ANSWERS]
    assert {w.answered_by for w in whys} == {BOB}
    assert [(a.text, a.owner_id, a.due.isoformat(), a.status) for a in actions] == [
        ("add a replica lag alarm", DANA, "2026-12-01", "open"),
        ("page on WAL volume > 80%", BOB, "2026-12-05", "open"),
    ]
    # after the 5-Why, the thread is just a thread again
    before = len(bot_said(slack, thread))
    people.reply(CHANNEL, thread, "thanks all", user=BOB)
    assert len(bot_said(slack, thread)) == before


def test_done_ends_early_but_not_before_an_answer(
    driver: SlackDriver, slack: LocalSlack, people: People, runtime: Runtime
) -> None:
    incident_id, thread = running_5_why(driver)
    people.reply(CHANNEL, thread, "Done")
    assert last_text(slack, thread) == (
        ":warning: Answer Why 1/5 first; say `done` at the answer that is the root cause."
    )
    people.reply(CHANNEL, thread, "A config push disabled the payment provider")
    people.reply(CHANNEL, thread, "The push skipped review")
    people.reply(CHANNEL, thread, "root cause!")
    assert "*Root cause:* The push skipped review" in last_text(slack, thread)
    rca, whys, _ = stored(runtime, incident_id)
    assert rca.stage == RcaStage.WRAP_UP and len(whys) == 2
    people.reply(CHANNEL, thread, "done")
    assert last_text(slack, thread) == (
        ":warning: Before `done`: pick a category with the buttons above and add at least one action item "
        "(`action: … owner=@… due=…`)."
    )
    assert stored(runtime, incident_id)[0].stage == RcaStage.WRAP_UP


def test_back_asks_the_previous_question_again_and_replaces_its_answer(
    driver: SlackDriver, slack: LocalSlack, people: People, runtime: Runtime
) -> None:
    incident_id, thread = running_5_why(driver)
    people.reply(CHANNEL, thread, "back")
    assert "There is no earlier question" in last_text(slack, thread)
    people.reply(CHANNEL, thread, "The cache expired all at once")
    people.reply(CHANNEL, thread, "TTLs were all the same")
    assert "Why 3/5: why tTLs" not in last_text(slack, thread)
    assert "Why 3/5: why TTLs were all the same?" in last_text(slack, thread)
    people.reply(CHANNEL, thread, "back")
    assert last_text(slack, thread) == (
        ":leftwards_arrow_with_hook: Again: your next reply replaces “TTLs were all the same”.\n"
        "*Why 2/5: why the cache expired all at once?*"
    )
    people.reply(CHANNEL, thread, "A deploy flushed the cache")
    _, whys, _ = stored(runtime, incident_id)
    assert [(w.position, w.answer) for w in whys] == [
        (1, "The cache expired all at once"),
        (2, "A deploy flushed the cache"),
    ]
    assert "Why 3/5: why a deploy flushed the cache?" in last_text(slack, thread)
    # back from the wrap-up returns to the whys
    people.reply(CHANNEL, thread, "done")
    people.reply(CHANNEL, thread, "back")
    assert "*Why 2/5: why the cache expired all at once?*" in last_text(slack, thread)
    rca, whys, _ = stored(runtime, incident_id)
    assert rca.stage == RcaStage.WHYS and len(whys) == 1


def test_an_edited_answer_updates_what_is_stored_and_the_next_question(
    driver: SlackDriver, slack: LocalSlack, people: People, runtime: Runtime
) -> None:
    incident_id, thread = running_5_why(driver)
    first = people.reply(CHANNEL, thread, "The load balancer dropped health checks")
    second = people.reply(CHANNEL, thread, "Its timeout was 1s")
    assert people.edit(CHANNEL, thread, second, "Its health-check timeout was 1s") == 200
    assert last_text(slack, thread) == "Reworded after the edit:\n*Why 3/5: why its health-check timeout was 1s?*"
    assert people.edit(CHANNEL, thread, first, "The load balancer failed health checks") == 200
    _, whys, _ = stored(runtime, incident_id)
    assert [w.answer for w in whys] == ["The load balancer failed health checks", "Its health-check timeout was 1s"]
    assert whys[1].question == "Why 2/5: why the load balancer failed health checks?"
    # an edit of a message that is not an answer changes nothing
    chatter = slack.add_message(CHANNEL, "unrelated", user=BOB, thread_ts="1.000001")
    posted = len(driver.posts())
    assert people.edit(CHANNEL, thread, chatter, "still unrelated") == 200
    assert len(driver.posts()) == posted


def test_bots_the_bot_itself_and_other_threads_are_ignored_quietly(
    driver: SlackDriver, slack: LocalSlack, people: People, runtime: Runtime
) -> None:
    incident_id, thread = running_5_why(driver)
    posted = len(driver.posts())
    base = {"type": "message", "channel": CHANNEL, "thread_ts": thread}
    assert people.send({**base, "text": "Deploy bot: v2 is out", "ts": "1.000002", "bot_id": "B0DEPLOY"}) == 200
    assert people.send({**base, "text": "beep", "ts": "1.000003", "subtype": "bot_message", "bot_id": "B0X"}) == 200
    assert people.send({**base, "text": "Why 1/5", "ts": "1.000004", "user": "U0SLABOT"}) == 200
    assert people.send({**base, "text": "hi", "ts": "1.000005", "user": BOB, "subtype": "channel_join"}) == 200
    other_incident, other_thread = resolved_incident(driver, "Search is slow")
    posted = len(driver.posts())
    people.reply(CHANNEL, other_thread, "this thread runs no 5-Why")
    people.reply(CHANNEL, "1700000000.000100", "nor does this one")
    assert people.send({"type": "message", "channel": CHANNEL, "user": BOB, "text": "top", "ts": "1.0000007"}) == 200
    assert len(driver.posts()) == posted
    assert stored(runtime, incident_id)[1] == []
    with runtime.db.session() as session:
        assert session.exec(select(SlackEvent)).all() == []
    assert other_incident != incident_id


def test_a_retried_event_is_recorded_once(
    driver: SlackDriver, slack: LocalSlack, people: People, runtime: Runtime
) -> None:
    incident_id, thread = running_5_why(driver)
    people.reply(CHANNEL, thread, "The certificate expired")
    asked = len(bot_said(slack, thread))
    for attempt in (1, 2, 3):
        assert people.retry_last(attempt) == 200
    assert len(bot_said(slack, thread)) == asked
    _, whys, _ = stored(runtime, incident_id)
    assert [w.answer for w in whys] == ["The certificate expired"]
    people.reply(CHANNEL, thread, "back")
    people.retry_last()
    assert stored(runtime, incident_id)[1] == []


def test_two_incidents_threads_interleaved(
    driver: SlackDriver, slack: LocalSlack, people: People, runtime: Runtime
) -> None:
    first, first_thread = resolved_incident(driver, "Checkout returns 500s")
    second, second_thread = resolved_incident(driver, "Search is slow")
    driver.command(f"/sla why {first}")
    driver.command(f"/sla why {second}")
    people.reply(CHANNEL, first_thread, "Payments timed out")
    people.reply(CHANNEL, second_thread, "The index was rebuilding")
    people.reply(CHANNEL, first_thread, "The provider was degraded")
    people.reply(CHANNEL, second_thread, "done")
    assert "Why 3/5: why the provider was degraded?" in last_text(slack, first_thread)
    assert "*Root cause:* The index was rebuilding" in last_text(slack, second_thread)
    assert [w.answer for w in stored(runtime, first)[1]] == ["Payments timed out", "The provider was degraded"]
    assert [w.answer for w in stored(runtime, second)[1]] == ["The index was rebuilding"]


def test_a_restart_mid_way_resumes_where_it_was(
    driver: SlackDriver, slack: LocalSlack, runtime: Runtime, clock: FakeClock
) -> None:
    incident_id, thread = resolved_incident(driver)
    with Server(create_http_app(runtime, driver.app)) as server:
        before = People(driver, slack, server.url)
        driver.command(f"/sla why {incident_id}")
        before.reply(CHANNEL, thread, "The queue filled up")
    restarted = SlackDriver(runtime, slack)  # a new process: a new app, the same database
    clock.advance(hours=3)
    with Server(create_http_app(runtime, restarted.app)) as server:
        after = People(restarted, slack, server.url)
        after.reply(CHANNEL, thread, "Consumers were scaled to zero")
        assert "Why 3/5: why consumers were scaled to zero?" in last_text(slack, thread)
        after.reply(CHANNEL, thread, "done")
    _, whys, _ = stored(runtime, incident_id)
    assert [w.answer for w in whys] == ["The queue filled up", "Consumers were scaled to zero"]


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("action: add an alarm", "An action item needs owner= and due=, like: action: add a replica lag alarm"),
        ("action: add an alarm owner=dana due=2026-12-01", "owner= takes a person picked with @ (or owner=me)"),
        ("action: add an alarm owner=me due=2026-11-01", "due=2026-11-01 is in the past"),
        ("action: add an alarm owner=me due=next week", "due= takes a date like 2026-12-01 (or 7d, 2w), not 'next'."),
        ("action: owner=me due=7d", "Say what is to be done, like: action: add a replica lag alarm"),
    ],
)
def test_a_bad_action_item_gets_a_hint_and_nothing_is_stored(
    driver: SlackDriver, slack: LocalSlack, people: People, runtime: Runtime, line: str, problem: str
) -> None:
    incident_id, thread = running_5_why(driver)
    people.reply(CHANNEL, thread, "A disk filled up")
    people.reply(CHANNEL, thread, line)
    assert last_text(slack, thread).startswith(f":warning: {problem}")
    assert stored(runtime, incident_id)[2] == []


def test_an_edited_action_item_is_parsed_again(
    driver: SlackDriver, slack: LocalSlack, people: People, runtime: Runtime
) -> None:
    incident_id, thread = running_5_why(driver)
    people.reply(CHANNEL, thread, "A disk filled up")
    ts = people.reply(CHANNEL, thread, "action: alert on disk owner=me due=2026-12-01", user=BOB)
    people.edit(CHANNEL, thread, ts, f"action: alert on disk at 80% owner=<@{DANA}> due=2026-12-03", user=BOB)
    assert last_text(slack, thread) == (
        f":memo: Action item updated: #1 alert on disk at 80% · <@{DANA}> · due 2026-12-03 · open"
    )
    [(item)] = stored(runtime, incident_id)[2]
    assert (item.text, item.owner_id, item.due.isoformat(), item.created_by) == (
        "alert on disk at 80%",
        DANA,
        "2026-12-03",
        BOB,
    )


def deliver_periodically(driver: SlackDriver, clock: FakeClock, seconds: int) -> None:
    """The scheduler's delivery job, every 5 seconds of the test's clock."""
    for _ in range(seconds // 5):
        clock.advance(seconds=5)
        driver.notifier.deliverer.deliver_due()


@pytest.mark.parametrize(("status", "retry_after"), [(500, 1), (429, 3)])
def test_a_5_why_thread_never_shows_questions_out_of_order_under_500s(
    driver: SlackDriver,
    slack: LocalSlack,
    people: People,
    runtime: Runtime,
    clock: FakeClock,
    status: int,
    retry_after: int,
) -> None:
    incident_id, thread = running_5_why(driver)
    # From here on Slack turns chat.postMessage away now and then (3 calls of every 5), the rest goes through
    turned_away = itertools.cycle([True, False, True, True, False])
    slack.fail_while("chat.postMessage", lambda: next(turned_away), status=status, retry_after=retry_after)

    for number, answer in enumerate(ANSWERS, start=1):
        clock.advance(seconds=2)  # the next answer comes before a failed question's retry is due
        people.reply(CHANNEL, thread, answer, user=BOB if number % 2 else DANA)
        if number == 3:
            deliver_periodically(driver, clock, 10)  # some retries go out while the team is still answering
    deliver_periodically(driver, clock, 180)

    five_why = [m for m in bot_said(slack, thread) if m["metadata"]["event_payload"]["key"].startswith("rca:")]
    said = [m["text"] for m in five_why]
    asked = [int(found.group(1)) for text in said for found in re.finditer(r"Why (\d)/5", text)]
    assert asked == [1, 2, 3, 4, 5], said
    assert said[-1].startswith(":dart: *Root cause:* Nobody was alerted about replica lag")
    assert [m["metadata"]["event_payload"]["key"] for m in five_why] == [  # each once
        "rca:1:v0:ask1",
        "rca:1:v1:ask2",
        "rca:1:v2:ask3",
        "rca:1:v3:ask4",
        "rca:1:v4:ask5",
        "rca:1:v5:wrap-up",
    ]
    with runtime.db.session() as session:
        rows = session.exec(select(OutboxMessage).where(col(OutboxMessage.key).startswith("rca:"))).all()
    assert {row.status for row in rows} == {OutboxStatus.DELIVERED}
    assert len(slack.calls_to("chat.postMessage")) > len(rows)  # Slack did turn posts away
    _, whys, _ = stored(runtime, incident_id)
    assert [w.position for w in whys] == [1, 2, 3, 4, 5]


def mrkdwn_texts(message: dict[str, Any]) -> list[str]:
    """The fallback text and every mrkdwn text of a message's blocks (headers are plain text)."""
    texts = [str(message["text"])]
    for block in message.get("blocks") or []:
        parts = [block.get("text"), *(block.get("elements") or []), *(block.get("fields") or [])]
        texts += [p["text"] for p in parts if isinstance(p, dict) and p.get("type") == "mrkdwn"]
    return texts


def test_what_people_typed_is_escaped_in_the_thread_fallback_texts_too(
    driver: SlackDriver, slack: LocalSlack, people: People
) -> None:
    _, thread = running_5_why(driver, "Checkout <!here> fails & stalls")
    people.reply(CHANNEL, thread, "A <!channel> ping")
    people.reply(CHANNEL, thread, "back")
    assert last_text(slack, thread) == (
        ":leftwards_arrow_with_hook: Again: your next reply replaces “A &lt;!channel&gt; ping”.\n"
        "*Why 1/5: why did “Checkout &lt;!here&gt; fails &amp; stalls” happen?*"
    )
    people.reply(CHANNEL, thread, "The <https://x.test|DNS> broke")
    people.reply(CHANNEL, thread, "done")
    wrap_up = bot_said(slack, thread)[-1]
    driver.click(wrap_up, "rca_category:technology", user=DANA, channel=CHANNEL)
    people.reply(CHANNEL, thread, "action: page <!subteam^S0SRE> owner=<!channel> due=7d")
    assert last_text(slack, thread).startswith(
        ":warning: owner= takes a person picked with @ (or owner=me), not '&lt;!channel&gt;'."
    )
    people.reply(CHANNEL, thread, "action: page <!subteam^S0SRE> owner=me due=7d")
    people.reply(CHANNEL, thread, "done")
    summary = bot_said(slack, thread)[-1]
    assert summary["text"] == (
        "5-Why of incident #1 sev2: Checkout &lt;!here&gt; fails &amp; stalls finished. "
        "Root cause: The &lt;https://x.test|DNS&gt; broke (Technology); 1 action items."
    )
    five_why = [m for m in bot_said(slack, thread) if m["metadata"]["event_payload"]["key"].startswith("rca:")]
    assert len(five_why) >= 6
    for message in five_why:
        for text in mrkdwn_texts(message):
            assert "<!" not in text and "<http" not in text, text
