"""Bolt listener of the Budget button on /sla status replies: what /sla budget service/objective replies, seen
only by the person who clicked (through the click's response_url, the status message left as it is), in their
language, errors included."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond

from commands.args import parse_objective_ref
from commands.context import CommandContext
from commands.status import objective_budget
from slabot.config.runtime import Runtime
from slabot.notify.notifier import Notifier
from slabot.render.ids import ActionId
from slabot.slack.clicks import clicked
from slabot.slack.errors import guarded


def register(app: App, runtime: Runtime, notifier: Notifier) -> None:
    @app.action(ActionId.STATUS_BUDGET)
    @guarded
    def budget(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        channel = str((body.get("channel") or {}).get("id") or "")
        ctx = CommandContext(runtime, notifier, body["user"]["id"], channel)
        reply = objective_budget(ctx, *parse_objective_ref(str(clicked(body).get("value") or "")))
        respond(replace_original=False, **reply.for_respond())
