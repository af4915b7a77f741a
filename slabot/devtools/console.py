"""`python bot.py console`: slabot with no Slack. Lines typed are slash commands from one user in one channel;
`> text` replies in the thread the bot last wrote in (a 5-Why's answers), `click <button>` clicks the newest
button with that label.

The same App and handlers run against LocalSlack, the local stand-in for Slack's Web API; whatever the bot
posts is printed, files it uploads are saved under ./slabot-out/. After each command, the work the bot's
scheduler would do next is done at once: a digest asked for with /sla report is rendered and posted.
"""

from __future__ import annotations

import html
import json
import re
import secrets
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, BinaryIO, TextIO
from urllib.parse import urlencode

from slack_bolt import App, BoltRequest
from slack_sdk.signature import SignatureVerifier

from slabot.config.runtime import Runtime
from slabot.devtools.localslack import LocalSlack, RecordedCall
from slabot.runtime.digest_worker import DigestWorker
from slabot.runtime.wiring import connect
from slabot.slack.app import InlineExecutor

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
    ":mag:": "🔍",
    ":dart:": "🎯",
    ":memo:": "📝",
    ":no_entry_sign:": "🚫",
    ":leftwards_arrow_with_hook:": "↩️",
    ":bar_chart:": "📊",
    ":pray:": "🙏",
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

    return html.unescape(_emoji(_LINK.sub(link, text)))


def _emoji(text: str) -> str:
    return _EMOJI.sub(lambda m: EMOJI.get(m.group(0), m.group(0)), text)


