"""The outbox keys of the messages about incidents: what names each, so writing one twice changes nothing,
and which row is an incident's announcement (the message its thread hangs under)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

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


def announcement_rca_edit(incident_id: int, rca_id: int, what: str) -> str:
    """The announcement edited when one of its 5-Whys starts or is cancelled (`what`; its buttons change)."""
    return f"incident:{incident_id}:edit:rca:{rca_id}:{what}"


def alerts_joined(incident_id: int, fingerprints: Iterable[str]) -> str:
    """The thread note of the alerts one Alertmanager notification added to the incident's group, named by a
    hash of their sorted fingerprints: the same alerts joining again (a retry) name the same note."""
    digest = hashlib.sha256("\n".join(sorted(fingerprints)).encode("utf-8")).hexdigest()[:32]
    return f"incident:{incident_id}:alerts:{digest}"


def alert_unrouted(incident_id: int) -> str:
    """The thread note saying why an Alertmanager group's incident was opened on the catch-all service."""
    return f"incident:{incident_id}:unrouted"


def satisfaction_survey(incident_id: int) -> str:
    return f"incident:{incident_id}:survey"
