"""Drives the real Bolt app the way Slack does: signed, form-encoded slash commands through app.dispatch."""

from __future__ import annotations

import socket
import subprocess
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx
import uvicorn
from slack_bolt import App, BoltRequest, BoltResponse
from slack_sdk.signature import SignatureVerifier

from slabot.app import InlineExecutor, create_app, create_web_client
from slabot.localslack import LocalSlack, RecordedCall
from slabot.runtime import Runtime

USER = "U0ALICE"
CHANNEL = "C0OPS"


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
            "trigger_id": "1.2.trigger",
        }
    )


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
        client = create_web_client(runtime.settings, token="xoxb-test", base_url=slack.base_url)
        self.app: App = create_app(runtime, client, signing_secret=self.secret, listener_executor=InlineExecutor())

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


def wait_until_healthy(url: str, process: subprocess.Popen[Any], timeout: float = 30) -> None:
    """Poll GET /healthz of a `python bot.py` process until it answers 200; fail if it exits or times out."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if httpx.get(f"{url}/healthz").status_code == 200:
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline or process.poll() is not None:
            raise RuntimeError("bot.py did not start")
        time.sleep(0.1)
