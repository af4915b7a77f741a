"""5-Why messages in an incident's thread: the questions, the category buttons and action prompt, notes on
what was recorded, and the summary; and the replies of /sla why and /sla actions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement

from slabot.core.mentions import user_mention
from slabot.rca.conversation import ACTION_EXAMPLE, MAX_WHYS
from slabot.render.ids import ActionId, BlockId
from slabot.render.reply import Reply, context, escape, header, section, with_more
from storage.models.catalog import Service
from storage.models.incidents import Incident
from storage.models.rca import ActionItem, ActionItemStatus, FishboneCategory, Rca, RcaStage, RcaWhy

CATEGORY_LABELS: dict[FishboneCategory, str] = {category: category.value.capitalize() for category in FishboneCategory}


def category_label(category: FishboneCategory) -> str:
    """A fishbone category as people read it: "Technology"."""
    return CATEGORY_LABELS[category]


def _hint(incident_id: int) -> str:
    return (
        "Reply in this thread: your reply answers the question. "
        f"`done` when that answer is the root cause · `back` to redo the last answer · "
        f"`/sla why {incident_id} cancel` to stop"
    )


def action_line(item: ActionItem, today: date | None = None) -> str:
    """`#7 add a replica lag alarm · @dana · due 2026-12-01 · open` (overdue flagged when today is given)."""
    state: str = item.status.value
    if today is not None and item.status == ActionItemStatus.OPEN and item.due < today:
        state = "open, *overdue*"
    return f"#{item.id} {escape(item.text)} · {user_mention(item.owner_id)} · due {item.due.isoformat()} · {state}"


def started(incident: Incident, reason: str, first_question: str) -> Reply:
    """The first message of a 5-Why: why it started, and Why 1/5."""
    text = f":mag: 5-Why for incident #{incident.id}: {reason}\n*{escape(first_question)}*"
    return Reply(text=text, blocks=[section(text), context(_hint(incident.id or 0))], public=True)


def ask(incident: Incident, question_text: str, note: str | None = None) -> Reply:
    text = (f"{note}\n" if note else "") + f"*{escape(question_text)}*"
    return Reply(text=text, blocks=[section(text), context(_hint(incident.id or 0))], public=True)


def note(text: str) -> Reply:
    """A short line in the thread (something recorded, or what to type instead)."""
    return Reply(text=text, blocks=[section(text)], public=True)


def _category_buttons(rca: Rca) -> ActionsBlock:
    buttons = [
        ButtonElement(
            text=category_label(category),
            action_id=f"{ActionId.RCA_CATEGORY}:{category.value}",
            value=str(rca.id),
            style="primary" if rca.category == category.value else None,
        )
        for category in FishboneCategory
    ]
    return ActionsBlock(block_id=BlockId.RCA_CATEGORIES, elements=buttons)


@dataclass(frozen=True)
class WrapUp:
    """The message after the whys: the root cause, the category buttons, the prompt for action items."""

    incident: Incident
    rca: Rca
    root_cause: str
    picked_by: str | None = None
    closed: bool = False  # the 5-Why finished or went back to the whys: no buttons any more

    def reply(self) -> Reply:
        chosen = category_label(self.rca.category) if self.rca.category else None
        lines = [f":dart: *Root cause:* {escape(self.root_cause)}"]
        if chosen:
            by = f" (picked by {user_mention(self.picked_by)})" if self.picked_by else ""
            lines.append(f"*Category:* {chosen}{by}")
        blocks: list[Block] = [section("\n".join(lines))]
        if not self.closed:
            blocks.append(section("Which fishbone category does the root cause belong to?"))
            blocks.append(_category_buttons(self.rca))
            blocks.append(
                section(
                    "Now the action items, one per reply, like:\n"
                    f"`{ACTION_EXAMPLE}`\nSay `done` when the list is complete (`back` returns to the whys)."
                )
            )
        text = "\n".join(lines) + ("" if self.closed else "\nPick a category, then add action items.")
        return Reply(text=text, blocks=blocks, public=True)


def action_recorded(item: ActionItem, updated: bool = False) -> Reply:
    verb = "updated" if updated else "recorded"
    return note(f":memo: Action item {verb}: {action_line(item)}")


@dataclass(frozen=True)
class Summary:
    incident: Incident
    service: Service
    rca: Rca
    whys: Sequence[RcaWhy]
    actions: Sequence[ActionItem]

    def reply(self) -> Reply:
        chain = "\n".join(
            f"{escape(why.question)}\n      → {escape(why.answer)} ({user_mention(why.answered_by)})"
            for why in self.whys
        )
        category = category_label(self.rca.category) if self.rca.category else "not picked"
        root = self.whys[-1].answer if self.whys else "—"
        actions = "\n".join(f"• {action_line(item)}" for item in self.actions) or "none"
        title = f"#{self.incident.id} sev{self.incident.severity}: {self.incident.title}"
        blocks: list[Block] = [
            header(f":white_check_mark: 5-Why of incident {title}"),
            section(f"*The whys*\n{chain}"),
            section(f"*Root cause:* {escape(root)}\n*Category:* {category}"),
            section(f"*Action items*\n{actions}"),
            context(
                f"{self.service.name} · /sla actions {self.service.name} open · "
                f"python bot.py export-rca {self.incident.id} writes the postmortem"
            ),
        ]
        text = f"5-Why of incident {title} finished. Root cause: {root} ({category}); {len(self.actions)} action items."
        return Reply(text=text, blocks=blocks, public=True)


def current_why(answers: int) -> str:
    """The question a 5-Why with this many answers is asking: "Why 3/5"."""
    return f"Why {min(answers + 1, MAX_WHYS)}/{MAX_WHYS}"


def why_status(rca: Rca, answers: int) -> str:
    if rca.stage == RcaStage.WHYS:
        return f"at {current_why(answers)}"
    return "picking a category and action items"


def started_reply(incident: Incident, where: str) -> Reply:
    text = f":mag: Started a 5-Why for incident #{incident.id} {where}. Answer its questions in the thread."
    return Reply(text=text, blocks=[section(text)])


def cancelled_reply(incident_id: int) -> Reply:
    text = f":no_entry_sign: Stopped the 5-Why of incident #{incident_id}. Start again with /sla why {incident_id}."
    return Reply(text=text, blocks=[section(text)])


def action_list(items: Sequence[tuple[ActionItem, Incident, Service]], today: date, scope: str) -> Reply:
    if not items:
        text = f"No {scope} yet. They are added in a 5-Why's thread: `{ACTION_EXAMPLE}`"
        return Reply(text=text, blocks=[section(text)])
    rows = [
        section(f"{action_line(item, today)}\nincident #{incident.id} · {service.name}")
        for item, incident, service in items
    ]
    blocks = with_more([header(f"{scope.capitalize()} ({len(items)})")], rows, "action items", reserve=1)
    blocks.append(context("Close one with /sla actions done &lt;id&gt;"))
    text = f"{scope.capitalize()}: " + "; ".join(f"#{item.id} {item.text} ({item.status})" for item, _, _ in items)
    return Reply(text=text, blocks=blocks)


def action_closed(item: ActionItem) -> Reply:
    text = f":white_check_mark: Closed action item #{item.id}: {escape(item.text)}"
    return Reply(text=text, blocks=[section(text)])
