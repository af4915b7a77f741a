"""Alertmanager's webhook (version 4) as slabot reads it: the JSON body checked field by field into frozen
dataclasses, every mistake named with where it is (WebhookRefused, answered 400). Grammar only: what a
notification means for incidents is slabot.incidents.alert_groups. Also the grammar of the severity map
setting (SLABOT_ALERT_SEVERITIES)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

WEBHOOK_VERSION = "4"
MAX_ALERTS = 1000
MAX_LABELS = 64
MAX_TEXT = 4096  # one label or annotation value, or the groupKey
# Alertmanager's fingerprint: 16 hex digits; a little room for other senders, never anything a key could trip on.
_FINGERPRINT = re.compile(r"[0-9A-Za-z]{1,64}")
_LABEL_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# RFC 3339 as Go writes it: up to nine digits of a second, Z or an offset.
_TIME = re.compile(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)")
_GO_ZERO_YEAR = 1  # Go's zero time, 0001-01-01T00:00:00Z, is what an alert without an end carries


class WebhookRefused(Exception):
    """A body that is not an Alertmanager webhook; the message says which field and why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class AlertStatus(StrEnum):
    FIRING = "firing"
    RESOLVED = "resolved"


@dataclass(frozen=True)
class Alert:
    status: AlertStatus
    labels: dict[str, str]
    annotations: dict[str, str]
    starts_at: datetime
    ends_at: datetime | None  # None for Go's zero time (no end known)
    fingerprint: str


@dataclass(frozen=True)
class Notification:
    group_key: str
    status: AlertStatus
    receiver: str
    group_labels: dict[str, str]
    common_labels: dict[str, str]
    common_annotations: dict[str, str]
    external_url: str
    truncated_alerts: int
    alerts: tuple[Alert, ...]


def parse_time(value: object, where: str) -> datetime | None:
    """An RFC 3339 time in UTC (nanoseconds cut to microseconds); None for Go's zero time."""
    match = _TIME.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise WebhookRefused(f"{where} must be an RFC 3339 time like 2026-11-21T10:00:00Z (got {_shown(value)})")
    whole, fraction, zone = match.groups()
    text = whole + (f".{fraction[:6].ljust(6, '0')}" if fraction else "") + ("+00:00" if zone == "Z" else zone)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise WebhookRefused(f"{where} is not a valid time (got {_shown(value)})") from None
    if moment.year == _GO_ZERO_YEAR:
        return None
    return moment.astimezone(UTC)


def _shown(value: object) -> str:
    return json.dumps(value)[:60] if not isinstance(value, str) else repr(value[:60])


def _text(value: object, where: str, *, empty: bool = True) -> str:
    if not isinstance(value, str):
        raise WebhookRefused(f"{where} must be a string (got {_shown(value)})")
    if len(value) > MAX_TEXT:
        raise WebhookRefused(f"{where} is {len(value)} characters; at most {MAX_TEXT}")
    if not empty and not value:
        raise WebhookRefused(f"{where} must not be empty")
    return value


def _strings(value: object, where: str) -> dict[str, str]:
    """A JSON object of strings (labels or annotations); missing or null is empty."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise WebhookRefused(f"{where} must be an object of strings (got {_shown(value)})")
    if len(value) > MAX_LABELS:
        raise WebhookRefused(f"{where} has {len(value)} entries; at most {MAX_LABELS}")
    return {name: _text(item, f"{where}.{name}") for name, item in value.items()}


def _status(value: object, where: str) -> AlertStatus:
    if value not in (AlertStatus.FIRING.value, AlertStatus.RESOLVED.value):
        raise WebhookRefused(f"{where} must be firing or resolved (got {_shown(value)})")
    return AlertStatus(str(value))


def _object(value: object, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise WebhookRefused(f"{where} must be a JSON object (got {_shown(value)})")
    return value


def _alert(value: object, where: str) -> Alert:
    raw = _object(value, where)
    fingerprint = _text(raw.get("fingerprint"), f"{where}.fingerprint")
    if not _FINGERPRINT.fullmatch(fingerprint):
        raise WebhookRefused(f"{where}.fingerprint must be letters and digits (got {_shown(fingerprint)})")
    starts_at = parse_time(raw.get("startsAt"), f"{where}.startsAt")
    if starts_at is None:
        raise WebhookRefused(f"{where}.startsAt must be set")
    return Alert(
        status=_status(raw.get("status"), f"{where}.status"),
        labels=_strings(raw.get("labels"), f"{where}.labels"),
        annotations=_strings(raw.get("annotations"), f"{where}.annotations"),
        starts_at=starts_at,
        ends_at=parse_time(raw.get("endsAt", "0001-01-01T00:00:00Z"), f"{where}.endsAt"),
        fingerprint=fingerprint,
    )


def parse_notification(body: bytes) -> Notification:
    """The webhook body, checked; WebhookRefused naming the first field that is wrong."""
    try:
        raw = json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise WebhookRefused(f"the body is not JSON: {error}") from None
    top = _object(raw, "the body")
    version = top.get("version")
    if version != WEBHOOK_VERSION:
        raise WebhookRefused(f'version must be "{WEBHOOK_VERSION}" (Alertmanager\'s webhook; got {_shown(version)})')
    alerts = top.get("alerts")
    if not isinstance(alerts, list) or not alerts:
        raise WebhookRefused("alerts must be a non-empty list")
    if len(alerts) > MAX_ALERTS:
        raise WebhookRefused(f"alerts holds {len(alerts)} alerts; at most {MAX_ALERTS} (set the receiver's max_alerts)")
    truncated = top.get("truncatedAlerts", 0)
    if not isinstance(truncated, int) or isinstance(truncated, bool) or truncated < 0:
        raise WebhookRefused(f"truncatedAlerts must be a whole number from 0 (got {_shown(truncated)})")
    parsed = tuple(_alert(alert, f"alerts[{index}]") for index, alert in enumerate(alerts))
    if len({alert.fingerprint for alert in parsed}) != len(parsed):
        raise WebhookRefused("alerts holds the same fingerprint twice")
    return Notification(
        group_key=_text(top.get("groupKey"), "groupKey", empty=False),
        status=_status(top.get("status"), "status"),
        receiver=_text(top.get("receiver", ""), "receiver"),
        group_labels=_strings(top.get("groupLabels"), "groupLabels"),
        common_labels=_strings(top.get("commonLabels"), "commonLabels"),
        common_annotations=_strings(top.get("commonAnnotations"), "commonAnnotations"),
        external_url=_text(top.get("externalURL", ""), "externalURL"),
        truncated_alerts=truncated,
        alerts=parsed,
    )


def parse_label_name(text: str) -> str | None:
    """The label name, or None when Prometheus would not take it as one."""
    return text if _LABEL_NAME.fullmatch(text) else None


def parse_severities(text: str) -> dict[str, int] | str:
    """`critical=1,error=2` → {"critical": 1, "error": 2} (values matched without case); or why it is wrong."""
    found: dict[str, int] = {}
    for part in (piece.strip() for piece in text.split(",")):
        value, equals, level = part.partition("=")
        value, level = value.strip().lower(), level.strip().lower().removeprefix("sev")
        if not equals or not value or level not in ("1", "2", "3", "4"):
            return f"'{part[:40]}' is not value=1..4"
        if value in found:
            return f"'{value[:40]}' is given twice"
        found[value] = int(level)
    return found
