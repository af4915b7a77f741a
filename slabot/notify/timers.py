"""Incident SLA timer notices as outbox rows: warnings in the incident's thread, breaches there and in the
channel (filled in as the timer pass moves to events)."""

from __future__ import annotations

from slabot.notify.outbox import Writer

WRITERS: dict[type, Writer] = {}
