"""Bolt listeners of the App Home tab: app_home_opened publishes the person's Home (views.publish); its
buttons act as the slash commands do (the same functions: /incident ack and resolve, /sla actions done,
/sla budget) and publish the Home again with what the click did on top. Nothing escapes to Slack: a problem
is shown on the Home (or in the modal) of the person who clicked, and logged when it is slabot's."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from commands.args import parse_objective_ref
from commands.context import CommandContext
from commands.incident import acknowledge_incident, resolve_incident
from commands.rca import close_action_item
from commands.status import objective_budget
from slabot.config.runtime import Runtime
from slabot.core.errors import UserError
from slabot.home.dashboard import Scope, gather
from slabot.notify.notifier import Notifier
from slabot.render import home as render
from slabot.render.ids import ActionId
from slabot.render.locale import DEFAULT_LOCALE
from slabot.render.reply import Reply
from slabot.slack.clicks import clicked, clicked_id
from slabot.slack.errors import guarded, reply_for
from slabot.slack.listeners.forms import home_form, open_form
from slabot.slack.listeners.incidents import declare_view
from slabot.slack.modals.form_inputs import FormOrigin

Work = Callable[[CommandContext, dict[str, Any]], Reply]
HOME_TOOLS = (
    ActionId.HOME_DECLARE_INCIDENT,
    ActionId.HOME_NEW_SERVICE,
    ActionId.HOME_NEW_OBJECTIVE,
    ActionId.HOME_MAINTENANCE,
)


def shown_scope(body: dict[str, Any]) -> Scope | None:
    """The scope the Home the person clicked in (or opened) remembers in its private_metadata."""
    view = body.get("view") or (body.get("event") or {}).get("view") or {}
    return Scope.read(view.get("private_metadata") if isinstance(view, dict) else None)


def answer_tool(client: WebClient, body: dict[str, Any], action: ActionId, ctx: CommandContext) -> None:
    """New service, New objective, Maintenance window: their forms, as the commands open them (for admins,
    and a service to pick); Declare incident: the form the global shortcut opens."""
    trigger = body["trigger_id"]
    if action == ActionId.HOME_DECLARE_INCIDENT:
        client.views_open(trigger_id=trigger, view=declare_view(ctx.runtime))
        return
    try:
        form = home_form(ctx, action)
    except UserError as error:
        refused = render.tool_refused(action, reply_for(error, "a Home button"), locale=DEFAULT_LOCALE)
        client.views_open(trigger_id=trigger, view=refused)
        return
    open_form(client, trigger, form, FormOrigin(), ctx.runtime)


def register(app: App, runtime: Runtime, notifier: Notifier) -> None:
    zone = runtime.settings.timezone

    def publish(client: WebClient, user: str, scope: Scope | None, notices: Sequence[Reply] = ()) -> None:
        """The person's Home read in one snapshot and published; if it cannot be read, the problem instead."""
        try:
            with runtime.db.snapshot() as session:
                dashboard = gather(session, user, scope, runtime.now(), zone)
        except Exception as error:
            dashboard, notices = None, [*notices, reply_for(error, f"the App Home of {user}")]
        client.views_publish(user_id=user, view=render.home_view(dashboard, zone, notices, locale=DEFAULT_LOCALE))

    @app.event("app_home_opened")
    @guarded
    def home_opened(body: dict[str, Any], event: dict[str, Any], client: WebClient) -> None:
        if event.get("tab") == "home" and event.get("user"):
            publish(client, str(event["user"]), shown_scope(body))

    def acting(work: Work) -> Callable[..., None]:
        """A Home button that changes something: ack, the change (as its command makes it), the Home again."""

        def listener(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
            ack()
            user = body["user"]["id"]
            ctx = CommandContext(runtime, notifier, user, channel_id="")  # the Home is in no channel
            try:
                notice = work(ctx, body)
            except Exception as error:
                notice = reply_for(error, f"{clicked(body).get('action_id')} on the App Home")
            publish(client, user, shown_scope(body), [notice])

        return guarded(listener)

    app.action(ActionId.HOME_ACKNOWLEDGE)(
        acting(lambda ctx, body: acknowledge_incident(ctx, clicked_id(body, "an incident")))
    )
    app.action(ActionId.HOME_RESOLVE)(acting(lambda ctx, body: resolve_incident(ctx, clicked_id(body, "an incident"))))
    app.action(ActionId.HOME_ACTION_DONE)(
        acting(lambda ctx, body: close_action_item(ctx, clicked_id(body, "an action item")))
    )

    @app.action(ActionId.HOME_SCOPE)
    @guarded
    def switch_scope(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        publish(client, body["user"]["id"], Scope.read(str(clicked(body).get("value") or "")))

    @app.action(ActionId.HOME_BUDGET)
    @guarded
    def budget(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        ctx = CommandContext(runtime, notifier, body["user"]["id"], channel_id="")
        try:
            reply = objective_budget(ctx, *parse_objective_ref(str(clicked(body).get("value") or "")))
        except Exception as error:
            reply = reply_for(error, "the Budget button on the App Home")
        client.views_open(trigger_id=body["trigger_id"], view=render.budget_modal(reply))

    def tool_listener(action: ActionId) -> Callable[..., None]:
        def tool(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
            ack()
            answer_tool(client, body, action, CommandContext(runtime, notifier, body["user"]["id"], channel_id=""))

        return guarded(tool)

    for action in HOME_TOOLS:
        app.action(action)(tool_listener(action))
