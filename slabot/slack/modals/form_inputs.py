"""The parts the definition forms share: their inputs (a block_id per command option), reading what was typed
back from state.values, the private_metadata that carries where the form was opened from, and field errors."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    OptionGroup,
    PlainTextInputElement,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from slabot.core.i18n import DEFAULT_LOCALE, Locale, parse_locale, tr
from slabot.render.ids import FormField, InputId
from slabot.render.reply import Reply, clip, escape, section

ERROR_MAX = 150  # an error Slack shows beside an input is kept short
Choices = Sequence[tuple[str, str]]  # (value, label)


@dataclass(frozen=True)
class FormOrigin:
    """Where a form was opened: the channel and response_url of the command (its confirmation goes there, only
    to the person), the service an edit form changes, and the language it was opened in (its person's: it is laid
    out again and its errors told in it). Kept in private_metadata (well under 3000 characters)."""

    channel: str = ""
    response_url: str = ""
    editing: str = ""
    locale: Locale = DEFAULT_LOCALE

    def dumps(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"))

    @classmethod
    def loads(cls, text: object) -> FormOrigin:
        try:
            data = json.loads(str(text or "{}"))
        except ValueError:
            data = {}
        data = data if isinstance(data, dict) else {}
        locale = parse_locale(str(data.get("locale") or "")) or DEFAULT_LOCALE
        return cls(**{key: str(data.get(key) or "") for key in ("channel", "response_url", "editing")}, locale=locale)


def text_input(
    block: FormField,
    label: str,
    *,
    initial: str | None = None,
    optional: bool = False,
    hint: str | None = None,
    multiline: bool = False,
    max_length: int | None = None,
    placeholder: str | None = None,
) -> InputBlock:
    element = PlainTextInputElement(
        action_id=InputId.FORM_VALUE,
        initial_value=initial or None,
        multiline=multiline or None,
        max_length=max_length,
        placeholder=placeholder,
    )
    return InputBlock(block_id=block, label=label, element=element, optional=optional or None, hint=hint)


def _option(value: str, label: str) -> Option:
    return Option(value=value, label=clip(label, 75))


def select_input(
    block: FormField,
    label: str,
    choices: Choices | Mapping[str, Choices],
    *,
    initial: str | None = None,
    optional: bool = False,
    action_id: str = InputId.FORM_VALUE,
    hint: str | None = None,
) -> InputBlock:
    """A static select (grouped when `choices` is a mapping of group label to choices); with an action_id of its
    own it dispatches its choice (the form changes which fields it shows)."""
    flat = [pair for group in choices.values() for pair in group] if isinstance(choices, Mapping) else list(choices)
    chosen = next((_option(v, label_) for v, label_ in flat if v == initial), None)
    if isinstance(choices, Mapping):
        groups = [OptionGroup(label=name, options=[_option(v, t) for v, t in group]) for name, group in choices.items()]
        element = StaticSelectElement(action_id=action_id, option_groups=groups, initial_option=chosen)
    else:
        element = StaticSelectElement(
            action_id=action_id, options=[_option(v, t) for v, t in flat], initial_option=chosen
        )
    dispatch = True if action_id != InputId.FORM_VALUE else None
    return InputBlock(
        block_id=block, label=label, element=element, optional=optional or None, dispatch_action=dispatch, hint=hint
    )


def problem_note(message: str) -> ContextBlock:
    """A problem found after the form was acknowledged, shown under the input it is about."""
    return ContextBlock(elements=[MarkdownTextObject(text=f":warning: {escape(clip(message, 2900))}")])


def typed(view: Mapping[str, Any]) -> dict[str, str]:
    """What each input holds now, by block_id, as text: a typed value stripped, a picked option's value, a
    picked person or conversation's id, a date-time's Unix seconds; "" for an empty input."""
    values = dict((view.get("state") or {}).get("values") or {})
    for block in view.get("blocks") or []:  # an input not touched holds its initial value
        element = block.get("element") or {}
        if block.get("type") == "input" and block.get("block_id") not in values:
            initial = {
                key.replace("initial_", "selected_"): held
                for key, held in element.items()
                if key.startswith("initial_")
            }
            initial["value"] = initial.pop("selected_value", None)
            values[str(block.get("block_id"))] = {str(element.get("action_id")): initial}
    found: dict[str, str] = {}
    for block_id, actions in values.items():
        for entry in (actions or {}).values():
            entry = entry or {}
            option = entry.get("selected_option") or {}
            held = entry.get("value")
            for key in ("selected_user", "selected_conversation", "selected_channel", "selected_date_time"):
                held = held if held not in (None, "") else entry.get(key)
            if held in (None, "") and isinstance(option, dict):
                held = option.get("value")
            found[str(block_id)] = "" if held is None else str(held).strip()
    return found


def shown_fields(view: Mapping[str, Any]) -> set[str]:
    return {str(b.get("block_id")) for b in view.get("blocks") or [] if b.get("type") == "input"}


def submitted_inputs(view: Mapping[str, Any]) -> list[Block]:
    """The inputs of a view as it was submitted (an error goes beside one of them)."""
    return [block for block in Block.parse_all(view.get("blocks") or []) if isinstance(block, InputBlock)]


def beside(
    errors: Mapping[str, str], blocks: Sequence[Block], aliases: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Errors by option key as Slack wants them: by the block_id of an input the view has (an error about an
    option with no input of its own goes beside the first input), each message short."""
    ids = [str(getattr(block, "block_id", "")) for block in blocks if isinstance(block, InputBlock)]
    placed: dict[str, str] = {}
    for key, message in errors.items():
        block = (aliases or {}).get(key, key)
        where = block if block in ids else ids[0]
        placed[where] = clip(f"{placed[where]} {message}" if where in placed else message, ERROR_MAX * 2)
    return placed


def notice_view(title: str, reply: Reply | str, locale: Locale = DEFAULT_LOCALE) -> View:
    """What a form turns into: "Working…" while a slow check runs after the submission was acknowledged, then
    the command's reply (or its error); `title` is in `locale` already."""
    blocks = list(reply.blocks) if isinstance(reply, Reply) and reply.blocks else []
    text = reply.fallback_text() if isinstance(reply, Reply) else reply
    close = tr(locale, "Close")
    return View(type="modal", title=clip(title, 24), close=close, blocks=blocks or [section(escape(text))])
