"""`python bot.py console`: slabot with no Slack. Lines typed are slash commands from one user in one channel;
`> text` replies in the thread the bot last wrote in (a 5-Why's answers), `click <button>` clicks the button
with that label (in the open modal, else the newest on screen), `home` opens the Home tab, `shortcut <name>`
runs one of the app's shortcuts (a message shortcut on a message of the console's channel), `submit key=value …`
fills and submits the open modal and `cancel` closes it.

The console's person reads SLABOT_LANGUAGE: what the console itself prints (its banner, help, "[you clicked …]",
its errors) and slabot's replies to them (their Slack locale is set to it); `click` takes a button's label as it
reads in that language, `submit` keys are the form's field ids (the same in every language) or its labels.

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
from slabot.core.errors import said_by
from slabot.core.i18n import DEFAULT_LOCALE, Locale, Verbatim, tr
from slabot.devtools import console_requests as requests
from slabot.devtools.console_output import OUT_DIR, ConsoleOutput, Source
from slabot.devtools.console_requests import CONSOLE_CHANNEL, CONSOLE_USER
from slabot.devtools.console_shortcuts import TS, listing, parse_shortcut
from slabot.devtools.console_text import blocks_to_text, buttons_labelled, label_key, text_of
from slabot.devtools.console_views import fill, parse_assignments, submitted_state
from slabot.devtools.localslack import LocalSlack, SlackError
from slabot.runtime.digest_worker import DigestWorker
from slabot.runtime.wiring import connect
from slabot.slack.app import InlineExecutor
from storage.queries import languages as language_queries

__all__ = ["CONSOLE_CHANNEL", "CONSOLE_USER", "OUT_DIR", "Console", "blocks_to_text", "read_lines", "run_console"]
PROMPT = "slabot> "
SLACK_TAGS: dict[Locale, str] = {"en": "en-US", "zh": "zh-CN"}  # the console person's Slack locale, per language


def help_text(locale: Locale) -> str:
    """What the console says to a line it does not know."""
    return tr(
        locale,
        "Type a slash command like /sla help, `> text` to reply in a thread, `click <button>`, `home`, "
        "`shortcut <name>` ({shortcuts}), `submit key=value …` or `cancel` in a modal, or quit. "
        "The keys of `submit` are the form's field ids, shown in [brackets] beside each field and the same in "
        "every language (or the fields' labels).",
        shortcuts=listing(),
    )


def banner(locale: Locale) -> str:
    """The console's first words."""
    return tr(
        locale,
        "slabot console: type slash commands like /sla help or /incident help; `> text` replies in the bot's "
        "latest thread, `click <label>` clicks a button, `home` shows your Home tab, `shortcut <name>` runs a "
        "shortcut ({shortcuts}), `submit key=value …` fills and submits the open form (its keys are the field ids "
        "in [brackets], the same in every language) and `cancel` closes it; quit to leave.",
        shortcuts=listing(),
    )


