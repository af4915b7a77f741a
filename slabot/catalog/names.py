"""Names of services, objectives, calendars and time zones: what one may be, and the closest known name to
suggest."""

from __future__ import annotations

import difflib
import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slabot.core.errors import UserError, shown
from storage.models.catalog import NAME_MAX, TIMEZONE_MAX

NAME_PATTERN = rf"^[a-z0-9][a-z0-9._-]{{0,{NAME_MAX - 1}}}$"
TYPED_NAME_PATTERN = rf"^[A-Za-z0-9][A-Za-z0-9._-]{{0,{NAME_MAX - 1}}}$"  # as typed: upper case is lowered
_NAME = re.compile(NAME_PATTERN)
NAME_RULE = (
    f"letters, digits, '-', '_' or '.', up to {NAME_MAX} characters, starting with a letter or digit; "
    "upper case is taken as lower case"
)


def parse_name(text: str, what: str) -> str:
    """Lower-case letters, digits, '.', '_' and '-', up to NAME_MAX characters, starting with a letter or digit."""
    name = text.lower()
    if not _NAME.fullmatch(name):
        raise UserError(
            f"'{shown(text)}' is not a valid {what} name: use letters, digits, '-', '_' or '.', up to {NAME_MAX} "
            "characters, starting with a letter or digit (like checkout-api)"
        )
    return name


def parse_zone(text: str, key: str = "tz") -> ZoneInfo:
    """An IANA time zone name (Europe/Berlin, UTC), the one parser of every zone typed or configured: any
    failure (unknown, malformed, a key too long for the file system or the column) is one UserError."""
    name = text.strip()
    try:
        if not name or len(name) > TIMEZONE_MAX:
            raise ValueError(name)
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise UserError(
            f"{key}= must be a time zone like Europe/Berlin, Asia/Shanghai or UTC (got '{shown(name, 40)}')"
        ) from None


def did_you_mean(name: str, candidates: list[str]) -> str:
    """ " Did you mean checkout?" when a known name is close, else ""."""
    close = difflib.get_close_matches(name, candidates, n=1)
    return f" Did you mean {close[0]}?" if close else ""
