"""Buttons where people look: the incident announcement's Acknowledge and Start 5-Why (as the commands, with the
announcement edited through the outbox) and Resolve (through the Resolve incident form), the Budget button on
/sla status, and declaring an incident from the global shortcut, a message shortcut and the App Home's button."""

from __future__ import annotations

from typing import Any

from sqlmodel import select

from slabot.devtools.console_views import submitted_state
from slabot.devtools.localslack import LocalSlack
from slabot.render.ids import ActionId, BlockId, CallbackId, InputId
from storage.models.incidents import Incident, IncidentEvent, IncidentStatus
from storage.models.outbox import OutboxMessage
from tests.conftest import FakeClock
from tests.driver import SlackDriver, published_view

CHECK = "C0CHECK"
ALICE, BOB = "U0ALICE", "U0BOB"


def announcement(slack: LocalSlack) -> dict[str, Any]:
    """The incident's announcement as the channel shows it now (the first message not in a thread)."""
    return next(m for m in slack.messages(CHECK) if m.get("thread_ts") in (None, m["ts"]) and m.get("bot_id"))


def actions(message: dict[str, Any]) -> list[str]:
    return [e["action_id"] for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]]


def thread_texts(slack: LocalSlack, parent: dict[str, Any]) -> list[str]:
    return [m["text"] for m in slack.messages(CHECK) if m.get("thread_ts") == parent["ts"] and m["ts"] != parent["ts"]]


def resolve_from(driver: SlackDriver, message: dict[str, Any], user: str = ALICE) -> str:
    """Click Resolve on `message` and submit the form it opens as it starts (resolved now): what the presser is
    told (only they see it, in the incident's channel)."""
    clicked = driver.click(message, ActionId.INCIDENT_RESOLVE, user=user)
    assert clicked.responses == []  # the click only opens the form
    form = driver.slack.open_views(user)[-1]
    assert form["callback_id"] == CallbackId.RESOLVE_FORM
    assert driver.submit_view(form, submitted_state(form), user=user).status == 200
    told = driver.slack.calls_to("chat.postEphemeral")[-1].args
    assert (told["channel"], told["user"]) == (CHECK, user)
    return str(told["text"])


def opened(driver: SlackDriver) -> dict[str, Any]:
    driver.command(f"/sla service add checkout channel=<#{CHECK}|checkout> oncall=<@{ALICE}|alice>")
    driver.command("/incident open checkout sev2 Payments fail")
    return announcement(driver.slack)


def test_the_announcement_buttons_follow_the_state_and_acknowledge_acts_once(
    driver: SlackDriver, slack: LocalSlack, clock: FakeClock
) -> None:
    posted = opened(driver)
    assert actions(posted) == [ActionId.INCIDENT_ACKNOWLEDGE, ActionId.INCIDENT_RESOLVE]
    clock.advance(minutes=3)
    first = driver.click(posted, ActionId.INCIDENT_ACKNOWLEDGE, user=ALICE)
    assert first.ack.status == 200
    assert [r["replace_original"] for r in first.responses] == [False]
    assert (
        first.responses[0]["response_type"] == "ephemeral" and "Acknowledged incident #1" in first.responses[0]["text"]
    )
    with driver.runtime.db.session() as session:
        incident = session.exec(select(Incident)).one()
        kinds = [e.kind for e in session.exec(select(IncidentEvent)).all()]
    assert incident.status == IncidentStatus.ACKNOWLEDGED and incident.acknowledged_by == ALICE
    assert kinds == ["opened", "acknowledged"]
    edited = announcement(slack)
    assert actions(edited) == [ActionId.INCIDENT_RESOLVE] and "acknowledged" in edited["text"]
    assert [t for t in thread_texts(slack, edited) if "acknowledged incident #1" in t] != []
    clock.advance(minutes=1)
    second = driver.click(posted, ActionId.INCIDENT_ACKNOWLEDGE, user=BOB)  # the old message, clicked again
    assert second.responses[0]["replace_original"] is False
    assert "already acknowledged by <@U0ALICE> at" in second.responses[0]["text"]
    with driver.runtime.db.session() as session:
        assert len(session.exec(select(IncidentEvent)).all()) == 2  # nothing written again
    assert len([t for t in thread_texts(slack, edited) if "acknowledged incident" in t]) == 1


