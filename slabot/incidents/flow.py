"""Opening an incident the way every entry point does it (/incident open, the alert's Open incident modal):
record it, then announce it in the service channel; the announcement becomes the incident's thread. And what
follows a resolve: the opener's satisfaction survey and, for a costly incident, a 5-Why."""

from __future__ import annotations

import logging

from slack_sdk import WebClient

from slabot.config.runtime import Runtime
from slabot.incidents import lifecycle as incidents
from slabot.incidents import satisfaction as csat
from slabot.incidents.lifecycle import NewIncident
from slabot.notify.announce import post
from slabot.rca import runs as rca
from slabot.render import incidents as render
from storage.models.catalog import Incident, Service

log = logging.getLogger(__name__)


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


def after_resolve(runtime: Runtime, client: WebClient, incident: Incident, actor: str) -> None:
    """Ask the opener to rate the handling; start a 5-Why when the incident cost too much budget. Neither
    may spoil the resolve: a failure is logged."""
    for step, work in (("satisfaction survey", csat.ask_opener), ("automatic 5-Why", rca.start_if_costly)):
        try:
            work(runtime, client, incident)
        except Exception:
            log.exception("after resolving incident %s: the %s failed", incident.id, step)
