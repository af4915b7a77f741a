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
from commands.digest import NewDigest, add_digest
from commands.itsm import add_calendar, change_targets
from commands.policy import change_policy, policy_form
from slabot.config.runtime import Runtime
from slabot.core.i18n import t
from slabot.notify.notifier import Notifier
from slabot.render.ids import ActionId, CallbackId
from slabot.render.reply import Reply
from slabot.slack.clicks import clicked
from slabot.slack.errors import guarded
from slabot.slack.listeners.forms import open_form, submit_listener
from slabot.slack.modals.calendar_form import CalendarModal
from slabot.slack.modals.digest_form import DigestModal
from slabot.slack.modals.form_inputs import FormOrigin
from slabot.slack.modals.policy_form import PolicyModal
from slabot.slack.modals.severity_form import SeverityModal, TargetsSubmission

log = logging.getLogger(__name__)


def register(app: App, runtime: Runtime, notifier: Notifier) -> None:
    @app.action(ActionId.POLICY_EDIT)
    @guarded
    def edit_policy(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        """The Alert policy form, filled in, over the reply the button is in; its confirmation goes there."""
        ack()
        channel = str((body.get("channel") or {}).get("id") or "")
        ctx = CommandContext(runtime, notifier, body["user"]["id"], channel)
        origin = FormOrigin(channel, str(body.get("response_url") or ""), locale=ctx.locale)
        form = policy_form(ctx, str(clicked(body).get("value") or ""))
        try:
            open_form(client, str(body.get("trigger_id") or ""), form, origin, runtime)
        except SlackApiError as error:  # an expired trigger: say what to type instead
            log.warning("the Alert policy form did not open (%s)", error.response.get("error"))
            respond(replace_original=False, **form.for_respond())

    def read_digest(view: dict[str, Any]) -> tuple[FormOrigin, NewDigest | None, dict[str, str]]:
        return DigestModal.read(view, runtime.settings.timezone)

    def change_severity(ctx: CommandContext, submission: TargetsSubmission) -> Reply:
        return change_targets(ctx, submission.severity, submission.changes)

    app.view(CallbackId.POLICY_FORM)(
        submit_listener(runtime, notifier, PolicyModal.read, t("Alert policy"), change_policy)
    )
    app.view(CallbackId.SEVERITY_FORM)(
        submit_listener(runtime, notifier, SeverityModal.read, t("Severity targets"), change_severity)
    )
    app.view(CallbackId.CALENDAR_FORM)(
        submit_listener(runtime, notifier, CalendarModal.read, t("Business calendar"), add_calendar)
    )
    app.view(CallbackId.DIGEST_FORM)(submit_listener(runtime, notifier, read_digest, t("Weekly digest"), add_digest))