def test_resolve_then_start_5_why_from_the_announcement(
    driver: SlackDriver, slack: LocalSlack, clock: FakeClock
) -> None:
    posted = opened(driver)
    clock.advance(minutes=20)
    assert "Resolved incident #1" in resolve_from(driver, posted, user=BOB)
    with driver.runtime.db.session() as session:
        incident = session.exec(select(Incident)).one()
    assert incident.status == IncidentStatus.RESOLVED and incident.resolved_by == BOB
    edited = announcement(slack)
    assert actions(edited) == [ActionId.RCA_START]  # no Acknowledge, no Resolve
    assert any("resolved incident #1" in t for t in thread_texts(slack, edited))
    driver.click(edited, ActionId.RCA_START, user=BOB)
    assert any(t.startswith("Why 1/5") or "Why 1/5" in t for t in thread_texts(slack, edited))
    assert actions(announcement(slack)) == []  # a 5-Why runs: no Start 5-Why any more
    again = driver.click(edited, ActionId.RCA_START, user=BOB)
    assert again.responses and again.responses[0]["replace_original"] is False
    assert "already running" in again.responses[0]["text"]
    driver.command("/sla why 1 cancel")
    assert actions(announcement(slack)) == [ActionId.RCA_START]  # stopped: it can be started again


def test_resolve_on_an_unacknowledged_announcement_refuses_a_second_time(driver: SlackDriver) -> None:
    posted = opened(driver)
    resolve_from(driver, posted)
    late = driver.click(posted, ActionId.INCIDENT_ACKNOWLEDGE, user=BOB)
    assert "already resolved by <@U0ALICE>" in late.responses[0]["text"]


def test_the_budget_button_on_sla_status_replies_with_the_budget(driver: SlackDriver) -> None:
    driver.command(f"/sla service add checkout channel=<#{CHECK}|checkout>")
    driver.command("/sla define checkout availability target=99.9 window=30d")
    status = driver.command("/sla status")
    buttons = [b["accessory"] for b in status.blocks if b.get("accessory")]
    assert [(b["action_id"], b["value"]) for b in buttons] == [(ActionId.STATUS_BUDGET, "checkout/availability")]
    shown = {"ts": "1.0", "channel": "C0OPS", "blocks": status.blocks, "text": status.text}
    clicked = driver.click(shown, ActionId.STATUS_BUDGET, user=BOB)
    (reply,) = clicked.responses
    assert reply["replace_original"] is False and reply["response_type"] == "ephemeral"
    assert reply["blocks"] == driver.command("/sla budget checkout/availability", user=BOB).blocks


def shortcut(
    slack: LocalSlack, callback: str, user: str = BOB, message: dict[str, Any] | None = None
) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "type": "message_action" if message else "shortcut",
        "callback_id": callback,
        "trigger_id": slack.new_trigger_id(user),
        "user": {"id": user, "username": user.lower(), "team_id": slack.team_id},
        "team": {"id": slack.team_id, "domain": "local"},
        "api_app_id": "A0TEST",
        "token": "legacy",
        "action_ts": "1700000000.1",
        "is_enterprise_install": False,
    }
    if message:
        payload.update(
            channel={"id": message["channel"], "name": "ops"},
            message={"type": "message", "user": message.get("user"), "ts": message["ts"], "text": message["text"]},
            message_ts=message["ts"],
            response_url=slack.new_response_url(),
        )
    return payload


def last_view(slack: LocalSlack) -> dict[str, Any]:
    return published_view(slack.calls_to("views.open")[-1])


