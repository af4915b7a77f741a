"""Burn-rate alerts end to end: traffic in, the evaluation pass, one message per firing alert in the service
channel, edited as it escalates and resolves; its buttons through signed interactivity requests."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from slack_sdk import WebClient
from sqlalchemy import inspect, text
from sqlmodel import col, select

from slabot.alerting import actions as alert_actions
from slabot.alerting.figures import dumps, loads
from slabot.config.runtime import Runtime
from slabot.config.settings import Settings
from slabot.core.burn import Counts
from slabot.devtools.localslack import LocalSlack
from slabot.notify.delivery import Deliverer
from slabot.notify.notifier import Notifier
from slabot.notify.outcomes import create_delivery_client
from slabot.render import alerts as render_alerts
from slabot.render.ids import ActionId, BlockId
from slabot.runtime.evaluation_pass import evaluate_and_deliver
from slabot.slo.ingest import Point, ingest
from storage.db import Database
from storage.models.alerting import Alert, AlertSilence
from storage.models.catalog import Objective, ObjectiveSource
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
    loop.run(40, {API: HEALTHY}, every=5)  # the 30-minute short window empties, then five quiet minutes
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
    loop.run(40, {API: HEALTHY}, every=5)  # resolves
    assert "RESOLVED" in top_level(driver.slack)[0]["text"] or "resolved" in top_level(driver.slack)[0]["text"]
    loop.run(1, {API: OUTAGE})  # both pairs fire again inside the hour: silenced, so no new message
    assert len(top_level(driver.slack)) == 1 and len(alerts(driver)) == 1
    loop.run(20, {API: HEALTHY}, every=5)
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


def test_an_alert_keeps_the_figures_its_message_shows_as_exact_numbers(loop: Loop, driver: SlackDriver) -> None:
    loop.run(1, {API: OUTAGE})
    [alert] = alerts(driver)
    assert alert.figures is not None
    stored = json.loads(alert.figures)
    page = stored["pairs"][0]
    assert (page["severity"], page["long_seconds"], page["short_seconds"]) == ("page", 3600, 300)
    assert (page["long"], page["short"]) == ([1000, 60_000], [1000, 5000])
    assert (page["long_rate"], page["short_rate"], page["threshold"]) == ("50/3", "200", "72/5")
    # the budget: 0.1% of the window's events (3 days and a minute at 1,000 a minute), 1,000 of them spent
    assert stored["budget"] == {"measure": "events", "total": "4321", "left": "3321"}
    assert (stored["window"], stored["window_seconds"]) == ("30d", 30 * 86400)
    figures = loads(alert.figures)
    assert figures is not None and figures.top is not None
    assert figures.top.long_rate == Fraction(50, 3) and figures.consumed(figures.top) == Fraction(1000, 4321)
    assert loads(dumps(figures)) == figures


def test_the_fallback_text_and_the_silence_confirmation_name_the_objective(loop: Loop, driver: SlackDriver) -> None:
    loop.run(1, {API: OUTAGE})
    [message] = top_level(driver.slack)
    assert message["text"].startswith("PAGE: checkout/api — at this rate the 30-day budget is gone in ")
    silenced = driver.click(message, ActionId.ALERT_SILENCE_4H, user="U0BOB")
    assert silenced.responses[0]["text"] == (
        ":mute: No pings for checkout/api (page:2%:1h/5m) until 2026-11-21 16:01 UTC."
    )


# --- migration 0007: snapshots of display text give way to exact figures ---------------------------------

OLD_SNAPSHOT = {
    "objective": "checkout/api",
    "exhaust": "at this rate the 30-day budget is gone in 2d 3h",
    "left": "3,322 events of 4,322 events (76.9%)",
    "counts": "1,000 bad of 60,000 events in the last 1h",
    "as_of": "2026-11-21T11:30:00+00:00",
    "pairs": [
        {
            "rule": "page:2%:1h/5m",
            "severity": "page",
            "long": "1h",
            "short": "5m",
            "long_rate": "16.67",
            "short_rate": "200",
            "threshold": "14.4",
            "consumed": "23.1%",
        }
    ],
}


def _old_alert(db: Database, slack: LocalSlack, alert_id: int, resolved: bool) -> str:
    """An alert as the bot stored it before 0007, its message in Slack and its delivered outbox row."""
    client = WebClient(token="xoxb-test", base_url=slack.base_url)
    text_shown = f"PAGE: checkout/api — {OLD_SNAPSHOT['exhaust']} (alert {alert_id})"
    ts = str(client.chat_postMessage(channel=CHANNEL, text=text_shown)["ts"])
    with db.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO alert (id, objective_id, open_objective_id, severity, rules, snapshot, opened_at, "
                "last_firing_at, resolved_at, version) VALUES (:id, 1, :open, 'page', :rules, :snapshot, "
                "'2026-11-21 11:30:00.000000', '2026-11-21 11:30:00.000000', :resolved, 0)"
            ),
            {
                "id": alert_id,
                "open": None if resolved else 1,
                "rules": "page:2%:1h/5m",
                "snapshot": json.dumps(OLD_SNAPSHOT),
                "resolved": "2026-11-21 11:50:00.000000" if resolved else None,
            },
        )
        connection.execute(
            text(
                "INSERT INTO outbox (key, action, channel_id, text, blocks, status, attempts, next_attempt_at, "
                "uncertain, ts, created_at, delivered_at) VALUES (:key, 'post', :channel, :text, '[]', 'delivered', "
                "1, '2026-11-21 11:30:00.000000', 0, :ts, '2026-11-21 11:30:00.000000', '2026-11-21 11:30:00.000000')"
            ),
            {"key": f"alert:{alert_id}", "channel": CHANNEL, "text": text_shown, "ts": ts},
        )
    return ts


def test_alerts_stored_before_their_figures_were_numbers_keep_working(
    tmp_path: Path, settings: Settings, clock: FakeClock
) -> None:
    """Migration 0007: old snapshots are dropped (display text is not exact). A resolved alert's message keeps
    what it showed; an open one's is left alone by a button and refreshed, with exact figures, by the next pass."""
    db = Database(f"sqlite:///{tmp_path / 'old.db'}")
    db.upgrade("0006")
    with db.session() as session:  # the rows as 0006 held them (today's models have columns added since)
        session.execute(
            text(
                "INSERT INTO service (id, name, channel_id, oncall_id, created_by, created_at) "
                "VALUES (1, 'checkout', :channel, :oncall, 'U1', '2026-11-01 00:00:00.000000')"
            ),
            {"channel": CHANNEL, "oncall": ONCALL},
        )
        session.execute(
            text(
                "INSERT INTO objective (id, service_id, name, kind, target_percent, window, source, budgeting, "
                "created_by, created_at) VALUES (1, 1, 'api', 'slo', '99.9', '30d', 'events', 'occurrences', 'U1', "
                "'2026-11-01 00:00:00.000000')"
            )
        )
        objective = Objective(id=1, service_id=1, name="api", target_percent=Decimal("99.9"), window="30d",
                              source=ObjectiveSource.EVENTS, created_by="U1")  # fmt: skip
        points = [Point(clock.now - timedelta(minutes=m), *(OUTAGE if m <= 3 else HEALTHY)) for m in range(1, 4321)]
        ingest(session, objective, points, clock.now)
    with LocalSlack() as slack:
        resolved_ts = _old_alert(db, slack, 1, resolved=True)
        open_ts = _old_alert(db, slack, 2, resolved=False)
        db.upgrade()
        with db.engine.connect() as connection:
            assert "snapshot" not in {c["name"] for c in inspect(connection).get_columns("alert")}
            assert connection.execute(text("SELECT id, figures FROM alert ORDER BY id")).all() == [(1, None), (2, None)]

        runtime = Runtime(settings=settings, db=db, clock=clock)
        with db.session() as session:  # a button before the next pass: recorded, the message left as it is
            assert alert_actions.acknowledge(session, 2, "U0BOB", clock.now).events == ()
            draft = alert_actions.incident_draft(session, 2)
        assert render_alerts.incident_title(draft, locale="en") == "checkout/api burning its error budget"

        deliverer = Deliverer(db, create_delivery_client("xoxb-test", slack.base_url), clock)
        report, delivery = evaluate_and_deliver(runtime, Notifier(deliverer, settings.timezone))
        assert report.ran and "alert:2:v1" in delivery.delivered and delivery.failed == []
        shown = {m["ts"]: m for m in slack.messages(CHANNEL) if "budget" not in key_of(m)}
        assert len(shown) == 2  # no new alert message: the open alert's own one is edited
        assert shown[resolved_ts]["text"] == f"PAGE: checkout/api — {OLD_SNAPSHOT['exhaust']} (alert 1)"
        refreshed = block_text(shown[open_ts])
        assert "PAGE · checkout/api is burning its error budget" in refreshed
        assert "burn 50× over 1h, 600× over 5m (threshold 14.4×)" in refreshed
        assert "acknowledged by <@U0BOB>" in refreshed
    with db.session() as session:
        old, refreshed_alert = session.exec(select(Alert).order_by(col(Alert.id))).all()
    figures = loads(refreshed_alert.figures)
    assert old.figures is None and figures is not None and figures.top is not None
    assert figures.top.long_rate == 50 and figures.top.long == Counts(3000, 60_000)
    db.dispose()
