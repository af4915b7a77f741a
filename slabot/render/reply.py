"""The Reply type and the small block builders every message uses, with Slack's size limits applied."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    BlockElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from slabot.core.i18n import DEFAULT_LOCALE, Locale, t, tr

MAX_BLOCKS = 50
MAX_SECTION_TEXT = 3000
MAX_HEADER_TEXT = 150
MAX_FIELDS = 10
MAX_FIELD_TEXT = 2000
MAX_CONTEXT_ELEMENTS = 10
MAX_FALLBACK_TEXT = 3000


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def listed(items: Sequence[str], *, locale: Locale = DEFAULT_LOCALE) -> str:
    """Items of a list, separated as the language separates them: "a, b" (a、b)."""
    # Translators: what separates the items of a list, like the "," of "checkout, payments"
    return tr(locale, ", ").join(items)


def char_width(char: str) -> int:
    """Columns a character takes in a fixed-width font: a CJK one takes two."""
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def text_width(text: str) -> int:
    """Width in columns: CJK characters count two."""
    return sum(char_width(char) for char in text)


def escape(text: str) -> str:
    """Make user-typed text safe inside mrkdwn and fallback text: no accidental mentions or links.

    The one escape of the project: every piece of user text in a mrkdwn block or a message's `text` goes
    through it, so `<!channel>`, `<!here>`, `<!everyone>`, `<!subteam^…>` and `<@U…>` typed by people show
    as typed and ping nobody. Only slabot's own mentions (slabot.core.mentions) may ping."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# slabot itself never writes these; one that slipped past escape() is shown, never sent.
_BROADCAST = re.compile(r"<!(?:channel|here|everyone)(?:\|[^>]*)?>")


def defuse_broadcasts(text: str) -> str:
    """The last guard on the way out: `<!channel>`, `<!here>` and `<!everyone>` escaped wherever they are."""
    return _BROADCAST.sub(lambda match: escape(match.group(0)), text)


def _defused(value: Any) -> Any:
    """A block dict with defuse_broadcasts applied to its mrkdwn texts (plain_text is never parsed)."""
    if isinstance(value, list):
        return [_defused(item) for item in value]
    if not isinstance(value, dict):
        return value
    if value.get("type") == "mrkdwn" and isinstance(value.get("text"), str):
        return {**value, "text": defuse_broadcasts(value["text"])}
    return {key: _defused(item) for key, item in value.items()}


def header(text: str) -> HeaderBlock:
    return HeaderBlock(text=PlainTextObject(text=clip(text, MAX_HEADER_TEXT), emoji=True))


def section(text: str, fields: Sequence[str] = (), accessory: BlockElement | None = None) -> SectionBlock:
    field_objects = [MarkdownTextObject(text=clip(f, MAX_FIELD_TEXT)) for f in fields[:MAX_FIELDS]]
    return SectionBlock(
        text=MarkdownTextObject(text=clip(text, MAX_SECTION_TEXT)), fields=field_objects or None, accessory=accessory
    )


def fields_only(fields: Sequence[str]) -> SectionBlock:
    return SectionBlock(fields=[MarkdownTextObject(text=clip(f, MAX_FIELD_TEXT)) for f in fields[:MAX_FIELDS]])


def context(*parts: str) -> ContextBlock:
    return ContextBlock(
        elements=[MarkdownTextObject(text=clip(p, MAX_FIELD_TEXT)) for p in parts[:MAX_CONTEXT_ELEMENTS]]
    )


def divider() -> DividerBlock:
    return DividerBlock()


@dataclass(frozen=True)
class Reply:
    text: str
    blocks: Sequence[Block] = field(default_factory=tuple)
    public: bool = False

    def block_dicts(self) -> list[dict[str, Any]]:
        """The blocks as Slack gets them (broadcast mentions defused, as in fallback_text)."""
        return [_defused(block.to_dict()) for block in self.blocks]

    def fallback_text(self) -> str:
        """The `text` Slack gets (notifications show it): clipped, broadcast mentions defused."""
        return clip(defuse_broadcasts(self.text), MAX_FALLBACK_TEXT)

    def for_respond(self) -> dict[str, Any]:
        """Keyword arguments for Bolt's respond(): ephemeral unless public."""
        return {
            "text": self.fallback_text(),
            "blocks": self.block_dicts(),
            "response_type": "in_channel" if self.public else "ephemeral",
        }

    def for_message(self) -> dict[str, Any]:
        """Keyword arguments for chat.postMessage / chat.update."""
        return {"text": self.fallback_text(), "blocks": self.block_dicts()}


def with_more(blocks: list[Block], rows: Sequence[Block], more: Callable[[int], str], reserve: int = 0) -> list[Block]:
    """Append rows while the message stays within Slack's 50 blocks, ending with `more(n)`, the reader's "…and n
    more services" (a whole sentence of the caller's: `lambda n: tn(locale, "…and {n} more service", …, n)`)."""
    room = MAX_BLOCKS - len(blocks) - reserve
    if len(rows) <= room:
        return [*blocks, *rows]
    shown = max(room - 1, 0)
    return [*blocks, *rows[:shown], context(more(len(rows) - shown))]


# `<name>`, `<PromQL>`: a placeholder in an error message, not Slack markup (`<@U…>`, `<#C…>`, `<!…>`, links)
_PLACEHOLDER = re.compile(r"<(?![@#!]|https?:|mailto:)([^<>|]*)>")


def error_reply(message: str, usage: str | None = None, locale: Locale = DEFAULT_LOCALE) -> Reply:
    """An error only the person sees; placeholders like <name> in the message shown as typed, not as markup."""
    text = f":warning: {message}"
    blocks: list[Block] = [section(_PLACEHOLDER.sub(r"&lt;\1&gt;", text))]
    if usage:
        blocks.append(context(tr(locale, "Usage: {usage}", usage=escape(usage))))
        text = f"{text}\n{tr(locale, 'Usage: {usage}', usage=usage)}"
    return Reply(text=text, blocks=blocks)


DATABASE_DOWN = t(
    ":warning: slabot cannot reach its database right now, so nothing was changed. Try again in a minute."
)


def outage_reply(locale: Locale = DEFAULT_LOCALE) -> Reply:
    """What the person is told when the database cannot be reached: plain, only them, no reference to quote."""
    text = DATABASE_DOWN.render(locale)
    return Reply(text=text, blocks=[section(text)])
