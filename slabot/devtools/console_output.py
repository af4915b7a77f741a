"""What the console prints of the bot's Web API calls, in the order they happened (messages, edits, replies,
modals opened or updated, the Home published, uploads saved under ./slabot-out/), and what stays on screen for
the console's user to click: the channels' messages, what only they see, and replies that replaced a message.
What the console itself says (where a message is, what a modal awaits) is in the console person's language."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from slabot.core.i18n import DEFAULT_LOCALE, Locale, tr
from slabot.devtools.console_requests import CONSOLE_CHANNEL, CONSOLE_USER
from slabot.devtools.console_text import blocks_to_text, plain
from slabot.devtools.console_views import view_to_text
from slabot.devtools.localslack import LocalSlack, RecordedCall

OUT_DIR = Path("slabot-out")
_VIEW_VERBS = {"views.open": "opened", "views.push": "opened", "views.update": "updated"}


@dataclass(frozen=True)
class Shown:
    """A message on the console user's screen: where it is, whether only they see it, and when it last changed."""

    message: dict[str, Any]
    channel: str
    ephemeral: bool
    order: float


@dataclass(frozen=True)
class Source:
    """What a response_url was handed out for: a slash command (no message) or a click on a message."""

    channel: str
    ts: str | None = None
    ephemeral: bool = False


