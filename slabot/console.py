"""`python bot.py console`: slabot with no Slack. Lines typed are slash commands from one user in one channel.

The same App and handlers run against LocalSlack, the local stand-in for Slack's Web API; whatever the bot
posts is printed, files it uploads are saved under ./slabot-out/. After each command, the work the bot's
scheduler would do next is done at once: a digest asked for with /sla report is rendered and posted.
"""

from __future__ import annotations

import html
import re
import secrets
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlencode

from slack_bolt import App, BoltRequest
from slack_sdk.signature import SignatureVerifier

from slabot.app import InlineExecutor, create_app, create_web_client
from slabot.delivery import Deliverer, create_delivery_client
from slabot.digest.runner import DigestWorker
from slabot.localslack import LocalSlack, RecordedCall
from slabot.runtime import Runtime

CONSOLE_USER = "U0CONSOLE"
CONSOLE_CHANNEL = "C0CONSOLE"
OUT_DIR = Path("slabot-out")
PROMPT = "slabot> "
EMOJI = {
    ":warning:": "⚠️",
    ":white_check_mark:": "✅",
    ":rotating_light:": "🚨",
    ":eyes:": "👀",
    ":red_circle:": "🔴",
    ":large_yellow_circle:": "🟡",
    ":large_green_circle:": "🟢",
    ":white_circle:": "⚪",
    ":wastebasket:": "🗑️",
    ":calendar:": "📅",
    ":hourglass_flowing_sand:": "⏳",
    ":tada:": "🎉",
    ":construction:": "🚧",
}
_LINK = re.compile(r"<([^<>|]+)(?:\|([^<>]*))?>")
_EMOJI = re.compile(r":[a-z0-9_+-]+:")


def _plain(text: str) -> str:
    """Slack mrkdwn as a terminal shows it: mentions and links spelled out, entities decoded."""

    def link(match: re.Match[str]) -> str:
        target, label = match.group(1), match.group(2)
        if target.startswith("@"):
            return f"@{label or target[1:]}"
        if target.startswith("#"):
            return f"#{label or target[1:]}"
        if target.startswith("!subteam^"):
            return f"@{label or target.removeprefix('!subteam^')}"
        if target.startswith("!"):
            return f"@{target[1:]}"
        return f"{label} ({target})" if label else target

    text = _EMOJI.sub(lambda m: EMOJI.get(m.group(0), m.group(0)), _LINK.sub(link, text))
    return html.unescape(text)


def _text_of(element: dict[str, Any] | None) -> str:
    return _plain(str(element.get("text", ""))) if element else ""


def blocks_to_text(blocks: Iterable[dict[str, Any]]) -> str:
    """Block Kit to readable lines: headers underlined, fields as lines, buttons in brackets."""
    lines: list[str] = []
    for block in blocks:
        kind = block.get("type")
        if kind == "header":
            title = _text_of(block.get("text"))
            lines += [title, "─" * min(len(title), 60)]
        elif kind == "section":
            if block.get("text"):
                lines.append(_text_of(block["text"]))
            lines += [_text_of(field).replace("\n", ": ", 1) for field in block.get("fields") or []]
        elif kind == "context":
            lines.append("  " + " · ".join(_text_of(e) for e in block.get("elements", []) if "text" in e))
        elif kind == "divider":
            lines.append("─" * 40)
        elif kind == "actions":
            lines.append("  " + " ".join(f"[{_text_of(e.get('text'))}]" for e in block.get("elements", [])))
        elif kind == "image":
            lines.append(f"[image: {block.get('alt_text', '')}]")
    return "\n".join(lines)


