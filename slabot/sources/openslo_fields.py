"""OpenSLO fields read one at a time: typed look-ups that name their path, exact numbers, case-sensitive
durations, and the reversible mapping between slabot's names and RFC 1123 labels."""

from __future__ import annotations

import datetime as dt
import re
from fractions import Fraction
from typing import Any

API_VERSION = "openslo/v1"
PREFIX = "slabot.io/"
KINDS = ("Service", "SLO", "SLI", "DataSource", "AlertPolicy", "AlertCondition", "AlertNotificationTarget")
LABEL_MAX = 63
_LABEL = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?$")
_ESCAPES = {"_": "--u", ".": "--d", "-": "--h"}
_UNESCAPES = {value[2]: key for key, value in _ESCAPES.items()}
DURATION = re.compile(r"^([0-9]{1,6})([smhdwMQY])$")
SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
CALENDAR = {"1w": "week", "1M": "month", "1Q": "quarter"}


def to_label(name: str) -> str:
    """A slabot name as an RFC 1123 label: `_` is `--u`, `.` is `--d`, and a `-` not followed by a letter or
    digit is `--h`; any other `-`, letter or digit stays. Raises ValueError when the label would exceed 63."""
    out = []
    for index, char in enumerate(name):
        following = name[index + 1 : index + 2]
        if char == "-" and following.isalnum():
            out.append("-")
        else:
            out.append(_ESCAPES.get(char, char))
    label = "".join(out)
    if len(label) > LABEL_MAX:
        raise ValueError(f"'{name}' is {len(label)} characters as an OpenSLO name ({label}); the most is 63")
    return label


def from_label(label: str) -> str:
    """The inverse of to_label; raises ValueError for a label that is not one's image."""
    if not isinstance(label, str) or len(label) > LABEL_MAX or not _LABEL.fullmatch(label):
        raise ValueError("must be an RFC 1123 label: up to 63 of a-z, 0-9 and '-', starting and ending alphanumeric")
    out, index = [], 0
    while index < len(label):
        if label.startswith("--", index):
            code = label[index + 2 : index + 3]
            if code not in _UNESCAPES:
                raise ValueError("'--' starts an escape: --u for '_', --d for '.', --h for '-'")
            out.append(_UNESCAPES[code])
            index += 3
        else:
            out.append(label[index])
            index += 1
    name = "".join(out)
    if to_label(name) != label:
        raise ValueError(f"write it as {to_label(name)} (the one spelling of slabot's name {name})")
    return name


class Bad(Exception):
    def __init__(self, path: str, message: str) -> None:
        self.path, self.message = path, message


def field_of(node: Any, path: str, key: str, kind: type | tuple[type, ...], required: bool = True) -> Any:
    if not isinstance(node, dict):
        raise Bad(path, "must be a mapping")
    where = f"{path}.{key}" if path else key
    if key not in node or node[key] is None:
        if required:
            raise Bad(where, "is required")
        return None
    value = node[key]
    if kind is str and isinstance(value, bool | int | float | dt.date):
        value = _scalar_text(value)  # PyYAML's booleans, numbers and datetimes, as the author wrote them
    if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
        raise Bad(where, f"must be {_KIND_NAMES.get(kind, 'a number')}")
    return value


_KIND_NAMES: dict[Any, str] = {str: "text", dict: "a mapping", list: "a list", bool: "true or false"}


def _scalar_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return str(value)


def number_of(node: Any, path: str, key: str) -> Fraction | None:
    value = field_of(node, path, key, (int, float), required=False)
    return None if value is None else Fraction(str(value))


def duration_seconds(text: str, where: str) -> int:
    match = DURATION.fullmatch(text)
    if match is None or match.group(2) not in SECONDS or int(match.group(1)) == 0:
        raise Bad(where, f"must be a duration like 5m, 1h or 30d (s, m minutes, h, d, w), not {text!r}")
    return int(match.group(1)) * SECONDS[match.group(2)]


def annotations_of(metadata: dict[str, Any], path: str) -> dict[str, str]:
    raw = field_of(metadata, path, "annotations", dict, required=False) or {}
    return {str(key): field_of(raw, f"{path}.annotations", str(key), str) for key in raw if str(key).startswith(PREFIX)}


def name_of(metadata: Any, path: str) -> str:
    label = field_of(metadata, path, "name", str)
    try:
        return from_label(label)
    except ValueError as error:
        raise Bad(f"{path}.name", str(error)) from None
