"""Test helpers of the satisfaction survey: a resolved incident, and clicks on ephemeral messages (LocalSlack
records chat.postEphemeral but stores no message, so the driver's click() cannot find them)."""

from __future__ import annotations

from typing import Any

from sqlmodel import select

from slabot.devtools.localslack import RecordedCall
from storage.models.incidents import CsatRating
from tests.driver import Clicked, SlackDriver, block_actions_payload

OPENER = "U0BOB"
RESOLVER = "U0ALICE"
CHANNEL = "C0CHECK"


def resolved_incident(driver: SlackDriver, *, title: str = "Payments fail") -> None:
    """Service checkout posting in C0CHECK; incident #1 opened by U0BOB, resolved by U0ALICE."""
    driver.command(f"/sla service add checkout channel={CHANNEL}")
    driver.command(f"/incident open checkout sev2 {title}", user=OPENER)
    driver.command("/incident resolve 1", user=RESOLVER)


def survey_call(driver: SlackDriver) -> RecordedCall:
    """The one survey shown to someone (only the survey is posted ephemerally in these tests)."""
    (call,) = driver.slack.calls_to("chat.postEphemeral")
    return call


def ephemeral_message(call: RecordedCall) -> dict[str, Any]:
    """The ephemeral message a chat.postEphemeral call showed, shaped like a stored message."""
    return {
        "channel": call.args["channel"],
        "ts": call.response["message_ts"],
        "text": call.args.get("text", ""),
        "blocks": call.args.get("blocks") or [],
        "thread_ts": call.args.get("thread_ts"),
    }


def replaced(message: dict[str, Any], reply: dict[str, Any]) -> dict[str, Any]:
    """The ephemeral message after a response_url reply with replace_original replaced it."""
    return {**message, "text": reply.get("text", ""), "blocks": reply.get("blocks") or []}


def click_ephemeral(driver: SlackDriver, message: dict[str, Any], action_id: str, *, user: str = OPENER) -> Clicked:
    """Click a button of an ephemeral message, as Slack reports it: container.is_ephemeral, no message."""
    payload = block_actions_payload(driver.slack, message, action_id, user=user)
    payload["container"]["is_ephemeral"] = True
    del payload["message"]
    ack = driver.interact(payload)
    url = payload["response_url"]
    responses = [c.args for c in driver.slack.calls_to("response_url") if c.args.get("response_url") == url]
    return Clicked(ack, responses, payload)


def ratings(driver: SlackDriver) -> list[CsatRating]:
    with driver.runtime.db.session() as session:
        return list(session.exec(select(CsatRating)).all())


def rate(driver: SlackDriver, rating: int, *, user: str = OPENER) -> Clicked:
    """Click `rating` in the survey shown for incident #1."""
    return click_ephemeral(driver, ephemeral_message(survey_call(driver)), f"csat_rate:{rating}", user=user)
