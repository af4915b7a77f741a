"""The rca domain's events as outbox rows (filled in as the domain moves to events)."""

from __future__ import annotations

from slabot.notify.outbox import Writer

WRITERS: dict[type, Writer] = {}
