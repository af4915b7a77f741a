"""Alertmanager groups as incidents: one open incident per groupKey, opened by the group's first firing
notification, one note per later notification listing the alerts that joined with it, resolved once every
alert seen in it is resolved.

A notification is handled with its group's row locked (storage.queries.alertmanager.lock_group), so repeats,
retries and replicas posting the same group at once are decided one after another: the first opens the
incident, the others find it open. Opening and resolving go through slabot.incidents.lifecycle, exactly as
/incident open and /incident resolve do; the caller queues the announcement and what follows a resolve.

With an alert channel set (SLABOT_ALERT_CHANNEL), alerts naming no known service (or no service at all) open
their incident on the catch-all service UNROUTED, announced in that channel with a note of why; without it
they are refused."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from sqlmodel import Session

from slabot.catalog.names import NAME_PATTERN
from slabot.core.errors import NotFound, UserError
from slabot.core.i18n import t
from slabot.incidents import lifecycle
from slabot.incidents.events import AlreadyDone, IncidentChange
from slabot.sources.alertmanager import Alert, AlertStatus, Notification
from storage.models.alertmanager import GroupAlertStatus
from storage.models.catalog import Service
from storage.models.incidents import TITLE_MAX, Incident, IncidentStatus
from storage.queries import alertmanager as queries
from storage.queries import catalog as catalog_queries

ACTOR = "alertmanager"  # who opens and resolves incidents of alerts, in their timelines
DEFAULT_SEVERITY = 3
DEFAULT_SEVERITIES: Mapping[str, int] = {"critical": 1, "error": 2, "warning": 3, "info": 4}
# The catch-all service of alerts naming no service slabot knows, created the first time one needs it. Its
# channel stays unset, so its incidents are announced in the alert channel of the moment.
UNROUTED = "unrouted"
_SERVICE_NAME = re.compile(NAME_PATTERN)


@dataclass(frozen=True)
class AlertPolicy:
    """How alerts' labels map to incidents: the label naming the service, severity label values to levels."""

    service_label: str = "service"
    severities: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_SEVERITIES))
    severity_label: str = "severity"
    alert_channel: str | None = None  # where incidents of alerts naming no known service go; None: refused

    def severity_of(self, alert: Alert) -> int:
        value = alert.labels.get(self.severity_label, "").strip().lower()
        return self.severities.get(value, DEFAULT_SEVERITY)


@dataclass(frozen=True)
class JoinedAlert:
    """One alert new to its group's open incident: its fingerprint, labels and summary annotation."""

    fingerprint: str
    labels: dict[str, str]
    summary: str | None


@dataclass(frozen=True)
class AlertsJoined:
    """The firing alerts one notification added to the group of an open incident, in the notification's order:
    noted once, together, in the incident's thread. Only alerts recorded as new are here, so a repeated or
    retried notification has none and asks for no note."""

    incident: Incident
    service: Service
    alerts: tuple[JoinedAlert, ...]


@dataclass(frozen=True)
class AlertUnrouted:
    """An incident opened on the catch-all service: noted once in its thread, right under the announcement, with
    the labels of the alert that sent it there and why (`value`: the service label's, None when it had none)."""

    incident: Incident
    service: Service
    label: str
    value: str | None
    labels: dict[str, str]

    @property
    def addable(self) -> bool:
        """Whether `/sla service add <value>` would make such alerts find their service."""
        return self.value is not None and _SERVICE_NAME.fullmatch(self.value) is not None


@dataclass(frozen=True)
class Placement:
    """Where a group's new incident goes: its service, the channel to announce it in when the service has none,
    and the alert that made it unrouted (None when the alerts named a known service)."""

    service: Service
    where: str | None = None
    unrouted_by: Alert | None = None


@dataclass(frozen=True)
class GroupOutcome:
    """What a notification did: the incident it is about (None when it opened nothing) and the events to queue."""

    incident_id: int | None
    opened: bool = False
    resolved: bool = False
    changes: tuple[IncidentChange, ...] = ()
    joined: tuple[AlertsJoined, ...] = ()  # one at most: the alerts this notification added
    unrouted: tuple[AlertUnrouted, ...] = ()  # queued after the announcement (its note hangs under it)


class AlertRefused(UserError):
    """A notification slabot cannot turn into an incident (answered 422, which Alertmanager logs)."""


def key_hash(group_key: str) -> str:
    return hashlib.sha256(group_key.encode("utf-8")).hexdigest()


