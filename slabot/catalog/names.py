"""Names of services, objectives, calendars and time zones: what one may be, and the closest known name to
suggest."""

from __future__ import annotations

import difflib
import re
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slabot.core.errors import UserError, shown
from slabot.core.i18n import Message, t
from storage.models.catalog import NAME_MAX, TIMEZONE_MAX

NAME_PATTERN = rf"^[a-z0-9][a-z0-9._-]{{0,{NAME_MAX - 1}}}$"
TYPED_NAME_PATTERN = rf"^[A-Za-z0-9][A-Za-z0-9._-]{{0,{NAME_MAX - 1}}}$"  # as typed: upper case is lowered
_NAME = re.compile(NAME_PATTERN)
NAME_RULE = (
    f"letters, digits, '-', '_' or '.', up to {NAME_MAX} characters, starting with a letter or digit; "
    "upper case is taken as lower case"
)


NameKind = Literal["service", "objective", "calendar"]


# A calendar's name is only ever typed and shown (never part of an export or a service/objective reference), so
# it may be in any script people write, like 上海办公室: letters and digits of any language, '.', '_' and '-'.
_CALENDAR_NAME = re.compile(rf"^[^\W_][\w.-]{{0,{NAME_MAX - 1}}}$")


def parse_name(text: str, what: NameKind) -> str:
    """Lower-case letters, digits, '.', '_' and '-', up to NAME_MAX characters, starting with a letter or digit
    (a calendar's letters and digits may be of any script)."""
    name = text.lower()
    if not (_CALENDAR_NAME if what == "calendar" else _NAME).fullmatch(name):
        raise UserError(_not_a_name(what, shown(text)))
    return name


def _not_a_name(what: NameKind, text: str) -> Message:
    if what == "objective":
        return t(
            "'{text}' is not a valid objective name: use letters, digits, '-', '_' or '.', up to {max} characters, "
            "starting with a letter or digit (like checkout-api)",
            text=text,
            max=NAME_MAX,
        )
    if what == "calendar":
        return t(
            "'{text}' is not a valid calendar name: use letters (of any language), digits, '-', '_' or '.', up to "
            "{max} characters, starting with a letter or digit (like cn-office or 上海办公室)",
            text=text,
            max=NAME_MAX,
        )
    return t(
        "'{text}' is not a valid service name: use letters, digits, '-', '_' or '.', up to {max} characters, "
        "starting with a letter or digit (like checkout-api)",
        text=text,
        max=NAME_MAX,
    )


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
            t("{key}= must be a time zone like Europe/Berlin, Asia/Shanghai or UTC (got '{text}')", key=key,
              text=shown(name, 40))
        ) from None  # fmt: skip


def closest(name: str, candidates: list[str]) -> str | None:
    """The known name closest to `name` ("checkout" for "chekout"), to suggest; None when none is close."""
    close = difflib.get_close_matches(name, candidates, n=1)
    return close[0] if close else None
