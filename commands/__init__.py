"""Slash-command grammar: /sla and /incident, each a CommandGroup of routes with their usage lines."""

from __future__ import annotations

from commands.incident import INCIDENT
from commands.router import CommandGroup
from commands.sla import SLA

GROUPS: tuple[CommandGroup, ...] = (SLA, INCIDENT)