def _placement(session: Session, firing: list[Alert], policy: AlertPolicy, now: datetime) -> Placement:
    """The known service the firing alerts name; else, with an alert channel, the catch-all service announced
    there; else AlertRefused. Alerts naming different services are refused either way (a grouping mistake)."""
    label = policy.service_label
    names = {alert.labels[label] for alert in firing if label in alert.labels}
    if len(names) > 1:
        shown = ", ".join(sorted(names))[:200]
        raise AlertRefused(
            t("the group's alerts name different services in label '{label}' ({names}): group_by {label}",
              label=label, names=shown)
        )  # fmt: skip
    unlabelled = next((alert for alert in firing if label not in alert.labels), None)
    service = None if unlabelled is not None else catalog_queries.service_by_name(session, next(iter(names)))
    if service is not None:
        return Placement(service, where=policy.alert_channel)
    if policy.alert_channel is None:
        if unlabelled is not None:
            raise AlertRefused(
                t(
                    "an alert has no label '{label}' naming its service: add it (SLABOT_ALERT_SERVICE_LABEL)",
                    label=label,
                )
            )
        name = next(iter(names))
        raise AlertRefused(
            t("label {label}={name} names no service slabot knows (see /sla service list)", label=label,
              name=repr(name[:100]))
        )  # fmt: skip
    values = {"created_by": ACTOR, "created_at": now}  # no channel of its own: SLABOT_ALERT_CHANNEL, as set now
    catch_all = catalog_queries.ensure_service(session, UNROUTED, values)
    return Placement(catch_all, where=policy.alert_channel, unrouted_by=unlabelled or firing[0])


def title_of(notification: Notification, firing: list[Alert]) -> str:
    """The summary annotation (the group's common one, else its first firing alert's), else the alert name."""
    summary = notification.common_annotations.get("summary") or firing[0].annotations.get("summary")
    if not (summary or "").strip():
        summary = notification.common_labels.get("alertname") or firing[0].labels.get("alertname") or "Alert"
    title = " ".join((summary or "").split())
    return title if len(title) <= TITLE_MAX else title[: TITLE_MAX - 1] + "…"


def _record(session: Session, incident_id: int, alert: Alert) -> bool:
    status = GroupAlertStatus(alert.status.value)
    return queries.record_alert(session, incident_id, alert.fingerprint, status, alert.starts_at, alert.ends_at)


def _open(
    session: Session, group_id: int, was: int | None, notification: Notification, policy: AlertPolicy, now: datetime
) -> GroupOutcome:
    firing = [alert for alert in notification.alerts if alert.status == AlertStatus.FIRING]
    placement = _placement(session, firing, policy, now)
    new = lifecycle.NewIncident(
        service_name=placement.service.name,
        severity=min(policy.severity_of(alert) for alert in firing),
        title=title_of(notification, firing),
        started_at=min(min(alert.starts_at for alert in firing), now),
        impact_percent=Decimal(100),
    )
    change = lifecycle.open_incident(session, new, ACTOR, now, where=placement.where)
    incident_id = change.incident.id
    # the group's row is locked by this transaction: nobody can have swapped its incident meanwhile
    if not queries.set_group_incident(session, group_id, was, incident_id):
        raise RuntimeError(f"alert group {group_id} changed while its row was locked")
    for alert in notification.alerts:
        _record(session, incident_id, alert)
    unrouted: tuple[AlertUnrouted, ...] = ()
    if (why := placement.unrouted_by) is not None:
        label = policy.service_label
        unrouted = (AlertUnrouted(change.incident, change.service, label, why.labels.get(label), dict(why.labels)),)
    return GroupOutcome(incident_id, opened=True, changes=(change,), unrouted=unrouted)


def _follow(
    session: Session, incident: Incident, service: Service, notification: Notification, now: datetime
) -> GroupOutcome:
    new = []
    for alert in notification.alerts:
        if _record(session, incident.id, alert) and alert.status == AlertStatus.FIRING:
            new.append(JoinedAlert(alert.fingerprint, dict(alert.labels), alert.annotations.get("summary")))
    joined = (AlertsJoined(incident, service, tuple(new)),) if new else ()
    alerts = queries.alerts_of(session, incident.id)
    if any(alert.status != GroupAlertStatus.RESOLVED for alert in alerts):
        return GroupOutcome(incident.id, joined=joined)
    ends = [alert.ends_at for alert in alerts if alert.ends_at is not None]
    resolved_at = max([incident.started_at, *ends]) if ends else now
    change = lifecycle.resolve(session, incident.id, ACTOR, now, min(resolved_at, now))
    if isinstance(change, AlreadyDone):  # someone resolved it by hand a moment ago
        return GroupOutcome(incident.id, joined=joined)
    return GroupOutcome(incident.id, resolved=True, changes=(change,), joined=joined)


def take_notification(session: Session, notification: Notification, policy: AlertPolicy, now: datetime) -> GroupOutcome:
    """Open, note or resolve the group's incident as this notification calls for; AlertRefused when it would
    open an incident slabot cannot place (alerts naming different services; with no alert channel, also no
    service label, or one naming no service)."""
    group = queries.lock_group(session, key_hash(notification.group_key), notification.group_key, now)
    current: tuple[Incident, Service] | None = None
    if group.incident_id is not None:
        try:
            current = lifecycle.get_incident(session, group.incident_id)
        except NotFound:
            current = None
    if current is not None and current[0].status != IncidentStatus.RESOLVED:
        return _follow(session, current[0], current[1], notification, now)
    if not any(alert.status == AlertStatus.FIRING for alert in notification.alerts):
        return GroupOutcome(None if current is None else current[0].id)  # a resolve repeated, or of nothing open
    return _open(session, group.id, group.incident_id, notification, policy, now)
