"""Reading what a click names: the action_id of the button and the id its value carries."""

from __future__ import annotations

from typing import Any

from slabot.core.errors import UserError
from slabot.core.i18n import Message, t


def clicked(body: dict[str, Any]) -> dict[str, Any]:
    """The action of a block_actions payload (a click carries one)."""
    actions = body.get("actions") or [{}]
    return actions[0] if isinstance(actions[0], dict) else {}


def clicked_id(body: dict[str, Any], what: str) -> int:
    """The number a button's value holds (an alert, an incident, a 5-Why); a UserError when it holds none."""
    value = str(clicked(body).get("value") or "")
    if not value.isdigit() or len(value) > 12:
        raise UserError(_names_nothing(what))
    return int(value)


def _names_nothing(what: str) -> Message:
    """A button whose value was tampered with or lost, per what it should have named."""
    if what == "an incident":
        return t("This button does not name an incident.")
    if what == "an action item":
        return t("This button does not name an action item.")
    if what == "a 5-Why":
        return t("This button does not name a 5-Why.")
    return t("This button does not name an alert.")
