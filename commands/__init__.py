"""Slash commands: parse the text, call the domain, render blocks. `register(app, runtime)` wires them into Bolt."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from commands.context import CommandContext
from commands.incident import INCIDENT
from commands.router import CommandGroup
from commands.sla import SLA
from slabot.config.runtime import Runtime
from slabot.core.errors import UserError
from slabot.render.reply import Reply, error_reply

log = logging.getLogger(__name__)
GROUPS: tuple[CommandGroup, ...] = (SLA, INCIDENT)


def run_command(group: CommandGroup, ctx: CommandContext, text: str) -> Reply:
    """Run one command; a UserError becomes a short reply, anything else a logged reference, never a trace."""
    try:
        return group.dispatch(ctx, text)
    except UserError as error:
        return error_reply(error.message, error.usage)
    except Exception:
        ref = uuid.uuid4().hex[:8]
        log.exception("%s %r failed (ref %s)", group.prefix, text, ref)
        return error_reply(f"Something went wrong on slabot's side (ref {ref}); it has been logged. Please try again.")


def _listener(group: CommandGroup, runtime: Runtime) -> Callable[..., None]:
    def listener(ack: Ack, command: dict[str, Any], respond: Respond, client: WebClient) -> None:
        ack()  # within Slack's 3 seconds; the work and the reply follow through response_url
        ctx = CommandContext(runtime, command["user_id"], command["channel_id"], client)
        reply = run_command(group, ctx, command.get("text") or "")
        respond(**reply.for_respond())

    return listener


def register(app: App, runtime: Runtime) -> None:
    for group in GROUPS:
        app.command(group.prefix)(_listener(group, runtime))
