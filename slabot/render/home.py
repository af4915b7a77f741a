"""The App Home tab as Block Kit: the summary, the objectives most at risk with a Budget button, open
incidents with their SLA timers and Acknowledge / Resolve, the person's action items with Done, running
5-Whys and the buttons that start things; within Slack's 100 blocks a view, the rest counted "and N more"."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement, SectionBlock
from slack_sdk.models.views import View

from slabot.core.i18n import Message, t, tn, tr
from slabot.core.mentions import user_mention
from slabot.core.timefmt import format_when
from slabot.home.dashboard import Dashboard, Listed, OpenIncident, RunningWhy, Scope
from slabot.render.ids import ActionId, BlockId, CallbackId
from slabot.render.incidents import incident_line
from slabot.render.itsm import timer_line
from slabot.render.locale import DEFAULT_LOCALE, Locale
from slabot.render.rca import action_line
from slabot.render.reply import Reply, clip, context, divider, escape, header, section
from slabot.render.status import budget_button, state_counts, status_line
from slabot.slo.status import ObjectiveStatus
from storage.models.incidents import IncidentStatus
from storage.models.rca import RcaStage

MAX_VIEW_BLOCKS = 100
MAX_MODAL_TITLE = 24
MAX_NOTICE_BLOCKS = 4
# The buttons that start something, and the command each stands for.
TOOLS: dict[ActionId, tuple[Message, str]] = {
    ActionId.HOME_DECLARE_INCIDENT: (
        t("Declare incident"),
        "/incident open <service> <sev1|sev2|sev3|sev4> <title…> [started=30m] [impact=100]",
    ),
    ActionId.HOME_NEW_SERVICE: (
        t("New service"),
        "/sla service add <name> [channel=#channel] [oncall=@user|@group] [owner=…] [tier=1..4]",
    ),
    ActionId.HOME_NEW_OBJECTIVE: (t("New objective"), "/sla define <service> <name> target=99.9 [window=30d]"),
    ActionId.HOME_MAINTENANCE: (
        t("Maintenance window"),
        '/sla maintenance add <service>[/<name>] start=<time> end=<time> [reason="…"]',
    ),
}
More = Callable[[int], str]  # the reader's "…and n more objectives: /sla status"


def _button(text: str, action: ActionId, value: str | None = None, style: str | None = None) -> ButtonElement:
    return ButtonElement(text=text, action_id=action, value=value, style=style)


def _summary(dashboard: Dashboard, zone: ZoneInfo, locale: Locale) -> str:
    parts = state_counts(dashboard.counts, locale, zeros=True)
    when = format_when(dashboard.now, zone, locale=locale)
    if dashboard.scope == Scope.MINE:
        return tr(locale, "*Objectives* (your services): {counts} · as of {when}", counts=parts, when=when)
    return tr(locale, "*Objectives* (all services): {counts} · as of {when}", counts=parts, when=when)


def _tools(dashboard: Dashboard | None, locale: Locale) -> ActionsBlock:
    buttons = []
    if dashboard is not None and (dashboard.has_mine or dashboard.scope == Scope.MINE):
        to = Scope.ALL if dashboard.scope == Scope.MINE else Scope.MINE
        label = tr(locale, "Show all services") if to == Scope.ALL else tr(locale, "Show my services")
        buttons.append(_button(label, ActionId.HOME_SCOPE, to.value))
    buttons += [_button(label.render(locale), action) for action, (label, _) in TOOLS.items()]
    return ActionsBlock(block_id=BlockId.HOME_TOOLS, elements=buttons)


def _more(listed: Listed[Any], more: More) -> list[Block]:
    return [context(more(listed.more))] if listed.more > 0 else []


def _objective(status: ObjectiveStatus, zone: ZoneInfo, locale: Locale) -> SectionBlock:
    return section(status_line(status, zone, locale), accessory=budget_button(status, locale, ActionId.HOME_BUDGET))


def _incident(item: OpenIncident, zone: ZoneInfo, dashboard: Dashboard, locale: Locale) -> list[Block]:
    incident, now = item.incident, dashboard.now
    timers = "\n".join(timer_line(state, now, locale) for state in item.timers)
    buttons = []
    if incident.status == IncidentStatus.OPEN:
        buttons.append(_button(tr(locale, "Acknowledge"), ActionId.HOME_ACKNOWLEDGE, str(incident.id), "primary"))
    buttons.append(_button(tr(locale, "Resolve"), ActionId.HOME_RESOLVE, str(incident.id)))
    return [
        section(f"{incident_line(incident, item.service, now, zone, locale)}\n{timers}"),
        ActionsBlock(block_id=f"{BlockId.HOME_INCIDENT}:{incident.id}", elements=buttons),
    ]


def _stage(stage: RcaStage, locale: Locale) -> str:
    """Where a running 5-Why is: still asking why, or choosing the category and action items."""
    if stage == RcaStage.WRAP_UP:
        return tr(locale, "choosing the category and action items")
    return tr(locale, "asking why")


def _why(why: RunningWhy, zone: ZoneInfo, locale: Locale) -> SectionBlock:
    incident = why.incident
    return section(
        tr(
            locale,
            ":thinking_face: *#{id} {title}* · {service} · {stage}\n"
            "started by {who} {when} · answers go in the incident's thread",
            id=incident.id,
            title=escape(incident.title),
            service=why.service.name,
            stage=_stage(why.rca.stage, locale),
            who=user_mention(why.rca.started_by),
            when=format_when(why.rca.started_at, zone, locale=locale),
        )
    )


def _action_rows(dashboard: Dashboard, zone: ZoneInfo, locale: Locale) -> list[Block]:
    today = dashboard.now.astimezone(zone).date()
    rows: list[Block] = []
    for action, incident, service in dashboard.actions.shown:
        where = tr(locale, "incident #{id} · {service}", id=incident.id, service=service.name)
        row = section(f"{action_line(action, today, locale=locale)}\n{where}")
        row.accessory = _button(tr(locale, "Done"), ActionId.HOME_ACTION_DONE, str(action.id))
        rows.append(row)
    return rows


def _sections(dashboard: Dashboard, zone: ZoneInfo, locale: Locale) -> list[Block]:
    blocks: list[Block] = []
    if dashboard.objectives.total:
        blocks += [section(tr(locale, "*Objectives most at risk*"))]
        blocks += [_objective(status, zone, locale) for status in dashboard.objectives.shown]
        blocks += _more(
            dashboard.objectives,
            lambda n: tn(locale, "…and {n} more objective: /sla status", "…and {n} more objectives: /sla status", n),
        )
    if dashboard.incidents.total:
        total = dashboard.incidents.total
        blocks += [divider(), section(tr(locale, "*Open incidents* ({total})", total=total))]
        for item in dashboard.incidents.shown:
            blocks += _incident(item, zone, dashboard, locale)
        blocks += _more(
            dashboard.incidents,
            lambda n: tn(
                locale, "…and {n} more incident: /incident list", "…and {n} more incidents: /incident list", n
            ),
        )
    if dashboard.actions.total:
        total = dashboard.actions.total
        blocks += [divider(), section(tr(locale, "*Your open action items* ({total})", total=total))]
        blocks += _action_rows(dashboard, zone, locale)
        blocks += _more(
            dashboard.actions,
            lambda n: tn(
                locale,
                "…and {n} more action item: /sla actions open",
                "…and {n} more action items: /sla actions open",
                n,
            ),
        )
    if dashboard.whys.total:
        total = dashboard.whys.total
        blocks += [divider(), section(tr(locale, "*Running 5-Whys* ({total})", total=total))]
        blocks += [_why(why, zone, locale) for why in dashboard.whys.shown]
        blocks += _more(
            dashboard.whys,
            lambda n: tn(
                locale,
                "…and {n} more running 5-Why: /incident show <id>",
                "…and {n} more running 5-Whys: /incident show <id>",
                n,
            ),
        )
    return blocks


def _welcome(locale: Locale) -> str:
    return tr(
        locale,
        "*Welcome to slabot.* Nothing to show here yet. Add a service with *New service*, give it an objective "
        "with *New objective* (99.9% over 30 days is 43m 12s of error budget), and this Home shows where it "
        "stands, open incidents and what is left to do. Type `/sla help` for everything else.",
    )


def home_blocks(
    dashboard: Dashboard | None, zone: ZoneInfo, notices: Sequence[Reply] = (), *, locale: Locale
) -> list[Block]:
    """The Home's blocks in the reader's language: `notices` (what the person's last click did) first; with no
    dashboard (it could not be read) only the notices and the buttons."""
    blocks: list[Block] = [block for notice in notices for block in notice.blocks][:MAX_NOTICE_BLOCKS]
    if blocks:
        blocks.append(divider())
    blocks.append(header(tr(locale, "Service levels")))
    if dashboard is None:
        return [*blocks, _tools(None, locale)]
    if dashboard.empty and dashboard.scope == Scope.ALL:
        return [*blocks, section(_welcome(locale)), _tools(dashboard, locale)]
    blocks += [context(_summary(dashboard, zone, locale)), _tools(dashboard, locale), divider()]
    rest = _sections(dashboard, zone, locale)
    if not rest:
        nothing = tr(locale, "Nothing in your services: no objectives, no open incidents, nothing to do. :tada:")
        rest = [section(nothing)]
    room = MAX_VIEW_BLOCKS - len(blocks)
    if len(rest) > room:  # the caps keep well inside; this is the last guard
        rest = [*rest[: room - 1], context(tr(locale, "…and more: /sla status, /incident list, /sla actions"))]
    return [*blocks, *rest]


def home_view(dashboard: Dashboard | None, zone: ZoneInfo, notices: Sequence[Reply] = (), *, locale: Locale) -> View:
    """The Home tab for views.publish; its private_metadata remembers the scope shown."""
    scope = dashboard.scope.value if dashboard is not None else ""
    return View(type="home", blocks=home_blocks(dashboard, zone, notices, locale=locale), private_metadata=scope)


def _modal(callback: CallbackId, title: str, blocks: Sequence[Block | dict[str, object]], locale: Locale) -> View:
    return View(
        type="modal",
        callback_id=callback,
        title=clip(title, MAX_MODAL_TITLE),
        close=tr(locale, "Close"),
        blocks=list(blocks)[:MAX_VIEW_BLOCKS],
    )


def budget_modal(reply: Reply, *, locale: Locale = DEFAULT_LOCALE) -> View:
    """/sla budget's reply, opened over the Home by its Budget button, titled in the reader's language."""
    return _modal(CallbackId.HOME_BUDGET, tr(locale, "Error budget"), reply.block_dicts(), locale)


def tool_refused(action: ActionId, reply: Reply, *, locale: Locale) -> View:
    """Why a Home button's form could not open (not an admin, no service yet), over the Home."""
    label, _ = TOOLS[action]
    return _modal(CallbackId.HOME_HINT, label.render(locale), reply.block_dicts(), locale)
