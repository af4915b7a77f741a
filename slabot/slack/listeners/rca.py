"""Bolt listeners of the 5-Why: replies in threads (message events), the Start 5-Why button on the resolve
message and the fishbone category buttons. Each makes its change and queues what the thread is told in one
transaction, then delivers it; a problem is told to the clicker only (in their language: the thread speaks
its channel's), and a thread reply that fails is logged, never answered with a trace. A thread reply is
recorded before Slack is acknowledged, so one that arrives while the database is out of reach is answered
503 and comes again (Slack retries it)."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond

from slabot.config.runtime import Runtime
from slabot.notify.notifier import Notifier, Queued
from slabot.rca import runs, thread
from slabot.rca.thread import ThreadMessage
from slabot.render.ids import ActionId
from slabot.slack.clicks import clicked, clicked_id
from slabot.slack.errors import RECORDED, guarded, recorded_before_ack
from storage.models.rca import FishboneCategory, RcaTrigger

_CATEGORY_ACTION = re.compile(rf"^{ActionId.RCA_CATEGORY}:({'|'.join(c.value for c in FishboneCategory)})$")


def register(app: App, runtime: Runtime, notifier: Notifier) -> None:
    zone = runtime.settings.timezone

    def record_reply(body: dict[str, Any], context: BoltContext) -> Queued | None:
        """In the request thread, before the ack: the reply recorded (with its event_id) and what the thread is
        told queued, in one transaction; a database out of reach leaves the event unacknowledged."""
        message = ThreadMessage.from_event(body.get("event") or {}, body.get("event_id"), context.bot_user_id)
        if message is None:
            return None
        now = runtime.now()
        with runtime.db.session() as session:
            said = thread.handle(session, message, now.astimezone(zone).date(), now)
            return notifier.queue(session, said, now)

    @app.event("message", middleware=[recorded_before_ack(record_reply)])
    @guarded
    def thread_reply(context: BoltContext) -> None:
        queued = context.get(RECORDED)
        if isinstance(queued, Queued):
            notifier.deliver(queued)

    @app.action(ActionId.RCA_START)
    @guarded
    def start(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        incident_id = clicked_id(body, "an incident")
        now = runtime.now()
        with runtime.db.session() as session:
            _, said = runs.start(session, incident_id, body["user"]["id"], RcaTrigger.BUTTON, now)
            queued = notifier.queue(session, said, now)
        notifier.deliver(queued)

    @app.action(_CATEGORY_ACTION)
    @guarded
    def pick_category(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        match = _CATEGORY_ACTION.match(str(clicked(body).get("action_id") or ""))
        assert match is not None
        rca_id = clicked_id(body, "a 5-Why")
        now = runtime.now()
        with runtime.db.session() as session:
            said = runs.choose_category(session, rca_id, FishboneCategory(match.group(1)), now)
            queued = notifier.queue(session, said, now)
        notifier.deliver(queued)
