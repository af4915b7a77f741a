"""The languages slabot speaks and its message catalogues: every word it shows is a msgid (the English text with
`{name}` placeholders) looked up in the reader's catalogue, then filled in.

Three ways to say something, each a keyword `pybabel extract` knows (babel.cfg):
- `tr(locale, "…", **params)`: a renderer that knows its reader's language; the text now.
- `t("…", **params)`: code that does not know who will read it (an error raised in the domain); a Message,
  rendered in the reader's language where it is shown.
- `tn(locale, "… one", "… many", n, **params)`: a text with a number in it that changes the words.

Placeholders are filled after the lookup, so a translation may reorder them but never changes a figure; a param
that is itself a Message (or anything with `render(locale)`) is rendered in the same language. The locale is always
passed in: there is no global "current language", which concurrent handlers would trample.
"""

from __future__ import annotations

import gettext
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import Literal

Locale = Literal["en", "zh"]
LOCALES: tuple[Locale, ...] = ("en", "zh")
DEFAULT_LOCALE: Locale = "en"
DOMAIN = "slabot"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locales"
LANGUAGE_NAMES: dict[Locale, str] = {"en": "English", "zh": "中文"}  # each in its own language
_TAG = re.compile(r"^([A-Za-z]{2,3})(?:[-_].*)?$")


def parse_locale(text: str | None) -> Locale | None:
    """The language of a locale tag as Slack or a person gives it ("zh-CN", "zh_Hans", "en-US", "ZH"), or None
    for one slabot does not speak."""
    match = _TAG.match((text or "").strip())
    language = match.group(1).lower() if match else ""
    return next((locale for locale in LOCALES if locale == language), None)


@cache
def catalogue(locale: Locale) -> gettext.NullTranslations:
    """The compiled catalogue of a language (read once; it never changes while the process runs). A missing
    one falls back to the msgids, which are English; tests/unit/test_catalogues.py keeps both complete."""
    return gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=[locale], fallback=True)


_PLAIN: frozenset[type] = frozenset({str, int, float, Decimal, Fraction})  # shown as they are, never rendered


def _shown(value: object, locale: Locale) -> object:
    """A param as the text shows it: rendered in `locale` when it reads differently in each language (a Message,
    a Verbatim, anything with `render(locale)`), else as it is. Plain figures and strings, the most of them,
    skip the look-up (a runtime_checkable Protocol's isinstance is slow)."""
    if type(value) in _PLAIN:
        return value
    if isinstance(value, Message | Verbatim) or callable(getattr(value, "render", None)):
        return value.render(locale)  # type: ignore[attr-defined]
    return value


def _fill(text: str, locale: Locale, params: Mapping[str, object]) -> str:
    if not params:
        return text
    return text.format_map({key: _shown(value, locale) for key, value in params.items()})


def tr(locale: Locale, msgid: str, **params: object) -> str:
    """The text `msgid` in `locale`, its placeholders filled."""
    return _fill(catalogue(locale).gettext(msgid), locale, params)


def tn(locale: Locale, singular: str, plural: str, n: int, **params: object) -> str:
    """The singular or plural text (by the language's rule for n; Chinese has one form), with `n` among its
    placeholders."""
    return _fill(catalogue(locale).ngettext(singular, plural, n), locale, {"n": n, **params})


@dataclass(frozen=True)
class Message:
    """A text to be shown later, in a language not known yet: its msgid and what fills its placeholders."""

    msgid: str
    params: Mapping[str, object] = field(default_factory=dict)
    plural: str | None = None
    n: int = 1

    def render(self, locale: Locale) -> str:
        if self.plural is not None:
            return tn(locale, self.msgid, self.plural, self.n, **self.params)
        return tr(locale, self.msgid, **self.params)

    def __str__(self) -> str:  # logs and the API speak English
        return self.render(DEFAULT_LOCALE)


def t(msgid: str, **params: object) -> Message:
    return Message(msgid, params)


def tp(singular: str, plural: str, n: int, **params: object) -> Message:
    return Message(singular, {"n": n, **params}, plural, n)


@dataclass(frozen=True)
class Verbatim:
    """Text that is no message of slabot's (a name someone typed, an error a server gave): shown as it is in every
    language, so it can be passed where a Message is expected."""

    text: str

    def render(self, locale: Locale) -> str:
        return self.text

    def __str__(self) -> str:
        return self.text


def placeholders(text: str) -> set[str]:
    """The names of the `{placeholders}` in a msgid or its translation (they must be the same set)."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
