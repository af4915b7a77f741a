"""Burn-rate alerts end to end: traffic in, the evaluation pass, one message per firing alert in the service
channel, edited as it escalates and resolves; its buttons through signed interactivity requests."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import select

from slabot.devtools.localslack import LocalSlack
from slabot.render.ids import ActionId, BlockId
from storage.models.alerting import Alert, AlertSilence
from storage.models.incidents import Incident
from tests.conftest import FakeClock
from tests.driver import SlackDriver
from tests.loop import Loop

CHANNEL = "C0CHECK"
ONCALL = "<!subteam^S0ONCALL>"
API = "checkout/api"
HEALTHY = (1000, 1000)
OUTAGE = (0, 1000)


@pytest.fixture
def loop(driver: SlackDriver, clock: FakeClock) -> Loop:
    driver.command(f"/sla service add checkout channel=<#{CHANNEL}|checkout> oncall=<!subteam^S0ONCALL|oncall>")
    driver.command("/sla define checkout api target=99.9 window=30d source=events")
    loop = Loop(driver, clock)
    loop.send(API, 3 * 1440, *HEALTHY)  # three quiet days
    return loop


def key_of(message: dict[str, Any]) -> str:
    return str(((message.get("metadata") or {}).get("event_payload") or {}).get("key", ""))


def top_level(slack: LocalSlack) -> list[dict[str, Any]]:
    """The alert messages in the channel (budget notices are left out)."""
    return [
        m for m in slack.messages(CHANNEL) if m.get("thread_ts") is None and re.fullmatch(r"alert:[0-9]+", key_of(m))
    ]


def replies(slack: LocalSlack, parent: dict[str, Any]) -> list[dict[str, Any]]:
    return [m for m in slack.messages(CHANNEL) if m.get("thread_ts") == parent["ts"]]


def block_text(message: dict[str, Any]) -> str:
    parts = [message.get("text", "")]
    for block in message.get("blocks", []):
        if isinstance(block.get("text"), dict):
            parts.append(block["text"]["text"])
        parts += [f["text"] for f in block.get("fields") or []]
        parts += [e["text"] for e in block.get("elements") or [] if isinstance(e.get("text"), str)]
    return "\n".join(parts)


def buttons(message: dict[str, Any]) -> list[str]:
    actions = [b for b in message["blocks"] if b["type"] == "actions"]
    return [e["action_id"] for block in actions for e in block["elements"]]


def alerts(driver: SlackDriver) -> list[Alert]:
    with driver.runtime.db.session() as session:
        return list(session.exec(select(Alert)).all())


def test_a_full_outage_pages_once_with_what_on_call_needs(loop: Loop, driver: SlackDriver) -> None:
    loop.run(1, {API: OUTAGE})  # detected in the first minute
    [message] = top_level(driver.slack)
    text = block_text(message)
    assert "PAGE · checkout/api is burning its error budget" in text
    assert ONCALL in message["text"] and ONCALL in text  # a page mentions the on-call group
    assert "At this rate the 30-day budget is gone in" in text
    assert "burn 16.67× over 1h, 200× over 5m (threshold 14.4×)" in text
    assert "of the budget spent in 1h" in text
    assert "1,000 bad of 60,000 events in the last 1h" in text
    assert "Budget left:" in text
    assert buttons(message) == [
        ActionId.ALERT_ACKNOWLEDGE,
        ActionId.ALERT_OPEN_INCIDENT,
        ActionId.ALERT_SILENCE_1H,
        ActionId.ALERT_SILENCE_4H,
    ]
    loop.run(5, {API: OUTAGE})  # still burning, and the 6h pair joins: the message is edited, never repeated
    [message] = top_level(driver.slack)
    assert "burn 13.89× over 6h, 166.67× over 30m (threshold 6×)" in block_text(message)
    assert len([c for c in driver.slack.calls_to("chat.postMessage") if "PAGE" in c.args.get("text", "")]) == 1


def test_a_ticket_escalates_to_a_page_in_the_same_message(loop: Loop, driver: SlackDriver, clock: FakeClock) -> None:
    loop.send(API, 1440, 996, 1000)  # 0.4% errors for a day: burn 4, above 3 (1d) and 1 (3d), below 6 (6h)
    loop.run(1, {API: (996, 1000)})
    [message] = top_level(driver.slack)
    assert "TICKET · checkout/api" in block_text(message) and ONCALL not in block_text(message)
    loop.run(2, {API: OUTAGE})
    [message] = top_level(driver.slack)
    assert "PAGE · checkout/api" in block_text(message)  # edited in place
    [note] = replies(driver.slack, message)
    assert "Now a page" in note["text"] and ONCALL in note["text"]
    assert len(alerts(driver)) == 1


def test_an_alert_resolves_after_a_quiet_spell_without_flapping(loop: Loop, driver: SlackDriver) -> None:
    loop.run(3, {API: OUTAGE})
    loop.run(3, {API: HEALTHY})
    loop.run(1, {API: OUTAGE})  # it comes back within the quiet spell: the same alert, no new message
    assert len(top_level(driver.slack)) == 1 and len(alerts(driver)) == 1
    loop.run(40, {API: HEALTHY})  # the 30-minute short window empties, then five quiet minutes
    [message] = top_level(driver.slack)
    assert "RESOLVED · checkout/api is back under its alert thresholds" in block_text(message)
    assert buttons(message) == []
    [note] = replies(driver.slack, message)
    assert note["text"].startswith(":white_check_mark: Recovered: checkout/api")
    [alert] = alerts(driver)
    assert alert.resolved_at is not None and alert.open_objective_id is None
    loop.run(2, {API: OUTAGE})  # a new burn is a new alert with its own message
    assert len(top_level(driver.slack)) == 2


def test_acknowledge_button_records_who_and_edits_the_message(
    loop: Loop, driver: SlackDriver, clock: FakeClock
) -> None:
    loop.run(2, {API: OUTAGE})
    [message] = top_level(driver.slack)
    clicked = driver.click(message, ActionId.ALERT_ACKNOWLEDGE, user="U0BOB")
    assert clicked.ack.status == 200 and clicked.responses == []
    [alert] = alerts(driver)
    assert alert.acknowledged_by == "U0BOB" and alert.acknowledged_at == clock.now
    [edited] = top_level(driver.slack)
    assert "acknowledged by <@U0BOB>" in block_text(edited)
    assert ActionId.ALERT_ACKNOWLEDGE not in buttons(edited)
    again = driver.click(message, ActionId.ALERT_ACKNOWLEDGE, user="U0CAROL")
    assert again.responses[0]["text"] == ":warning: <@U0BOB> already acknowledged this alert."
    assert again.responses[0]["response_type"] == "ephemeral"


def test_silence_stops_pings_for_that_objective_and_rule_until_it_ends(
    loop: Loop, driver: SlackDriver, clock: FakeClock
) -> None:
    loop.run(3, {API: OUTAGE})  # both page pairs fire
    [message] = top_level(driver.slack)
    clicked = driver.click(message, ActionId.ALERT_SILENCE_1H, user="U0BOB")
    assert clicked.responses[0]["text"].startswith(":mute: No pings for checkout/api (page:2%:1h/5m, page:5%:6h/30m)")
    with driver.runtime.db.session() as session:
        silenced = session.exec(select(AlertSilence)).all()
    assert {row.rule for row in silenced} == {"page:2%:1h/5m", "page:5%:6h/30m"}
    assert all(row.until == clock.now + timedelta(hours=1) and row.created_by == "U0BOB" for row in silenced)
    assert ":mute: silenced until 2026-11-21 13:03 UTC" in block_text(top_level(driver.slack)[0])
    loop.run(40, {API: HEALTHY})  # resolves
    assert "RESOLVED" in top_level(driver.slack)[0]["text"] or "resolved" in top_level(driver.slack)[0]["text"]
    loop.run(1, {API: OUTAGE})  # both pairs fire again inside the hour: silenced, so no new message
    assert len(top_level(driver.slack)) == 1 and len(alerts(driver)) == 1
    loop.run(20, {API: HEALTHY})
    loop.run(1, {API: OUTAGE})  # the silence is over: the next burn pings
    assert len(top_level(driver.slack)) == 2
    assert ONCALL in top_level(driver.slack)[1]["text"]


def test_open_incident_button_opens_a_prefilled_modal_and_files_the_incident(
    loop: Loop, driver: SlackDriver, clock: FakeClock
) -> None:
    loop.run(1, {API: OUTAGE})
    [message] = top_level(driver.slack)
    driver.click(message, ActionId.ALERT_OPEN_INCIDENT, user="U0BOB")
    [opened] = driver.slack.calls_to("views.open")
    view = opened.args["view"] if isinstance(opened.args["view"], dict) else json.loads(opened.args["view"])
    assert opened.args["trigger_id"]
    inputs = {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}
    assert inputs[BlockId.INCIDENT_TITLE]["initial_value"] == "checkout/api burning its error budget (16.67× over 1h)"
    assert inputs[BlockId.INCIDENT_SEVERITY]["initial_option"]["value"] == "2"

    bad = driver.submit_view(
        view,
        {
            BlockId.INCIDENT_TITLE: {"title": {"type": "plain_text_input", "value": "  "}},
            BlockId.INCIDENT_SEVERITY: {"severity": {"type": "static_select", "selected_option": {"value": "2"}}},
            BlockId.INCIDENT_IMPACT: {"impact": {"type": "plain_text_input", "value": "0"}},
        },
        user="U0BOB",
    )
    errors = json.loads(bad.body)
    assert errors["response_action"] == "errors"
    assert set(errors["errors"]) == {BlockId.INCIDENT_TITLE, BlockId.INCIDENT_IMPACT}
    with driver.runtime.db.session() as session:
        assert session.exec(select(Incident)).all() == []

    good = driver.submit_view(
        view,
        {
            BlockId.INCIDENT_TITLE: {"title": {"type": "plain_text_input", "value": "Checkout API failing"}},
            BlockId.INCIDENT_SEVERITY: {"severity": {"type": "static_select", "selected_option": {"value": "1"}}},
            BlockId.INCIDENT_IMPACT: {"impact": {"type": "plain_text_input", "value": "40"}},
        },
        user="U0BOB",
    )
    assert good.status == 200 and not good.body
    with driver.runtime.db.session() as session:
        [incident] = session.exec(select(Incident)).all()
    assert (incident.severity, incident.title, str(incident.impact_percent)) == (1, "Checkout API failing", "40")
    assert incident.opened_by == "U0BOB" and incident.channel_id == CHANNEL
    assert incident.started_at == alerts(driver)[0].opened_at
    [alert_message] = top_level(driver.slack)
    [announcement] = [m for m in driver.slack.messages(CHANNEL) if m["text"].startswith("Incident #1 ")]
    assert announcement["text"].startswith("Incident #1 sev1: Checkout API failing on checkout")
    assert "incident #1" in block_text(alert_message)
    assert ActionId.ALERT_OPEN_INCIDENT not in buttons(alert_message)


def test_every_alert_arrives_exactly_once_through_429s_and_500s(loop: Loop, driver: SlackDriver) -> None:
    driver.slack.fail("chat.postMessage", status=429, times=3, retry_after=0)
    driver.slack.fail("chat.postMessage", status=500, times=2)
    loop.run(12, {API: OUTAGE})
    assert len(top_level(driver.slack)) == 1
    assert len(alerts(driver)) == 1
