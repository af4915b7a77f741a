"""The definition forms (New and Edit service, New objective, Maintenance window): opened by the commands typed
with no options (and by the App Home's buttons, through open_form), the objective form laid out again when a
select changes which fields it needs, and each submission checked and stored by the command's own functions.
Nothing is stored until everything is valid; errors come back beside their inputs; the command's reply goes,
only to the person, where the command was typed (the form closes), or into the form when it has no channel.
Every form is in the language of the person it is opened for, kept in its private_metadata (FormOrigin.locale):
laid out again, refused and answered in it."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from typing import Any, TypeVar

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.views import View
from slack_sdk.webhook import WebhookClient

from commands.catalog import add_service, check_definition, define_checked, edit_service
from commands.context import CommandContext
from commands.forms import Form, OpenForm, picking_service_form, service_form
from commands.maintenance import add_window
from commands.objective_edit import edit_objective
from slabot.catalog.maintenance import NewMaintenance
from slabot.config.runtime import Runtime
from slabot.core.errors import UserError
from slabot.core.i18n import DEFAULT_LOCALE, Locale, Message, t, tr
from slabot.notify.notifier import Notifier
from slabot.render.ids import ActionId, CallbackId, FormField
from slabot.render.reply import Reply
from slabot.slack.errors import guarded, reply_for
from slabot.slack.modals.calendar_form import CalendarModal
from slabot.slack.modals.digest_form import DigestModal
from slabot.slack.modals.form_inputs import FormOrigin, beside, notice_view, submitted_inputs
from slabot.slack.modals.maintenance_form import MaintenanceModal
from slabot.slack.modals.objective_form import ALIASES, ObjectiveModal
from slabot.slack.modals.policy_form import PolicyModal
from slabot.slack.modals.resolve_form import ResolveOrigin, resolve_view
from slabot.slack.modals.service_form import ServiceModal
from slabot.slack.modals.severity_form import SeverityModal

log = logging.getLogger(__name__)
T = TypeVar("T")  # what a form's modal reads from its submission
NEW_OBJECTIVE = t("New objective")


def working(locale: Locale) -> str:
    return tr(
        locale, "Working… checking the queries against Prometheus; then the window is pulled and the objective defined."
    )


def form_view(form: OpenForm, origin: FormOrigin, runtime: Runtime) -> View:
    """The modal a command's OpenForm names, starting as it says, in the language of the person it opens for (the
    form's, else the origin's)."""
    origin = replace(origin, locale=form.locale or origin.locale)
    if form.form in (Form.NEW_SERVICE, Form.EDIT_SERVICE):
        return ServiceModal(origin, form.service).view()
    if form.form == Form.NEW_OBJECTIVE:
        return ObjectiveModal(origin, form.services, {FormField.SERVICE: form.chosen or ""}).view()
    if form.form == Form.EDIT_OBJECTIVE:
        return ObjectiveModal.for_edit(origin, form.initial).view()
    if form.form == Form.RESOLVE_INCIDENT:
        return resolve_view(runtime, ResolveOrigin(origin.channel, origin.response_url), origin.locale)
    if form.form == Form.ALERT_POLICY:
        return PolicyModal(origin, form.choices, form.initial).view()
    if form.form == Form.SEVERITY_TARGETS:
        return SeverityModal(origin, form.choices, form.initial).view()
    if form.form == Form.CALENDAR:
        return CalendarModal(origin, form.initial).view()
    if form.form == Form.DIGEST:
        return DigestModal(origin, form.services, form.initial).view()
    return MaintenanceModal(origin, form.services, runtime.now(), form.chosen).view()


def open_form(client: WebClient, trigger_id: str, form: OpenForm, origin: FormOrigin, runtime: Runtime) -> None:
    """views.open with the trigger of the command or click (it works once, within 3 seconds: nothing slow runs
    before this)."""
    client.views_open(trigger_id=trigger_id, view=form_view(form, origin, runtime))


def home_form(ctx: CommandContext, action: ActionId) -> OpenForm:
    """The form an App Home button opens (New service, New objective, Maintenance window), for admins."""
    if action == ActionId.HOME_NEW_SERVICE:
        return service_form(ctx, "/sla service add")
    form = Form.NEW_OBJECTIVE if action == ActionId.HOME_NEW_OBJECTIVE else Form.MAINTENANCE
    return picking_service_form(
        ctx, form, None, "/sla define" if form == Form.NEW_OBJECTIVE else "/sla maintenance add"
    )


def tell(client: WebClient, origin: FormOrigin, user: str, reply: Reply) -> bool:
    """The command's reply, seen only by `user`, where the command was typed: through its response_url, else as
    an ephemeral message in its channel. False when the form came from nowhere it can be told (the App Home)."""
    if origin.response_url:
        try:
            if WebhookClient(origin.response_url).send(**reply.for_respond()).status_code == 200:
                return True
        except Exception:
            log.warning("the response_url of the form's command did not take its reply", exc_info=True)
    if origin.channel:
        try:
            client.chat_postEphemeral(channel=origin.channel, user=user, **reply.for_message())
            return True
        except SlackApiError as error:
            log.warning("could not tell %s in %s: %s", user, origin.channel, error.response.get("error"))
    return False


def refused(ack: Ack, error: Exception, view: dict[str, Any], what: str, locale: Locale = DEFAULT_LOCALE) -> None:
    """A submission refused, in `locale`: a UserError beside its field, anything else (logged) beside the first
    one (of the inputs `view` was submitted with)."""
    blocks = submitted_inputs(view)
    if isinstance(error, UserError):
        ack(response_action="errors", errors=beside({error.field or "": error.text(locale)}, blocks, ALIASES))
    else:
        ack(response_action="errors", errors=beside({"": reply_for(error, what, locale).text}, blocks))


def finish(
    ack: Ack, client: WebClient, body: dict[str, Any], origin: FormOrigin, title: Message | str,
    work: Callable[[], Reply],
) -> None:  # fmt: skip
    """Store (the command's function, its rules and admin check included) before the ack, so a refusal is
    shown beside its field; then close the form and tell the person as the command would (in the form's
    language; `title` is the form's: a Message is logged in English, shown in the form's language)."""
    try:
        reply = work()
    except Exception as error:
        refused(ack, error, body["view"], f"the {title} form", origin.locale)
        return
    if origin.channel or origin.response_url:
        ack()
        tell(client, origin, body["user"]["id"], reply)
    else:
        shown = title if isinstance(title, str) else title.render(origin.locale)
        ack(response_action="update", view=notice_view(shown, reply, origin.locale))


def submit_listener(
    runtime: Runtime, notifier: Notifier, read: Callable[[dict[str, Any]], tuple[FormOrigin, T | None, dict[str, str]]],
    title: Message, store: Callable[[CommandContext, T], Reply],
) -> Callable[..., None]:  # fmt: skip
    """The listener of a form's submission: read by its modal (what it refuses, beside its inputs), then stored by
    the command's function `store` (through finish)."""

    def submitted(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        origin, value, errors = read(body["view"])
        if value is None:
            ack(response_action="errors", errors=errors)
            return
        ctx = CommandContext(runtime, notifier, body["user"]["id"], origin.channel)
        finish(ack, client, body, origin, title, lambda: store(ctx, value))

    return submitted


def not_ready(ack: Ack, view: dict[str, Any], errors: dict[str, str]) -> None:
    """An objective form that cannot be stored yet: its errors beside their inputs or, with none (a choice changed
    with no field for it shown yet), the form laid out for the choices made, what was typed kept."""
    if errors:
        ack(response_action="errors", errors=errors)
    else:
        ack(response_action="update", view=ObjectiveModal.of(view).view())


def register(app: App, runtime: Runtime, notifier: Notifier) -> None:
    def context(body: dict[str, Any], origin: FormOrigin, **kwargs: Any) -> CommandContext:
        return CommandContext(runtime, notifier, body["user"]["id"], origin.channel, **kwargs)

    @app.view(CallbackId.SERVICE_FORM)
    def submit_service(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        origin, submission, errors = ServiceModal.read(body["view"])
        if submission is None:
            ack(response_action="errors", errors=errors)
            return
        ctx = context(body, origin)
        store = edit_service if submission.editing else add_service
        title = t("Edit service") if submission.editing else t("New service")
        finish(ack, client, body, origin, title, lambda: store(ctx, submission.name, submission.fields))

    def read_maintenance(view: dict[str, Any]) -> tuple[FormOrigin, NewMaintenance | None, dict[str, str]]:
        return MaintenanceModal.read(view, runtime.now(), runtime.settings.timezone)

    maintenance = submit_listener(runtime, notifier, read_maintenance, t("Maintenance window"), add_window)
    app.view(CallbackId.MAINTENANCE_FORM)(maintenance)

    @app.view(CallbackId.OBJECTIVE_FORM)
    def submit_objective(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        view = body["view"]
        origin, definition, errors = ObjectiveModal.read(view)
        if errors or definition is None:
            not_ready(ack, view, errors)
            return
        ctx = context(body, origin)
        if not definition.pulled:
            finish(ack, client, body, origin, NEW_OBJECTIVE, lambda: define_checked(ctx, definition))
            return
        locale = origin.locale
        title = NEW_OBJECTIVE.render(locale)
        try:  # everything but the server's answer is checked while the form can still show errors
            check_definition(ctx, definition)
        except Exception as error:
            refused(ack, error, view, "the New objective form", locale)
            return
        ack(response_action="update", view=notice_view(title, working(locale), locale))  # within the 3 seconds
        view_id = str(view["id"])

        def show(shown: View) -> None:
            try:
                client.views_update(view_id=view_id, view=shown)
            except SlackApiError as error:
                log.warning("could not update the New objective form: %s", error.response.get("error"))

        slow = context(body, origin, progress=lambda reply: show(notice_view(title, reply, locale)))
        try:
            reply = define_checked(slow, definition)
        except UserError as error:  # Prometheus refused a query: the form again, as typed, the problem beside it
            field = ALIASES.get(error.field or "", error.field or FormField.TOTAL)
            show(ObjectiveModal.of(view, problem=(field, error.text(locale))).view())
            return
        except Exception as error:
            show(notice_view(title, reply_for(error, "the New objective form", locale), locale))
            return
        show(notice_view(title, reply, locale))
        tell(client, origin, body["user"]["id"], reply)

    @app.view(CallbackId.OBJECTIVE_EDIT_FORM)
    def submit_objective_edit(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        view = body["view"]
        origin, edit, errors = ObjectiveModal.read_edit(view)
        if errors or edit is None:
            not_ready(ack, view, errors)
            return
        ctx = context(body, origin)
        finish(ack, client, body, origin, t("Edit objective"), lambda: edit_objective(ctx, edit))

    def relayout(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        """A select that changes the objective form's fields: the form again, laid out for the choice (inputs
        keep their block_id and action_id, so what was typed stays)."""
        ack()
        view = body["view"]
        try:
            client.views_update(view_id=view["id"], hash=view.get("hash"), view=ObjectiveModal.of(view).view())
        except SlackApiError as error:  # hash_conflict: a newer layout is shown already
            log.info("the objective form was not laid out again: %s", error.response.get("error"))

    for action in (ActionId.FORM_SOURCE, ActionId.FORM_BUDGETING, ActionId.FORM_WINDOW, ActionId.FORM_KIND):
        app.action(action)(guarded(relayout))
