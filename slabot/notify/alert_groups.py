"""The outbox rows of Alertmanager groups' notes in an incident's thread: the alerts one notification added (one
row, keyed by incident and the hash of their fingerprints, so a retried notification writes nothing new) and why
an incident is on the catch-all service."""

from __future__ import annotations

from sqlmodel import Session

from slabot.incidents.alert_groups import AlertsJoined, AlertUnrouted
from slabot.notify import keys, outbox
from slabot.notify.outbox import RowContext, Writer, Written
from slabot.render import alert_groups as render


def write_joined(session: Session, event: AlertsJoined, at: RowContext) -> Written:
    incident = event.incident
    if incident.channel_id is None or not event.alerts:
        return []
    key = keys.alerts_joined(incident.id, (alert.fingerprint for alert in event.alerts))
    reply = render.joined_note(event, locale=at.language(session, incident.channel_id))
    outbox.post(session, key, incident.channel_id, reply, at.now, parent_key=keys.announcement(incident.id))
    return [(key, incident.channel_id)]


def write_unrouted(session: Session, event: AlertUnrouted, at: RowContext) -> Written:
    incident = event.incident
    if incident.channel_id is None:
        return []
    key = keys.alert_unrouted(incident.id)
    reply = render.unrouted_note(event, locale=at.language(session, incident.channel_id))
    outbox.post(session, key, incident.channel_id, reply, at.now, parent_key=keys.announcement(incident.id))
    return [(key, incident.channel_id)]


WRITERS: dict[type, Writer] = {AlertsJoined: write_joined, AlertUnrouted: write_unrouted}
