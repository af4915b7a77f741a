"""Bolt listeners of the incident announcement's Acknowledge and Resolve buttons (its Start 5-Why is the 5-Why's
own button), and of declaring an incident without a command: the global shortcut, the message shortcut (the
title from the message, the incident linked to it) and the App Home's button open the Declare incident modal,
whose submission opens the incident as /incident open does. Each button acts as its command (the same
functions and rules; the announcement is edited through the outbox by the change); what the presser is told,
errors included, only they see."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.models.views import View

from commands.context import CommandContext
from commands.incident import acknowledge_incident, announced, declarable_services, record_incident, resolve_incident
from slabot.config.runtime import Runtime
from slabot.core.errors import UserError
from slabot.notify.notifier import Notifier
from slabot.render import incidents as render
from slabot.render.ids import ActionId, BlockId, CallbackId
from slabot.render.locale import DEFAULT_LOCALE
from slabot.slack.clicks import clicked_id
from slabot.slack.errors import guarded, reply_for
from slabot.slack.modals.form_inputs import notice_view
from slabot.slack.modals.open_incident import OpenIncidentModal, prefilled_title

log = logging.getLogger(__name__)
TITLE = "Declare incident"
FIELDS = {"started": BlockId.INCIDENT_STARTED, "title": BlockId.INCIDENT_TITLE}  # a UserError's field → its input


def declare_view(runtime: Runtime, title: str = "", source: tuple[str, str] | None = None) -> View:
    """The Declare incident modal (a notice when there is no service to declare it on)."""
    try:
        services = declarable_services(runtime)
    except UserError as error:
        return notice_view(TITLE, reply_for(error, "the Declare incident form"))
    return OpenIncidentModal(services=services, title=title, source=source).view()


def register(app: App, runtime: Runtime, notifier: Notifier) -> None:
    zone = runtime.settings.timezone

    def button(work: Any) -> Any:
        def listener(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
            ack()
            channel = str((body.get("channel") or {}).get("id") or "")
            ctx = CommandContext(runtime, notifier, body["user"]["id"], channel)
            reply = work(ctx, clicked_id(body, "an incident"))
            respond(replace_original=False, **reply.for_respond())

        return guarded(listener)

    app.action(ActionId.INCIDENT_ACKNOWLEDGE)(button(acknowledge_incident))
    app.action(ActionId.INCIDENT_RESOLVE)(button(resolve_incident))

    @app.shortcut(CallbackId.SHORTCUT_DECLARE_INCIDENT)
    @guarded
    def declare(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        client.views_open(trigger_id=body["trigger_id"], view=declare_view(runtime))

    @app.shortcut(CallbackId.SHORTCUT_INCIDENT_FROM_MESSAGE)
    @guarded
    def from_message(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        message = body.get("message") or {}
        channel = str((body.get("channel") or {}).get("id") or "")
        ts = str(message.get("ts") or body.get("message_ts") or "")
        source = (channel, ts) if channel and ts else None
        title = prefilled_title(str(message.get("text") or ""))
        client.views_open(trigger_id=body["trigger_id"], view=declare_view(runtime, title, source))

    @app.view(CallbackId.DECLARE_INCIDENT)
    def submit(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        """Recorded before the ack, so a refusal (the service gone, a start in the future) is shown beside its
        field and nothing is stored; delivered after it. The form then says what was opened."""
        origin, new, errors = OpenIncidentModal.read(body["view"], runtime.now(), zone)
        if new is None:
            ack(response_action="errors", errors=errors)
            return
        user = body["user"]["id"]
        try:
            change, queued = record_incident(runtime, notifier, new, user, origin.source_channel or None)
        except UserError as error:
            field = FIELDS.get(error.field or "", BlockId.INCIDENT_SERVICE)  # an unknown service: beside it
            ack(response_action="errors", errors={field: error.message[:300]})
            return
        except Exception as error:
            ack(response_action="errors", errors={BlockId.INCIDENT_SERVICE: reply_for(error, TITLE).text[:300]})
            return
        incident = change.incident
        opened = render.confirmation(incident, change.service, "Opened", locale=DEFAULT_LOCALE)
        ack(response_action="update", view=notice_view(TITLE, opened))
        try:
            problem = announced(notifier, change, queued)
            if problem:  # the form has closed: a DM is the reply to the person who declared it
                client.chat_postMessage(
                    channel=user, **render.recorded_with_problem(incident.id, problem).for_message()
                )
        except Exception as error:
            client.chat_postMessage(channel=user, **reply_for(error, f"incident #{incident.id}").for_message())
