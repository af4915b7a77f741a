"""What a command handler gets: who typed it, where, the runtime to act with and the notifier that takes
what the command changed to Slack."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from slabot.config.runtime import Runtime
from slabot.core.errors import UserError
from slabot.core.mentions import user_mention
from slabot.notify.notifier import Notifier
from slabot.render.locale import DEFAULT_LOCALE, Locale
from slabot.render.reply import Reply


@dataclass(frozen=True)
class CommandContext:
    runtime: Runtime
    notifier: Notifier
    user_id: str
    channel_id: str
    progress: Callable[[Reply], None] | None = None  # shows a long command's progress before its reply

    def report_progress(self, reply: Reply) -> None:
        """Show how far a long command has come (replaced by its reply); nothing where progress has no place."""
        if self.progress is not None:
            self.progress(reply)

    @property
    def locale(self) -> Locale:
        """The language to answer in (English only, so far)."""
        return DEFAULT_LOCALE

    def now(self) -> datetime:
        return self.runtime.now()

    def require_admin(self) -> None:
        """Changes to services, objectives and policies are for SLABOT_ADMINS (everyone when it is empty)."""
        settings = self.runtime.settings
        if settings.is_admin(self.user_id):
            return
        admins = ", ".join(user_mention(admin) for admin in sorted(settings.admins))
        raise UserError(f"Only slabot admins can change services, objectives and policies. Ask {admins}.")
