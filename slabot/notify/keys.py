"""The outbox keys of the messages about incidents: what names each, so writing one twice changes nothing,
and which row is an incident's announcement (the message its thread hangs under)."""

from __future__ import annotations

import re

_ANNOUNCEMENT = re.compile(r"incident:([0-9]+)")


def announcement(incident_id: int) -> str:
    return f"incident:{incident_id}"


def incident_of_announcement(key: str) -> int | None:
    """The incident whose announcement this key names; None for every other row."""
    match = _ANNOUNCEMENT.fullmatch(key)
    return int(match.group(1)) if match else None


def incident_note(incident_id: int, timeline_id: int) -> str:
    """The thread note of one state change (acknowledged, resolved, paused, resumed): its timeline row."""
    return f"incident:{incident_id}:note:{timeline_id}"


def announcement_edit(incident_id: int, timeline_id: int) -> str:
    return f"incident:{incident_id}:edit:{timeline_id}"


def alert_joined(incident_id: int, fingerprint: str) -> str:
    """The thread note of an Alertmanager alert that joined the incident's group (fingerprint: letters, digits)."""
    return f"incident:{incident_id}:alert:{fingerprint}"


def alert_unrouted(incident_id: int) -> str:
    """The thread note saying why an Alertmanager group's incident was opened on the catch-all service."""
    return f"incident:{incident_id}:unrouted"


def satisfaction_survey(incident_id: int) -> str:
    return f"incident:{incident_id}:survey"
