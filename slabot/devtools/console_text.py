"""Block Kit as a terminal shows it: mrkdwn with mentions and links spelled out and entities decoded,
plain_text as typed, emoji codes as emoji, headers underlined, buttons in brackets (the little the console adds
itself, "[image: …]", in the console person's language)."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator
from typing import Any

from slabot.core.i18n import DEFAULT_LOCALE, Locale, tr

EMOJI = {
    ":warning:": "⚠️",
    ":white_check_mark:": "✅",
    ":rotating_light:": "🚨",
    ":eyes:": "👀",
    ":red_circle:": "🔴",
    ":large_yellow_circle:": "🟡",
    ":large_green_circle:": "🟢",
    ":white_circle:": "⚪",
    ":wastebasket:": "🗑️",
    ":calendar:": "📅",
    ":hourglass_flowing_sand:": "⏳",
    ":tada:": "🎉",
    ":construction:": "🚧",
    ":mag:": "🔍",
    ":dart:": "🎯",
    ":memo:": "📝",
    ":no_entry_sign:": "🚫",
    ":leftwards_arrow_with_hook:": "↩️",
    ":bar_chart:": "📊",
    ":pray:": "🙏",
}
Button = tuple[str, dict[str, Any]]  # (block_id, button)
_LINK = re.compile(r"<([^<>|]+)(?:\|([^<>]*))?>")
_EMOJI = re.compile(r":[a-z0-9_+-]+:")


def plain(text: str) -> str:
    """Slack mrkdwn as a terminal shows it: mentions and links spelled out, entities decoded."""

    def link(match: re.Match[str]) -> str:
        target, label = match.group(1), match.group(2)
        if target.startswith("@"):
            return f"@{label or target[1:]}"
        if target.startswith("#"):
            return f"#{label or target[1:]}"
        if target.startswith("!subteam^"):
            return f"@{label or target.removeprefix('!subteam^')}"
        if target.startswith("!"):
            return f"@{target[1:]}"
        return f"{label} ({target})" if label else target

    return html.unescape(_emoji(_LINK.sub(link, text)))


def _emoji(text: str) -> str:
    return _EMOJI.sub(lambda m: EMOJI.get(m.group(0), m.group(0)), text)


def text_of(element: dict[str, Any] | None) -> str:
    """A text object as Slack shows it: mrkdwn spelled out, plain_text as written but for its emoji codes
    (Slack parses neither mentions nor entities in it)."""
    if not element:
        return ""
    text = str(element.get("text", ""))
    return _emoji(text) if element.get("type") == "plain_text" else plain(text)


def blocks_to_text(blocks: Iterable[dict[str, Any]], locale: Locale = DEFAULT_LOCALE) -> str:
    """Block Kit to readable lines: headers underlined, fields as lines, buttons in brackets."""
    lines: list[str] = []
    for block in blocks:
        kind = block.get("type")
        if kind == "header":
            title = text_of(block.get("text"))
            lines += [title, "─" * min(len(title), 60)]
        elif kind == "section":
            if block.get("text"):
                lines.append(text_of(block["text"]))
            lines += [text_of(field).replace("\n", ": ", 1) for field in block.get("fields") or []]
            if (block.get("accessory") or {}).get("type") == "button":
                lines.append(f"  [{text_of(block['accessory'].get('text'))}]")
        elif kind == "context":
            lines.append("  " + " · ".join(text_of(e) for e in block.get("elements", []) if "text" in e))
        elif kind == "divider":
            lines.append("─" * 40)
        elif kind == "actions":
            lines.append("  " + " ".join(_element_text(e) for e in block.get("elements", [])))
        elif kind == "image":
            lines.append(tr(locale, "[image: {text}]", text=block.get("alt_text", "")))
    return "\n".join(lines)


def _element_text(element: dict[str, Any]) -> str:
    """A button as [label]; a menu as [placeholder ▾]."""
    if element.get("type") == "button":
        return f"[{text_of(element.get('text'))}]"
    return f"[{text_of(element.get('placeholder')) or element.get('type', 'menu')} ▾]"


def label_key(text: str) -> str:
    """A button's label as `click` compares it: any case, any run of spaces (a full-width one too) as one; a
    label reads as its view does, Chinese or English."""
    return " ".join(text.split()).casefold()


def buttons_labelled(blocks: Iterable[dict[str, Any]], label: str) -> Iterator[Button]:
    """The buttons labelled `label` (as label_key reads it) in actions blocks and section accessories."""
    for block in blocks:
        elements = [*(block.get("elements") or []), *([block["accessory"]] if block.get("accessory") else [])]
        for element in elements:
            if element.get("type") == "button" and label_key(text_of(element.get("text"))) == label:
                yield str(block.get("block_id", "")), element
