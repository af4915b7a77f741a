"""An incident's messages as outbox rows: the announcement (the message its thread hangs under), a note in
the thread and a refreshed announcement for every later change, and the survey shown to the opener."""

from __future__ import annotations

from sqlmodel import Session

from slabot.incidents.events import IncidentChange, SurveyRequested
from slabot.incidents.lifecycle import get_incident
from slabot.notify import keys, outbox
from slabot.notify.outbox import RowContext, Writer, Written
from slabot.rca.analysis import latest_analysis
from slabot.render import csat as render_csat
from slabot.render import incidents as render
from slabot.render.locale import Locale
from slabot.render.reply import Reply
from storage.models.catalog import Service
from storage.models.incidents import Incident, IncidentEventKind, IncidentStatus


def _note(change: IncidentChange, locale: Locale) -> Reply:
    incident = change.incident
    if change.kind == IncidentEventKind.ACKNOWLEDGED:
        return render.acknowledged_note(incident, locale=locale)
    if change.kind == IncidentEventKind.RESOLVED:
        return render.resolved_note(incident, locale=locale)
    if change.kind == IncidentEventKind.PAUSED:
        return render.paused_note(incident, change.actor, change.reason, locale=locale)
    assert change.paused_since is not None
    return render.resumed_note(incident, change.actor, change.paused_since, change.at, locale=locale)


def write_change(session: Session, change: IncidentChange, at: RowContext) -> Written:
    """Opened: the announcement. Any later change: its note in the thread, then the announcement edited to
    show the incident as it is now (an older edit not sent yet is dropped)."""
    incident = change.incident
    channel = incident.channel_id
    if channel is None:  # neither the service nor the person who opened it gave a channel
        return []
    announcement = keys.announcement(incident.id)
    locale = at.language(session, channel)  # the channel's, and so its thread's
    shown = _announcement(session, incident, change.service, at, locale)
    if change.kind == IncidentEventKind.OPENED:
        outbox.post(session, announcement, channel, shown, at.now)
        return [(announcement, channel)]
    note = keys.incident_note(incident.id, change.timeline_id)
    outbox.post(session, note, channel, _note(change, locale), at.now, parent_key=announcement)
    edit = keys.announcement_edit(incident.id, change.timeline_id)
    outbox.edit(session, edit, announcement, channel, shown, at.now)
    return [(note, channel), (edit, channel)]


def _announcement(session: Session, incident: Incident, service: Service, at: RowContext, locale: Locale) -> Reply:
    """The announcement as the incident is now; Start 5-Why only while no 5-Why of it runs or has finished."""
    analysed = incident.status == IncidentStatus.RESOLVED and latest_analysis(session, incident.id) is not None
    return render.announcement(incident, service, at.now, at.zone, analysed=analysed, locale=locale)


def refresh_announcement(session: Session, incident_id: int, key: str, at: RowContext) -> Written:
    """The announcement edited under `key` after a change that is not the incident's own (a 5-Why started or
    cancelled changes its buttons); nothing when it was never announced."""
    incident, service = get_incident(session, incident_id)
    if incident.channel_id is None:
        return []
    locale = at.language(session, incident.channel_id)
    outbox.edit(session, key, keys.announcement(incident_id), incident.channel_id,
                _announcement(session, incident, service, at, locale), at.now)  # fmt: skip
    return [(key, incident.channel_id)]


def write_survey(session: Session, event: SurveyRequested, at: RowContext) -> Written:
    """In the incident's thread, seen only by the opener; a direct message when the incident has no channel."""
    incident = event.incident
    key = keys.satisfaction_survey(incident.id)
    reply = render_csat.survey(incident, locale=at.language(session, incident.opened_by))  # only the opener sees it
    if incident.channel_id is None:
        outbox.post(session, key, incident.opened_by, reply, at.now)
        return [(key, incident.opened_by)]
    parent = keys.announcement(incident.id)
    outbox.ephemeral(session, key, incident.channel_id, incident.opened_by, reply, at.now, parent_key=parent)
    return [(key, incident.channel_id)]


WRITERS: dict[type, Writer] = {IncidentChange: write_change, SurveyRequested: write_survey}
