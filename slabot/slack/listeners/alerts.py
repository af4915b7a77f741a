"""The alert message's buttons (Acknowledge, Open incident, Silence 1h / 4h) and the Open incident modal.
Each acks first, then works; what it changes reaches Slack through the outbox."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from commands.incident import open_and_announce
from slabot.alerting import actions as alert_actions
from slabot.config.runtime import Runtime
from slabot.core.errors import UserError
from slabot.core.mentions import user_mention
from slabot.core.timefmt import format_when
from slabot.notify.notifier import Notifier
from slabot.render.ids import ActionId, CallbackId
from slabot.slack.clicks import clicked_id
from slabot.slack.errors import guarded
from slabot.slack.modals.open_incident import OpenIncidentModal

log = logging.getLogger(__name__)


def _tell(respond: Respond, text: str) -> None:
    respond(text=text, response_type="ephemeral", replace_original=False)


def register(app: App, runtime: Runtime, notifier: Notifier) -> None:
    zone = runtime.settings.timezone

    @app.action(ActionId.ALERT_ACKNOWLEDGE)
    @guarded
    def acknowledge(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        with runtime.db.session() as session:
            change = alert_actions.acknowledge(
                session, clicked_id(body, "an alert"), body["user"]["id"], runtime.now(), zone
            )
        notifier.deliver_rows([change.edit_key] if change.edit_key else [])

    def silence_listener(hours: int) -> Callable[..., None]:
        def silence(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
            ack()
            now = runtime.now()
            alert_id = clicked_id(body, "an alert")
            with runtime.db.session() as session:
                change = alert_actions.silence(session, alert_id, hours, body["user"]["id"], now, zone)
            notifier.deliver_rows([change.edit_key] if change.edit_key else [])
            rules = change.alert.rules.replace(",", ", ")
            until = format_when(now + timedelta(hours=hours), zone)
            _tell(respond, f":mute: No pings for {change.snapshot['objective']} ({rules}) until {until}.")

        return silence

    app.action(ActionId.ALERT_SILENCE_1H)(guarded(silence_listener(1)))
    app.action(ActionId.ALERT_SILENCE_4H)(guarded(silence_listener(4)))

    @app.action(ActionId.ALERT_OPEN_INCIDENT)
    @guarded
    def open_incident(ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        ack()
        alert_id = clicked_id(body, "an alert")
        with runtime.db.session() as session:
            draft, _ = alert_actions.incident_draft(session, alert_id, runtime.now())
        client.views_open(trigger_id=body["trigger_id"], view=OpenIncidentModal(draft, alert_id).view())

    @app.view(CallbackId.OPEN_INCIDENT)
    def submit_incident(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        alert_id, new, errors = OpenIncidentModal.read(body["view"])
        if new is None:
            ack(response_action="errors", errors=errors)
            return
        ack()
        user = body["user"]["id"]
        try:
            change, problem = open_and_announce(runtime, notifier, new, user, None)
            with runtime.db.session() as session:
                linked = alert_actions.link_incident(session, alert_id, change.incident.id, runtime.now(), zone)
            notifier.deliver_rows([linked.edit_key] if linked.edit_key else [])
            if problem:
                client.chat_postMessage(
                    channel=user, text=f":warning: Incident #{change.incident.id} is recorded. {problem}"
                )
        except UserError as error:
            client.chat_postMessage(channel=user, text=f":warning: {error.message}")
        except Exception:
            log.exception("opening an incident from alert %s failed", alert_id)
            client.chat_postMessage(
                channel=user, text=f":warning: {user_mention(user)}, the incident could not be opened; please retry."
            )
