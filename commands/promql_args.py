"""PromQL options of /sla define (good=, bad=, total=): read with their own rule, since a query holds double
quotes of its own (`good="sum(x_total{code!~"5.."})"`) that the ordinary word splitting would take apart."""

from __future__ import annotations

import re

from slabot.core.errors import UserError
from slabot.core.i18n import t

PROMQL_KEYS = ("good", "bad", "total")
_START = re.compile(r"(?:(?<=\s)|^)(good|bad|total)=", re.IGNORECASE)
_OPEN = {'"': '"', "“": "”", "”": "”"}
_PAIRS = {"(": ")", "{": "}", "[": "]"}
_STRAIGHT = str.maketrans({"“": '"', "”": '"'})


def _scan(text: str, start: int, closing: str | None) -> tuple[str, int]:
    """The query from `start` to its end (the closing quote, or white space, outside brackets and strings),
    and where the text continues."""
    depth: list[str] = []
    inner: str | None = None
    index = start
    while index < len(text):
        char = text[index]
        if inner is not None:
            if char == "\\" and index + 1 < len(text):
                index += 2
                continue
            if char.translate(_STRAIGHT) == inner:
                inner = None
        elif depth and char in ('"', "“", "”", "'", "`"):
            inner = char.translate(_STRAIGHT)
        elif char in _PAIRS:
            depth.append(_PAIRS[char])
        elif depth and char == depth[-1]:
            depth.pop()
        elif not depth:
            at_end = index + 1 == len(text) or text[index + 1].isspace()
            if closing is not None and char in ('"', closing) and at_end:
                return text[start:index], index + 1
            if closing is None and char.isspace():
                return text[start:index], index
        index += 1
    if closing is not None:
        raise UserError(
            t("a query's quote is not closed: write it like {example}", example='good="sum(x_total{code!~"5.."})"')
        )
    return text[start:], len(text)


def take_promql(text: str) -> tuple[str, dict[str, str]]:
    """The text without its good=/bad=/total= options, and those options' queries (quotes normalised)."""
    found: dict[str, str] = {}
    rest: list[str] = []
    position = 0
    while (match := _START.search(text, position)) is not None:
        rest.append(text[position : match.start()])
        key = match.group(1).lower()
        if key in found:
            raise UserError(t("{key}= is given twice", key=key))
        value_start = match.end()
        opening = text[value_start : value_start + 1]
        closing = _OPEN.get(opening)
        query, position = _scan(text, value_start + (1 if closing else 0), closing)
        found[key] = query.translate(_STRAIGHT).strip()
    rest.append(text[position:])
    return " ".join(part.strip() for part in rest if part.strip()), found