class ConsoleOutput:
    """Prints what the bot did through the Web API, newest calls only, and keeps what the user sees."""

    def __init__(
        self, out: TextIO, slack: LocalSlack, out_dir: Path = OUT_DIR, locale: Locale = DEFAULT_LOCALE
    ) -> None:
        self.out = out
        self.slack = slack
        self.locale = locale
        self.out_dir = out_dir
        self.seen = 0
        self.filenames: dict[str, str] = {}
        self.sources: dict[str, Source] = {}  # response_url -> what it answers
        self._private: dict[tuple[str, str], Shown | None] = {}  # ephemerals and replies; None once deleted

    def flush(self) -> None:
        calls = self.slack.calls
        for call in calls[self.seen :]:
            self.show(call)
        self.seen = len(calls)
        self.out.flush()

    def _message(self, where: str, args: dict[str, Any]) -> None:
        body = blocks_to_text(args.get("blocks") or [], self.locale) or plain(str(args.get("text", "")))
        self.out.write(f"[{where}]\n{body}\n\n")

    def _posted(self, args: dict[str, Any], ts: object) -> str:
        channel, thread = args.get("channel"), args.get("thread_ts")
        if thread:
            return tr(
                self.locale, "#{channel} · thread of {thread} · slabot · ts {ts}", channel=channel, thread=thread, ts=ts
            )
        return f"#{channel} · slabot · ts {ts}"

    def _refused(self, call: RecordedCall) -> str:
        error = call.response.get("error")
        problems = "; ".join((call.response.get("response_metadata") or {}).get("messages") or [])
        if problems:
            return tr(
                self.locale,
                "(Slack refused {method}: {error} · {problems})",
                method=call.method,
                error=error,
                problems=problems,
            )
        return tr(self.locale, "(Slack refused {method}: {error})", method=call.method, error=error)

    def show(self, call: RecordedCall) -> None:
        args, ok, locale = call.args, call.response.get("ok"), self.locale
        if call.method == "response_url":
            public = args.get("response_type") == "in_channel"
            self._message(f"#{CONSOLE_CHANNEL} · slabot" if public else tr(locale, "only you can see this"), args)
            self._keep_reply(args)
        elif call.method == "chat.postMessage" and ok:
            self._message(self._posted(args, call.response.get("ts")), args)
        elif call.method == "chat.update" and ok:
            edited = tr(
                locale, "#{channel} · slabot edited message {ts}", channel=args.get("channel"), ts=args.get("ts")
            )
            self._message(edited, args)
        elif call.method == "chat.postEphemeral" and ok:
            only = tr(
                locale, "#{channel} · only @{user} can see this", channel=args.get("channel"), user=args.get("user")
            )
            self._message(only, args)
            message = {"ts": call.response.get("message_ts"), "text": args.get("text"), "blocks": _blocks(args)}
            self._keep(str(args.get("channel")), message, ephemeral=True)
        elif call.method.startswith("views.") and not ok:
            self.out.write(f"{self._refused(call)}\n\n")
        elif call.method in _VIEW_VERBS and ok:
            self.modal(call.response["view"], _VIEW_VERBS[call.method])
        elif call.method == "views.publish" and ok and args.get("user_id") == CONSOLE_USER:
            self.home(call.response["view"])
        elif call.method == "files.getUploadURLExternal" and ok:
            self.filenames[str(call.response["file_id"])] = str(args.get("filename", "file"))
        elif call.method == "files.completeUploadExternal" and ok:
            for item in args.get("files") or []:
                self._save(str(item.get("id")), args)

    def home(self, view: dict[str, Any]) -> None:
        heading = tr(self.locale, "[your Home tab · slabot · click <button>]")
        self.out.write(f"{heading}\n{view_to_text(view, locale=self.locale)}\n\n")

    def modal(self, view: dict[str, Any], verb: str, errors: dict[str, str] | None = None) -> None:
        """A modal printed under what happened to it (`verb`: opened, updated, not submitted, back to)."""
        self.out.write(f"{_modal_heading(verb, self.locale)}\n{view_to_text(view, errors, self.locale)}\n\n")

    def on_screen(self) -> list[Shown]:
        """What the user sees, the newest change first: channel messages as they stand, then over them what
        only the user sees (ephemerals, and replies that replaced or followed a message)."""
        shown: dict[tuple[str, str], Shown | None] = {
            (str(m["channel"]), str(m["ts"])): Shown(m, str(m["channel"]), False, float(m["ts"]))
            for m in self.slack.messages()
        }
        shown.update(self._private)
        return sorted((s for s in shown.values() if s is not None), key=lambda s: -s.order)

    def _keep(self, channel: str, message: dict[str, Any], *, ephemeral: bool) -> None:
        ts = str(message.get("ts") or f"{time.time():.6f}")
        self._private[(channel, ts)] = Shown({**message, "ts": ts}, channel, ephemeral, time.time())

    def _keep_reply(self, args: dict[str, Any]) -> None:
        source = self.sources.get(str(args.get("response_url")))
        if source is None:
            return
        if source.ts and args.get("delete_original"):
            self._private[(source.channel, source.ts)] = None
        elif source.ts and args.get("replace_original"):
            message = {"ts": source.ts, "text": args.get("text"), "blocks": args.get("blocks") or []}
            self._keep(source.channel, message, ephemeral=source.ephemeral)
        elif args.get("blocks"):
            message = {"text": args.get("text"), "blocks": args.get("blocks")}
            self._keep(source.channel, message, ephemeral=args.get("response_type") != "in_channel")

    def _save(self, file_id: str, args: dict[str, Any]) -> None:
        data = self.slack.uploads.get(file_id)
        if data is None:
            return
        self.out_dir.mkdir(parents=True, exist_ok=True)
        path = self.out_dir / Path(self.filenames.get(file_id, file_id)).name
        path.write_bytes(data)
        saved = tr(
            self.locale,
            "[#{channel} · slabot uploaded a file, saved as {path}]",
            channel=args.get("channel_id"),
            path=path,
        )
        self.out.write(f"{saved}\n\n")


def _modal_heading(verb: str, locale: Locale) -> str:
    """What happened to a modal, and what can be typed now, as one line over it."""
    if verb == "updated":
        return tr(locale, "[modal updated · submit key=value … · click <button> · cancel]")
    if verb == "not submitted":
        return tr(locale, "[modal not submitted · submit key=value … · click <button> · cancel]")
    if verb == "back to":
        return tr(locale, "[modal back to · submit key=value … · click <button> · cancel]")
    return tr(locale, "[modal opened · submit key=value … · click <button> · cancel]")


def _blocks(args: dict[str, Any]) -> list[dict[str, Any]]:
    blocks = args.get("blocks") or []
    return blocks if isinstance(blocks, list) else []


__all__ = ["CONSOLE_USER", "OUT_DIR", "ConsoleOutput", "Shown", "Source"]
