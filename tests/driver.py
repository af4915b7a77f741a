"""Drives the real Bolt app the way Slack does: signed, form-encoded slash commands, button clicks
(block_actions) and modal submissions (view_submission) through app.dispatch."""

from __future__ import annotations

import copy
import json
import socket
import subprocess
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import httpx
import uvicorn
from slack_bolt import App, BoltRequest, BoltResponse
from slack_sdk.signature import SignatureVerifier
from sqlmodel import col, select

from slabot.config.runtime import Runtime
from slabot.devtools.localslack import LocalSlack, RecordedCall
from slabot.runtime.wiring import connect
from slabot.slack.app import InlineExecutor
from storage.models.outbox import OutboxMessage, OutboxStatus
from tests import web

USER = "U0ALICE"
CHANNEL = "C0OPS"
_UNSENT = (OutboxStatus.PENDING, OutboxStatus.SENDING)


def signed_headers(
    secret: str, body: str, timestamp: int | None = None, content_type: str | None = None
) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    return {
        "content-type": content_type or "application/x-www-form-urlencoded",
        "x-slack-request-timestamp": ts,
        "x-slack-signature": SignatureVerifier(secret).generate_signature(timestamp=ts, body=body),
    }


def command_body(slack: LocalSlack, command: str, text: str, user: str = USER, channel: str = CHANNEL) -> str:
    return urlencode(
        {
            "token": "legacy",
            "team_id": slack.team_id,
            "channel_id": channel,
            "channel_name": "ops",
            "user_id": user,
            "user_name": user.lower(),
            "command": command,
            "text": text,
            "api_app_id": "A0TEST",
            "response_url": slack.new_response_url(),
            "trigger_id": slack.new_trigger_id(user),
        }
    )


def interactivity_body(payload: dict[str, Any]) -> str:
    """An interactivity request body as Slack sends it: form-encoded `payload=<JSON>`."""
    return urlencode({"payload": json.dumps(payload)})


def _user(slack: LocalSlack, user: str) -> dict[str, str]:
    return {"id": user, "username": user.lower(), "name": user.lower(), "team_id": slack.team_id}


