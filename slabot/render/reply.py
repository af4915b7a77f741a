"""The Reply type and the small block builders every message uses, with Slack's size limits applied."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

MAX_BLOCKS = 50
MAX_SECTION_TEXT = 3000
MAX_HEADER_TEXT = 150
MAX_FIELDS = 10
MAX_FIELD_TEXT = 2000
MAX_CONTEXT_ELEMENTS = 10
MAX_FALLBACK_TEXT = 3000


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def escape(text: str) -> str:
    """Make user-typed text safe inside mrkdwn: no accidental mentions or links."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def header(text: str) -> HeaderBlock:
    return HeaderBlock(text=PlainTextObject(text=clip(text, MAX_HEADER_TEXT), emoji=True))


def section(text: str, fields: Sequence[str] = ()) -> SectionBlock:
    field_objects = [MarkdownTextObject(text=clip(f, MAX_FIELD_TEXT)) for f in fields[:MAX_FIELDS]]
    return SectionBlock(text=MarkdownTextObject(text=clip(text, MAX_SECTION_TEXT)), fields=field_objects or None)


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
        return [block.to_dict() for block in self.blocks]

    def for_respond(self) -> dict[str, Any]:
        """Keyword arguments for Bolt's respond(): ephemeral unless public."""
        return {
            "text": clip(self.text, MAX_FALLBACK_TEXT),
            "blocks": self.block_dicts(),
            "response_type": "in_channel" if self.public else "ephemeral",
        }

    def for_message(self) -> dict[str, Any]:
        """Keyword arguments for chat.postMessage / chat.update."""
        return {"text": clip(self.text, MAX_FALLBACK_TEXT), "blocks": self.block_dicts()}


def with_more(blocks: list[Block], rows: Sequence[Block], noun: str, reserve: int = 0) -> list[Block]:
    """Append rows while the message stays within Slack's 50 blocks, ending with "and N more <noun>"."""
    room = MAX_BLOCKS - len(blocks) - reserve
    if len(rows) <= room:
        return [*blocks, *rows]
    shown = max(room - 1, 0)
    return [*blocks, *rows[:shown], context(f"…and {len(rows) - shown} more {noun}")]


def error_reply(message: str, usage: str | None = None) -> Reply:
    text = f":warning: {message}"
    blocks: list[Block] = [section(text)]
    if usage:
        blocks.append(context(f"Usage: {escape(usage)}"))
        text = f"{text}\nUsage: {usage}"
    return Reply(text=text, blocks=blocks)
