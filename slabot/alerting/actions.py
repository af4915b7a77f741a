"""What the buttons on an alert message do: acknowledge it, silence its pairs, link the incident opened
from it. Each change queues an edit of the alert's message in the outbox; the caller delivers it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlmodel import Session

from slabot.alerting.alerts import publish, silences
from slabot.core.errors import UserError
from slabot.core.mentions import user_mention
from slabot.incidents.lifecycle import NewIncident
from slabot.render.alerts import Snapshot
from storage.models.alerting import Alert, AlertSeverity, AlertSilence
from storage.models.catalog import Objective, Service

SILENCE_HOURS = (1, 4)


@dataclass(frozen=True)
class AlertChange:
    alert: Alert
    service: Service
    snapshot: Snapshot
    edit_key: str | None  # the queued edit of the message, to deliver now


def _load(session: Session, alert_id: int) -> tuple[Alert, Objective, Service]:
    alert = session.get(Alert, alert_id)
    objective = session.get(Objective, alert.objective_id) if alert is not None else None
    service = session.get(Service, objective.service_id) if objective is not None else None
    if alert is None or objective is None or service is None:
        raise UserError("This alert no longer exists (its objective was deleted).")
    return alert, objective, service


def _publish(session: Session, alert: Alert, service: Service, now: datetime, zone: ZoneInfo) -> AlertChange:
    quiet = silences(session, now).get(alert.objective_id, {})
    edit_key = publish(session, alert, service, zone, now, quiet) if service.channel_id is not None else None
    return AlertChange(alert, service, json.loads(alert.snapshot), edit_key)


def acknowledge(session: Session, alert_id: int, user: str, now: datetime, zone: ZoneInfo) -> AlertChange:
    alert, _, service = _load(session, alert_id)
    if alert.resolved_at is not None:
        raise UserError("This alert has already resolved; nothing to acknowledge.")
    if alert.acknowledged_by is not None:
        raise UserError(f"{user_mention(alert.acknowledged_by)} already acknowledged this alert.")
    alert.acknowledged_by, alert.acknowledged_at = user, now
    session.add(alert)
    return _publish(session, alert, service, now, zone)


def silence(session: Session, alert_id: int, hours: int, user: str, now: datetime, zone: ZoneInfo) -> AlertChange:
    """No pings for the alert's pairs until now + hours (an earlier silence is replaced, a later one kept)."""
    if hours not in SILENCE_HOURS:
        raise UserError(f"Silence for {' or '.join(f'{h}h' for h in SILENCE_HOURS)}.")
    alert, _, service = _load(session, alert_id)
    if alert.resolved_at is not None:
        raise UserError("This alert has already resolved; nothing to silence.")
    until = now + timedelta(hours=hours)
    for rule in alert.rules.split(","):
        row = session.get(AlertSilence, (alert.objective_id, rule))
        if row is None:
            row = AlertSilence(objective_id=alert.objective_id, rule=rule, until=until, created_by=user)
        elif row.until < until:
            row.until, row.created_by = until, user
        session.add(row)
    session.flush()
    return _publish(session, alert, service, now, zone)


def link_incident(session: Session, alert_id: int, incident_id: int, now: datetime, zone: ZoneInfo) -> AlertChange:
    alert, _, service = _load(session, alert_id)
    alert.incident_id = incident_id
    session.add(alert)
    return _publish(session, alert, service, now, zone)


def incident_draft(session: Session, alert_id: int, now: datetime) -> tuple[NewIncident, Service]:
    """What the Open incident modal starts with: the service, sev2 for a page (sev3 for a ticket), a title."""
    alert, _, service = _load(session, alert_id)
    if alert.incident_id is not None:
        raise UserError(f"Incident #{alert.incident_id} was already opened from this alert.")
    snap = json.loads(alert.snapshot)
    top = snap["pairs"][0]
    title = f"{snap['objective']} burning its error budget ({top['long_rate']}× over {top['long']})"
    severity = 2 if alert.severity == AlertSeverity.PAGE else 3
    return NewIncident(service.name, severity, title, alert.opened_at, impact_percent=Decimal(100)), service