def _text_of(element: dict[str, Any] | None) -> str:
    """A text object as Slack shows it: mrkdwn spelled out, plain_text as written but for its emoji codes
    (Slack parses neither mentions nor entities in it)."""
    if not element:
        return ""
    text = str(element.get("text", ""))
    return _emoji(text) if element.get("type") == "plain_text" else _plain(text)


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
        wired = connect(
            runtime,
            token="xoxb-console",
            api_url=slack.base_url,
            signing_secret=self.secret,
            listener_executor=InlineExecutor(),
        )
        self.app: App = wired.app
        self.output = ConsoleOutput(out, slack)
        self.output.seen = len(slack.calls)  # start-up's auth.test is not news
        self.out = out
        self.digests = DigestWorker.for_runtime(runtime, wired.notifier)

    def handle(self, line: str) -> None:
        """A slash command, typed in the console's channel."""
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
        status = self._dispatch(body, "application/x-www-form-urlencoded")
        if status == 404:
            self.out.write(f"slabot has no {command} command. Try /sla help or /incident help.\n\n")

    def reply(self, text: str) -> None:
        """`> text`: a reply in the thread the bot last posted in, as a message event."""
        post = next((c for c in reversed(self.slack.calls_to("chat.postMessage")) if c.args.get("thread_ts")), None)
        if post is None:
            self.out.write("No thread to reply in yet: the bot has not written in one (try /sla why <incident>).\n\n")
            return
        channel, thread_ts = str(post.args["channel"]), str(post.args["thread_ts"])
        ts = self.slack.add_message(channel, text, user=CONSOLE_USER, thread_ts=thread_ts)
        event = {"type": "message", "channel": channel, "user": CONSOLE_USER, "text": text, "ts": ts}
        envelope = {
            "token": "console",
            "team_id": self.slack.team_id,
            "api_app_id": "A0CONSOLE",
            "type": "event_callback",
            "event_id": f"Ev{secrets.token_hex(5).upper()}",
            "event_time": int(time.time()),
            "event": {**event, "thread_ts": thread_ts, "event_ts": ts, "channel_type": "channel"},
        }
        self.out.write(f"[#{channel} · thread of {thread_ts} · you]\n{text}\n\n")
        self._dispatch(json.dumps(envelope), "application/json")

    def click(self, label: str) -> None:
        """`click <label>`: the newest button with that label, in a message or in what only you can see."""
        found = self._button(label.strip().lower())
        if found is None:
            self.out.write(f"No button labelled {label.strip()!r} in the recent messages.\n\n")
            return
        message, channel, block_id, button, ephemeral = found
        payload = {
            "type": "block_actions",
            "user": {"id": CONSOLE_USER, "username": "you", "name": "you", "team_id": self.slack.team_id},
            "api_app_id": "A0CONSOLE",
            "token": "console",
            "container": {
                "type": "message",
                "message_ts": message.get("ts"),
                "channel_id": channel,
                "is_ephemeral": ephemeral,
            },
            "trigger_id": f"console.{secrets.token_hex(6)}",
            "team": {"id": self.slack.team_id, "domain": "local"},
            "channel": {"id": channel, "name": self.slack.channel_name(channel)},
            "message": message,
            "response_url": self.slack.new_response_url(),
            "actions": [
                {
                    "action_id": button["action_id"],
                    "block_id": block_id,
                    "value": button.get("value"),
                    "text": button.get("text"),
                    "type": "button",
                    "action_ts": f"{time.time():.6f}",
                }
            ],
        }
        self.out.write(f"[you clicked {_text_of(button.get('text'))}]\n\n")
        self._dispatch(urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded")

    def _button(self, label: str) -> tuple[dict[str, Any], str, str, dict[str, Any], bool] | None:
        shown = [(m, str(m["channel"]), False) for m in self.slack.messages()]
        shown += [
            (
                {"ts": c.response.get("message_ts"), "text": c.args.get("text"), "blocks": _blocks(c.args)},
                str(c.args.get("channel")),
                True,
            )
            for c in self.slack.calls_to("chat.postEphemeral")
            if c.response.get("ok")
        ]
        shown.sort(key=lambda item: float(item[0].get("ts") or 0))
        for message, channel, ephemeral in reversed(shown):
            for block in message.get("blocks") or []:
                for element in block.get("elements") or []:
                    if element.get("type") == "button" and _text_of(element.get("text")).lower() == label:
                        return message, channel, str(block.get("block_id", "")), element, ephemeral
        return None

    def _dispatch(self, body: str, content_type: str) -> int:
        timestamp = str(int(time.time()))
        signature = SignatureVerifier(self.secret).generate_signature(timestamp=timestamp, body=body) or ""
        headers: dict[str, str | Sequence[str]] = {
            "content-type": content_type,
            "x-slack-request-timestamp": timestamp,
            "x-slack-signature": signature,
        }
        response = self.app.dispatch(BoltRequest(body=body, headers=headers))
        self.output.flush()
        if self.digests.render_due():  # what the scheduler's digest job does a few seconds later (and posts)
            self.output.flush()
        if response.status not in (200, 404):
            self.out.write(f"(Slack would have shown an error: HTTP {response.status})\n\n")
        return response.status


def _blocks(args: dict[str, Any]) -> list[dict[str, Any]]:
    blocks = args.get("blocks") or []
    loaded = json.loads(blocks) if isinstance(blocks, str) else blocks
    return loaded if isinstance(loaded, list) else []


def read_lines(lines: TextIO | BinaryIO, out: TextIO) -> Iterator[str]:
    """The lines of `lines`, each decoded as UTF-8 on its own: a line that is not UTF-8 is kept with its
    unreadable bytes as U+FFFD and `out` is told so in one line. A text stream with bytes beneath it
    (sys.stdin) is read from those, so no byte typed or piped in ends the console."""
    raw = getattr(lines, "buffer", lines)
    for number, data in enumerate(iter(raw.readline, ""), start=1):
        if isinstance(data, str):  # a text stream with no bytes beneath it (io.StringIO)
            yield data
            continue
        if not data:
            return
        try:
            yield data.decode("utf-8")
        except UnicodeDecodeError:
            out.write(f"line {number} was not UTF-8: the unreadable bytes became \ufffd\n")
            yield data.decode("utf-8", errors="replace")


def run_console(runtime: Runtime, lines: TextIO | BinaryIO, out: TextIO, *, interactive: bool) -> int:
    with LocalSlack() as slack:
        console = Console(runtime, slack, out)
        out.write(
            "slabot console: type slash commands like /sla help or /incident help; `> text` replies in the bot's "
            "latest thread, `click <label>` clicks a button; quit to leave.\n\n"
        )
        reading = read_lines(lines, out)
        while True:
            if interactive:
                out.write(PROMPT)
                out.flush()
            line = next(reading, "")
            if not line:
                break
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if line.lower() in ("quit", "exit", "/quit", "/exit"):
                break
            if not interactive:
                out.write(f"> {line}\n")
            if line.startswith(">"):
                console.reply(line[1:].strip())
            elif line.lower().startswith("click "):
                console.click(line[6:])
            elif line.startswith("/"):
                console.handle(line)
            else:
                out.write("Type a slash command like /sla help, `> text` to reply in a thread, or quit.\n\n")
    return 0
