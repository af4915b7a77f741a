"""Names of services, objectives and calendars: what one may be, and the closest known name to suggest."""

from __future__ import annotations

import difflib
import re

from slabot.core.errors import UserError

NAME_MAX = 64
_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")


def parse_name(text: str, what: str) -> str:
    """Lower-case letters, digits, '.', '_' and '-', up to 64 characters, starting with a letter or digit."""
    name = text.lower()
    if not _NAME.match(name):
        raise UserError(
            f"'{text}' is not a valid {what} name: use letters, digits, '-', '_' or '.', "
            "starting with a letter or digit (like checkout-api)"
        )
    return name


def did_you_mean(name: str, candidates: list[str]) -> str:
    """ " Did you mean checkout?" when a known name is close, else ""."""
    close = difflib.get_close_matches(name, candidates, n=1)
    return f" Did you mean {close[0]}?" if close else ""
