"""The slash commands /sla and /incident: ack at once, then run the command (once per invocation: a replayed
signed request runs nothing) and reply through response_url, or open the form a command typed with no options
answers with (views.open with the command's trigger, right away), in the person's language."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from commands import GROUPS
from commands.context import CommandContext
from commands.forms import OpenForm
from commands.router import CommandGroup
from slabot.config.runtime import Runtime
from slabot.notify.notifier import Notifier
from slabot.render.reply import Reply
from slabot.slack.errors import guarded, reply_for
from slabot.slack.listeners.forms import open_form
from slabot.slack.modals.form_inputs import FormOrigin
from storage.queries.slack_requests import first_run_of_command

log = logging.getLogger(__name__)


def first_run(runtime: Runtime, command: dict[str, Any]) -> bool:
    """Record the invocation (committed before it runs); False when it was recorded before: a replay of the
    same signed request, which Slack's signature check accepts for five minutes."""
    trigger_id = command.get("trigger_id")
    if not trigger_id:  # every invocation from Slack has one; without it there is nothing to tell a replay by
        return True
    with runtime.db.session() as session:
        return first_run_of_command(session, str(trigger_id), str(command.get("response_url") or ""), runtime.now())


def command_listener(group: CommandGroup, runtime: Runtime, notifier: Notifier) -> Callable[..., None]:
    def listener(ack: Ack, command: dict[str, Any], respond: Respond, client: WebClient) -> None:
        ack()  # within Slack's 3 seconds; the work and the reply follow through response_url
        if not first_run(runtime, command):
            log.warning("%s replayed (trigger_id %s): ran it once already", group.prefix, command.get("trigger_id"))
            return
        shown: list[bool] = []  # a progress message is on screen: later ones and the reply replace it

        def progress(reply: Reply) -> None:
            respond(**reply.for_respond(), replace_original=bool(shown))
            shown.append(True)

        ctx = CommandContext(runtime, notifier, command["user_id"], command["channel_id"], progress)
        text = command.get("text") or ""
        try:
            reply = group.dispatch(ctx, text)
        except Exception as error:  # told in the person's language (their choice may be what failed to load)
            reply = reply_for(error, f"{group.prefix} {text!r}", ctx.locale_or_default())
        if isinstance(reply, OpenForm):
            url = str(command.get("response_url") or "")
            origin = FormOrigin(command["channel_id"], url, locale=ctx.locale_or_default())
            try:
                open_form(client, str(command.get("trigger_id") or ""), reply, origin, runtime)
                return
            except SlackApiError as error:  # an expired trigger: say what to type instead
                log.warning("%s: the form did not open (%s)", group.prefix, error.response.get("error"))
        respond(**reply.for_respond(), replace_original=True if shown else None)

    return listener


def register(app: App, runtime: Runtime, notifier: Notifier) -> None:
    for group in GROUPS:
        app.command(group.prefix)(guarded(command_listener(group, runtime, notifier)))
