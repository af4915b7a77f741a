"""What a command handler gets: who typed it, where, and the runtime to act with."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from slack_sdk import WebClient

from slabot.config.runtime import Runtime
from slabot.core.errors import UserError


@dataclass(frozen=True)
class CommandContext:
    runtime: Runtime
    user_id: str
    channel_id: str
    client: WebClient

    def now(self) -> datetime:
        return self.runtime.now()

    def require_admin(self) -> None:
        """Changes to services, objectives and policies are for SLABOT_ADMINS (everyone when it is empty)."""
        settings = self.runtime.settings
        if settings.is_admin(self.user_id):
            return
        admins = ", ".join(f"<@{admin}>" for admin in sorted(settings.admins))
        raise UserError(f"Only slabot admins can change services, objectives and policies. Ask {admins}.")
