"""Bolt listeners of the App Home tab: app_home_opened publishes the person's Home (views.publish); its
buttons act as the slash commands do (the same functions: /incident ack, /sla actions done, /sla budget;
Resolve through the Resolve incident form) and publish the Home again with what the click (or the form) did on
top. Nothing escapes to Slack: a problem
is shown on the Home (or in the modal) of the person who clicked, and logged when it is slabot's. The Home, its
forms and modals and what its buttons say back are in the language of the person who opened or pressed them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from commands.args import parse_objective_ref
from commands.context import CommandContext
from commands.incident import acknowledge_incident
from commands.rca import close_action_item
from commands.status import objective_budget
from slabot.config.runtime import Runtime
from slabot.core.errors import UserError
from slabot.home.dashboard import Scope, gather
from slabot.home.groups import GroupBook
from slabot.notify.notifier import Notifier
from slabot.render import home as render
from slabot.render.ids import ActionId, CallbackId
from slabot.render.locale import Locale
from slabot.render.reply import Reply
from slabot.slack.clicks import clicked, clicked_id
from slabot.slack.errors import guarded, language_of, reply_for
from slabot.slack.listeners.forms import home_form, open_form
from slabot.slack.listeners.incidents import declare_view, open_resolve_form, submit_resolve
from slabot.slack.modals.form_inputs import FormOrigin
from slabot.slack.modals.resolve_form import ResolveOrigin

Work = Callable[[CommandContext, dict[str, Any]], Reply]
GROUPS_TIMEOUT = 2  # seconds the Home waits for Slack's list of user groups (then it counts none, for a while)
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


def workspace_groups(client: WebClient) -> dict[str, list[str]]:
    """Every enabled user group and the people in it (usergroups.list with include_users: one call), asked
    without retries and with a short timeout so an unwell Slack does not hold up the Home; raises when Slack
    refuses (missing_scope: the app was installed without usergroups:read)."""
    quick = WebClient(token=client.token, base_url=client.base_url, timeout=GROUPS_TIMEOUT, retry_handlers=[])
    answer = quick.usergroups_list(include_users=True)
    groups = answer.get("usergroups") or []
    return {str(g["id"]): [str(u) for u in g.get("users") or []] for g in groups if isinstance(g, dict) and g.get("id")}


def answer_tool(client: WebClient, body: dict[str, Any], action: ActionId, ctx: CommandContext) -> None:
    """New service, New objective, Maintenance window: their forms, as the commands open them (for admins,
    and a service to pick); Declare incident: the form the global shortcut opens; each in the presser's
    language."""
    trigger, locale = body["trigger_id"], ctx.locale_or_default()
    if action == ActionId.HOME_DECLARE_INCIDENT:
        client.views_open(trigger_id=trigger, view=declare_view(ctx.runtime, locale=locale))
        return
    try:
        form = home_form(ctx, action)
    except UserError as error:
        refused = render.tool_refused(action, reply_for(error, "a Home button", locale), locale=locale)
        client.views_open(trigger_id=trigger, view=refused)
        return
    open_form(client, trigger, form, FormOrigin(locale=locale), ctx.runtime)


def register(app: App, runtime: Runtime, notifier: Notifier) -> None:
    zone = runtime.settings.timezone
    book = GroupBook(runtime.clock)  # the user groups people are in, asked of Slack every few minutes

    def language(user: str) -> Locale:
        """The person's language, looked up before any snapshot opens (the first lookup of the day writes);
        SLABOT_LANGUAGE when the database is out of reach (the Home then says so, in it)."""
        return language_of(notifier.readers, user)

    def publish(
        client: WebClient,
        user: str,
        scope: Scope | None,
        notices: Sequence[Reply] = (),
        locale: Locale | None = None,
    ) -> None:
        """The person's Home read in one snapshot and published in their language (`locale` when the caller
        knows it already); if it cannot be read, the problem instead."""
        shown = locale or language(user)
        groups = book.groups_of(user, lambda: workspace_groups(client))
        try:
            with runtime.db.snapshot() as session:
                dashboard = gather(session, user, scope, runtime.now(), zone, groups)
        except Exception as error:
            dashboard, notices = None, [*notices, reply_for(error, f"the App Home of {user}", shown)]
        client.views_publish(user_id=user, view=render.home_view(dashboard, zone, notices, locale=shown))

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
            locale = ctx.locale_or_default()
            try:
                notice = work(ctx, body)
            except Exception as error:
                notice = reply_for(error, f"{clicked(body).get('action_id')} on the App Home", locale)
            publish(client, user, shown_scope(body), [notice], locale)

        return guarded(listener)

    app.action(ActionId.HOME_ACKNOWLEDGE)(
        acting(lambda ctx, body: acknowledge_incident(ctx, clicked_id(body, "an incident")))
    )

    @app.action(ActionId.HOME_RESOLVE)
    @guarded
    def resolve(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        """The Resolve incident form for the incident, over the Home; the Home is published again once it is
        submitted (with what the submission did on top)."""
        ack()
        origin = ResolveOrigin(home=True, scope=str(shown_scope(body) or ""))
        open_resolve_form(client, runtime, body, origin, language(body["user"]["id"]))

    @app.view(CallbackId.HOME_RESOLVE_FORM)
    def resolved(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        reply = submit_resolve(runtime, notifier, ack, body, client)
        if reply is not None:  # the Home again, in the language the form was in (the person's)
            origin = ResolveOrigin.loads(body["view"].get("private_metadata"))
            publish(client, body["user"]["id"], Scope.read(origin.scope), [reply], origin.locale)

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
        locale = ctx.locale_or_default()
        try:
            reply = objective_budget(ctx, *parse_objective_ref(str(clicked(body).get("value") or "")))
        except Exception as error:
            reply = reply_for(error, "the Budget button on the App Home", locale)
        client.views_open(trigger_id=body["trigger_id"], view=render.budget_modal(reply, locale=locale))

    def tool_listener(action: ActionId) -> Callable[..., None]:
        def tool(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
            ack()
            answer_tool(client, body, action, CommandContext(runtime, notifier, body["user"]["id"], channel_id=""))

        return guarded(tool)

    for action in HOME_TOOLS:
        app.action(action)(tool_listener(action))
