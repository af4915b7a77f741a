"""Modals and the Home tab in the console: a view printed with its inputs (label, kind, options, what it holds
now, the error Slack shows beside it), and a typed `submit key=value ...` turned into the view's state.values.

A key names an input by its block_id or its label (case-insensitive; its action_id, or the start of its label
when only one input's label starts so, work too). A select takes an option's text or value (or the start of its
text, when only one option's text starts so), a multi-select or checkboxes a comma-separated list, a date picker
2026-12-01, a time picker 09:30, a date-time picker 2026-12-01T09:30 (UTC, or with an offset); users and
channels are ids, with or without their <@ >. Keys are the form's, in every language (a block_id never changes;
a label reads as the form does); everything the console says about a form is in the console person's language.
"""

from __future__ import annotations

import shlex
from datetime import UTC, datetime
from typing import Any

from slabot.core.errors import said_by
from slabot.core.i18n import DEFAULT_LOCALE, Locale, Message, t, tr
from slabot.devtools.console_text import blocks_to_text, text_of

State = dict[str, dict[str, Any]]

_PICK_ONE = t("pick one")
_PICK_ANY = t("pick any, comma-separated")
_A_CHANNEL = t("a channel id")
_KIND: dict[str, Message] = {
    "plain_text_input": t("text"),
    "number_input": t("number"),
    "email_text_input": t("email"),
    "url_text_input": t("URL"),
    "static_select": _PICK_ONE,
    "external_select": _PICK_ONE,
    "radio_buttons": _PICK_ONE,
    "multi_static_select": _PICK_ANY,
    "checkboxes": _PICK_ANY,
    "datepicker": t("date, like 2026-12-01"),
    "timepicker": t("time, like 09:30"),
    "datetimepicker": t("date and time, like 2026-12-01T09:30"),
    "users_select": t("a user id"),
    "conversations_select": _A_CHANNEL,
    "channels_select": _A_CHANNEL,
    "multi_users_select": t("user ids, comma-separated"),
}
_ONE = ("static_select", "external_select", "radio_buttons")
_MANY = ("multi_static_select", "checkboxes")
_EMPTY: dict[str, dict[str, Any]] = {
    **{kind: {"selected_option": None} for kind in _ONE},
    **{kind: {"selected_options": []} for kind in _MANY},
    "users_select": {"selected_user": None},
    "multi_users_select": {"selected_users": []},
    "conversations_select": {"selected_conversation": None},
    "channels_select": {"selected_channel": None},
    "datepicker": {"selected_date": None},
    "timepicker": {"selected_time": None},
    "datetimepicker": {"selected_date_time": None},
}
_INITIAL = {  # element type -> (its initial_* field, the state.values field it fills)
    **{kind: ("initial_option", "selected_option") for kind in _ONE},
    **{kind: ("initial_options", "selected_options") for kind in _MANY},
    "users_select": ("initial_user", "selected_user"),
    "multi_users_select": ("initial_users", "selected_users"),
    "conversations_select": ("initial_conversation", "selected_conversation"),
    "channels_select": ("initial_channel", "selected_channel"),
    "datepicker": ("initial_date", "selected_date"),
    "timepicker": ("initial_time", "selected_time"),
    "datetimepicker": ("initial_date_time", "selected_date_time"),
}


def inputs(view: dict[str, Any]) -> list[dict[str, Any]]:
    return [b for b in view.get("blocks") or [] if b.get("type") == "input" and b.get("block_id")]


def _options(element: dict[str, Any]) -> list[dict[str, Any]]:
    groups = element.get("option_groups") or []
    return list(element.get("options") or []) + [o for g in groups for o in g.get("options") or []]


def _entry(element: dict[str, Any]) -> dict[str, Any]:
    """What state.values holds for `element` untouched: its initial value, or Slack's empty one."""
    kind = str(element.get("type", "plain_text_input"))
    if kind in _INITIAL:
        initial, field = _INITIAL[kind]
        held = element.get(initial)
        return {"type": kind, **_EMPTY[kind], **({field: held} if held is not None else {})}
    return {"type": kind, "value": element.get("initial_value")}


