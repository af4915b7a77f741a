"""`python bot.py console`: slabot with no Slack. Lines typed are slash commands from one user in one channel;
`> text` replies in the thread the bot last wrote in (a 5-Why's answers), `click <button>` clicks the button
with that label (in the open modal, else the newest on screen), `home` opens the Home tab, `submit key=value …`
fills and submits the open modal and `cancel` closes it.

The same App and handlers run against LocalSlack, the local stand-in for Slack's Web API; whatever the bot
posts is printed, files it uploads are saved under ./slabot-out/. After each command, the work the bot's
scheduler would do next is done at once: a digest asked for with /sla report is rendered and posted.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Iterator, Sequence
from typing import Any, BinaryIO, TextIO

from slack_bolt import App, BoltRequest, BoltResponse
from slack_sdk.signature import SignatureVerifier

from slabot.config.runtime import Runtime
from slabot.devtools import console_requests as requests
from slabot.devtools.console_output import OUT_DIR, ConsoleOutput, Source
from slabot.devtools.console_requests import CONSOLE_CHANNEL, CONSOLE_USER
from slabot.devtools.console_text import blocks_to_text, text_of
from slabot.devtools.console_views import fill, parse_assignments, submitted_state
from slabot.devtools.localslack import LocalSlack, SlackError
from slabot.runtime.digest_worker import DigestWorker
from slabot.runtime.wiring import connect
from slabot.slack.app import InlineExecutor

__all__ = ["CONSOLE_CHANNEL", "CONSOLE_USER", "OUT_DIR", "Console", "blocks_to_text", "read_lines", "run_console"]
PROMPT = "slabot> "
HELP = (
    "Type a slash command like /sla help, `> text` to reply in a thread, `click <button>`, `home`, "
    "`submit key=value …` or `cancel` in a modal, or quit."
)
Button = tuple[str, dict[str, Any]]  # (block_id, button)


def _buttons(blocks: list[dict[str, Any]], label: str) -> Iterator[Button]:
    """The buttons labelled `label` (in lower case) in actions blocks and section accessories."""
    for block in blocks:
        elements = [*(block.get("elements") or []), *([block["accessory"]] if block.get("accessory") else [])]
        for element in elements:
            if element.get("type") == "button" and text_of(element.get("text")).lower() == label:
                yield str(block.get("block_id", "")), element


class Console:
    """Signs what the console's user does as Slack's requests and dispatches them through the real Bolt app."""

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
        self.at_home = False  # the Home tab is what the user looked at last

    def handle(self, line: str) -> None:
        """A slash command, typed in the console's channel."""
        command, _, text = line.strip().partition(" ")
        self.at_home = False
        url = self.slack.new_response_url()
        self.output.sources[url] = Source(CONSOLE_CHANNEL)
        status = self._dispatch(requests.slash_command(self.slack, command, text.strip(), url), form=True).status
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
        self.out.write(f"[#{channel} · thread of {thread_ts} · you]\n{text}\n\n")
        self._dispatch(requests.thread_reply(self.slack, channel, text, ts, thread_ts), form=False)

    def home(self) -> None:
        """`home`: open the Home tab; the app publishes it on app_home_opened, and it is printed."""
        self.at_home = True
        before = self.slack.home_of(CONSOLE_USER)
        self._dispatch(requests.home_opened(self.slack, before), form=False)
        after = self.slack.home_of(CONSOLE_USER)
        if after is None:
            self.out.write("slabot has no Home tab to show.\n\n")
        elif before is not None and after["hash"] == before["hash"]:  # not published again: shown as it was
            self.output.home(after)

    def click(self, label: str) -> None:
        """`click <label>`: the button with that label in the open modal, else the newest on screen (the
        Home first when it was looked at last)."""
        wanted = label.strip().lower()
        modal = self._modal()
        if modal is not None and self._click_in_view(modal, wanted):
            return
        home = self.slack.home_of(CONSOLE_USER)
        if self.at_home and home is not None and self._click_in_view(home, wanted):
            return
        for shown in self.output.on_screen():
            for block_id, button in _buttons(shown.message.get("blocks") or [], wanted):
                self._clicked(button)
                url = self.slack.new_response_url()
                ts = str(shown.message.get("ts"))
                self.output.sources[url] = Source(shown.channel, ts, shown.ephemeral)
                body = requests.message_click(
                    self.slack,
                    shown.message,
                    shown.channel,
                    block_id,
                    button,
                    ephemeral=shown.ephemeral,
                    response_url=url,
                )
                self._dispatch(body, form=True)
                return
        if not self.at_home and home is not None and self._click_in_view(home, wanted):
            return
        self.out.write(f"No button labelled {label.strip()!r} in the recent messages.\n\n")

    def _click_in_view(self, view: dict[str, Any], label: str) -> bool:
        for block_id, button in _buttons(view.get("blocks") or [], label):
            self._clicked(button)
            self._dispatch(requests.view_click(self.slack, view, block_id, button), form=True)
            return True
        if view.get("type") == "modal" and label == text_of(view.get("submit")).lower() and view.get("submit"):
            self.submit("")
            return True
        if view.get("type") == "modal" and label in (text_of(view.get("close")).lower() or "close", "close"):
            self.cancel()
            return True
        return False

    def _clicked(self, button: dict[str, Any]) -> None:
        self.out.write(f"[you clicked {text_of(button.get('text'))}]\n\n")

    def _modal(self) -> dict[str, Any] | None:
        stack = self.slack.open_views(CONSOLE_USER)
        return stack[-1] if stack else None

    def submit(self, assignments: str) -> None:
        """`submit key=value …`: type the values into the open modal and submit it."""
        modal = self._modal()
        if modal is None:
            self.out.write("No form is open: a button or command opens one.\n\n")
            return
        try:
            typed = fill(modal, parse_assignments(assignments))
            modal = self.slack.views.type_into(modal["id"], typed)
        except ValueError as error:
            self.out.write(f"⚠️ {error}\n\n")
            return
        sent = {**modal, "state": {"values": submitted_state(modal)}}
        response = self._dispatch(requests.view_submission(self.slack, sent), form=True, flush=False)
        try:
            answer = json.loads(response.body) if response.status == 200 and response.body else {}
            now = self._modal()
            if now is not None and now["id"] == modal["id"] and now["hash"] != modal["hash"]:
                self.output.flush()  # the app updated the form after its ack (it ran inline): its answer came first
                return
            errors = self.slack.views.answer(modal["id"], answer if isinstance(answer, dict) else {})
        except (ValueError, SlackError) as error:
            self.out.write(f"(Slack refused the form's answer: {error})\n\n")
            return
        action = answer.get("response_action") if isinstance(answer, dict) else None
        now = self._modal()
        if errors:
            self.output.modal(self.slack.view(modal["id"]), "not submitted", errors)
        elif action in ("update", "push") and now is not None:
            self.output.modal(now, "updated" if action == "update" else "opened")
        elif response.status == 200:
            self.out.write(f"[{text_of(modal.get('title'))} submitted and closed]\n\n")
        self.output.flush()

    def cancel(self) -> None:
        """`cancel`: close the open modal, telling the app when it asked (notify_on_close)."""
        modal = self._modal()
        if modal is None:
            self.out.write("No form is open.\n\n")
            return
        cleared = bool(modal.get("clear_on_close"))
        self.slack.views.close(modal["id"], all_views=cleared)
        self.out.write(f"[{text_of(modal.get('title'))} closed]\n\n")
        if modal.get("notify_on_close"):
            self._dispatch(requests.view_closed(self.slack, modal, cleared=cleared), form=True)
        below = self._modal()
        if below is not None:
            self.output.modal(below, "back to")

    def _dispatch(self, body: str, *, form: bool, flush: bool = True) -> BoltResponse:
        timestamp = str(int(time.time()))
        signature = SignatureVerifier(self.secret).generate_signature(timestamp=timestamp, body=body) or ""
        headers: dict[str, str | Sequence[str]] = {
            "content-type": "application/x-www-form-urlencoded" if form else "application/json",
            "x-slack-request-timestamp": timestamp,
            "x-slack-signature": signature,
        }
        response = self.app.dispatch(BoltRequest(body=body, headers=headers))
        if flush:
            self.output.flush()
        if self.digests.render_due():  # what the scheduler's digest job does a few seconds later (and posts)
            self.output.flush()
        if response.status not in (200, 404):
            self.out.write(f"(Slack would have shown an error: HTTP {response.status})\n\n")
        return response


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
            "latest thread, `click <label>` clicks a button, `home` shows your Home tab, `submit key=value …` "
            "fills and submits the open form and `cancel` closes it; quit to leave.\n\n"
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
            elif line.lower() == "home":
                console.home()
            elif line.lower() == "submit" or line.lower().startswith("submit "):
                console.submit(line[6:])
            elif line.lower() == "cancel":
                console.cancel()
            elif line.startswith("/"):
                console.handle(line)
            else:
                out.write(HELP + "\n\n")
    return 0