HELP = help_text(DEFAULT_LOCALE)


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
        self.locale = runtime.settings.language
        self._speak_as(runtime)
        self.output = ConsoleOutput(out, slack, locale=self.locale)
        self.output.seen = len(slack.calls)  # start-up's auth.test is not news
        self.out = out
        self.digests = DigestWorker.for_runtime(runtime, wired.notifier)
        self.at_home = False  # the Home tab is what the user looked at last

    def _speak_as(self, runtime: Runtime) -> None:
        """The console's person has SLABOT_LANGUAGE as their Slack locale, asked of the local Slack and remembered
        now (a locale remembered by an earlier run in another language must not answer for it)."""
        tag = SLACK_TAGS[self.locale]
        self.slack.locales[CONSOLE_USER] = tag
        try:
            with runtime.db.session() as session:
                language_queries.remember_slack_locale(session, CONSOLE_USER, tag, runtime.now())
        except Exception:  # the database out of reach: the first command says so
            pass

    def say(self, text: str) -> None:
        """A line of the console's own (in its person's language, tr(self.locale, …)) and a blank line after it."""
        self.out.write(text + "\n\n")

    def _read(self, error: ValueError) -> str:
        """What a refused line's ValueError says, in the console person's language."""
        said = said_by(error)
        return said if isinstance(said, str) else said.render(self.locale)

    def handle(self, line: str) -> None:
        """A slash command, typed in the console's channel."""
        command, _, text = line.strip().partition(" ")
        self.at_home = False
        url = self.slack.new_response_url()
        self.output.sources[url] = Source(CONSOLE_CHANNEL)
        status = self._dispatch(requests.slash_command(self.slack, command, text.strip(), url), form=True).status
        if status == 404:
            self.out.write(
                tr(self.locale, "slabot has no {command} command. Try /sla help or /incident help.", command=command)
                + "\n\n"
            )

    def reply(self, text: str) -> None:
        """`> text`: a reply in the thread the bot last posted in, as a message event."""
        post = next((c for c in reversed(self.slack.calls_to("chat.postMessage")) if c.args.get("thread_ts")), None)
        if post is None:
            self.say(
                tr(self.locale, "No thread to reply in yet: the bot has not written in one (try /sla why <incident>).")
            )
            return
        channel, thread_ts = str(post.args["channel"]), str(post.args["thread_ts"])
        ts = self.slack.add_message(channel, text, user=CONSOLE_USER, thread_ts=thread_ts)
        where = tr(self.locale, "[#{channel} · thread of {thread} · you]", channel=channel, thread=thread_ts)
        self.out.write(f"{where}\n{text}\n\n")
        self._dispatch(requests.thread_reply(self.slack, channel, text, ts, thread_ts), form=False)

    def home(self) -> None:
        """`home`: open the Home tab; the app publishes it on app_home_opened, and it is printed."""
        self.at_home = True
        before = self.slack.home_of(CONSOLE_USER)
        self._dispatch(requests.home_opened(self.slack, before), form=False)
        after = self.slack.home_of(CONSOLE_USER)
        if after is None:
            self.say(tr(self.locale, "slabot has no Home tab to show."))
        elif before is not None and after["hash"] == before["hash"]:  # not published again: shown as it was
            self.output.home(after)

    def click(self, label: str) -> None:
        """`click <label>`: the button with that label in the open modal, else the newest on screen (the
        Home first when it was looked at last)."""
        wanted = label_key(label)
        modal = self._modal()
        if modal is not None and self._click_in_view(modal, wanted):
            return
        home = self.slack.home_of(CONSOLE_USER)
        if self.at_home and home is not None and self._click_in_view(home, wanted):
            return
        for shown in self.output.on_screen():
            for block_id, button in buttons_labelled(shown.message.get("blocks") or [], wanted):
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
        self.say(tr(self.locale, "No button labelled {label!r} in the recent messages.", label=" ".join(label.split())))

    def shortcut(self, text: str) -> None:
        """`shortcut <name> [text or ts]`: one of the app's shortcuts, as from the ⚡ menu or a message's ⋮ menu;
        the modal it opens is printed, to fill in with `submit`."""
        try:
            found, rest = parse_shortcut(text)
        except ValueError as error:
            self.out.write(f"{self._read(error)}\n\n")
            return
        self.at_home = False
        if not found.on_message:
            self.say(tr(self.locale, "[you ran the shortcut {name}]", name=found.name))
            self._dispatch(requests.global_shortcut(self.slack, found.callback_id), form=True)
            return
        message = self._message_for_shortcut(rest, found.usage)
        if message is None:
            return
        ts, channel = message["ts"], message["channel"]
        self.say(
            tr(
                self.locale,
                "[you ran the shortcut {name} on message {ts} in #{channel}]",
                name=found.name,
                ts=ts,
                channel=channel,
            )
        )
        url = self.slack.new_response_url()
        self.output.sources[url] = Source(str(message["channel"]), str(message["ts"]))
        self._dispatch(requests.message_shortcut(self.slack, found.callback_id, message, response_url=url), form=True)

    def _message_for_shortcut(self, rest: str, usage: str) -> dict[str, Any] | None:
        """The message with ts `rest` (in any channel); else `rest` said first by the console's user in its channel;
        with nothing given, the newest message there."""
        if TS.fullmatch(rest):
            found = next((m for m in self.slack.messages() if m["ts"] == rest), None)
            if found is None:
                self.say(
                    tr(
                        self.locale,
                        "No message has the ts {ts}. Give the message's text instead: {usage}",
                        ts=rest,
                        usage=usage,
                    )
                )
            return found
        if rest:
            ts = self.slack.add_message(CONSOLE_CHANNEL, rest, user=CONSOLE_USER)
            said = tr(self.locale, "[#{channel} · you · ts {ts}]", channel=CONSOLE_CHANNEL, ts=ts)
            self.out.write(f"{said}\n{rest}\n\n")
        here = [m for m in self.slack.messages(CONSOLE_CHANNEL) if m.get("thread_ts") in (None, m["ts"])]
        if not here:
            self.say(
                tr(
                    self.locale,
                    "No message in #{channel} yet to run it on. Give the message's text: {usage}",
                    channel=CONSOLE_CHANNEL,
                    usage=usage,
                )
            )
            return None
        return here[-1]

    def _click_in_view(self, view: dict[str, Any], label: str) -> bool:
        for block_id, button in buttons_labelled(view.get("blocks") or [], label):
            self._clicked(button)
            self._dispatch(requests.view_click(self.slack, view, block_id, button), form=True)
            return True
        if view.get("type") == "modal" and label == label_key(text_of(view.get("submit"))) and view.get("submit"):
            self.submit("")
            return True
        closing = {label_key(text_of(view.get("close"))), "close", label_key(tr(self.locale, "Close"))} - {""}
        if view.get("type") == "modal" and label in closing:
            self.cancel()
            return True
        return False

    def _clicked(self, button: dict[str, Any]) -> None:
        self.say(tr(self.locale, "[you clicked {label}]", label=text_of(button.get("text"))))

    def _modal(self) -> dict[str, Any] | None:
        stack = self.slack.open_views(CONSOLE_USER)
        return stack[-1] if stack else None

    def submit(self, assignments: str) -> None:
        """`submit key=value …`: type the values into the open modal and submit it."""
        modal = self._modal()
        if modal is None:
            self.say(tr(self.locale, "No form is open: a button or command opens one."))
            return
        try:
            typed = fill(modal, parse_assignments(assignments))
            modal = self.slack.views.type_into(modal["id"], typed)
        except ValueError as error:
            self.out.write(f"⚠️ {self._read(error)}\n\n")
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
            self.say(tr(self.locale, "(Slack refused the form's answer: {problem})", problem=Verbatim(str(error))))
            return
        action = answer.get("response_action") if isinstance(answer, dict) else None
        now = self._modal()
        if errors:
            self.output.modal(self.slack.view(modal["id"]), "not submitted", errors)
        elif action in ("update", "push") and now is not None:
            self.output.modal(now, "updated" if action == "update" else "opened")
        elif response.status == 200:
            self.say(tr(self.locale, "[{title} submitted and closed]", title=text_of(modal.get("title"))))
        self.output.flush()

    def cancel(self) -> None:
        """`cancel`: close the open modal, telling the app when it asked (notify_on_close)."""
        modal = self._modal()
        if modal is None:
            self.say(tr(self.locale, "No form is open."))
            return
        cleared = bool(modal.get("clear_on_close"))
        self.slack.views.close(modal["id"], all_views=cleared)
        self.say(tr(self.locale, "[{title} closed]", title=text_of(modal.get("title"))))
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
            self.say(tr(self.locale, "(Slack would have shown an error: HTTP {status})", status=response.status))
        return response