def submitted_state(view: dict[str, Any]) -> State:
    """state.values as Slack sends them on submission: what was typed, else each input's initial value."""
    typed = (view.get("state") or {}).get("values") or {}
    state: State = {}
    for block in inputs(view):
        element = block.get("element") or {}
        action_id = str(element.get("action_id"))
        held = (typed.get(block["block_id"]) or {}).get(action_id)
        state[block["block_id"]] = {action_id: held if held is not None else _entry(element)}
    return state


def _shown(entry: dict[str, Any]) -> str:
    """What an input holds, as its person reads it."""
    for key in (
        "value",
        "selected_date",
        "selected_time",
        "selected_user",
        "selected_conversation",
        "selected_channel",
    ):
        if entry.get(key) not in (None, ""):
            return str(entry[key])
    if entry.get("selected_option"):
        return text_of(entry["selected_option"].get("text"))
    if entry.get("selected_options"):
        return ", ".join(text_of(o.get("text")) for o in entry["selected_options"])
    if entry.get("selected_users"):
        return ", ".join(entry["selected_users"])
    if entry.get("selected_date_time"):
        return datetime.fromtimestamp(int(entry["selected_date_time"]), UTC).strftime("%Y-%m-%dT%H:%M UTC")
    return ""


def _kind(element: dict[str, Any], optional: bool, locale: Locale) -> str:
    """What an input takes, as the console shows it beside the input: "text", "pick one, optional"."""
    known = _KIND.get(str(element.get("type")))
    kind = known.render(locale) if known is not None else str(element.get("type"))
    return tr(locale, "{kind}, optional", kind=kind) if optional else kind


def view_to_text(view: dict[str, Any], errors: dict[str, str] | None = None, locale: Locale = DEFAULT_LOCALE) -> str:
    """A modal or Home as lines, in `locale` where the console speaks: its title, its blocks, each input with its
    kind, options and value, the error beside an input, and the modal's buttons."""
    errors = errors or {}
    state = submitted_state(view)
    lines: list[str] = []
    if view.get("type") == "modal":
        title = text_of(view.get("title"))
        lines += [f"┌ {title}", "─" * max(len(title) + 2, 20)]
    for block in view.get("blocks") or []:
        if block.get("type") != "input" or not block.get("block_id"):
            text = blocks_to_text([block], locale)
            lines += [text] if text else []
            continue
        element = block.get("element") or {}
        kind = _kind(element, bool(block.get("optional")), locale)
        label = text_of(block.get("label"))
        lines.append(tr(locale, "• {label} [{id}] ({kind})", label=label, id=block["block_id"], kind=kind))
        options = _options(element)
        if options:
            listed = " | ".join(text_of(o.get("text")) for o in options)
            lines.append("    " + tr(locale, "options: {options}", options=listed))
        entry = state[block["block_id"]][str(element.get("action_id"))]
        lines.append(f"    = {_shown(entry)}" if _shown(entry) else "    = " + tr(locale, "(empty)"))
        if block.get("hint"):
            lines.append(f"    {text_of(block['hint'])}")
        if block["block_id"] in errors:
            lines.append("    ⚠️ " + tr(locale, "{label}: {problem}", label=label, problem=errors[block["block_id"]]))
    if view.get("type") == "modal":
        buttons = [f"[{text_of(view[key])}]" for key in ("submit", "close") if view.get(key)]
        lines.append("  " + " ".join(buttons or [f"[{tr(locale, 'Close')}]"]))
    return "\n".join(lines)


def parse_assignments(text: str) -> list[tuple[str, str]]:
    """`title="Checkout down" severity=sev1` as [(key, value)]; a token with no = is refused."""
    pairs = []
    for token in shlex.split(text):
        key, equals, value = token.partition("=")
        if not equals or not key.strip():
            raise ValueError(t("{token!r} is not key=value", token=token))
        pairs.append((key.strip(), value))
    return pairs