def _find_button(message: dict[str, Any], action_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The block holding the button `action_id` in an actions block or as a section accessory, and the button."""
    seen: list[str] = []
    for block in message.get("blocks") or []:
        elements = list(block.get("elements") or []) + ([block["accessory"]] if block.get("accessory") else [])
        for element in elements:
            if not isinstance(element, dict) or "action_id" not in element:
                continue
            seen.append(f"{element['action_id']} ({element.get('type')})")
            if element["action_id"] == action_id:
                if element.get("type") != "button":
                    raise AssertionError(f"{action_id!r} is a {element.get('type')}, not a button")
                return block, element
    raise AssertionError(
        f"no button {action_id!r} in message {message.get('ts')}; its elements: {', '.join(seen) or 'none'}"
    )


def block_actions_payload(
    slack: LocalSlack, message: dict[str, Any], action_id: str, *, user: str = USER, channel: str | None = None
) -> dict[str, Any]:
    """What Slack posts when `user` clicks the button `action_id` in `message` (as LocalSlack stores it)."""
    channel = channel or message.get("channel")
    if not channel:
        raise AssertionError("the message has no channel: pass channel=")
    block, button = _find_button(message, action_id)
    shown = {k: copy.deepcopy(v) for k, v in message.items() if k != "channel" and v is not None}
    container = {"type": "message", "message_ts": message["ts"], "channel_id": channel, "is_ephemeral": False}
    if message.get("thread_ts"):
        container["thread_ts"] = message["thread_ts"]
    action = {"action_id": action_id, "block_id": block.get("block_id") or f"b{uuid.uuid4().hex[:5]}"}
    action.update(text=button.get("text"), type="button", action_ts=f"{time.time():.6f}")
    if "value" in button:
        action["value"] = button["value"]
    return {
        "type": "block_actions",
        "user": _user(slack, user),
        "api_app_id": "A0TEST",
        "token": "legacy",
        "container": container,
        "trigger_id": slack.new_trigger_id(user),
        "team": {"id": slack.team_id, "domain": "local"},
        "enterprise": None,
        "is_enterprise_install": False,
        "channel": {"id": channel, "name": slack.channel_name(channel)},
        "message": shown,
        "state": {"values": {}},
        "response_url": slack.new_response_url(),
        "actions": [action],
    }


_EMPTY_INPUT: dict[str, dict[str, Any]] = {  # what state.values holds for an input left empty, by element type
    "static_select": {"selected_option": None},
    "external_select": {"selected_option": None},
    "radio_buttons": {"selected_option": None},
    "multi_static_select": {"selected_options": []},
    "checkboxes": {"selected_options": []},
    "users_select": {"selected_user": None},
    "conversations_select": {"selected_conversation": None},
    "channels_select": {"selected_channel": None},
    "datepicker": {"selected_date": None},
    "timepicker": {"selected_time": None},
}


def _state_values(view: dict[str, Any], values: dict[str, dict[str, dict[str, Any]]]) -> dict[str, Any]:
    """`values` checked against the view's input blocks, with Slack's empty value for every input not given."""
    inputs = {b.get("block_id"): b.get("element") or {} for b in view.get("blocks") or [] if b.get("type") == "input"}
    state: dict[str, Any] = {}
    for block_id, element in inputs.items():
        if block_id is None or block_id in values:
            continue
        kind = str(element.get("type", "plain_text_input"))
        state[block_id] = {element.get("action_id"): {"type": kind, **_EMPTY_INPUT.get(kind, {"value": None})}}
    for block_id, actions in values.items():
        if block_id not in inputs:
            raise AssertionError(f"no input block {block_id!r} in the view; it has {sorted(map(str, inputs))}")
        expected = inputs[block_id].get("action_id")
        if expected is not None and set(actions) != {expected}:
            raise AssertionError(f"input block {block_id!r} holds action {expected!r}, not {sorted(actions)}")
        state[block_id] = copy.deepcopy(actions)
    return state


def view_submission_payload(
    slack: LocalSlack, view: dict[str, Any] | str, values: dict[str, dict[str, dict[str, Any]]], *, user: str = USER
) -> dict[str, Any]:
    """What Slack posts when `user` submits the modal `view` (as sent to views.open, or as it answered)
    with the inputs `values` ({block_id: {action_id: {"type": ..., "value" | "selected_option": ...}}})."""
    opened: dict[str, Any] = json.loads(view) if isinstance(view, str) else copy.deepcopy(view)
    view_id = opened.get("id") or f"V0L{uuid.uuid4().hex[:8].upper()}"
    submitted = {"private_metadata": "", "callback_id": "", "external_id": "", **opened}
    submitted.update(id=view_id, root_view_id=opened.get("root_view_id") or view_id, previous_view_id=None)
    submitted.update(team_id=slack.team_id, app_id="A0TEST", bot_id=slack.bot_id, hash=f"{time.time_ns()}.local")
    submitted["state"] = {"values": _state_values(opened, values)}
    return {
        "type": "view_submission",
        "team": {"id": slack.team_id, "domain": "local"},
        "user": _user(slack, user),
        "api_app_id": "A0TEST",
        "token": "legacy",
        "trigger_id": slack.new_trigger_id(user),
        "view": submitted,
        "response_urls": [],
        "enterprise": None,
        "is_enterprise_install": False,
    }


def event_callback_body(event: dict[str, Any], event_id: str | None = None) -> str:
    """An Events API request body as Slack sends it (JSON), around `event`."""
    envelope = {"token": "t", "team_id": "T0LOCAL", "api_app_id": "A0TEST", "type": "event_callback"}
    envelope.update(event_id=event_id or f"Ev{uuid.uuid4().hex[:10].upper()}", event_time=int(time.time()))
    return json.dumps({**envelope, "event": event})


def published_view(call: RecordedCall) -> dict[str, Any]:
    """The view a views.publish / views.open call sent (a JSON string or an object, as the client encoded it)."""
    view = call.args["view"]
    return json.loads(view) if isinstance(view, str) else copy.deepcopy(view)


def view_block_actions_payload(
    slack: LocalSlack, view: dict[str, Any], action_id: str, *, value: str | None = None, user: str = USER
) -> dict[str, Any]:
    """What Slack posts when `user` clicks the button `action_id` (the one holding `value`, when given) in a
    view they see (a Home tab or a modal): no channel, no response_url, the view with its private_metadata."""
    seen: list[str] = []
    for block in view.get("blocks") or []:
        elements = list(block.get("elements") or []) + ([block["accessory"]] if block.get("accessory") else [])
        for element in elements:
            if isinstance(element, dict) and element.get("type") == "button":
                seen.append(f"{element.get('action_id')}={element.get('value')}")
                if element.get("action_id") == action_id and (value is None or element.get("value") == value):
                    action = {"action_id": action_id, "block_id": block.get("block_id") or "b0", "type": "button"}
                    action.update(text=element.get("text"), action_ts=f"{time.time():.6f}")
                    if "value" in element:
                        action["value"] = element["value"]
                    shown = {"id": "V0HOME", "team_id": slack.team_id, "private_metadata": "", **copy.deepcopy(view)}
                    return {
                        "type": "block_actions",
                        "user": _user(slack, user),
                        "api_app_id": "A0TEST",
                        "token": "legacy",
                        "container": {"type": "view", "view_id": shown["id"]},
                        "trigger_id": slack.new_trigger_id(user),
                        "team": {"id": slack.team_id, "domain": "local"},
                        "enterprise": None,
                        "is_enterprise_install": False,
                        "view": shown,
                        "actions": [action],
                    }
    raise AssertionError(f"no button {action_id!r} (value {value!r}) in the view; its buttons: {', '.join(seen)}")


@dataclass(frozen=True)
class Clicked:
    """What a click produced: the ack, the posts to the click's response_url (as recorded), the payload sent."""

    ack: BoltResponse
    responses: list[dict[str, Any]]
    payload: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Answer:
    """What the caller saw after a command: the ack and the reply through response_url."""

    ack: BoltResponse
    reply: dict[str, Any]

    @property
    def text(self) -> str:
        return str(self.reply.get("text", ""))

    @property
    def blocks(self) -> list[dict[str, Any]]:
        return list(self.reply.get("blocks") or [])

    @property
    def ephemeral(self) -> bool:
        return self.reply.get("response_type") == "ephemeral"

    @property
    def all_text(self) -> str:
        """The fallback text and every text in the blocks, for assertions on what a user reads."""
        parts = [self.text]
        for block in self.blocks:
            for key in ("text",):
                if isinstance(block.get(key), dict):
                    parts.append(block[key]["text"])
            parts += [f["text"] for f in block.get("fields") or []]
            parts += [e["text"] for e in block.get("elements") or [] if "text" in e and isinstance(e["text"], str)]
        return "\n".join(parts)


class SlackDriver:
    secret = "test-signing-secret"

    def __init__(self, runtime: Runtime, slack: LocalSlack) -> None:
        self.runtime = runtime
        self.slack = slack
        wired = connect(
            runtime,
            token="xoxb-test",
            api_url=slack.base_url,
            signing_secret=self.secret,
            listener_executor=InlineExecutor(),
        )
        self.app: App = wired.app
        self.notifier = wired.notifier

    def dispatch(self, body: str, headers: dict[str, str]) -> BoltResponse:
        return self.app.dispatch(BoltRequest(body=body, headers=headers))

    def command(self, line: str, user: str = USER, channel: str = CHANNEL) -> Answer:
        """Type `line` (e.g. "/sla status") in Slack; returns the ack and the single response_url reply."""
        command, _, text = line.partition(" ")
        before = len(self.slack.calls_to("response_url"))
        body = command_body(self.slack, command, text, user, channel)
        ack = self.dispatch(body, signed_headers(self.secret, body))
        assert ack.status == 200, ack.body
        replies = self.slack.calls_to("response_url")[before:]
        assert len(replies) == 1, f"expected one reply, got {len(replies)}"
        return Answer(ack, replies[0].args)

    def interact(self, payload: dict[str, Any]) -> BoltResponse:
        """Dispatch an interactivity payload (block_actions, view_submission, ...) signed, as Slack does."""
        body = interactivity_body(payload)
        return self.dispatch(body, signed_headers(self.secret, body))

    def click(
        self, message: dict[str, Any], action_id: str, *, user: str = USER, channel: str | None = None
    ) -> Clicked:
        """Click the button `action_id` in `message` (one of `slack.messages(channel)`). The ack is returned
        as is (not checked): with the inline executor the listener has finished when this returns."""
        payload = block_actions_payload(self.slack, message, action_id, user=user, channel=channel)
        ack = self.interact(payload)
        url = payload["response_url"]
        responses = [c.args for c in self.slack.calls_to("response_url") if c.args.get("response_url") == url]
        return Clicked(ack, responses, payload)

    def submit_view(
        self, view: dict[str, Any] | str, values: dict[str, dict[str, dict[str, Any]]], *, user: str = USER
    ) -> BoltResponse:
        """Submit the modal `view` with the inputs `values`; a validation failure comes back in the body as
        {"response_action": "errors", "errors": {block_id: message}}. A modal the local Slack has open is
        then closed, updated or pushed onto as the answer says, as Slack would."""
        payload = view_submission_payload(self.slack, view, values, user=user)
        view_id = payload["view"]["id"]
        shown = {v["id"]: v["hash"] for v in self.slack.open_views(user)}
        ack = self.interact(payload)
        # a view the app updated after its ack (views.update) was answered first: the answer is spent already
        if ack.status == 200 and any(v["id"] == view_id and shown.get(view_id) == v["hash"]
                                     for v in self.slack.open_views(user)):  # fmt: skip
            self.slack.views.answer(view_id, json.loads(ack.body) if ack.body else {})
        return ack

    def open_home(self, user: str = USER, *, shown: dict[str, Any] | None = None) -> dict[str, Any]:
        """Open the Home tab as `user` (a signed app_home_opened event, with the Home `shown` before, if any);
        returns the view the bot published for them."""
        event: dict[str, Any] = {"type": "app_home_opened", "user": user, "channel": "D0HOME", "tab": "home"}
        event.update(event_ts=f"{time.time():.6f}", **({"view": shown} if shown is not None else {}))
        before = len(self.slack.calls_to("views.publish"))
        body = event_callback_body(event)
        ack = self.dispatch(body, signed_headers(self.secret, body, content_type="application/json"))
        assert ack.status == 200, ack.body
        return self.last_home(user, after=before)

    def last_home(self, user: str = USER, *, after: int = 0) -> dict[str, Any]:
        """The view last published for `user` by a views.publish call after the first `after` calls."""
        calls = [c for c in self.slack.calls_to("views.publish")[after:] if c.args.get("user_id") == user]
        assert calls, f"no Home was published for {user}"
        return published_view(calls[-1])

    def click_view(
        self, view: dict[str, Any], action_id: str, *, value: str | None = None, user: str = USER
    ) -> BoltResponse:
        """Click a button in a view `user` sees (their Home or a modal); the listener has run when this returns."""
        return self.interact(view_block_actions_payload(self.slack, view, action_id, value=value, user=user))

    def wait_delivered(self, seconds: float = 5.0, *, passes: bool = False) -> None:
        """Wait until the outbox holds nothing pending or being sent: what a request delivers after its response
        (the Alertmanager receiver) has gone out. With `passes`, the scheduler's delivery pass also runs while
        waiting: requests delivering at once may leave a row of a busy channel to it."""
        deadline = time.monotonic() + seconds
        while True:
            with self.runtime.db.session() as session:
                waiting = session.exec(
                    select(OutboxMessage.key).where(col(OutboxMessage.status).in_(_UNSENT)).limit(5)
                ).all()
            if not waiting:
                return
            assert time.monotonic() < deadline, f"still not delivered after {seconds} s: {list(waiting)}"
            time.sleep(0.02)
            if passes:
                self.notifier.deliverer.deliver_due()

    def posts(self, channel: str | None = None) -> list[RecordedCall]:
        return [
            c for c in self.slack.calls_to("chat.postMessage") if channel is None or c.args.get("channel") == channel
        ]


class Server:
    """A real uvicorn server on a free loopback port, in a thread, for the length of a with-block."""

    def __init__(self, app: object) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def __enter__(self) -> Server:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()


@dataclass(frozen=True)
class Api:
    """slabot's HTTP app serving (`server`) and the driver whose runtime and outbox its requests use."""

    server: Server
    driver: SlackDriver

    @property
    def url(self) -> str:
        return self.server.url


def wait_until_healthy(url: str, process: subprocess.Popen[Any], timeout: float = 30) -> None:
    """Poll GET /healthz of a `python bot.py` process until it answers 200; fail if it exits or times out."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if web.get(f"{url}/healthz").status_code == 200:
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline or process.poll() is not None:
            raise RuntimeError("bot.py did not start")
        time.sleep(0.1)