class ConsoleOutput:
    """Prints what the bot did through the Web API, newest calls only, in the order they happened."""

    def __init__(self, out: TextIO, slack: LocalSlack, out_dir: Path = OUT_DIR) -> None:
        self.out = out
        self.slack = slack
        self.out_dir = out_dir
        self.seen = 0
        self.filenames: dict[str, str] = {}

    def flush(self) -> None:
        calls = self.slack.calls
        for call in calls[self.seen :]:
            self.show(call)
        self.seen = len(calls)
        self.out.flush()

    def _message(self, where: str, args: dict[str, Any]) -> None:
        body = blocks_to_text(args.get("blocks") or []) or _plain(str(args.get("text", "")))
        self.out.write(f"[{where}]\n{body}\n\n")

    def show(self, call: RecordedCall) -> None:
        args = call.args
        if call.method == "response_url":
            public = args.get("response_type") == "in_channel"
            self._message(f"#{CONSOLE_CHANNEL} · slabot" if public else "only you can see this", args)
        elif call.method == "chat.postMessage" and call.response.get("ok"):
            thread = f" · thread of {args['thread_ts']}" if args.get("thread_ts") else ""
            self._message(f"#{args.get('channel')}{thread} · slabot · ts {call.response.get('ts')}", args)
        elif call.method == "chat.update" and call.response.get("ok"):
            self._message(f"#{args.get('channel')} · slabot edited message {args.get('ts')}", args)
        elif call.method == "chat.postEphemeral" and call.response.get("ok"):
            self._message(f"#{args.get('channel')} · only @{args.get('user')} can see this", args)
        elif call.method == "files.getUploadURLExternal" and call.response.get("ok"):
            self.filenames[str(call.response["file_id"])] = str(args.get("filename", "file"))
        elif call.method == "files.completeUploadExternal" and call.response.get("ok"):
            for item in args.get("files") or []:
                self._save(str(item.get("id")), args)

    def _save(self, file_id: str, args: dict[str, Any]) -> None:
        data = self.slack.uploads.get(file_id)
        if data is None:
            return
        self.out_dir.mkdir(parents=True, exist_ok=True)
        path = self.out_dir / Path(self.filenames.get(file_id, file_id)).name
        path.write_bytes(data)
        self.out.write(f"[#{args.get('channel_id')} · slabot uploaded a file, saved as {path}]\n\n")


class Console:
    """Signs each typed line as a slash command and dispatches it through the real Bolt app."""

    def __init__(self, runtime: Runtime, slack: LocalSlack, out: TextIO) -> None:
        self.secret = secrets.token_hex(16)
        self.slack = slack
        client = create_web_client(runtime.settings, token="xoxb-console", base_url=slack.base_url)
        self.app: App = create_app(runtime, client, signing_secret=self.secret, listener_executor=InlineExecutor())
        self.output = ConsoleOutput(out, slack)
        self.output.seen = len(slack.calls)  # start-up's auth.test is not news
        self.out = out
        self.digests = DigestWorker.for_runtime(runtime)
        delivery_client = create_delivery_client(runtime.settings, token="xoxb-console", base_url=slack.base_url)
        self.deliverer = Deliverer(runtime.db, delivery_client, runtime.clock)

    def handle(self, line: str) -> None:
        command, _, text = line.strip().partition(" ")
        body = urlencode(
            {
                "token": "console",
                "team_id": self.slack.team_id,
                "team_domain": "local",
                "channel_id": CONSOLE_CHANNEL,
                "channel_name": "console",
                "user_id": CONSOLE_USER,
                "user_name": "you",
                "command": command,
                "text": text.strip(),
                "api_app_id": "A0CONSOLE",
                "response_url": self.slack.new_response_url(),
                "trigger_id": f"console.{secrets.token_hex(6)}",
            }
        )
        timestamp = str(int(time.time()))
        signature = SignatureVerifier(self.secret).generate_signature(timestamp=timestamp, body=body) or ""
        headers: dict[str, str | Sequence[str]] = {
            "content-type": "application/x-www-form-urlencoded",
            "x-slack-request-timestamp": timestamp,
            "x-slack-signature": signature,
        }
        response = self.app.dispatch(BoltRequest(body=body, headers=headers))
        self.output.flush()
        if self.digests.render_due():  # what the scheduler's digest job does a few seconds later
            self.deliverer.deliver_due()
            self.output.flush()
        if response.status == 404:
            self.out.write(f"slabot has no {command} command. Try /sla help or /incident help.\n\n")
        elif response.status != 200:
            self.out.write(f"(Slack would have shown an error: HTTP {response.status})\n\n")


def run_console(runtime: Runtime, lines: TextIO, out: TextIO, *, interactive: bool) -> int:
    with LocalSlack() as slack:
        console = Console(runtime, slack, out)
        out.write("slabot console: type slash commands like /sla help or /incident help; quit to leave.\n\n")
        while True:
            if interactive:
                out.write(PROMPT)
                out.flush()
            line = lines.readline()
            if not line:
                break
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if line.lower() in ("quit", "exit", "/quit", "/exit"):
                break
            if not interactive:
                out.write(f"> {line}\n")
            if not line.startswith("/"):
                out.write("Type a slash command, like /sla help (quit to leave).\n\n")
                continue
            console.handle(line)
    return 0
