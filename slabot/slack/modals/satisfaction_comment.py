"""The comment modal of the satisfaction survey: the opener's words on how an incident was handled, and the
view it turns into once they are saved."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from slack_sdk.models.blocks import ContextBlock, InputBlock, MarkdownTextObject, PlainTextInputElement
from slack_sdk.models.views import View

from slabot.incidents.satisfaction import CSAT_COMMENT_MAX, CSAT_HIGHEST
from slabot.render.ids import BlockId, CallbackId, InputId
from slabot.render.reply import context, section
from storage.models.incidents import CsatRating


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
