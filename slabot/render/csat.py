"""The satisfaction survey sent to the person who opened an incident, as they see it: the question and the
thanks; and the rating as /incident show gives it."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    MarkdownTextObject,
    SectionBlock,
)

from slabot.core.i18n import tr
from slabot.core.mentions import user_mention
from slabot.incidents.satisfaction import CSAT_HIGHEST, CSAT_LOWEST
from slabot.render.ids import ActionId, BlockId
from slabot.render.locale import DEFAULT_LOCALE, Locale
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


def survey(incident: Incident, *, locale: Locale) -> Reply:
    """The question to the person who opened the incident, seen only by them."""
    question = tr(
        locale,
        "How well was incident #{id} {title} handled? {lowest} = poorly, {highest} = very well",
        id=incident.id,
        title=escape(incident.title),
        lowest=CSAT_LOWEST,
        highest=CSAT_HIGHEST,
    )
    shows = tr(locale, "Your rating shows in /incident show {id} and in the weekly digest.", id=incident.id)
    blocks: list[Block] = [section(f":bar_chart: {question}"), _rating_buttons(incident.id), context(shows)]
    return Reply(text=question, blocks=blocks)


def one_line(text: str) -> str:
    """User-typed text on one line, clipped (in characters) and escaped for mrkdwn."""
    return escape(clip(" ".join(text.split()), MAX_QUOTE))


def _quote(text: str) -> str:
    return f"“{one_line(text)}”"


def thanks(row: CsatRating, *, locale: Locale) -> Reply:
    """Replaces the survey once the opener clicked a rating: the rating, their comment, a way to change both."""
    text = tr(
        locale,
        "Thanks, you rated incident #{id} {rating}/{highest}.",
        id=row.incident_id,
        rating=row.rating,
        highest=CSAT_HIGHEST,
    )
    lines = [f":pray: {text}"]
    if row.comment:
        lines.append(tr(locale, "Your comment: {comment}", comment=_quote(row.comment)))
    button = ButtonElement(
        text=tr(locale, "Change the comment") if row.comment else tr(locale, "Add a comment"),
        action_id=ActionId.CSAT_COMMENT,
        value=str(row.incident_id),
    )
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text="\n".join(lines)), accessory=button),
        _rating_buttons(row.incident_id, row.rating),
        context(tr(locale, "Changed your mind? Click another number.")),
    ]
    return Reply(text=text, blocks=blocks)


def rating_text(row: CsatRating | None, *, locale: Locale = DEFAULT_LOCALE) -> str:
    """ "4/5 from <@U0BOB>: “quick and clear”", or "not rated yet"."""
    if row is None:
        return tr(locale, "not rated yet")
    who = user_mention(row.user_id)
    if row.comment:
        return tr(
            locale,
            "{rating}/{highest} from {person}: {comment}",
            rating=row.rating,
            highest=CSAT_HIGHEST,
            person=who,
            comment=_quote(row.comment),
        )
    return tr(locale, "{rating}/{highest} from {person}", rating=row.rating, highest=CSAT_HIGHEST, person=who)
