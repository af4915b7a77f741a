"""What every handler and job needs, passed explicitly: settings, the database and the clock."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from slabot.config.settings import Settings
from slabot.core.clock import Clock, system_clock
from storage.db import Database


@dataclass(frozen=True)
class Runtime:
    settings: Settings
    db: Database
    clock: Clock = field(default=system_clock)

    def now(self) -> datetime:
        return self.clock()
