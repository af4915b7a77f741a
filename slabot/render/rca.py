"""How a 5-Why reads in Slack: Block Kit and fallback text of its questions, the category buttons and
action prompt, notes on what was recorded and the summary; and the replies of /sla why and /sla actions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement

from slabot.core.mentions import channel_mention, user_mention
from slabot.core.timefmt import format_percent
from slabot.rca.analysis import is_overdue
from slabot.rca.conversation import ACTION_EXAMPLE, MAX_WHYS, current_position
from slabot.rca.events import (
    ActionRecorded,
    Asking,
    NotDoneYet,
    ProblemNoted,
    QuestionAsked,
    WhyCancelled,
    WhyFinished,
    WhyStarted,
    Withdrawal,
    WrapUp,
)
from slabot.rca.impact import POSTMORTEM_SHARE
from slabot.render.ids import ActionId, BlockId
from slabot.render.locale import Locale
from slabot.render.reply import Reply, context, escape, header, section, with_more
from storage.models.catalog import Service
from storage.models.incidents import Incident
from storage.models.rca import ActionItem, FishboneCategory

CATEGORY_LABELS: dict[FishboneCategory, str] = {category: category.value.capitalize() for category in FishboneCategory}


def category_label(category: FishboneCategory) -> str:
    """A fishbone category as people read it: "Technology"."""
    return CATEGORY_LABELS[category]


def current_why(answers: int) -> str:
    """The question a 5-Why with this many answers is asking: "Why 3/5"."""
    return f"Why {current_position(answers)}/{MAX_WHYS}"


def _hint(incident_id: int) -> str:
    return (
        "Reply in this thread: your reply answers the question. "
        f"`done` when that answer is the root cause · `back` to redo the last answer · "
        f"`/sla why {incident_id} cancel` to stop"
    )


def _note(text: str) -> Reply:
    """A short line in the thread (something recorded, or what to type instead)."""
    return Reply(text=text, blocks=[section(text)], public=True)


def action_line(item: ActionItem, today: date | None = None) -> str:
    """`#7 add a replica lag alarm · @dana · due 2026-12-01 · open` (overdue flagged when today is given)."""
    state: str = item.status.value
    if today is not None and is_overdue(item, today):
        state = "open, *overdue*"
    return f"#{item.id} {escape(item.text)} · {user_mention(item.owner_id)} · due {item.due.isoformat()} · {state}"


# --- in the thread ------------------------------------------------------------------------------------


def started(event: WhyStarted, *, locale: Locale) -> Reply:
    """The first message of a 5-Why: why it started, and Why 1/5."""
    if event.impact is not None:
        objective = f"{event.service.name}/{event.impact.objective.name}"
        reason = (
            f"it used {format_percent(event.impact.consumed)} of {escape(objective)}'s error budget, "
            f"more than the {format_percent(POSTMORTEM_SHARE, 0)} that calls for a postmortem. "
            "Let's find the root cause."
        )
    else:
        reason = f"{user_mention(event.started_by or '')} started it."
    incident_id = event.where.incident_id
    text = f":mag: 5-Why for incident #{incident_id}: {reason}\n*{escape(event.first_question)}*"
    return Reply(text=text, blocks=[section(text), context(_hint(incident_id))], public=True)


def asked(event: QuestionAsked, *, locale: Locale) -> Reply:
    """The next question, with a word on why it comes (after `back` or an edit)."""
    note = {
        Asking.NEXT: None,
        Asking.NO_EARLIER: "There is no earlier question; this is the first one.",
        Asking.AGAIN: f":leftwards_arrow_with_hook: Again: your next reply replaces “{escape(event.replaced or '')}”.",
        Asking.REWORDED: "Reworded after the edit:",
    }[event.asking]
    text = (f"{note}\n" if note else "") + f"*{escape(event.question)}*"
    return Reply(text=text, blocks=[section(text), context(_hint(event.where.incident_id))], public=True)


def _category_buttons(rca_id: int, chosen: FishboneCategory | None) -> ActionsBlock:
    buttons = [
        ButtonElement(
            text=category_label(category),
            action_id=f"{ActionId.RCA_CATEGORY}:{category.value}",
            value=str(rca_id),
            style="primary" if chosen == category else None,
        )
        for category in FishboneCategory
    ]
    return ActionsBlock(block_id=BlockId.RCA_CATEGORIES, elements=buttons)


def wrap_up(shown: WrapUp, *, locale: Locale) -> Reply:
    """The message after the whys: the root cause, the category buttons, the prompt for action items (no
    buttons once closed)."""
    lines = [f":dart: *Root cause:* {escape(shown.root_cause)}"]
    if shown.category is not None:
        lines.append(f"*Category:* {category_label(shown.category)}")
    blocks: list[Block] = [section("\n".join(lines))]
    if not shown.closed:
        blocks.append(section("Which fishbone category does the root cause belong to?"))
        blocks.append(_category_buttons(shown.where.rca_id, shown.category))
        blocks.append(
            section(
                "Now the action items, one per reply, like:\n"
                f"`{ACTION_EXAMPLE}`\nSay `done` when the list is complete (`back` returns to the whys)."
            )
        )
    text = "\n".join(lines) + ("" if shown.closed else "\nPick a category, then add action items.")
    return Reply(text=text, blocks=blocks, public=True)


def wrap_up_withdrawn(why: Withdrawal, *, locale: Locale) -> Reply:
    """What the wrap-up message reads once it no longer applies."""
    if why is Withdrawal.BACK:
        return _note(":leftwards_arrow_with_hook: Back to the whys; this step comes again after them.")
    return _note(":no_entry_sign: This 5-Why was stopped.")


def action_recorded(event: ActionRecorded, *, locale: Locale) -> Reply:
    verb = "updated" if event.updated else "recorded"
    return _note(f":memo: Action item {verb}: {action_line(event.item)}")


def problem(event: ProblemNoted, *, locale: Locale) -> Reply:
    return _note(f":warning: {escape(event.problem)}")


def not_done_yet(event: NotDoneYet, *, locale: Locale) -> Reply:
    missing = []
    if event.category_missing:
        missing.append("pick a category with the buttons above")
    if event.action_items_missing:
        missing.append("add at least one action item (`action: … owner=@… due=…`)")
    return _note(f":warning: Before `done`: {' and '.join(missing)}.")


def summary(event: WhyFinished, *, locale: Locale) -> Reply:
    """The 5-Why's last message: the whys, the root cause and its category, the action items."""
    incident = event.incident
    chain = "\n".join(
        f"{escape(why.question)}\n      → {escape(why.answer)} ({user_mention(why.answered_by)})" for why in event.whys
    )
    category = category_label(event.category) if event.category is not None else "not picked"
    root = event.whys[-1].answer if event.whys else "—"
    actions = "\n".join(f"• {action_line(item)}" for item in event.action_items) or "none"
    title = f"#{incident.id} sev{incident.severity}: {incident.title}"
    blocks: list[Block] = [
        header(f":white_check_mark: 5-Why of incident {title}"),  # plain text: nothing in it is markup
        section(f"*The whys*\n{chain}"),
        section(f"*Root cause:* {escape(root)}\n*Category:* {category}"),
        section(f"*Action items*\n{actions}"),
        context(
            f"{escape(event.service.name)} · /sla actions {escape(event.service.name)} open · "
            f"python bot.py export-rca {incident.id} writes the postmortem"
        ),
    ]
    text = (
        f"5-Why of incident {escape(title)} finished. Root cause: {escape(root)} ({category}); "
        f"{len(event.action_items)} action items."
    )
    return Reply(text=text, blocks=blocks, public=True)


