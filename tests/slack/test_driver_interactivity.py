"""The driver's interactivity helpers (button clicks, modal submissions) against a throwaway Bolt app."""

from __future__ import annotations

import json
from typing import Any

import pytest
from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from slabot.config.runtime import Runtime
from slabot.devtools.localslack import LocalSlack
from slabot.runtime.http import create_http_app
from slabot.slack.app import InlineExecutor
from tests import web
from tests.driver import (
    USER,
    Server,
    SlackDriver,
    block_actions_payload,
    interactivity_body,
    signed_headers,
)

BLOCKS: list[dict[str, Any]] = [
    {"type": "section", "block_id": "head", "text": {"type": "mrkdwn", "text": "*checkout* breached"}},
    {
        "type": "actions",
        "block_id": "alert_actions",
        "elements": [
            {"type": "button", "action_id": "x", "value": "alert-42", "text": {"type": "plain_text", "text": "Ack"}},
            {"type": "static_select", "action_id": "pick", "options": []},
        ],
    },
]
MODAL: dict[str, Any] = {
    "type": "modal",
    "callback_id": "cb",
    "private_metadata": "alert-42",
    "title": {"type": "plain_text", "text": "Silence"},
    "submit": {"type": "plain_text", "text": "Save"},
    "blocks": [
        {
            "type": "input",
            "block_id": "why",
            "label": {"type": "plain_text", "text": "Why"},
            "element": {"type": "plain_text_input", "action_id": "reason"},
        },
        {
            "type": "input",
            "block_id": "how_long",
            "label": {"type": "plain_text", "text": "How long"},
            "element": {"type": "static_select", "action_id": "hours", "options": []},
        },
    ],
}


class Seen:
    def __init__(self) -> None:
        self.actions: list[dict[str, Any]] = []
        self.views: list[dict[str, Any]] = []


