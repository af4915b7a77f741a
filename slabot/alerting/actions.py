"""What the buttons on an alert message do: acknowledge it, silence its pairs, link the incident opened
from it, and what the Open incident modal starts with. Each change returns the edit its message needs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlmodel import Session

from slabot.alerting.alerts import shown, silences
from slabot.alerting.events import AlertShown
from slabot.alerting.figures import AlertFigures, loads
from slabot.core.errors import UserError
from slabot.core.i18n import t
from slabot.core.mentions import user_mention
from slabot.incidents.lifecycle import NewIncident
from storage.models.alerting import Alert, AlertSeverity, AlertSilence
from storage.models.catalog import Objective, Service

SILENCE_HOURS = (1, 4)


@dataclass(frozen=True)
class AlertChange:
    """An alert after a button changed it, and the events of its message (none for an alert whose
    figures predate migration 0007: its message keeps what it shows until a pass refreshes it)."""

    alert: Alert
    objective: Objective
    service: Service
    events: tuple[AlertShown, ...]


@dataclass(frozen=True)
class IncidentDraft:
    """What the Open incident modal starts with: the alert's service, sev2 for a page (sev3 for a ticket),
    started when the alert fired; the title is the renderer's, from the alert's figures."""

    objective: Objective
    service: Service
    severity: int
    started_at: datetime
    figures: AlertFigures | None  # None for an alert stored before its figures were numbers

    def incident(self, title: str) -> NewIncident:
        return NewIncident(self.service.name, self.severity, title, self.started_at, impact_percent=Decimal(100))


def _load(session: Session, alert_id: int) -> tuple[Alert, Objective, Service]:
    alert = session.get(Alert, alert_id)
    objective = session.get(Objective, alert.objective_id) if alert is not None else None
    service = session.get(Service, objective.service_id) if objective is not None else None
    if alert is None or objective is None or service is None:
        raise UserError(t("This alert no longer exists (its objective was deleted)."))
    return alert, objective, service


def _changed(session: Session, alert: Alert, objective: Objective, service: Service, now: datetime) -> AlertChange:
    session.add(alert)
    figures = loads(alert.figures)
    if figures is None:
        return AlertChange(alert, objective, service, ())
    quiet = silences(session, now, alert.objective_id).get(alert.objective_id, {})
    return AlertChange(alert, objective, service, (shown(alert, objective, service, figures, quiet),))


def acknowledge(session: Session, alert_id: int, user: str, now: datetime) -> AlertChange:
    alert, objective, service = _load(session, alert_id)
    if alert.resolved_at is not None:
        raise UserError(t("This alert has already resolved; nothing to acknowledge."))
    if alert.acknowledged_by is not None:
        raise UserError(t("{who} already acknowledged this alert.", who=user_mention(alert.acknowledged_by)))
    alert.acknowledged_by, alert.acknowledged_at = user, now
    return _changed(session, alert, objective, service, now)


def silence(session: Session, alert_id: int, hours: int, user: str, now: datetime) -> AlertChange:
    """No pings for the alert's pairs until now + hours (an earlier silence is replaced, a later one kept)."""
    if hours not in SILENCE_HOURS:
        raise UserError(t("Silence for {first}h or {second}h.", first=SILENCE_HOURS[0], second=SILENCE_HOURS[1]))
    alert, objective, service = _load(session, alert_id)
    if alert.resolved_at is not None:
        raise UserError(t("This alert has already resolved; nothing to silence."))
    until = now + timedelta(hours=hours)
    for rule in alert.rules.split(","):
        row = session.get(AlertSilence, (alert.objective_id, rule))
        if row is None:
            row = AlertSilence(objective_id=alert.objective_id, rule=rule, until=until, created_by=user)
        elif row.until < until:
            row.until, row.created_by = until, user
        session.add(row)
    session.flush()
    return _changed(session, alert, objective, service, now)


def link_incident(session: Session, alert_id: int, incident_id: int, now: datetime) -> AlertChange:
    alert, objective, service = _load(session, alert_id)
    alert.incident_id = incident_id
    return _changed(session, alert, objective, service, now)


def incident_draft(session: Session, alert_id: int) -> IncidentDraft:
    alert, objective, service = _load(session, alert_id)
    if alert.incident_id is not None:
        raise UserError(t("Incident #{id} was already opened from this alert.", id=alert.incident_id))
    severity = 2 if alert.severity == AlertSeverity.PAGE else 3
    return IncidentDraft(objective, service, severity, alert.opened_at, loads(alert.figures))
