"""The slash commands /sla and /incident: ack at once, then run the command and reply through response_url."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, Respond

from commands import GROUPS
from commands.context import CommandContext
from commands.router import CommandGroup
from slabot.config.runtime import Runtime
from slabot.notify.notifier import Notifier
from slabot.slack.errors import guarded


def _listener(group: CommandGroup, runtime: Runtime, notifier: Notifier) -> Callable[..., None]:
    def listener(ack: Ack, command: dict[str, Any], respond: Respond) -> None:
        ack()  # within Slack's 3 seconds; the work and the reply follow through response_url
        ctx = CommandContext(runtime, notifier, command["user_id"], command["channel_id"])
        reply = group.dispatch(ctx, command.get("text") or "")
        respond(**reply.for_respond())

    return listener


def register(app: App, runtime: Runtime, notifier: Notifier) -> None:
    for group in GROUPS:
        app.command(group.prefix)(guarded(_listener(group, runtime, notifier)))
