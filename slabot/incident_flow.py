"""Opening an incident the way every entry point does it (/incident open, the alert's Open incident modal):
record it, then announce it in the service channel; the announcement becomes the incident's thread."""

from __future__ import annotations

from slack_sdk import WebClient

from slabot import incidents
from slabot.announce import post
from slabot.incidents import NewIncident
from slabot.render import incidents as render
from slabot.runtime import Runtime
from storage.models import Incident, Service


def open_and_announce(
    runtime: Runtime, client: WebClient, new: NewIncident, actor: str, fallback_channel: str | None
) -> tuple[Incident, Service, str | None]:
    """Returns the incident, its service and a problem to tell the person (the announcement failed), if any."""
    now = runtime.now()
    with runtime.db.session() as session:
        incident, service = incidents.open_incident(session, new, actor, now)
    channel = service.channel_id or fallback_channel
    if channel is None:
        return incident, service, None
    ts, error = post(client, channel, render.announcement(incident, service, now, runtime.settings.timezone))
    if ts is not None:
        assert incident.id is not None
        with runtime.db.session() as session:
            incidents.record_announcement(session, incident.id, channel, ts)
        incident.channel_id, incident.thread_ts = channel, ts
    return incident, service, render.post_failure(channel, error) if error else None
