"""What follows an incident, as people see it: the satisfaction survey sent to the person who opened it (the
question, the thanks, the comment modal) and, in /incident show, the root cause, action items and rating."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    PlainTextInputElement,
    SectionBlock,
)
from slack_sdk.models.views import View

from slabot.csat import COMMENT_MAX, HIGHEST, LOWEST
from slabot.ids import ActionId, BlockId, CallbackId, InputId
from slabot.render.reply import MAX_SECTION_TEXT, Reply, clip, context, escape, section, user_mention
from storage.models import Incident, IncidentStatus
from storage.rca_models import MAX_WHYS, ActionItem, CsatRating, RcaStage
from storage.rca_queries import RcaRecord

MAX_QUOTE = 500  # characters of a comment or root cause quoted in a message (before escaping)
ACTION_ITEMS_ROOM = MAX_SECTION_TEXT - 100  # leaves room for the heading and the "…and N more" line


def _rating_buttons(incident_id: int, chosen: int | None = None) -> ActionsBlock:
    buttons = [
        ButtonElement(
            text=str(n),
            action_id=f"{ActionId.CSAT_RATE}:{n}",
            value=str(incident_id),
            style="primary" if n == chosen else None,
        )
        for n in range(LOWEST, HIGHEST + 1)
    ]
    return ActionsBlock(block_id=BlockId.CSAT_RATINGS, elements=buttons)


def survey(incident: Incident) -> Reply:
    """The question to the person who opened the incident, seen only by them."""
    assert incident.id is not None
    question = (
        f"How well was incident #{incident.id} {escape(incident.title)} handled? "
        f"{LOWEST} = poorly, {HIGHEST} = very well"
    )
    blocks: list[Block] = [
        section(f":bar_chart: {question}"),
        _rating_buttons(incident.id),
        context(f"Your rating shows in /incident show {incident.id} and in the weekly digest."),
    ]
    return Reply(text=question, blocks=blocks)


def _flat(text: str) -> str:
    """User-typed text on one line, clipped and escaped for mrkdwn."""
    return escape(clip(" ".join(text.split()), MAX_QUOTE))


def _quote(text: str) -> str:
    return f"“{_flat(text)}”"


def thanks(row: CsatRating) -> Reply:
    """Replaces the survey once the opener clicked a rating: the rating, their comment, a way to change both."""
    text = f"Thanks, you rated incident #{row.incident_id} {row.rating}/{HIGHEST}."
    lines = [f":pray: {text}", *([f"Your comment: {_quote(row.comment)}"] if row.comment else [])]
    button = ButtonElement(
        text="Change the comment" if row.comment else "Add a comment",
        action_id=ActionId.CSAT_COMMENT,
        value=str(row.incident_id),
    )
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text="\n".join(lines)), accessory=button),
        _rating_buttons(row.incident_id, row.rating),
        context("Changed your mind? Click another number."),
    ]
    return Reply(text=text, blocks=blocks)


@dataclass(frozen=True)
class CsatCommentModal:
    """The opener's comment on how an incident was handled; prefilled with the comment given before."""

    incident_id: int
    comment: str | None = None

    def view(self) -> View:
        return View(
            type="modal",
            callback_id=CallbackId.CSAT_COMMENT,
            title="Your comment",
            submit="Save",
            close="Cancel",
            private_metadata=str(self.incident_id),
            blocks=[
                ContextBlock(elements=[MarkdownTextObject(text=f"On how incident #{self.incident_id} was handled")]),
                InputBlock(
                    block_id=BlockId.CSAT_COMMENT,
                    label="What went well, what could be better?",
                    element=PlainTextInputElement(
                        action_id=InputId.COMMENT,
                        multiline=True,
                        max_length=COMMENT_MAX,
                        initial_value=self.comment[:COMMENT_MAX] if self.comment else None,
                    ),
                ),
            ],
        )

    @staticmethod
    def read(view: dict[str, Any]) -> tuple[int, str | None, dict[str, str]]:
        """(incident id, the comment, errors by block_id): errors is empty when the input is good."""
        metadata = str(view.get("private_metadata") or "")
        values = (view.get("state") or {}).get("values") or {}
        typed = ((values.get(BlockId.CSAT_COMMENT) or {}).get(InputId.COMMENT) or {}).get("value")
        comment = str(typed or "").strip()
        incident_id = int(metadata) if metadata.isdigit() else 0
        if not incident_id:
            return 0, None, {BlockId.CSAT_COMMENT: "This form does not name an incident; rate it again."}
        if not comment:
            return incident_id, None, {BlockId.CSAT_COMMENT: "Write a few words, or press Cancel."}
        if len(comment) > COMMENT_MAX:
            return incident_id, None, {BlockId.CSAT_COMMENT: f"Keep it to {COMMENT_MAX} characters."}
        return incident_id, comment, {}