def filled(service: str, title: str, severity: str = "2", started: str = "") -> dict[str, dict[str, dict[str, Any]]]:
    option = {"value": severity, "text": {"type": "plain_text", "text": f"sev{severity}"}}
    return {
        BlockId.INCIDENT_SERVICE: {
            InputId.SERVICE: {
                "type": "static_select",
                "selected_option": {"value": service, "text": {"type": "plain_text", "text": service}},
            }
        },
        BlockId.INCIDENT_TITLE: {InputId.TITLE: {"type": "plain_text_input", "value": title}},
        BlockId.INCIDENT_SEVERITY: {InputId.SEVERITY: {"type": "static_select", "selected_option": option}},
        BlockId.INCIDENT_IMPACT: {InputId.IMPACT: {"type": "plain_text_input", "value": "50"}},
        BlockId.INCIDENT_STARTED: {InputId.STARTED: {"type": "plain_text_input", "value": started or None}},
    }


def test_the_global_shortcut_declares_an_incident_checked_as_the_command(
    driver: SlackDriver, slack: LocalSlack
) -> None:
    driver.command(f"/sla service add checkout channel=<#{CHECK}|checkout>")
    assert driver.interact(shortcut(slack, CallbackId.SHORTCUT_DECLARE_INCIDENT)).status == 200
    form = last_view(slack)
    assert form["callback_id"] == CallbackId.DECLARE_INCIDENT and form["title"]["text"] == "Declare incident"
    bad = driver.submit_view(form, filled("checkout", "   "), user=BOB)
    assert bad.status == 200 and '"response_action": "errors"' in bad.body and BlockId.INCIDENT_TITLE in bad.body
    future = driver.submit_view(form, filled("checkout", "Payments fail", started="2999-01-01T00:00"), user=BOB)
    assert BlockId.INCIDENT_STARTED in future.body and "in the future" in future.body
    with driver.runtime.db.session() as session:
        assert session.exec(select(Incident)).all() == []  # nothing stored
    good = driver.submit_view(form, filled("checkout", "Payments   fail", started="30m"), user=BOB)
    assert good.status == 200 and '"response_action": "update"' in good.body and "Opened incident #1" in good.body
    with driver.runtime.db.session() as session:
        incident = session.exec(select(Incident)).one()
        rows = session.exec(select(OutboxMessage).where(OutboxMessage.key == "incident:1")).all()
    assert (incident.title, incident.severity, incident.opened_by, str(incident.impact_percent)) == (
        "Payments fail",
        2,
        BOB,
        "50",
    )
    assert len(rows) == 1 and len([p for p in driver.posts(CHECK) if "Payments fail" in p.args["text"]]) == 1
    assert actions(announcement(slack)) == [ActionId.INCIDENT_ACKNOWLEDGE, ActionId.INCIDENT_RESOLVE]


def test_the_message_shortcut_prefills_the_title_and_links_the_incident(driver: SlackDriver, slack: LocalSlack) -> None:
    driver.command(f"/sla service add checkout channel=<#{CHECK}|checkout>")
    said = "Checkout\n   is throwing   500s " + "x" * 400
    ts = slack.add_message("C0OPS", said, user=ALICE)
    message = {"channel": "C0OPS", "ts": ts, "text": said, "user": ALICE}
    assert driver.interact(shortcut(slack, CallbackId.SHORTCUT_INCIDENT_FROM_MESSAGE, message=message)).status == 200
    form = last_view(slack)
    title = next(b for b in form["blocks"] if b.get("block_id") == BlockId.INCIDENT_TITLE)["element"]["initial_value"]
    assert title.startswith("Checkout is throwing 500s xxx") and len(title) == 300 and title.endswith("…")
    driver.submit_view(form, filled("checkout", "Checkout is throwing 500s"), user=BOB)
    with driver.runtime.db.session() as session:
        incident = session.exec(select(Incident)).one()
    assert (incident.source_channel_id, incident.source_ts) == ("C0OPS", ts)
    link = f"https://slack.com/archives/C0OPS/p{ts.replace('.', '')}"
    shown = announcement(slack)
    assert any(
        f"<{link}|a message> in <#C0OPS>" in e.get("text", "")
        for b in shown["blocks"]
        for e in b.get("elements") or []
        if isinstance(e, dict)
    )
