"""The satisfaction survey sent to the person who opened an incident, as they see it: the question, the
thanks, the comment modal; and the rating as /incident show gives it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

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

from slabot.core.mentions import user_mention
from slabot.incidents.satisfaction import CSAT_COMMENT_MAX, CSAT_HIGHEST, CSAT_LOWEST
from slabot.render.ids import ActionId, BlockId, CallbackId, InputId
from slabot.render.reply import Reply, clip, context, escape, section
from storage.models.incidents import CsatRating, Incident

MAX_QUOTE = 500  # characters of a comment or root cause quoted in a message (before escaping)


def _rating_buttons(incident_id: int, chosen: int | None = None) -> ActionsBlock:
    buttons = [
        ButtonElement(
            text=str(n),
            action_id=f"{ActionId.CSAT_RATE}:{n}",
            value=str(incident_id),
            style="primary" if n == chosen else None,
        )
        for n in range(CSAT_LOWEST, CSAT_HIGHEST + 1)
    ]
    return ActionsBlock(block_id=BlockId.CSAT_RATINGS, elements=buttons)


def survey(incident: Incident) -> Reply:
    """The question to the person who opened the incident, seen only by them."""
    assert incident.id is not None
    question = (
        f"How well was incident #{incident.id} {escape(incident.title)} handled? "
        f"{CSAT_LOWEST} = poorly, {CSAT_HIGHEST} = very well"
    )
    blocks: list[Block] = [
        section(f":bar_chart: {question}"),
        _rating_buttons(incident.id),
        context(f"Your rating shows in /incident show {incident.id} and in the weekly digest."),
    ]
    return Reply(text=question, blocks=blocks)


def one_line(text: str) -> str:
    """User-typed text on one line, clipped and escaped for mrkdwn."""
    return escape(clip(" ".join(text.split()), MAX_QUOTE))


def _quote(text: str) -> str:
    return f"“{one_line(text)}”"


def thanks(row: CsatRating) -> Reply:
    """Replaces the survey once the opener clicked a rating: the rating, their comment, a way to change both."""
    text = f"Thanks, you rated incident #{row.incident_id} {row.rating}/{CSAT_HIGHEST}."
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
                        max_length=CSAT_COMMENT_MAX,
                        initial_value=self.comment[:CSAT_COMMENT_MAX] if self.comment else None,
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
        if len(comment) > CSAT_COMMENT_MAX:
            return incident_id, None, {BlockId.CSAT_COMMENT: f"Keep it to {CSAT_COMMENT_MAX} characters."}
        return incident_id, comment, {}


def comment_saved(row: CsatRating) -> View:
    """What the modal turns into once the comment is stored."""
    return View(
        type="modal",
        title="Thank you",
        close="Done",
        blocks=[
            section(f":pray: Your comment on incident #{row.incident_id} is saved. Thanks for helping us improve."),
            context(f"You rated it {row.rating}/{CSAT_HIGHEST}; /incident show {row.incident_id} shows both."),
        ],
    )


def rating_text(row: CsatRating | None) -> str:
    """ "4/5 from <@U0BOB>: “quick and clear”", or "not rated yet"."""
    if row is None:
        return "not rated yet"
    comment = f": {_quote(row.comment)}" if row.comment else ""
    return f"{row.rating}/{CSAT_HIGHEST} from {user_mention(row.user_id)}{comment}"
