"""Starting and stopping a 5-Why (/sla why, the Start 5-Why button, the 20% budget policy) and the action
items it leaves (/sla actions), as the people typing and clicking see them."""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest
from sqlmodel import col, select

from slabot.config.runtime import Runtime
from slabot.devtools.localslack import LocalSlack
from slabot.rca import runs as service
from storage.models.rca import Rca, RcaStage, RcaTrigger
from tests.driver import SlackDriver
from tests.slack.test_rca_conversation import CHANNEL, DANA, bot_said, last_text, resolved_incident, running_5_why
from tests.threads import People


def test_sla_why_refuses_what_it_cannot_do(driver: SlackDriver) -> None:
    driver.command(f"/sla service add checkout channel={CHANNEL}")
    driver.command("/incident open checkout sev2 Checkout returns 500s")
    cases = {
        "/sla why": "Give the incident number, and cancel to stop its 5-Why, like: /sla why 12",
        "/sla why twelve": "'twelve' is not an incident number",
        "/sla why 1 stop": "Give the incident number, and cancel to stop its 5-Why",
        "/sla why 99": "There is no incident #99.",
        "/sla why 1": "Incident #1 is not resolved yet; its 5-Why starts once it is (/incident resolve 1).",
        "/sla why 1 cancel": "No 5-Why is running for incident #1. Start one with /sla why 1.",
    }
    for line, problem in cases.items():
        answer = driver.command(line)
        assert answer.ephemeral and problem in answer.text, (line, answer.text)
        assert "Usage: /sla why <incident-id> [cancel]" in answer.text


def test_one_5_why_per_incident_at_a_time_and_cancel(driver: SlackDriver, slack: LocalSlack, runtime: Runtime) -> None:
    incident_id, thread = running_5_why(driver)
    again = driver.command(f"/sla why {incident_id}")
    assert again.text.startswith(
        f":warning: A 5-Why for incident #{incident_id} is already running in its thread (at Why 1/5). "
        f"Stop it with /sla why {incident_id} cancel."
    )
    stopped = driver.command(f"/sla why {incident_id} cancel", user=DANA)
    assert stopped.text == (
        f":no_entry_sign: Stopped the 5-Why of incident #{incident_id}. Start again with /sla why {incident_id}."
    )
    assert last_text(slack, thread) == (
        f":no_entry_sign: <@{DANA}> stopped this 5-Why. Start again with /sla why {incident_id}."
    )
    restarted = driver.command(f"/sla why {incident_id}")
    assert restarted.text.startswith(":mag: Started a 5-Why")
    with runtime.db.session() as session:
        rows = session.exec(select(Rca).order_by(col(Rca.id))).all()
    assert [(r.stage, r.running_incident_id) for r in rows] == [("cancelled", None), ("whys", incident_id)]


