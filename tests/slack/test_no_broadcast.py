"""Mentions people type reach Slack escaped, through the real Bolt app: an incident whose title and pause
reason carry `<!channel> <!here> <@U0EVIL>`, opened, acknowledged, paused, resumed, resolved, rated and
given a 5-Why with such answers and action items, makes no chat.postMessage, chat.update,
chat.postEphemeral or response_url reply whose `text` or mrkdwn could ping anyone but slabot's own
mentions (the on-call, the people who acted)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from slabot.config.runtime import Runtime
from slabot.devtools.localslack import LocalSlack
from slabot.runtime.http import create_http_app
from tests.driver import Server, SlackDriver
from tests.threads import People
from tests.unit.test_mention_escaping import mrkdwn_texts

CHANNEL = "C0CHECK"
BOB, DANA = "U0BOB", "U0DANA"
TYPED = "<!channel> <!here> <@U0EVIL> <!everyone> <!subteam^S0EVIL|@evil>"
RAW = ("<!channel>", "<!here>", "<!everyone>", "<@U0EVIL>", "<!subteam^S0EVIL")
METHODS = ("chat.postMessage", "chat.update", "chat.postEphemeral", "response_url")


@pytest.fixture
def people(driver: SlackDriver, slack: LocalSlack, runtime: Runtime) -> Iterator[People]:
    with Server(create_http_app(runtime, driver.app)) as server:
        yield People(driver, slack, server.url)


def sent_texts(slack: LocalSlack) -> list[tuple[str, str]]:
    """(method, text) of every fallback text and mrkdwn text the bot sent."""
    found: list[tuple[str, str]] = []
    for method in METHODS:
        for call in slack.calls_to(method):
            found.append((method, str(call.args.get("text") or "")))
            found += [(method, text) for text in mrkdwn_texts(call.args.get("blocks") or [])]
    return found


def test_typed_mentions_never_reach_slack_unescaped(driver: SlackDriver, slack: LocalSlack, people: People) -> None:
    driver.command(f"/sla service add checkout channel={CHANNEL} oncall=<@{BOB}|bob>")
    opened = driver.command(f"/incident open checkout sev2 Checkout {TYPED} down started=40m")
    assert "Opened incident #1" in opened.text
    driver.command("/incident ack 1", user=DANA)
    driver.command(f"/incident pause 1 waiting on {TYPED} the vendor")
    driver.command("/incident resume 1")
    driver.command("/incident resolve 1", user=DANA)
    driver.command("/incident list all")
    driver.command("/incident show 1")

    announcement = next(p for p in driver.posts(CHANNEL) if p.args.get("thread_ts") is None)
    thread = announcement.response["ts"]
    driver.command("/sla why 1")
    people.reply(CHANNEL, thread, f"The {TYPED} database failed over", user=BOB)
    people.reply(CHANNEL, thread, f"Its disk filled up {TYPED}", user=BOB)
    people.reply(CHANNEL, thread, "done", user=BOB)
    wrap_up = [m for m in slack.messages(CHANNEL) if m.get("thread_ts") == thread and m.get("bot_id")][-1]
    driver.click(wrap_up, "rca_category:technology", user=DANA, channel=CHANNEL)
    people.reply(CHANNEL, thread, f"action: alarm on disk {TYPED} owner=<@{DANA}> due=2026-12-31", user=BOB)
    people.reply(CHANNEL, thread, "done", user=DANA)
    driver.command("/sla actions")
    driver.command("/incident show 1")

    sent = sent_texts(slack)
    methods = {method for method, _ in sent}
    assert {"chat.postMessage", "chat.update", "chat.postEphemeral", "response_url"} <= methods
    leaks = [(method, text) for method, text in sent if any(token in text for token in RAW)]
    assert not leaks, "typed mentions reached Slack unescaped:\n" + "\n".join(f"{m}: {t}" for m, t in leaks)

    # what people typed is still there, escaped, everywhere it is quoted
    summary = [text for method, text in sent if method == "chat.postMessage" and text.startswith("5-Why of incident")]
    assert summary and "&lt;!channel&gt; &lt;!here&gt; &lt;@U0EVIL&gt;" in summary[-1]
    edits = [text for method, text in sent if method == "chat.update" and text.startswith("Incident #1")]
    assert edits and all("Checkout &lt;!channel&gt; &lt;!here&gt; &lt;@U0EVIL&gt;" in text for text in edits)
    assert f"<@{BOB}>" in announcement.args["text"]  # the on-call is still pinged
