"""The alert message's buttons (Acknowledge, Open incident, Silence 1h / 4h) and the Open incident modal.
Each acks first, then changes the alert and queues its message's edit in the same transaction, then delivers it;
what the presser is told, errors included, only they see, in their language."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from sqlmodel import Session

from commands.incident import open_and_announce
from slabot.alerting import actions as alert_actions
from slabot.config.runtime import Runtime
from slabot.notify.notifier import Notifier
from slabot.render import alerts as render
from slabot.render.ids import ActionId, CallbackId
from slabot.render.incidents import recorded_with_problem
from slabot.slack.clicks import clicked_id
from slabot.slack.errors import guarded, language_of, reply_for
from slabot.slack.modals.open_incident import OpenIncidentModal

log = logging.getLogger(__name__)

Change = Callable[[Session], alert_actions.AlertChange]


def _tell(respond: Respond, text: str) -> None:
    respond(text=text, response_type="ephemeral", replace_original=False)


def register(app: App, runtime: Runtime, notifier: Notifier) -> None:
    zone = runtime.settings.timezone

    def change(work: Change, now: datetime) -> alert_actions.AlertChange:
        """One unit of work: the alert changed and its message's edit queued together, delivered after."""
        with runtime.db.session() as session:
            changed = work(session)
            queued = notifier.queue(session, changed.events, now)
        notifier.deliver(queued)
        return changed

    @app.action(ActionId.ALERT_ACKNOWLEDGE)
    @guarded
    def acknowledge(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        alert_id, user, now = clicked_id(body, "an alert"), body["user"]["id"], runtime.now()
        change(lambda session: alert_actions.acknowledge(session, alert_id, user, now), now)

    def silence_listener(hours: int) -> Callable[..., None]:
        def silence(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
            ack()
            alert_id, user, now = clicked_id(body, "an alert"), body["user"]["id"], runtime.now()
            locale = language_of(notifier.readers, user)
            changed = change(lambda session: alert_actions.silence(session, alert_id, hours, user, now), now)
            until = now + timedelta(hours=hours)
            rules = changed.alert.rules
            _tell(respond, render.silenced_reply(changed.objective, changed.service, rules, until, zone, locale=locale))

        return silence

    app.action(ActionId.ALERT_SILENCE_1H)(guarded(silence_listener(1)))
    app.action(ActionId.ALERT_SILENCE_4H)(guarded(silence_listener(4)))

    @app.action(ActionId.ALERT_OPEN_INCIDENT)
    @guarded
    def open_incident(ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        ack()
        locale = language_of(notifier.readers, body["user"]["id"])
        alert_id = clicked_id(body, "an alert")
        with runtime.db.session() as session:
            draft = alert_actions.incident_draft(session, alert_id)
            new = draft.incident(render.incident_title(draft, locale=locale))
        view = OpenIncidentModal(new, alert_id, locale=locale).view()
        client.views_open(trigger_id=body["trigger_id"], view=view)

    @app.view(CallbackId.OPEN_INCIDENT)
    def submit_incident(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        origin, new, errors = OpenIncidentModal.read(body["view"], runtime.now(), zone)
        alert_id = origin.alert_id
        if new is None:
            ack(response_action="errors", errors=errors)
            return
        ack()
        user = body["user"]["id"]
        locale = language_of(notifier.readers, user)
        try:
            opened, problem = open_and_announce(runtime, notifier, new, user, None, locale)
            incident_id, now = opened.incident.id, runtime.now()
            change(lambda session: alert_actions.link_incident(session, alert_id, incident_id, now), now)
            if problem:  # the form has closed: a DM is the reply to the person who filed it
                told = recorded_with_problem(incident_id, problem, locale)
                client.chat_postMessage(channel=user, **told.for_message())
        except Exception as error:
            told = reply_for(error, f"incident from alert {alert_id}", locale)
            client.chat_postMessage(channel=user, **told.for_message())
