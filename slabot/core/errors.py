"""The one exception type a user sees: what was wrong, and what to type instead."""

from __future__ import annotations

from slabot.core.i18n import Locale, Message, Verbatim

Said = str | Message | Verbatim  # a message of slabot's (t("…")), or text that is no message (a str, as it is)


def said_in(text: Said, locale: Locale) -> str:
    """What `text` says in the reader's language (a plain str is shown as it is)."""
    return text if isinstance(text, str) else text.render(locale)


class UserError(Exception):
    """Bad input or a request that cannot be done; shown to the caller only, never as a stack trace. Its message
    is rendered in the reader's language where it is shown (`text(locale)`); `message` is its English, for logs
    and the HTTP APIs."""

    def __init__(self, message: Said, usage: Said | None = None, *, field: str | None = None) -> None:
        super().__init__(str(message))
        self.said = message
        self.usage_said = usage
        self.field = field  # the option it is about ("name", "end", "total"…), so a form shows it beside that input

    @property
    def message(self) -> str:
        return str(self.said)

    @property
    def usage(self) -> str | None:
        return None if self.usage_said is None else str(self.usage_said)

    def text(self, locale: Locale) -> str:
        return said_in(self.said, locale)

    def usage_text(self, locale: Locale) -> str | None:
        return None if self.usage_said is None else said_in(self.usage_said, locale)

    def with_usage(self, usage: Said) -> UserError:
        """The same error, with the usage line of the command that was typed (kept if one is already set)."""
        return self if self.usage_said is not None else UserError(self.said, usage, field=self.field)


def shown(text: str, limit: int = 60) -> str:
    """What the person typed, to quote back in an error: at most `limit` characters, on one line."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else f"{flat[: limit - 1]}…"


class NotFound(UserError):
    """The service, objective or incident named does not exist (HTTP 404 on the API)."""


def said_by(error: Exception) -> Said:
    """What an exception of the pure parsers says (a ValueError may carry a Message: it reads in any language)."""
    first = error.args[0] if error.args else ""
    return first if isinstance(first, Message | Verbatim) else str(error)
