"""The settings forms (Alert policy, a severity's targets, Business calendar, Weekly digest): the Edit policy button
of /sla policy replies opening the first filled in, and each submission checked and stored by the command's own
functions; errors beside their inputs, nothing stored until all is valid, the command's reply told. Each form is
in the language of the person it is opened for (kept in its private_metadata)."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from commands.context import CommandContext
from commands.digest import add_digest
from commands.itsm import add_calendar, change_targets
from commands.policy import change_policy, policy_form
from slabot.config.runtime import Runtime
from slabot.core.i18n import t
from slabot.notify.notifier import Notifier
from slabot.render.ids import ActionId, CallbackId
from slabot.slack.clicks import clicked
from slabot.slack.errors import guarded
from slabot.slack.listeners.forms import finish, open_form
from slabot.slack.modals.calendar_form import CalendarModal
from slabot.slack.modals.digest_form import DigestModal
from slabot.slack.modals.form_inputs import FormOrigin
from slabot.slack.modals.policy_form import PolicyModal
from slabot.slack.modals.severity_form import SeverityModal

log = logging.getLogger(__name__)


def register(app: App, runtime: Runtime, notifier: Notifier) -> None:
    def context(body: dict[str, Any], origin: FormOrigin) -> CommandContext:
        return CommandContext(runtime, notifier, body["user"]["id"], origin.channel)

    @app.action(ActionId.POLICY_EDIT)
    @guarded
    def edit_policy(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        """The Alert policy form, filled in, over the reply the button is in; its confirmation goes there."""
        ack()
        channel = str((body.get("channel") or {}).get("id") or "")
        ctx = context(body, FormOrigin(channel))
        origin = FormOrigin(channel, str(body.get("response_url") or ""), locale=ctx.locale)
        form = policy_form(ctx, str(clicked(body).get("value") or ""))
        try:
            open_form(client, str(body.get("trigger_id") or ""), form, origin, runtime)
        except SlackApiError as error:  # an expired trigger: say what to type instead
            log.warning("the Alert policy form did not open (%s)", error.response.get("error"))
            respond(replace_original=False, **form.for_respond())

    @app.view(CallbackId.POLICY_FORM)
    def submit_policy(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        view = body["view"]
        origin, change, errors = PolicyModal.read(view)
        if change is None:
            ack(response_action="errors", errors=errors)
            return
        ctx = context(body, origin)
        blocks = PolicyModal.of(view).blocks()
        finish(ack, client, body, origin, blocks, t("Alert policy"), lambda: change_policy(ctx, change))

    @app.view(CallbackId.SEVERITY_FORM)
    def submit_targets(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        origin, submission, errors = SeverityModal.read(body["view"])
        if submission is None:
            ack(response_action="errors", errors=errors)
            return
        ctx = context(body, origin)
        blocks = SeverityModal(origin).blocks()
        finish(ack, client, body, origin, blocks, t("Severity targets"),
               lambda: change_targets(ctx, submission.severity, submission.changes))  # fmt: skip

    @app.view(CallbackId.CALENDAR_FORM)
    def submit_calendar(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        origin, new, errors = CalendarModal.read(body["view"])
        if new is None:
            ack(response_action="errors", errors=errors)
            return
        ctx = context(body, origin)
        blocks = CalendarModal(origin).blocks()
        finish(ack, client, body, origin, blocks, t("Business calendar"), lambda: add_calendar(ctx, new))

    @app.view(CallbackId.DIGEST_FORM)
    def submit_digest(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        view = body["view"]
        origin, new, errors = DigestModal.read(view, runtime.settings.timezone)
        if new is None:
            ack(response_action="errors", errors=errors)
            return
        ctx = context(body, origin)
        blocks = DigestModal.of(view).blocks()
        finish(ack, client, body, origin, blocks, t("Weekly digest"), lambda: add_digest(ctx, new))