def test_concurrent_starts_make_one_5_why(driver: SlackDriver, slack: LocalSlack, runtime: Runtime) -> None:
    incident_id, thread = resolved_incident(driver)
    outcomes: list[str] = []

    def start() -> None:
        try:
            now = runtime.now()
            with runtime.db.session() as session:
                _, said = service.start(session, incident_id, DANA, RcaTrigger.COMMAND, now)
                queued = driver.notifier.queue(session, said, now)
            driver.notifier.deliver(queued)
            outcomes.append("started")
        except Exception as error:  # the loser is told it already runs
            outcomes.append(type(error).__name__)

    workers = [threading.Thread(target=start) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert sorted(outcomes) == ["UserError", "UserError", "UserError", "started"]
    assert sum("Why 1/5" in m["text"] for m in bot_said(slack, thread)) == 1


def test_the_start_button_on_the_resolve_message(driver: SlackDriver, slack: LocalSlack, runtime: Runtime) -> None:
    incident_id, thread = resolved_incident(driver)
    resolved = next(m for m in slack.messages(CHANNEL) if m.get("thread_ts") == thread and "resolved" in m["text"])
    clicked = driver.click(resolved, "rca_start", user=DANA, channel=CHANNEL)
    assert clicked.responses == []
    first = bot_said(slack, thread)[-1]["text"]
    assert first == (
        f":mag: 5-Why for incident #{incident_id}: <@{DANA}> started it.\n"
        "*Why 1/5: why did “Checkout returns 500s” happen?*"
    )
    again = driver.click(resolved, "rca_start", user=DANA, channel=CHANNEL)
    assert again.responses[0]["text"].startswith(":warning: A 5-Why for incident #1 is already running")
    with runtime.db.session() as session:
        assert [r.trigger for r in session.exec(select(Rca)).all()] == ["button"]


def test_a_category_button_before_the_wrap_up_or_after_done_is_refused(
    driver: SlackDriver, slack: LocalSlack, runtime: Runtime, people_dispatch: People
) -> None:
    incident_id, thread = running_5_why(driver)
    people_dispatch.reply(CHANNEL, thread, "A bad deploy")
    people_dispatch.reply(CHANNEL, thread, "done")
    wrap_up = bot_said(slack, thread)[-1]
    people_dispatch.reply(CHANNEL, thread, "back")
    clicked = driver.click(wrap_up, "rca_category:process", channel=CHANNEL)
    assert clicked.responses[0]["text"].startswith(":warning: Answer the whys first")
    driver.command(f"/sla why {incident_id} cancel")
    clicked = driver.click(wrap_up, "rca_category:process", channel=CHANNEL)
    assert clicked.responses[0]["text"] == (
        f":warning: This 5-Why of incident #{incident_id} is no longer running; its result is in /incident show."
    )


@pytest.fixture
def people_dispatch(driver: SlackDriver, slack: LocalSlack) -> People:
    return People(driver, slack)


def _objective_with_small_budget(driver: SlackDriver) -> None:
    driver.command(f"/sla service add checkout channel={CHANNEL}")
    # 99.9% over 7d: a budget of 604.8 s; a 40-minute outage uses far more than 20% of it
    driver.command("/sla define checkout availability target=99.9 window=7d")


def test_a_costly_incident_starts_its_5_why_by_itself(driver: SlackDriver, slack: LocalSlack, runtime: Runtime) -> None:
    _objective_with_small_budget(driver)
    incident_id, thread = resolved_incident(driver)
    first = bot_said(slack, thread)[-1]["text"]
    assert first.startswith(f":mag: 5-Why for incident #{incident_id}: it used ")
    assert "of checkout/availability's error budget, more than the 20% that calls for a postmortem." in first
    with runtime.db.session() as session:
        [rca] = session.exec(select(Rca)).all()
    assert (rca.trigger, rca.stage) == ("auto", RcaStage.WHYS)


def test_a_cheap_incident_or_the_switch_off_starts_nothing(
    driver: SlackDriver, slack: LocalSlack, runtime: Runtime, settings: object
) -> None:
    driver.command(f"/sla service add checkout channel={CHANNEL}")
    driver.command("/sla define checkout availability target=99 window=30d")  # a budget of 7.2 hours
    _, thread = resolved_incident(driver)
    assert not any("5-Why" in m["text"] for m in bot_said(slack, thread) if m["text"].startswith(":mag:"))
    off = SlackDriver(replace(runtime, settings=replace(runtime.settings, auto_rca=False)), slack)
    off.command("/sla define checkout latency target=99.9 window=7d")
    _, thread = resolved_incident(off, "Search is slow")
    assert not [m for m in bot_said(slack, thread) if m["text"].startswith(":mag:")]
    with runtime.db.session() as session:
        assert session.exec(select(Rca)).all() == []


def test_actions_list_filter_and_close(driver: SlackDriver, slack: LocalSlack, people_dispatch: People) -> None:
    incident_id, thread = resolved_incident(driver)
    driver.command("/sla service add search")
    driver.command(f"/sla why {incident_id}")
    people_dispatch.reply(CHANNEL, thread, "A bad deploy")
    people_dispatch.reply(CHANNEL, thread, f"action: add canary stage owner=<@{DANA}> due=2026-12-10")
    people_dispatch.reply(CHANNEL, thread, "action: block deploys on red CI owner=me due=2026-11-25")

    listed = driver.command("/sla actions")
    assert listed.text == ("Action items: #2 block deploys on red CI (open); #1 add canary stage (open)")
    assert "incident #1 · checkout" in listed.all_text
    closed = driver.command("/sla actions done 2")
    assert closed.text == ":white_check_mark: Closed action item #2: block deploys on red CI"
    assert driver.command("/sla actions done 2").text.startswith(
        ":warning: Action item #2 was already closed by <@U0ALICE>."
    )
    assert (
        driver.command("/sla actions checkout open").text == "Open action items of checkout: #1 add canary stage (open)"
    )
    assert driver.command("/sla actions open checkout").text.startswith("Open action items of checkout")
    assert driver.command("/sla actions").text.endswith("#2 block deploys on red CI (done)")
    assert driver.command("/sla actions search").text.startswith("No action items of search yet.")
    problems = {
        "/sla actions done": "Give the action item's number, like: /sla actions done 7",
        "/sla actions done x": "'x' is not an action item number",
        "/sla actions done 99": "There is no action item #99. See /sla actions.",
        "/sla actions nosuch": "There is no service 'nosuch'",
        "/sla actions checkout search": "Give at most one service and open",
    }
    for line, problem in problems.items():
        answer = driver.command(line)
        assert problem in answer.text, (line, answer.text)


def test_overdue_action_items_are_flagged(
    driver: SlackDriver, slack: LocalSlack, people_dispatch: People, clock: object
) -> None:
    _, thread = running_5_why(driver)
    people_dispatch.reply(CHANNEL, thread, "A bad deploy")
    people_dispatch.reply(CHANNEL, thread, "action: add canary stage owner=me due=1d")
    driver.runtime.clock.advance(days=3)  # type: ignore[attr-defined]
    assert "due 2026-11-22 · open, *overdue*" in driver.command("/sla actions open").all_text
