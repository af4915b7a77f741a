"""What a command handler gets: who typed it, where, the runtime to act with and the notifier that takes
what the command changed to Slack."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from slabot.config.runtime import Runtime
from slabot.core.errors import UserError
from slabot.core.i18n import t
from slabot.core.mentions import user_mention
from slabot.notify.notifier import Notifier
from slabot.render.locale import Locale
from slabot.render.reply import Reply


@dataclass(frozen=True)
class CommandContext:
    runtime: Runtime
    notifier: Notifier
    user_id: str
    channel_id: str
    progress: Callable[[Reply], None] | None = None  # shows a long command's progress before its reply

    def __post_init__(self) -> None:
        # Looked up now, before any unit of work opens: the first lookup of the day remembers the person's Slack
        # locale (a write), which must not wait on a transaction of the handler's own (SQLite would deadlock).
        with contextlib.suppress(Exception):  # the database out of reach: the handler's own work says so
            self.locale  # noqa: B018 (a cached property: computed once, here)

    def report_progress(self, reply: Reply) -> None:
        """Show how far a long command has come (replaced by its reply); nothing where progress has no place."""
        if self.progress is not None:
            self.progress(reply)

    @cached_property
    def locale(self) -> Locale:
        """The language to answer the person in: their choice, else their Slack locale, else SLABOT_LANGUAGE."""
        return self.notifier.readers.of_person(self.user_id)

    def locale_or_default(self) -> Locale:
        """The person's language, or SLABOT_LANGUAGE when it cannot be looked up now (the database is out of reach:
        the error that says so must still be told)."""
        try:
            return self.locale
        except Exception:
            return self.notifier.readers.default

    def now(self) -> datetime:
        return self.runtime.now()

    def require_admin(self) -> None:
        """Changes to services, objectives and policies are for SLABOT_ADMINS (everyone when it is empty)."""
        settings = self.runtime.settings
        if settings.is_admin(self.user_id):
            return
        admins = ", ".join(user_mention(admin) for admin in sorted(settings.admins))
        raise UserError(
            t("Only slabot admins can change services, objectives and policies. Ask {admins}.", admins=admins)
        )
