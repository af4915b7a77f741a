"""What every handler and job needs, passed explicitly: settings, the database and the clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from slabot.config.settings import Settings
from storage.db import Database

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Runtime:
    settings: Settings
    db: Database
    clock: Clock = field(default=system_clock)

    def now(self) -> datetime:
        return self.clock()
