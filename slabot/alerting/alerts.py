"""Burn-rate alerts: one message per firing alert, edited as it escalates and resolves, never repeated.

For each objective the pass compares the pairs firing now with its open alert (if any):
- something fires (not silenced) and no alert is open: open one and post its message; a page mentions
  the on-call;
- the set of firing pairs changes: edit the message; a page joining a ticket also pings in the thread;
- nothing fires: the alert resolves once it has stayed quiet for RESOLVE_AFTER (so a burn hovering around
  a threshold does not flap), with its message edited and a recovery note in its thread.
Silenced pairs keep an open alert open but never open one or ping.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from slabot.alerting.verdicts import Evaluation
from slabot.core.burn import RuleResult, format_rule
from slabot.notify import outbox
from slabot.render import alerts as render
from storage.models.alerting import Alert, AlertSeverity, AlertSilence
from storage.models.catalog import Service

RESOLVE_AFTER = timedelta(minutes=5)


def message_key(alert_id: int) -> str:
    return f"alert:{alert_id}"


def _severity(verdicts: Sequence[RuleResult]) -> AlertSeverity:
    return AlertSeverity.PAGE if any(v.rule.severity == "page" for v in verdicts) else AlertSeverity.TICKET


def _rules(verdicts: Sequence[RuleResult]) -> str:
    return ",".join(sorted(format_rule(v.rule) for v in verdicts))


def silences(session: Session, now: datetime) -> dict[int, dict[str, datetime]]:
    rows = session.exec(select(AlertSilence).where(col(AlertSilence.until) > now)).all()
    found: dict[int, dict[str, datetime]] = {}
    for row in rows:
        found.setdefault(row.objective_id, {})[row.rule] = row.until
    return found


def open_alerts(session: Session) -> dict[int, Alert]:
    rows = session.exec(select(Alert).where(col(Alert.open_objective_id).is_not(None))).all()
    return {row.objective_id: row for row in rows}


def silenced_until(silenced: dict[str, datetime], alert: Alert) -> datetime | None:
    """Until when every pair of the alert is silenced (None when any of them may still ping)."""
    ends = [silenced.get(rule) for rule in alert.rules.split(",")]
    return None if not ends or any(end is None for end in ends) else min(e for e in ends if e is not None)


def publish(
    session: Session, alert: Alert, service: Service, zone: ZoneInfo, now: datetime, silenced: dict[str, datetime]
) -> str:
    """Queue an edit of the alert's message showing its current state; returns the edit's outbox key."""
    assert alert.id is not None and service.channel_id is not None
    alert.version += 1
    session.add(alert)
    reply = render.alert_message(alert, service, json.loads(alert.snapshot), zone, silenced_until(silenced, alert))
    key = message_key(alert.id)
    edit_key = f"{key}:v{alert.version}"
    outbox.edit(session, edit_key, key, service.channel_id, reply, now)
    return edit_key


def apply(session: Session, evaluations: Sequence[Evaluation], now: datetime, zone: ZoneInfo) -> None:
    """Bring every objective's alert up to date with this pass's verdicts; messages go to the outbox."""
    current = open_alerts(session)
    quiet = silences(session, now)
    for evaluation in evaluations:
        objective_id = evaluation.status.objective.id or 0
        silenced = quiet.get(objective_id, {})
        firing = evaluation.firing
        alert = current.get(objective_id)
        if alert is None:
            pingable = [v for v in firing if format_rule(v.rule) not in silenced]
            if pingable:
                _open(session, evaluation, pingable, firing, now, zone)
        elif firing:
            _still_firing(session, alert, evaluation, firing, now, zone, silenced)
        else:
            _quiet(session, alert, evaluation, now, zone, silenced)


def _open(
    session: Session,
    evaluation: Evaluation,
    pingable: Sequence[RuleResult],
    firing: Sequence[RuleResult],
    now: datetime,
    zone: ZoneInfo,
) -> None:
    status = evaluation.status
    objective_id = status.objective.id
    alert = Alert(
        objective_id=objective_id or 0,
        open_objective_id=objective_id,
        severity=_severity(pingable),
        rules=_rules(firing),
        snapshot=json.dumps(render.snapshot(status, firing, now)),
        opened_at=now,
        last_firing_at=now,
    )
    session.add(alert)
    session.flush()
    channel = status.service.channel_id
    if channel is None or alert.id is None:
        return  # recorded (and shown by /sla status) but there is nowhere to post it
    reply = render.alert_message(alert, status.service, json.loads(alert.snapshot), zone)
    outbox.post(session, message_key(alert.id), channel, reply, now)


def _still_firing(
    session: Session,
    alert: Alert,
    evaluation: Evaluation,
    firing: Sequence[RuleResult],
    now: datetime,
    zone: ZoneInfo,
    silenced: dict[str, datetime],
) -> None:
    status = evaluation.status
    alert.last_firing_at = now
    alert.clear_since = None
    session.add(alert)
    rules = _rules(firing)
    if rules == alert.rules:
        return
    pingable = [v for v in firing if format_rule(v.rule) not in silenced]
    escalated = alert.severity == AlertSeverity.TICKET and _severity(pingable) == AlertSeverity.PAGE
    alert.rules = rules
    alert.snapshot = json.dumps(render.snapshot(status, firing, now))
    if escalated:
        alert.severity = AlertSeverity.PAGE
    if status.service.channel_id is None or alert.id is None:
        return
    publish(session, alert, status.service, zone, now, silenced)
    if escalated:
        key = message_key(alert.id)
        note = render.escalation_note(status.service, json.loads(alert.snapshot))
        outbox.post(session, f"{key}:page", status.service.channel_id, note, now, parent_key=key)


def _quiet(
    session: Session, alert: Alert, evaluation: Evaluation, now: datetime, zone: ZoneInfo, silenced: dict[str, datetime]
) -> None:
    if alert.clear_since is None:
        alert.clear_since = now
        session.add(alert)
        return
    if now - alert.clear_since < RESOLVE_AFTER:
        return
    status = evaluation.status
    alert.resolved_at = now
    alert.open_objective_id = None
    snap = json.loads(alert.snapshot)
    snap["left"] = render.budget_left(status)
    alert.snapshot = json.dumps(snap)
    session.add(alert)
    if status.service.channel_id is None or alert.id is None:
        return
    publish(session, alert, status.service, zone, now, silenced)
    key = message_key(alert.id)
    note = render.recovery_note(alert, snap)
    outbox.post(session, f"{key}:resolved", status.service.channel_id, note, now, parent_key=key)
