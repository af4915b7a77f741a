"""Opening an incident the way every entry point does it (/incident open, the alert's Open incident modal):
record it, then announce it in the service channel; the announcement becomes the incident's thread. And what
follows a resolve: the opener's satisfaction survey and, for a costly incident, a 5-Why."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from slabot.config.runtime import Runtime
from slabot.incidents import lifecycle as incidents
from slabot.incidents.lifecycle import NewIncident
from slabot.notify.announce import post
from slabot.rca import runs as rca
from slabot.render import incidents as render
from slabot.render.csat import survey
from storage.models.catalog import Service
from storage.models.incidents import Incident

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
    for step, work in (("satisfaction survey", ask_opener), ("automatic 5-Why", rca.start_if_costly)):
        try:
            work(runtime, client, incident)
        except Exception:
            log.exception("after resolving incident %s: the %s failed", incident.id, step)


def _failure(error: Exception) -> str:
    if isinstance(error, SlackApiError):
        return str(error.response.get("error", "unknown_error"))
    return str(error)


def ask_opener(runtime: Runtime, client: WebClient, incident: Incident) -> None:
    """Ask the person who opened the resolved incident, seen only by them, to rate its handling: an ephemeral
    message in the incident's thread, or a direct message when that cannot be posted. Never raises for Slack."""
    reply = survey(incident)
    if incident.channel_id is not None:
        try:
            client.chat_postEphemeral(
                channel=incident.channel_id,
                user=incident.opened_by,
                thread_ts=incident.thread_ts,
                **reply.for_message(),
            )
            return
        except (SlackApiError, SlackClientError, OSError) as error:
            log.warning(
                "the survey of incident %s could not be shown in %s (%s); sending it as a direct message",
                incident.id,
                incident.channel_id,
                _failure(error),
            )
    try:
        client.chat_postMessage(channel=incident.opened_by, **reply.for_message())
    except (SlackApiError, SlackClientError, OSError) as error:
        log.warning(
            "the survey of incident %s could not reach %s: %s", incident.id, incident.opened_by, _failure(error)
        )
