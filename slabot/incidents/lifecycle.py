"""Incident lifecycle: open, acknowledge, resolve, pause and resume, each written once to the incident's
timeline (the one writer of IncidentEvent rows) and returned as an IncidentChange for notify to announce, or,
when it had been made already (even a moment before, by someone else), as AlreadyDone and nothing written."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal

from sqlmodel import Session

from slabot.catalog.services import get_service
from slabot.core.errors import NotFound, UserError
from slabot.core.i18n import t
from slabot.incidents.events import AlreadyDone, IncidentChange
from storage.models.catalog import Service
from storage.models.incidents import EVENT_DETAIL_MAX as REASON_MAX
from storage.models.incidents import TITLE_MAX, Incident, IncidentEvent, IncidentEventKind, IncidentStatus
from storage.queries import incidents as queries

SEVERITIES = (1, 2, 3, 4)
# Clocks drift; a start or resolve time this far ahead of ours is still taken as "now".
CLOCK_SKEW = timedelta(minutes=1)


@dataclass(frozen=True)
class NewIncident:
    service_name: str
    severity: int
    title: str
    started_at: datetime
    impact_percent: Decimal
    source: tuple[str, str] | None = None  # the Slack message (channel, ts) it is opened from


def get_incident(session: Session, incident_id: int) -> tuple[Incident, Service]:
    found = queries.incident_with_service(session, incident_id)
    if found is None:
        raise NotFound(t("There is no incident #{id}. See /incident list all.", id=incident_id))
    return found


def _record(
    session: Session,
    incident: Incident,
    service: Service,
    kind: IncidentEventKind,
    at: datetime,
    actor: str,
    detail: str | None = None,
) -> IncidentChange:
    """Write one timeline row; the change it describes."""
    event = IncidentEvent(incident_id=incident.id, kind=kind, at=at, actor=actor, detail=detail)
    session.add(event)
    session.flush()
    return IncidentChange(kind, incident, service, event.id, at, actor, reason=detail)


def open_incident(
    session: Session, new: NewIncident, actor: str, now: datetime, where: str | None = None
) -> IncidentChange:
    """Record a new incident, to be announced in its service's channel (else `where`, the channel the
    person typed in; nowhere when neither is known)."""
    if new.started_at > now + CLOCK_SKEW:
        raise UserError(
            t("started= is in the future: give a past time like started=30m or started=2026-11-21T09:30"),
            field="started",
        )
    title = " ".join(new.title.split())
    if not title:
        raise UserError(t("An incident needs a title after the severity, like: Checkout returns 500s"), field="title")
    if len(title) > TITLE_MAX:
        raise UserError(
            t("The title is {n} characters; keep it to {max} at most.", n=len(title), max=TITLE_MAX), field="title"
        )
    service = get_service(session, new.service_name)
    incident = Incident(
        service_id=service.id,
        severity=new.severity,
        title=title,
        impact_percent=new.impact_percent,
        started_at=min(new.started_at, now),
        opened_by=actor,
        channel_id=service.channel_id or where,
        source_channel_id=new.source[0] if new.source else None,
        source_ts=new.source[1] if new.source else None,
    )
    session.add(incident)
    session.flush()
    return _record(session, incident, service, IncidentEventKind.OPENED, incident.started_at, actor)


def _already(session: Session, incident: Incident, asked: IncidentEventKind) -> AlreadyDone | None:
    """Why the change `asked` for cannot be made to the incident as just read, as what had been done; None
    when it can (a resume of an incident that was never paused is a mistake, not something done already)."""
    if incident.status == IncidentStatus.RESOLVED:
        return AlreadyDone(asked, IncidentEventKind.RESOLVED, incident, incident.resolved_by, incident.resolved_at)
    if asked == IncidentEventKind.ACKNOWLEDGED and incident.status == IncidentStatus.ACKNOWLEDGED:
        return AlreadyDone(asked, asked, incident, incident.acknowledged_by, incident.acknowledged_at)
    if asked == IncidentEventKind.PAUSED and incident.paused_at is not None:
        paused = queries.latest_event(session, incident.id, [IncidentEventKind.PAUSED])
        return AlreadyDone(asked, asked, incident, paused.actor if paused else None, incident.paused_at)
    if asked == IncidentEventKind.RESUMED and incident.paused_at is None:
        last = queries.latest_event(session, incident.id, [IncidentEventKind.PAUSED, IncidentEventKind.RESUMED])
        if last is None or last.kind != IncidentEventKind.RESUMED:
            number = incident.id
            raise UserError(t("Incident #{id} is not paused. Pause it with /incident pause {id} <reason>.", id=number))
        return AlreadyDone(asked, asked, incident, last.actor, last.at)
    return None


def _too_busy(incident_id: int) -> UserError:
    return UserError(
        t("Incident #{id} changed several times while I tried to change it; please try again.", id=incident_id)
    )


# Every change below reads the incident, decides, then writes with a guarded UPDATE that applies only while
# the incident is still as read (storage.queries.incidents.mark_*). When someone else changed it in between
# (another person at the same moment, perhaps on another replica), the incident is read again and the
# decision made anew: usually "already done", so a change is recorded, announced and surveyed once.
ATTEMPTS = 3


def acknowledge(session: Session, incident_id: int, actor: str, now: datetime) -> IncidentChange | AlreadyDone:
    for _ in range(ATTEMPTS):
        incident, service = get_incident(session, incident_id)
        already = _already(session, incident, IncidentEventKind.ACKNOWLEDGED)
        if already is not None:
            return already
        at = max(now, incident.started_at)
        if queries.mark_acknowledged(session, incident_id, at, actor):
            incident, service = get_incident(session, incident_id)
            return _record(session, incident, service, IncidentEventKind.ACKNOWLEDGED, at, actor)
    raise _too_busy(incident_id)


def resolve(
    session: Session, incident_id: int, actor: str, now: datetime, resolved_at: datetime | None = None
) -> IncidentChange | AlreadyDone:
    """Resolve; an incident never acknowledged counts as acknowledged at the same moment."""
    for _ in range(ATTEMPTS):
        incident, service = get_incident(session, incident_id)
        already = _already(session, incident, IncidentEventKind.RESOLVED)
        if already is not None:
            return already
        at = now if resolved_at is None else resolved_at
        if at > now + CLOCK_SKEW:
            raise UserError(t("resolved= is in the future: pick now or a time that has passed."), field="resolved")
        at = min(at, now)
        if at < incident.started_at:
            raise UserError(
                t("resolved= is before the incident started: pick a time after its start (see /incident show {id}).",
                  id=incident_id),
                field="resolved",
            )  # fmt: skip
        implicit_ack = incident.acknowledged_at is None or incident.acknowledged_at > at
        acknowledged_at = at if implicit_ack else incident.acknowledged_at
        acknowledged_by = incident.acknowledged_by or actor
        assert acknowledged_at is not None
        # resolving ends a pause (the timers close it at the RESOLVED event)
        if queries.mark_resolved(
            session, incident_id, IncidentStatus(incident.status), at, actor, acknowledged_at, acknowledged_by
        ):
            incident, service = get_incident(session, incident_id)
            if implicit_ack:
                _record(session, incident, service, IncidentEventKind.ACKNOWLEDGED, at, actor)
            return _record(session, incident, service, IncidentEventKind.RESOLVED, at, actor)
    raise _too_busy(incident_id)


def pause(
    session: Session, incident_id: int, actor: str, now: datetime, reason: str | None
) -> IncidentChange | AlreadyDone:
    """Stop the incident's SLA timers while it waits on someone outside the team (the reason is kept)."""
    cleaned = " ".join((reason or "").split()) or None
    for _ in range(ATTEMPTS):
        incident, service = get_incident(session, incident_id)
        already = _already(session, incident, IncidentEventKind.PAUSED)
        if already is not None:
            return already
        if cleaned is not None and len(cleaned) > REASON_MAX:
            raise UserError(
                t("The reason is {n} characters; keep it to {max} at most.", n=len(cleaned), max=REASON_MAX)
            )
        at = max(now, incident.started_at)
        if queries.mark_paused(session, incident_id, at):
            incident, service = get_incident(session, incident_id)
            return _record(session, incident, service, IncidentEventKind.PAUSED, at, actor, cleaned)
    raise _too_busy(incident_id)


def resume(session: Session, incident_id: int, actor: str, now: datetime) -> IncidentChange | AlreadyDone:
    """Restart the timers of a paused incident; the change says when the pause began."""
    for _ in range(ATTEMPTS):
        incident, service = get_incident(session, incident_id)
        already = _already(session, incident, IncidentEventKind.RESUMED)
        if already is not None:
            return already
        paused_at = incident.paused_at
        assert paused_at is not None
        if queries.mark_resumed(session, incident_id, paused_at):
            incident, service = get_incident(session, incident_id)
            change = _record(session, incident, service, IncidentEventKind.RESUMED, max(now, paused_at), actor)
            return replace(change, paused_since=paused_at)
    raise _too_busy(incident_id)
