"""Counter selectors as label matchers, to tell when one selector only narrows another: `x_total{job="a",
code="500"}` picks a subset of `x_total{job="a"}`'s series, so both can be read from one answer (pure)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

_SELECTOR = re.compile(r"^\s*(?P<name>[a-zA-Z_:][a-zA-Z0-9_:]*)\s*(?:\{(?P<labels>[^{}]*)\})?\s*$", re.S)
# One matcher with a plain double-quoted value (no escapes: anything else is not compared here).
_MATCHER = re.compile(r'\s*(?P<label>[a-zA-Z_][a-zA-Z0-9_]*)\s*(?P<op>=~|!~|!=|=)\s*"(?P<value>[^"\\]*)"\s*(?:,|$)')

Labels = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Selector:
    name: str
    matchers: frozenset[tuple[str, str, str]]  # (label, op, value)


def parse_selector(selector: str) -> Selector | None:
    """The selector's metric name and matchers; None for anything this module does not read exactly."""
    match = _SELECTOR.match(selector)
    if match is None:
        return None
    text, matchers, at = (match.group("labels") or "").strip(), set(), 0
    while at < len(text):
        found = _MATCHER.match(text, at)
        if found is None or found.end() == at:
            return None
        matchers.add((found.group("label"), found.group("op"), found.group("value")))
        at = found.end()
    if any(label == "__name__" for label, _, _ in matchers):
        return None
    return Selector(match.group("name"), frozenset(matchers))


def narrowing(narrow: str, wide: str) -> Callable[[Labels], bool] | None:
    """When `narrow` picks exactly the series of `wide` that pass extra = / != matchers, the test a series of
    `wide` must pass to be one of `narrow`'s; None when that cannot be said for sure."""
    inner, outer = parse_selector(narrow), parse_selector(wide)
    if inner is None or outer is None or inner.name != outer.name or not outer.matchers <= inner.matchers:
        return None
    extra = inner.matchers - outer.matchers
    if any(op not in ("=", "!=") for _, op, _ in extra):
        return None

    def picks(labels: Labels) -> bool:
        values = dict(labels)
        # a label a series does not have is the empty string, as in PromQL
        return all((values.get(label, "") == value) == (op == "=") for label, op, value in extra)

    return picks
