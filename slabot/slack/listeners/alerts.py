"""Buttons and modals: the alert message's Acknowledge, Open incident and Silence buttons, and the Open
incident modal. Each listener acks first, then works; a problem is told to the clicker only."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from slabot.alerting import actions as alert_actions
from slabot.alerting.actions import AlertChange
from slabot.config.runtime import Runtime
from slabot.core.errors import UserError
from slabot.core.timefmt import format_when
from slabot.incidents.flow import open_and_announce
from slabot.notify.delivery import Deliverer
from slabot.render.ids import ActionId, CallbackId
from slabot.render.reply import user_mention
from slabot.slack.modals.open_incident import OpenIncidentModal

log = logging.getLogger(__name__)


def _alert_id(body: dict[str, Any]) -> int:
    value = str((body.get("actions") or [{}])[0].get("value") or "")
    if not value.isdigit():
        raise UserError("This button does not name an alert.")
    return int(value)


def _tell(respond: Respond, text: str) -> None:
    respond(text=text, response_type="ephemeral", replace_original=False)


def guarded(respond: Respond, work: Callable[[], str | None]) -> None:
    """Run a button's work; a UserError or a crash becomes a short note to the clicker, never a trace."""
    try:
        note = work()
    except UserError as error:
        note = f":warning: {error.message}"
    except Exception:
        ref = uuid.uuid4().hex[:8]
        log.exception("interaction failed (ref %s)", ref)
        note = f":warning: Something went wrong on slabot's side (ref {ref}); it has been logged."
    if note:
        _tell(respond, note)


def _deliver(runtime: Runtime, client: WebClient, change: AlertChange) -> None:
    if change.edit_key is not None:
        Deliverer(runtime.db, client, runtime.clock).deliver_due(only_keys=[change.edit_key])


def register(app: App, runtime: Runtime) -> None:
    zone = runtime.settings.timezone

    @app.action(ActionId.ALERT_ACKNOWLEDGE)
    def acknowledge(ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        ack()

        def work() -> str | None:
            with runtime.db.session() as session:
                change = alert_actions.acknowledge(session, _alert_id(body), body["user"]["id"], runtime.now(), zone)
            _deliver(runtime, client, change)
            return None

        guarded(respond, work)

    def silence_listener(hours: int) -> Callable[..., None]:
        def silence(ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient) -> None:
            ack()

            def work() -> str:
                now = runtime.now()
                with runtime.db.session() as session:
                    change = alert_actions.silence(session, _alert_id(body), hours, body["user"]["id"], now, zone)
                _deliver(runtime, client, change)
                rules = change.alert.rules.replace(",", ", ")
                until = format_when(now + timedelta(hours=hours), zone)
                return f":mute: No pings for {change.snapshot['objective']} ({rules}) until {until}."

            guarded(respond, work)

        return silence

    app.action(ActionId.ALERT_SILENCE_1H)(silence_listener(1))
    app.action(ActionId.ALERT_SILENCE_4H)(silence_listener(4))

    @app.action(ActionId.ALERT_OPEN_INCIDENT)
    def open_incident(ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        ack()

        def work() -> None:
            alert_id = _alert_id(body)
            with runtime.db.session() as session:
                draft, _ = alert_actions.incident_draft(session, alert_id, runtime.now())
            client.views_open(trigger_id=body["trigger_id"], view=OpenIncidentModal(draft, alert_id).view())

        guarded(respond, work)

    @app.view(CallbackId.OPEN_INCIDENT)
    def submit_incident(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        alert_id, new, errors = OpenIncidentModal.read(body["view"])
        if new is None:
            ack(response_action="errors", errors=errors)
            return
        ack()
        user = body["user"]["id"]
        try:
            incident, _, problem = open_and_announce(runtime, client, new, user, None)
            assert incident.id is not None
            with runtime.db.session() as session:
                change = alert_actions.link_incident(session, alert_id, incident.id, runtime.now(), zone)
            _deliver(runtime, client, change)
            if problem:
                client.chat_postMessage(channel=user, text=f":warning: Incident #{incident.id} is recorded. {problem}")
        except UserError as error:
            client.chat_postMessage(channel=user, text=f":warning: {error.message}")
        except Exception:
            log.exception("opening an incident from alert %s failed", alert_id)
            client.chat_postMessage(
                channel=user, text=f":warning: {user_mention(user)}, the incident could not be opened; please retry."
            )
