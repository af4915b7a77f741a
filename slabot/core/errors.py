"""The one exception type a user sees: what was wrong, and what to type instead."""

from __future__ import annotations


class UserError(Exception):
    """Bad input or a request that cannot be done; shown to the caller only, never as a stack trace."""

    def __init__(self, message: str, usage: str | None = None, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.usage = usage
        self.field = field  # the option it is about ("name", "end", "total"…), so a form shows it beside that input

    def with_usage(self, usage: str) -> UserError:
        """The same error, with the usage line of the command that was typed (kept if one is already set)."""
        return self if self.usage else UserError(self.message, usage, field=self.field)


def shown(text: str, limit: int = 60) -> str:
    """What the person typed, to quote back in an error: at most `limit` characters, on one line."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else f"{flat[: limit - 1]}…"


class NotFound(UserError):
    """The service, objective or incident named does not exist (HTTP 404 on the API)."""
