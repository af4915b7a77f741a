"""The comment modal of the satisfaction survey: the opener's words on how an incident was handled, and the
view it turns into once they are saved."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from slack_sdk.models.blocks import ContextBlock, InputBlock, MarkdownTextObject, PlainTextInputElement
from slack_sdk.models.views import View

from slabot.core.i18n import tr
from slabot.incidents.satisfaction import CSAT_COMMENT_MAX, CSAT_HIGHEST
from slabot.render.ids import BlockId, CallbackId, InputId
from slabot.render.locale import DEFAULT_LOCALE, Locale
from slabot.render.reply import context, section
from storage.models.incidents import CsatRating


@dataclass(frozen=True)
class CsatCommentModal:
    """The opener's comment on how an incident was handled; prefilled with the comment given before, in the
    opener's language."""

    incident_id: int
    comment: str | None = None
    locale: Locale = DEFAULT_LOCALE

    def view(self) -> View:
        locale = self.locale
        return View(
            type="modal",
            callback_id=CallbackId.CSAT_COMMENT,
            title=tr(locale, "Your comment"),
            submit=tr(locale, "Save"),
            close=tr(locale, "Cancel"),
            private_metadata=str(self.incident_id),
            blocks=[
                ContextBlock(
                    elements=[
                        MarkdownTextObject(text=tr(locale, "On how incident #{id} was handled", id=self.incident_id))
                    ]
                ),
                InputBlock(
                    block_id=BlockId.CSAT_COMMENT,
                    label=tr(locale, "What went well, what could be better?"),
                    element=PlainTextInputElement(
                        action_id=InputId.COMMENT,
                        multiline=True,
                        max_length=CSAT_COMMENT_MAX,  # Slack counts characters, as len() does
                        initial_value=self.comment[:CSAT_COMMENT_MAX] if self.comment else None,
                    ),
                ),
            ],
        )

    @staticmethod
    def read(view: dict[str, Any], locale: Locale = DEFAULT_LOCALE) -> tuple[int, str | None, dict[str, str]]:
        """(incident id, the comment, errors by block_id, in `locale`): errors is empty when the input is good."""
        metadata = str(view.get("private_metadata") or "")
        values = (view.get("state") or {}).get("values") or {}
        typed = ((values.get(BlockId.CSAT_COMMENT) or {}).get(InputId.COMMENT) or {}).get("value")
        comment = str(typed or "").strip()
        incident_id = int(metadata) if metadata.isdigit() else 0
        if not incident_id:
            return 0, None, {BlockId.CSAT_COMMENT: tr(locale, "This form does not name an incident; rate it again.")}
        if not comment:
            return incident_id, None, {BlockId.CSAT_COMMENT: tr(locale, "Write a few words, or press Cancel.")}
        if len(comment) > CSAT_COMMENT_MAX:
            error = tr(locale, "Keep it to {limit} characters.", limit=CSAT_COMMENT_MAX)
            return incident_id, None, {BlockId.CSAT_COMMENT: error}
        return incident_id, comment, {}


def comment_saved(row: CsatRating, locale: Locale = DEFAULT_LOCALE) -> View:
    """What the modal turns into once the comment is stored."""
    saved = tr(
        locale,
        ":pray: Your comment on incident #{id} is saved. Thanks for helping us improve.",
        id=row.incident_id,
    )
    both = tr(
        locale,
        "You rated it {rating}/{highest}; /incident show {id} shows both.",
        rating=row.rating,
        highest=CSAT_HIGHEST,
        id=row.incident_id,
    )
    return View(
        type="modal",
        title=tr(locale, "Thank you"),
        close=tr(locale, "Done"),
        blocks=[section(saved), context(both)],
    )
