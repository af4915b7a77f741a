"""Bolt listeners of the incident announcement's Acknowledge and Resolve buttons (its Start 5-Why is the 5-Why's
own button), of the Resolve incident form, and of declaring an incident without a command: the global shortcut,
the message shortcut (the title from the message, the incident linked to it) and the App Home's button open the
Declare incident modal, whose submission opens the incident as /incident open does. Acknowledge acts as its
command; Resolve (here and on the App Home) and /incident resolve typed alone open the Resolve incident form,
whose submission resolves as /incident resolve <id> resolved=… does (the same functions and rules; the
announcement is edited through the outbox by the change). What the presser is told, errors included, only they
see."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.models.views import View

from commands.context import CommandContext
from commands.incident import acknowledge_incident, announced, declarable_services, record_incident, resolve_incident
from slabot.config.runtime import Runtime
from slabot.core.errors import NotFound, UserError
from slabot.core.i18n import parse_locale
from slabot.notify.notifier import Notifier
from slabot.render import incidents as render
from slabot.render.ids import ActionId, BlockId, CallbackId, FormField
from slabot.render.locale import DEFAULT_LOCALE, Locale
from slabot.render.reply import Reply
from slabot.slack.clicks import clicked_id
from slabot.slack.errors import guarded, reply_for
from slabot.slack.listeners.forms import finish, refused
from slabot.slack.modals.form_inputs import notice_view
from slabot.slack.modals.open_incident import IncidentOrigin, OpenIncidentModal, declare_title, prefilled_title
from slabot.slack.modals.resolve_form import ResolveModal, ResolveOrigin, resolve_view
from slabot.slack.modals.resolve_form import title as resolve_title

log = logging.getLogger(__name__)
FIELDS = {"started": BlockId.INCIDENT_STARTED, "title": BlockId.INCIDENT_TITLE}  # a UserError's field → its input


def declare_view(
    runtime: Runtime, title: str = "", source: tuple[str, str] | None = None, locale: Locale = DEFAULT_LOCALE
) -> View:
    """The Declare incident modal in the language of the person it is opened for (a notice when there is no
    service to declare it on)."""
    try:
        services = declarable_services(runtime)
    except UserError as error:
        return notice_view(declare_title(locale), reply_for(error, "the Declare incident form", locale), locale)
    return OpenIncidentModal(services=services, title=title, source=source, locale=locale).view()


def open_resolve_form(
    client: WebClient, runtime: Runtime, body: dict[str, Any], origin: ResolveOrigin, locale: Locale | None = None
) -> None:
    """A Resolve button: the Resolve incident form for the incident it names, in `locale` (else the origin's),
    opened with the click's trigger at once (one read of the incident comes before it; a notice instead when
    there is nothing to resolve)."""
    origin = replace(origin, locale=locale or origin.locale)
    try:
        view = resolve_view(runtime, replace(origin, incident=clicked_id(body, "an incident")))
    except UserError as error:
        view = notice_view(resolve_title(origin.locale), reply_for(error, "a Resolve button", origin.locale),
                           origin.locale)  # fmt: skip
    client.views_open(trigger_id=body["trigger_id"], view=view)


def submit_resolve(
    runtime: Runtime, notifier: Notifier, ack: Ack, body: dict[str, Any], client: WebClient
) -> Reply | None:
    """A Resolve incident form submitted: read with the parsers of /incident resolve and resolved by its function
    before the ack, so a refusal is shown beside its field and nothing is stored (an incident resolved already,
    by a double submit or by someone else, is resolved once: the person is told by whom and when). Then the form
    closes and the person is told as the command would; from the App Home the reply is returned, for the Home."""
    view = body["view"]
    origin, resolution, errors = ResolveModal.read(view, runtime.now(), runtime.settings.timezone)
    if resolution is None:
        ack(response_action="errors", errors=errors)
        return None
    ctx = CommandContext(runtime, notifier, body["user"]["id"], origin.channel)
    locale = origin.locale  # the person's, as the form was opened for them

    def work() -> Reply:
        try:
            return resolve_incident(ctx, resolution.incident_id, resolution.resolved_at)
        except NotFound as error:  # told beside its field, in the form's language
            raise UserError(error.text(locale), field=FormField.INCIDENT) from None
        except UserError as error:  # the rules of the time: not in the future, not before the incident started
            raise UserError(error.text(locale), field=error.field or FormField.RESOLVED) from None

    if not origin.home:
        finish(ack, client, body, origin.told, resolve_title(locale), work)
        return None
    try:
        reply = work()
    except Exception as error:
        refused(ack, error, view, "the Resolve incident form", locale)
        return None
    ack()
    return reply


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

    @app.action(ActionId.INCIDENT_RESOLVE)
    @guarded
    def resolve(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        channel = str((body.get("channel") or {}).get("id") or "")  # told there, only to the presser
        locale = notifier.readers.of_person(body["user"]["id"])  # a read of the database once it is remembered
        open_resolve_form(client, runtime, body, ResolveOrigin(channel=channel), locale)

    @app.view(CallbackId.RESOLVE_FORM)
    def resolve_submitted(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        submit_resolve(runtime, notifier, ack, body, client)

    @app.shortcut(CallbackId.SHORTCUT_DECLARE_INCIDENT)
    @guarded
    def declare(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        locale = notifier.readers.of_person(body["user"]["id"])
        client.views_open(trigger_id=body["trigger_id"], view=declare_view(runtime, locale=locale))

    @app.shortcut(CallbackId.SHORTCUT_INCIDENT_FROM_MESSAGE)
    @guarded
    def from_message(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        message = body.get("message") or {}
        channel = str((body.get("channel") or {}).get("id") or "")
        ts = str(message.get("ts") or body.get("message_ts") or "")
        source = (channel, ts) if channel and ts else None
        title = prefilled_title(str(message.get("text") or ""))
        locale = notifier.readers.of_person(body["user"]["id"])
        client.views_open(trigger_id=body["trigger_id"], view=declare_view(runtime, title, source, locale))

    @app.view(CallbackId.DECLARE_INCIDENT)
    def submit(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        """Recorded before the ack, so a refusal (the service gone, a start in the future) is shown beside its
        field and nothing is stored; delivered after it. The form then says what was opened."""
        origin, new, errors = OpenIncidentModal.read(body["view"], runtime.now(), zone)
        if new is None:
            ack(response_action="errors", errors=errors)
            return
        user, locale = body["user"]["id"], _locale(origin)
        title = declare_title(locale)
        try:
            change, queued = record_incident(runtime, notifier, new, user, origin.source_channel or None)
        except UserError as error:
            field = FIELDS.get(error.field or "", BlockId.INCIDENT_SERVICE)  # an unknown service: beside it
            ack(response_action="errors", errors={field: error.text(locale)[:300]})
            return
        except Exception as error:
            told = reply_for(error, "the Declare incident form", locale).text[:300]
            ack(response_action="errors", errors={BlockId.INCIDENT_SERVICE: told})
            return
        incident = change.incident
        opened = render.confirmation(incident, change.service, "Opened", locale=locale)
        ack(response_action="update", view=notice_view(title, opened, locale))
        try:
            problem = announced(notifier, change, queued, locale)
            if problem:  # the form has closed: a DM is the reply to the person who declared it
                reply = render.recorded_with_problem(incident.id, problem, locale)
                client.chat_postMessage(channel=user, **reply.for_message())
        except Exception as error:
            failed = reply_for(error, f"incident #{incident.id}", locale)
            client.chat_postMessage(channel=user, **failed.for_message())


def _locale(origin: IncidentOrigin) -> Locale:
    """The language the Declare incident form was opened in (its person's)."""
    return parse_locale(origin.locale) or DEFAULT_LOCALE
