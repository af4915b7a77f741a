"""What Slack would send slabot for each thing the console's one user does, as request bodies: a slash command,
a thread reply, the Home tab opened, a button clicked in a message or a view, a shortcut run (global, or on a
message), a modal submitted or closed.
Trigger ids and response URLs come from the LocalSlack, so views.open and the replies work as in Slack."""

from __future__ import annotations

import json
import secrets
import time
from typing import Any
from urllib.parse import urlencode

from slabot.devtools.localslack import LocalSlack

CONSOLE_USER = "U0CONSOLE"
CONSOLE_CHANNEL = "C0CONSOLE"
APP_ID = "A0CONSOLE"


def _user(slack: LocalSlack) -> dict[str, str]:
    return {"id": CONSOLE_USER, "username": "you", "name": "you", "team_id": slack.team_id}


def _interaction(kind: str, slack: LocalSlack, **fields: Any) -> str:
    payload: dict[str, Any] = {"type": kind, "user": _user(slack), "api_app_id": APP_ID, "token": "console"}
    payload.update(team={"id": slack.team_id, "domain": "local"}, **fields)
    return urlencode({"payload": json.dumps(payload)})


def _event(slack: LocalSlack, event: dict[str, Any]) -> str:
    envelope: dict[str, Any] = {"token": "console", "team_id": slack.team_id, "api_app_id": APP_ID}
    envelope["type"] = "event_callback"
    envelope.update(event_id=f"Ev{secrets.token_hex(5).upper()}", event_time=int(time.time()), event=event)
    return json.dumps(envelope)


def slash_command(slack: LocalSlack, command: str, text: str, response_url: str) -> str:
    fields = {"token": "console", "team_id": slack.team_id, "team_domain": "local", "channel_id": CONSOLE_CHANNEL}
    fields.update(channel_name="console", user_id=CONSOLE_USER, user_name="you", command=command, text=text)
    fields.update(api_app_id=APP_ID, response_url=response_url, trigger_id=slack.new_trigger_id(CONSOLE_USER))
    return urlencode(fields)


def thread_reply(slack: LocalSlack, channel: str, text: str, ts: str, thread_ts: str) -> str:
    event = {"type": "message", "channel": channel, "user": CONSOLE_USER, "text": text, "ts": ts}
    event.update(thread_ts=thread_ts, event_ts=ts, channel_type="channel")
    return _event(slack, event)


def home_opened(slack: LocalSlack, home: dict[str, Any] | None) -> str:
    """app_home_opened for the Home tab, with the Home shown before (Slack sends it once there is one)."""
    event: dict[str, Any] = {"type": "app_home_opened", "user": CONSOLE_USER, "channel": "D0CONSOLE", "tab": "home"}
    event["event_ts"] = f"{time.time():.6f}"
    if home is not None:
        event["view"] = home
    return _event(slack, event)


def _action(block_id: str, button: dict[str, Any]) -> dict[str, Any]:
    action = {"action_id": button.get("action_id"), "block_id": block_id, "text": button.get("text")}
    action.update(type="button", action_ts=f"{time.time():.6f}")
    if "value" in button:
        action["value"] = button["value"]
    return action


def message_click(
    slack: LocalSlack,
    message: dict[str, Any],
    channel: str,
    block_id: str,
    button: dict[str, Any],
    *,
    ephemeral: bool,
    response_url: str,
) -> str:
    """block_actions for a button in a message; an ephemeral one is reported without the message, as Slack does."""
    container = {"type": "message", "message_ts": message.get("ts"), "channel_id": channel, "is_ephemeral": ephemeral}
    fields: dict[str, Any] = {"container": container, "trigger_id": slack.new_trigger_id(CONSOLE_USER)}
    fields.update(channel={"id": channel, "name": slack.channel_name(channel)}, response_url=response_url)
    fields.update(actions=[_action(block_id, button)], state={"values": {}})
    if not ephemeral:
        fields["message"] = {k: v for k, v in message.items() if k != "channel" and v is not None}
    return _interaction("block_actions", slack, **fields)


def view_click(slack: LocalSlack, view: dict[str, Any], block_id: str, button: dict[str, Any]) -> str:
    """block_actions for a button in a modal or the Home tab."""
    container = {"type": "view", "view_id": view["id"]}
    fields = {"container": container, "trigger_id": slack.new_trigger_id(CONSOLE_USER), "view": view}
    return _interaction("block_actions", slack, **fields, actions=[_action(block_id, button)])


def global_shortcut(slack: LocalSlack, callback_id: str) -> str:
    """A global shortcut run from the ⚡ menu or the search bar: no channel, no message, a trigger to open a modal."""
    fields = {"callback_id": callback_id, "trigger_id": slack.new_trigger_id(CONSOLE_USER)}
    return _interaction("shortcut", slack, **fields, action_ts=f"{time.time():.6f}", is_enterprise_install=False)


def message_shortcut(slack: LocalSlack, callback_id: str, message: dict[str, Any], *, response_url: str) -> str:
    """A message shortcut run from a message's ⋮ menu: the message (as Slack shows it), its channel, a trigger."""
    channel = str(message["channel"])
    shown = {"type": "message", "user": message.get("user"), "ts": message["ts"], "text": message.get("text") or ""}
    shown.update({"thread_ts": message["thread_ts"]} if message.get("thread_ts") else {})
    fields: dict[str, Any] = {"callback_id": callback_id, "trigger_id": slack.new_trigger_id(CONSOLE_USER)}
    fields.update(channel={"id": channel, "name": slack.channel_name(channel)}, message=shown)
    fields.update(message_ts=message["ts"], response_url=response_url, action_ts=f"{time.time():.6f}")
    return _interaction("message_action", slack, **fields, is_enterprise_install=False)


def view_submission(slack: LocalSlack, view: dict[str, Any]) -> str:
    fields = {"trigger_id": slack.new_trigger_id(CONSOLE_USER), "view": view, "response_urls": []}
    return _interaction("view_submission", slack, **fields)


def view_closed(slack: LocalSlack, view: dict[str, Any], *, cleared: bool) -> str:
    return _interaction("view_closed", slack, view=view, is_cleared=cleared)
