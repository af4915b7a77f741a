"""What Slack refuses in a view (a modal or a Home tab) before it shows it: too many blocks, titles over 24
characters, oversized private_metadata, callback_id or JSON, unknown block types, too many buttons, long texts.

``check_view`` raises ``SlackError("invalid_arguments", messages)`` with one Slack-style message per problem,
such as ``[ERROR] no more than 100 items allowed [json-pointer:/view/blocks]``, or ``view_too_large``.
"""

from __future__ import annotations

import json
from typing import Any

from slabot.devtools.localslack.errors import SlackError

VIEW_BLOCKS_MAX = 100
VIEW_BYTES_MAX = 250_000
MODAL_TEXT_MAX = 24  # title, submit and close
PRIVATE_METADATA_MAX = 3000
CALLBACK_ID_MAX = 255
ACTIONS_ELEMENTS_MAX = 25
SECTION_TEXT_MAX = 3000
# the blocks a modal or a Home may hold (file and markdown are for messages only)
VIEW_BLOCK_TYPES = frozenset(
    {"actions", "context", "divider", "header", "image", "input", "rich_text", "section", "video"}
)
_ELEMENT_TEXT = {"button": 75}
_OPTIONS_MAX = 100


def _too_many(count: int, limit: int, pointer: str) -> list[str]:
    return [f"[ERROR] no more than {limit} items allowed [json-pointer:{pointer}]"] if count > limit else []


def _too_long(value: object, limit: int, pointer: str) -> list[str]:
    if isinstance(value, str) and len(value) > limit:
        return [f"[ERROR] must be less than {limit + 1} characters [json-pointer:{pointer}]"]
    return []


def _text(obj: object, limit: int, pointer: str, *, plain: bool = False) -> list[str]:
    """A text object: a dict with a string `text` (plain_text when `plain`) of at most `limit` characters."""
    if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
        return [f"[ERROR] must be a text object [json-pointer:{pointer}]"]
    if plain and obj.get("type") != "plain_text":
        return [f"[ERROR] must be a plain_text text object [json-pointer:{pointer}/type]"]
    return _too_long(obj["text"], limit, f"{pointer}/text")


def _element(element: object, pointer: str) -> list[str]:
    """A button, select or input element: its text, action_id and options within Slack's limits."""
    if not isinstance(element, dict) or not isinstance(element.get("type"), str):
        return [f"[ERROR] must be an element with a type [json-pointer:{pointer}]"]
    kind = element["type"]
    found = _too_long(element.get("action_id"), 255, f"{pointer}/action_id")
    if kind in _ELEMENT_TEXT:
        found += _text(element.get("text"), _ELEMENT_TEXT[kind], f"{pointer}/text", plain=True)
        found += _too_long(element.get("value"), 2000, f"{pointer}/value")
    options = element.get("options")
    if isinstance(options, list):
        found += _too_many(len(options), _OPTIONS_MAX, f"{pointer}/options")
        for i, option in enumerate(options):
            here = f"{pointer}/options/{i}"
            found += _text(option.get("text") if isinstance(option, dict) else None, 75, f"{here}/text")
            found += _too_long(option.get("value") if isinstance(option, dict) else None, 150, f"{here}/value")
    return found


def _block(block: object, pointer: str) -> list[str]:
    if not isinstance(block, dict):
        return [f"[ERROR] must be an object [json-pointer:{pointer}]"]
    kind = block.get("type")
    if kind not in VIEW_BLOCK_TYPES:
        return [f"[ERROR] unsupported type: {kind} [json-pointer:{pointer}/type]"]
    found = _too_long(block.get("block_id"), 255, f"{pointer}/block_id")
    if kind == "section":
        if "text" in block:
            found += _text(block["text"], SECTION_TEXT_MAX, f"{pointer}/text")
        fields = block.get("fields") or []
        found += _too_many(len(fields), 10, f"{pointer}/fields")
        found += [e for i, f in enumerate(fields) for e in _text(f, 2000, f"{pointer}/fields/{i}")]
        if "text" not in block and not fields:
            found.append(f"[ERROR] must provide either text or fields [json-pointer:{pointer}]")
        if "accessory" in block:
            found += _element(block["accessory"], f"{pointer}/accessory")
    elif kind == "header":
        found += _text(block.get("text"), 150, f"{pointer}/text", plain=True)
    elif kind in ("actions", "context"):
        elements = block.get("elements")
        if not isinstance(elements, list) or not elements:
            return [*found, f"[ERROR] must provide at least one element [json-pointer:{pointer}/elements]"]
        found += _too_many(len(elements), ACTIONS_ELEMENTS_MAX if kind == "actions" else 10, f"{pointer}/elements")
        if kind == "actions":
            found += [e for i, element in enumerate(elements) for e in _element(element, f"{pointer}/elements/{i}")]
    elif kind == "input":
        found += _text(block.get("label"), 2000, f"{pointer}/label", plain=True)
        found += _element(block.get("element"), f"{pointer}/element")
    return found


def _modal_texts(view: dict[str, Any], has_inputs: bool) -> list[str]:
    found = [] if "title" in view else ["[ERROR] missing required field: title [json-pointer:/view/title]"]
    for key in ("title", "submit", "close"):
        if key in view:
            found += _text(view[key], MODAL_TEXT_MAX, f"/view/{key}", plain=True)
    if has_inputs and "submit" not in view:
        found.append("[ERROR] must provide a submit property when using input blocks [json-pointer:/view]")
    return found


def check_view(view: object, surface: str) -> dict[str, Any]:
    """`view` if Slack would show it on `surface` ("modal" or "home"); else raises SlackError as Slack answers."""
    if not isinstance(view, dict):
        raise SlackError("invalid_arguments", ["[ERROR] must be an object [json-pointer:/view]"])
    if len(json.dumps(view, ensure_ascii=False).encode("utf-8")) > VIEW_BYTES_MAX:
        raise SlackError("view_too_large")
    if view.get("type") != surface:
        raise SlackError("invalid_arguments", [f"[ERROR] must be {surface} here [json-pointer:/view/type]"])
    blocks = view.get("blocks")
    if not isinstance(blocks, list):
        raise SlackError("invalid_arguments", ["[ERROR] missing required field: blocks [json-pointer:/view/blocks]"])
    found = _too_many(len(blocks), VIEW_BLOCKS_MAX, "/view/blocks")
    found += _too_long(view.get("private_metadata"), PRIVATE_METADATA_MAX, "/view/private_metadata")
    found += _too_long(view.get("callback_id"), CALLBACK_ID_MAX, "/view/callback_id")
    found += _too_long(view.get("external_id"), 255, "/view/external_id")
    seen: set[str] = set()
    for i, block in enumerate(blocks):
        found += _block(block, f"/view/blocks/{i}")
        block_id = block.get("block_id") if isinstance(block, dict) else None
        if isinstance(block_id, str):
            if block_id in seen:
                found.append(f"[ERROR] duplicate block_id {block_id} [json-pointer:/view/blocks/{i}/block_id]")
            seen.add(block_id)
    if surface == "modal":
        found += _modal_texts(view, any(isinstance(b, dict) and b.get("type") == "input" for b in blocks))
    if found:
        raise SlackError("invalid_arguments", found)
    return view