def read_lines(lines: TextIO | BinaryIO, out: TextIO, locale: Locale = DEFAULT_LOCALE) -> Iterator[str]:
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
            out.write(
                tr(locale, "line {number} was not UTF-8: the unreadable bytes became \ufffd", number=number) + "\n"
            )
            yield data.decode("utf-8", errors="replace")


def run_console(runtime: Runtime, lines: TextIO | BinaryIO, out: TextIO, *, interactive: bool) -> int:
    with LocalSlack() as slack:
        console = Console(runtime, slack, out)  # its person reads SLABOT_LANGUAGE, in Slack too
        locale = console.locale
        out.write(banner(locale) + "\n\n")
        reading = read_lines(lines, out, locale)
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
            word, rest = [*line.split(None, 1), ""][:2]  # any space parts the word from the rest (a full-width one)
            word = word.lower()
            if line.startswith(">"):
                console.reply(line[1:].strip())
            elif word == "click" and rest:
                console.click(rest)
            elif word == "home" and not rest:
                console.home()
            elif word == "shortcut":
                console.shortcut(rest)
            elif word == "submit":
                console.submit(rest)
            elif word == "cancel" and not rest:
                console.cancel()
            elif line.startswith("/"):
                console.handle(line)
            else:
                out.write(help_text(locale) + "\n\n")
    return 0