def cancelled(event: WhyCancelled, *, locale: Locale) -> Reply:
    incident_id = event.where.incident_id
    return _note(
        f":no_entry_sign: {user_mention(event.actor)} stopped this 5-Why. Start again with /sla why {incident_id}."
    )


# --- replies to the person who asked ------------------------------------------------------------------


def started_reply(incident: Incident, *, locale: Locale) -> Reply:
    where = f"in its thread in {channel_mention(incident.channel_id or '')}"
    text = f":mag: Started a 5-Why for incident #{incident.id} {where}. Answer its questions in the thread."
    return Reply(text=text, blocks=[section(text)])


def cancelled_reply(incident_id: int, *, locale: Locale) -> Reply:
    text = f":no_entry_sign: Stopped the 5-Why of incident #{incident_id}. Start again with /sla why {incident_id}."
    return Reply(text=text, blocks=[section(text)])


def action_list(
    items: Sequence[tuple[ActionItem, Incident, Service]],
    today: date,
    *,
    only_open: bool,
    service_name: str | None,
    locale: Locale,
) -> Reply:
    """/sla actions: open ones first, soonest due first (as listed), overdue ones flagged."""
    scope = ("open action items" if only_open else "action items") + (
        f" of {escape(service_name)}" if service_name else ""
    )
    if not items:
        text = f"No {scope} yet. They are added in a 5-Why's thread: `{ACTION_EXAMPLE}`"
        return Reply(text=text, blocks=[section(text)])
    rows = [
        section(f"{action_line(item, today)}\nincident #{incident.id} · {escape(service.name)}")
        for item, incident, service in items
    ]
    blocks = with_more([header(f"{scope.capitalize()} ({len(items)})")], rows, "action items", reserve=1)
    blocks.append(context("Close one with /sla actions done &lt;id&gt;"))
    listed = "; ".join(f"#{item.id} {escape(item.text)} ({item.status})" for item, _, _ in items)
    return Reply(text=f"{scope.capitalize()}: {listed}", blocks=blocks)


def action_closed(item: ActionItem, *, locale: Locale) -> Reply:
    text = f":white_check_mark: Closed action item #{item.id}: {escape(item.text)}"
    return Reply(text=text, blocks=[section(text)])
