"""Bolt listeners of the 5-Why: replies in threads (message events), the Start 5-Why button on the resolve
message and the fishbone category buttons. Each does its work in one transaction, then delivers the replies
it queued; a problem is told to the clicker only, and a thread reply that fails is logged, never answered
with a trace."""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from slabot.config.runtime import Runtime
from slabot.core.errors import UserError
from slabot.rca import runs as service
from slabot.rca import thread
from slabot.rca.thread import ThreadMessage
from slabot.render.ids import ActionId
from slabot.slack.listeners.alerts import guarded
from storage.models.rca import FishboneCategory, RcaTrigger

log = logging.getLogger(__name__)
_CATEGORY_ACTION = re.compile(rf"^{ActionId.RCA_CATEGORY}:({'|'.join(c.value for c in FishboneCategory)})$")


def _number(body: dict[str, Any], what: str) -> int:
    value = str((body.get("actions") or [{}])[0].get("value") or "")
    if not value.isdigit():
        raise UserError(f"This button does not name {what}.")
    return int(value)


def register(app: App, runtime: Runtime) -> None:
    zone = runtime.settings.timezone

    @app.event("message")
    def thread_reply(event: dict[str, Any], body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        message = ThreadMessage.from_event(event, body.get("event_id"), context.bot_user_id)
        if message is None:
            return
        now = runtime.now()
        try:
            with runtime.db.session() as session:
                keys = thread.handle(session, message, now.astimezone(zone).date(), now)
        except Exception:
            log.exception("thread reply %s in %s could not be handled", message.ts, message.channel_id)
            return
        service.deliver(runtime, client, keys)

    @app.action(ActionId.RCA_START)
    def start(ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        ack()

        def work() -> None:
            incident_id = _number(body, "an incident")
            service.start_by_person(runtime, client, incident_id, body["user"]["id"], RcaTrigger.BUTTON)

        guarded(respond, work)

    @app.action(_CATEGORY_ACTION)
    def pick_category(ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        ack()

        def work() -> None:
            match = _CATEGORY_ACTION.match(body["actions"][0]["action_id"])
            assert match is not None
            rca_id = _number(body, "a 5-Why")
            with runtime.db.session() as session:
                keys = service.choose_category(session, rca_id, FishboneCategory(match.group(1)), runtime.now())
            service.deliver(runtime, client, keys)

        guarded(respond, work)