def comment_saved(row: CsatRating) -> View:
    """What the modal turns into once the comment is stored."""
    return View(
        type="modal",
        title="Thank you",
        close="Done",
        blocks=[
            section(f":pray: Your comment on incident #{row.incident_id} is saved. Thanks for helping us improve."),
            context(f"You rated it {row.rating}/{HIGHEST}; /incident show {row.incident_id} shows both."),
        ],
    )


# ---- /incident show: root cause, action items, satisfaction ------------------------------------------


@dataclass(frozen=True)
class FollowUp:
    """What followed an incident: its 5-Why (the finished one, else the running one), action items, rating."""

    rca: RcaRecord | None = None
    action_items: Sequence[ActionItem] = ()
    rating: CsatRating | None = None


def rating_text(row: CsatRating | None) -> str:
    """ "4/5 from <@U0BOB>: “quick and clear”", or "not rated yet"."""
    if row is None:
        return "not rated yet"
    comment = f": {_quote(row.comment)}" if row.comment else ""
    return f"{row.rating}/{HIGHEST} from {user_mention(row.user_id)}{comment}"


def _root_cause_blocks(incident_id: int, record: RcaRecord | None, zone: ZoneInfo) -> list[Block]:
    if record is None:
        return [section(f"*Root cause*\nNo root cause yet: start a 5-Why with /sla why {incident_id}")]
    rca = record.rca
    if not record.finished:
        where = f"the thread in <#{rca.channel_id}>"
        if rca.stage == RcaStage.WRAP_UP:
            return [section(f"*Root cause*\n5-Why running in {where}: choosing the category and action items")]
        step = min(len(record.whys) + 1, MAX_WHYS)
        return [section(f"*Root cause*\n5-Why running in {where}: Why {step}/{MAX_WHYS}")]
    heading = f"*Root cause* · {record.category.label}" if record.category else "*Root cause*"
    cause = _flat(record.root_cause) if record.root_cause else "no answer recorded"
    steps = f"{len(record.whys)} step{'s' if len(record.whys) != 1 else ''}"
    who = user_mention(rca.finished_by or rca.started_by)
    when = f" on {rca.finished_at.astimezone(zone):%Y-%m-%d}" if rca.finished_at else ""
    return [section(f"{heading}\n{cause}"), context(f"5-Why of {steps} finished by {who}{when}")]


def _action_item_line(item: ActionItem) -> str:
    return f"#{item.id} {escape(item.text)} · {user_mention(item.owner_id)} · due {item.due:%Y-%m-%d} · {item.status}"


def _action_items_text(items: Sequence[ActionItem]) -> str:
    """One line per item, as many as fit in a section; the rest counted."""
    lines: list[str] = []
    used = 0
    for item in items:
        line = _action_item_line(item)
        if used + len(line) + 1 > ACTION_ITEMS_ROOM:
            lines.append(f"…and {len(items) - len(lines)} more action items")
            break
        lines.append(line)
        used += len(line) + 1
    return "*Action items*\n" + "\n".join(lines)


def follow_up_blocks(incident: Incident, follow_up: FollowUp, zone: ZoneInfo) -> list[Block]:
    """At most four blocks: the root cause (and who found it), the action items, the opener's rating."""
    assert incident.id is not None
    blocks = _root_cause_blocks(incident.id, follow_up.rca, zone)
    if follow_up.action_items:
        blocks.append(section(_action_items_text(follow_up.action_items)))
    elif follow_up.rca is not None and follow_up.rca.finished:
        blocks.append(section("*Action items*\nnone recorded"))
    if incident.status == IncidentStatus.RESOLVED:
        blocks.append(section(f"*Satisfaction*\n{rating_text(follow_up.rating)}"))
    return blocks