def throwaway_app(slack: LocalSlack, seen: Seen) -> App:
    client = WebClient(token="xoxb-test", base_url=slack.base_url)
    app = App(client=client, signing_secret=SlackDriver.secret, listener_executor=InlineExecutor())

    @app.action("x")
    def clicked(ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        ack()
        seen.actions.append(body)
        respond(text=f"acknowledged {body['actions'][0]['value']}", replace_original=False)
        client.views_open(trigger_id=body["trigger_id"], view=MODAL)

    @app.view("cb")
    def submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        seen.views.append(body)
        reason = view["state"]["values"]["why"]["reason"]["value"]
        if not reason:
            ack(response_action="errors", errors={"why": "Say why"})
            return
        ack()

    return app


@pytest.fixture
def seen() -> Seen:
    return Seen()


@pytest.fixture
def bolt(driver: SlackDriver, slack: LocalSlack, seen: Seen) -> SlackDriver:
    driver.app = throwaway_app(slack, seen)
    return driver


def test_click_reaches_the_action_listener(bolt: SlackDriver, slack: LocalSlack, seen: Seen) -> None:
    client = WebClient(token="xoxb-test", base_url=slack.base_url)
    posted = client.chat_postMessage(channel="C0OPS", text="checkout breached", blocks=BLOCKS)
    message = slack.messages("C0OPS")[-1]

    clicked = bolt.click(message, "x")
    assert clicked.ack.status == 200
    assert [r["text"] for r in clicked.responses] == ["acknowledged alert-42"]
    assert clicked.responses[0]["replace_original"] is False
    (body,) = seen.actions
    assert body["type"] == "block_actions"
    assert body["user"] == {"id": USER, "username": "u0alice", "name": "u0alice", "team_id": "T0LOCAL"}
    assert body["container"] == {
        "type": "message",
        "message_ts": posted["ts"],
        "channel_id": "C0OPS",
        "is_ephemeral": False,
    }
    assert body["channel"] == {"id": "C0OPS", "name": "c0ops"}
    assert (body["message"]["ts"], body["message"]["blocks"], body["message"]["bot_id"]) == (
        posted["ts"],
        BLOCKS,
        "B0SLABOT",
    )
    (action,) = body["actions"]
    assert (action["action_id"], action["block_id"], action["value"], action["type"]) == (
        "x",
        "alert_actions",
        "alert-42",
        "button",
    )
    assert action["text"]["text"] == "Ack"
    (opened,) = slack.calls_to("views.open")
    assert opened.args["trigger_id"] == body["trigger_id"] == clicked.payload["trigger_id"]

    again = bolt.click(message, "x", user="U0BOB")
    assert again.payload["trigger_id"] != clicked.payload["trigger_id"]
    assert seen.actions[1]["user"]["id"] == "U0BOB"
    assert len(again.responses) == 1  # only this click's response_url


def test_click_on_a_missing_or_non_button_element_fails_clearly(bolt: SlackDriver, slack: LocalSlack) -> None:
    WebClient(token="xoxb-test", base_url=slack.base_url).chat_postMessage(channel="C1", text="t", blocks=BLOCKS)
    message = slack.messages("C1")[0]
    with pytest.raises(AssertionError, match=r"no button 'nope'.*x \(button\), pick \(static_select\)"):
        bolt.click(message, "nope")
    with pytest.raises(AssertionError, match="is a static_select"):
        bolt.click(message, "pick")
    with pytest.raises(AssertionError, match="channel="):
        bolt.click({k: v for k, v in message.items() if k != "channel"}, "x")


def test_submit_view_reaches_the_view_listener(bolt: SlackDriver, slack: LocalSlack, seen: Seen) -> None:
    WebClient(token="xoxb-test", base_url=slack.base_url).chat_postMessage(channel="C1", text="t", blocks=BLOCKS)
    bolt.click(slack.messages("C1")[0], "x")
    view = slack.calls_to("views.open")[-1].args["view"]

    rejected = bolt.submit_view(view, {"why": {"reason": {"type": "plain_text_input", "value": ""}}})
    assert rejected.status == 200
    assert json.loads(rejected.body) == {"response_action": "errors", "errors": {"why": "Say why"}}

    option = {"value": "4", "text": {"type": "plain_text", "text": "4 hours"}}
    values: dict[str, dict[str, dict[str, Any]]] = {
        "why": {"reason": {"type": "plain_text_input", "value": "deploy"}},
        "how_long": {"hours": {"type": "static_select", "selected_option": option}},
    }
    accepted = bolt.submit_view(json.dumps(view), values, user="U0BOB")
    assert (accepted.status, accepted.body) == (200, "")

    first, second = seen.views
    assert first["view"]["state"]["values"]["how_long"] == {"hours": {"type": "static_select", "selected_option": None}}
    assert second["type"] == "view_submission"
    assert second["user"]["id"] == "U0BOB"
    assert (second["view"]["callback_id"], second["view"]["private_metadata"]) == ("cb", "alert-42")
    assert second["view"]["state"]["values"] == values
    assert second["view"]["id"].startswith("V")
    assert second["response_urls"] == []

    opened = slack.calls_to("views.open")[-1].response["view"]  # the view as Slack answered keeps its id
    assert bolt.submit_view(opened, values).status == 200
    assert seen.views[-1]["view"]["id"] == opened["id"]
    with pytest.raises(AssertionError, match="no input block 'typo'"):
        bolt.submit_view(view, {"typo": {"reason": {"type": "plain_text_input", "value": "x"}}})
    with pytest.raises(AssertionError, match="holds action 'reason'"):
        bolt.submit_view(view, {"why": {"wrong": {"type": "plain_text_input", "value": "x"}}})


def test_the_same_signed_body_works_over_http(runtime: Runtime, slack: LocalSlack, seen: Seen) -> None:
    WebClient(token="xoxb-test", base_url=slack.base_url).chat_postMessage(channel="C1", text="t", blocks=BLOCKS)
    payload = block_actions_payload(slack, slack.messages("C1")[0], "x")
    body = interactivity_body(payload)
    with Server(create_http_app(runtime, throwaway_app(slack, seen))) as server:
        url = f"{server.url}/slack/events"
        response = web.post(url, content=body, headers=signed_headers(SlackDriver.secret, body), timeout=10)
        assert response.status_code == 200
        assert web.post(url, content=body, headers=signed_headers("wrong", body), timeout=10).status_code == 401
    assert [b["trigger_id"] for b in seen.actions] == [payload["trigger_id"]]
    (reply,) = slack.calls_to("response_url")
    assert (reply.args["text"], reply.args["response_url"]) == ("acknowledged alert-42", payload["response_url"])
