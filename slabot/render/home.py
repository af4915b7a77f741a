"""The App Home tab as Block Kit: the summary, the objectives most at risk with a Budget button, open
incidents with their SLA timers and Acknowledge / Resolve, the person's action items with Done, running
5-Whys and the buttons that start things; within Slack's 100 blocks a view, the rest counted "and N more"."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement, SectionBlock
from slack_sdk.models.views import View

from slabot.core.mentions import user_mention
from slabot.core.timefmt import format_when
from slabot.home.dashboard import Dashboard, Listed, OpenIncident, RunningWhy, Scope
from slabot.render.ids import ActionId, BlockId, CallbackId
from slabot.render.incidents import incident_line
from slabot.render.itsm import timer_line
from slabot.render.locale import Locale
from slabot.render.rca import action_line
from slabot.render.reply import Reply, clip, context, divider, escape, header, section
from slabot.render.status import STATE_ORDER, objective_name, status_line
from slabot.slo.status import ObjectiveStatus
from storage.models.incidents import IncidentStatus

MAX_VIEW_BLOCKS = 100
MAX_MODAL_TITLE = 24
MAX_NOTICE_BLOCKS = 4
# The buttons that start something, and the command each stands for.
TOOLS = {
    ActionId.HOME_DECLARE_INCIDENT: (
        "Declare incident",
        "/incident open <service> <sev1|sev2|sev3|sev4> <title…> [started=30m] [impact=100]",
    ),
    ActionId.HOME_NEW_SERVICE: (
        "New service",
        "/sla service add <name> [channel=#channel] [oncall=@user|@group] [owner=…] [tier=1..4]",
    ),
    ActionId.HOME_NEW_OBJECTIVE: ("New objective", "/sla define <service> <name> target=99.9 [window=30d]"),
    ActionId.HOME_MAINTENANCE: (
        "Maintenance window",
        '/sla maintenance add <service>[/<name>] start=<time> end=<time> [reason="…"]',
    ),
}


def _button(text: str, action: ActionId, value: str | None = None, style: str | None = None) -> ButtonElement:
    return ButtonElement(text=text, action_id=action, value=value, style=style)


def _summary(dashboard: Dashboard, zone: ZoneInfo) -> str:
    counts = dashboard.counts
    parts = " · ".join(f"{counts.get(state, 0)} {state.value}" for state in STATE_ORDER)
    whose = "your services" if dashboard.scope == Scope.MINE else "all services"
    return f"*Objectives* ({whose}): {parts} · as of {format_when(dashboard.now, zone)}"


def _tools(dashboard: Dashboard | None) -> ActionsBlock:
    buttons = []
    if dashboard is not None and (dashboard.has_mine or dashboard.scope == Scope.MINE):
        to = Scope.ALL if dashboard.scope == Scope.MINE else Scope.MINE
        label = "Show all services" if to == Scope.ALL else "Show my services"
        buttons.append(_button(label, ActionId.HOME_SCOPE, to.value))
    buttons += [_button(label, action) for action, (label, _) in TOOLS.items()]
    return ActionsBlock(block_id=BlockId.HOME_TOOLS, elements=buttons)


def _more(listed: Listed[Any], noun: str, command: str) -> list[Block]:
    return [context(f"…and {listed.more} more {noun}: {command}")] if listed.more > 0 else []


def _objective(status: ObjectiveStatus, zone: ZoneInfo) -> SectionBlock:
    block = section(status_line(status, zone))
    block.accessory = _button("Budget", ActionId.HOME_BUDGET, objective_name(status))
    return block


def _incident(item: OpenIncident, zone: ZoneInfo, dashboard: Dashboard) -> list[Block]:
    incident, now = item.incident, dashboard.now
    timers = "\n".join(timer_line(state, now) for state in item.timers)
    buttons = []
    if incident.status == IncidentStatus.OPEN:
        buttons.append(_button("Acknowledge", ActionId.HOME_ACKNOWLEDGE, str(incident.id), "primary"))
    buttons.append(_button("Resolve", ActionId.HOME_RESOLVE, str(incident.id)))
    return [
        section(f"{incident_line(incident, item.service, now, zone)}\n{timers}"),
        ActionsBlock(block_id=f"{BlockId.HOME_INCIDENT}:{incident.id}", elements=buttons),
    ]


def _why(why: RunningWhy, zone: ZoneInfo) -> SectionBlock:
    incident = why.incident
    return section(
        f":thinking_face: *#{incident.id} {escape(incident.title)}* · {why.service.name} · {why.rca.stage.value}\n"
        f"started by {user_mention(why.rca.started_by)} {format_when(why.rca.started_at, zone)}"
        " · answers go in the incident's thread"
    )


def _sections(dashboard: Dashboard, zone: ZoneInfo) -> list[Block]:
    blocks: list[Block] = []
    if dashboard.objectives.total:
        blocks += [section("*Objectives most at risk*")]
        blocks += [_objective(status, zone) for status in dashboard.objectives.shown]
        blocks += _more(dashboard.objectives, "objectives", "/sla status")
    if dashboard.incidents.total:
        blocks += [divider(), section(f"*Open incidents* ({dashboard.incidents.total})")]
        for item in dashboard.incidents.shown:
            blocks += _incident(item, zone, dashboard)
        blocks += _more(dashboard.incidents, "incidents", "/incident list")
    if dashboard.actions.total:
        blocks += [divider(), section(f"*Your open action items* ({dashboard.actions.total})")]
        today = dashboard.now.astimezone(zone).date()
        for action, incident, service in dashboard.actions.shown:
            row = section(f"{action_line(action, today)}\nincident #{incident.id} · {service.name}")
            row.accessory = _button("Done", ActionId.HOME_ACTION_DONE, str(action.id))
            blocks.append(row)
        blocks += _more(dashboard.actions, "action items", "/sla actions open")
    if dashboard.whys.total:
        blocks += [divider(), section(f"*Running 5-Whys* ({dashboard.whys.total})")]
        blocks += [_why(why, zone) for why in dashboard.whys.shown]
        blocks += _more(dashboard.whys, "running 5-Whys", "/incident show <id>")
    return blocks


WELCOME = (
    "*Welcome to slabot.* Nothing to show here yet. Add a service with *New service*, give it an objective "
    "with *New objective* (99.9% over 30 days is 43m 12s of error budget), and this Home shows where it "
    "stands, open incidents and what is left to do. Type `/sla help` for everything else."
)
NOTHING_OF_YOURS = "Nothing here is yours yet: you own or are on call for no service. Showing all services."


def home_blocks(
    dashboard: Dashboard | None, zone: ZoneInfo, notices: Sequence[Reply] = (), *, locale: Locale
) -> list[Block]:
    """The Home's blocks: `notices` (what the person's last click did) first; with no dashboard (it could not
    be read) only the notices and the buttons."""
    blocks: list[Block] = [block for notice in notices for block in notice.blocks][:MAX_NOTICE_BLOCKS]
    if blocks:
        blocks.append(divider())
    blocks.append(header("Service levels"))
    if dashboard is None:
        return [*blocks, _tools(None)]
    if dashboard.empty and dashboard.scope == Scope.ALL:
        return [*blocks, section(WELCOME), _tools(dashboard)]
    blocks += [context(_summary(dashboard, zone)), _tools(dashboard), divider()]
    rest = _sections(dashboard, zone)
    if not rest:
        rest = [section("Nothing in your services: no objectives, no open incidents, nothing to do. :tada:")]
    room = MAX_VIEW_BLOCKS - len(blocks)
    if len(rest) > room:  # the caps keep well inside; this is the last guard
        rest = [*rest[: room - 1], context("…and more: /sla status, /incident list, /sla actions")]
    return [*blocks, *rest]


def home_view(dashboard: Dashboard | None, zone: ZoneInfo, notices: Sequence[Reply] = (), *, locale: Locale) -> View:
    """The Home tab for views.publish; its private_metadata remembers the scope shown."""
    scope = dashboard.scope.value if dashboard is not None else ""
    return View(type="home", blocks=home_blocks(dashboard, zone, notices, locale=locale), private_metadata=scope)


def _modal(callback: CallbackId, title: str, blocks: Sequence[Block | dict[str, object]]) -> View:
    return View(
        type="modal",
        callback_id=callback,
        title=clip(title, MAX_MODAL_TITLE),
        close="Close",
        blocks=list(blocks)[:MAX_VIEW_BLOCKS],
    )


def budget_modal(reply: Reply) -> View:
    """/sla budget's reply, opened over the Home by its Budget button."""
    return _modal(CallbackId.HOME_BUDGET, "Error budget", reply.block_dicts())


def tool_refused(action: ActionId, reply: Reply, *, locale: Locale) -> View:
    """Why a Home button's form could not open (not an admin, no service yet), over the Home."""
    label, _ = TOOLS[action]
    return _modal(CallbackId.HOME_HINT, label, reply.block_dicts())