def _find_input(view: dict[str, Any], key: str) -> dict[str, Any]:
    wanted = key.lower()
    blocks = inputs(view)
    rules = (
        lambda b: str(b["block_id"]).lower() == wanted,
        lambda b: text_of(b.get("label")).lower() == wanted,
        lambda b: str((b.get("element") or {}).get("action_id", "")).lower() == wanted,
        lambda b: text_of(b.get("label")).lower().startswith(wanted),
    )
    for rule in rules:
        found = [b for b in blocks if rule(b)]
        if len(found) == 1:
            return found[0]
    names = ", ".join(f"{b['block_id']} ({text_of(b.get('label'))})" for b in blocks)
    if not names:
        raise ValueError(t("no input {key!r} in this form; it has no inputs", key=key))
    raise ValueError(t("no input {key!r} in this form; its inputs: {names}", key=key, names=names))


def _option(element: dict[str, Any], typed: str) -> dict[str, Any]:
    options = _options(element)
    wanted = typed.strip().lower()
    for option in options:
        if wanted in (text_of(option.get("text")).lower(), str(option.get("value", "")).lower()):
            return option
    starting = [option for option in options if text_of(option.get("text")).lower().startswith(wanted)]
    if wanted and len(starting) == 1:  # "sev2" for "sev2 · major", "#12" for "#12 checkout: …"
        return starting[0]
    shown = " | ".join(text_of(o.get("text")) for o in options)
    raise ValueError(t("no option {typed!r}; choose one of: {options}", typed=typed, options=shown))


def _date_time(typed: str) -> int:
    try:
        moment = datetime.fromisoformat(typed.strip())
    except ValueError:
        raise ValueError(t("{typed!r} is not a date and time like 2026-12-01T09:30", typed=typed)) from None
    return int((moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp())


def _value(element: dict[str, Any], typed: str) -> dict[str, Any]:
    """The state.values entry of `element` holding `typed`."""
    kind = str(element.get("type", "plain_text_input"))
    many = [part.strip() for part in typed.split(",") if part.strip()]
    if kind in _ONE:
        return {"type": kind, "selected_option": _option(element, typed) if typed.strip() else None}
    if kind in _MANY:
        return {"type": kind, "selected_options": [_option(element, part) for part in many]}
    if kind == "datepicker":
        try:
            return {"type": kind, "selected_date": datetime.strptime(typed.strip(), "%Y-%m-%d").date().isoformat()}
        except ValueError:
            raise ValueError(t("{typed!r} is not a date like 2026-12-01", typed=typed)) from None
    if kind == "timepicker":
        try:
            return {"type": kind, "selected_time": datetime.strptime(typed.strip(), "%H:%M").strftime("%H:%M")}
        except ValueError:
            raise ValueError(t("{typed!r} is not a time like 09:30", typed=typed)) from None
    if kind == "datetimepicker":
        return {"type": kind, "selected_date_time": _date_time(typed)}
    ids = [part.strip("<>@#!").split("|")[0] for part in many]
    if kind in ("users_select", "conversations_select", "channels_select"):
        field = _INITIAL[kind][1]
        return {"type": kind, field: ids[0] if ids else None}
    if kind == "multi_users_select":
        return {"type": kind, "selected_users": ids}
    return {"type": kind, "value": typed}


def fill(view: dict[str, Any], pairs: list[tuple[str, str]]) -> State:
    """The state.values that typing `pairs` into `view` gives; a ValueError (its Message reads in any language)
    names the first bad pair."""
    typed: State = {}
    for key, text in pairs:
        block = _find_input(view, key)
        element = block.get("element") or {}
        try:
            typed[block["block_id"]] = {str(element.get("action_id")): _value(element, text)}
        except ValueError as error:
            raise ValueError(
                t("{label}: {problem}", label=text_of(block.get("label")), problem=said_by(error))
            ) from None
    return typed
