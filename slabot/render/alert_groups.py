"""Thread notes about Alertmanager groups, the alert's labels shown: an alert that joined the group of an open
incident, and why an incident was opened on the catch-all service (its alert named no service slabot knows)."""

from __future__ import annotations

from slabot.incidents.alert_groups import AlertJoined, AlertUnrouted
from slabot.render.locale import Locale
from slabot.render.reply import Reply, clip, context, escape, section

MAX_LABELS_SHOWN = 20


def labels_text(labels: dict[str, str]) -> str:
    """`name="value"` pairs in name order, as Prometheus writes them, escaped."""
    pairs = [f'{name}="{value}"' for name, value in sorted(labels.items())[:MAX_LABELS_SHOWN]]
    more = len(labels) - MAX_LABELS_SHOWN
    return escape(clip(", ".join(pairs), 2000)) + (f" … and {more} more" if more > 0 else "")


def joined_note(event: AlertJoined, *, locale: Locale) -> Reply:
    name = event.labels.get("alertname", "an alert")
    text = f":heavy_plus_sign: Alert {escape(clip(name, 200))} joined incident #{event.incident.id}"
    if event.summary:
        text += f": {escape(clip(' '.join(event.summary.split()), 500))}"
    labels = labels_text(event.labels)
    return Reply(text=f"{text} ({labels})", blocks=[section(text), context(f"`{labels}`")], public=True)


def _why_unrouted(event: AlertUnrouted) -> str:
    label = escape(clip(event.label, 100))
    if event.value is None:
        return (
            f"the alert has no label {label} naming its service: add the label to the alert rule "
            "(or set SLABOT_ALERT_SERVICE_LABEL to the label that names it)"
        )
    value = escape(clip(event.value, 100))
    if event.addable:
        return (
            f"label {label}={value} names no service slabot knows: add it with /sla service add {value}, "
            "or fix the alert's label"
        )
    return f'label {label}="{value}" names no service slabot knows, nor one it could add: fix the alert\'s label'


def unrouted_note(event: AlertUnrouted, *, locale: Locale) -> Reply:
    """Right under the announcement of an incident opened on the catch-all service: why it is here."""
    name = event.labels.get("alertname", "an alert")
    why = _why_unrouted(event)
    text = f":warning: Alert {escape(clip(name, 200))} opened incident #{event.incident.id} here: {why}"
    labels = labels_text(event.labels)
    return Reply(text=f"{text} ({labels})", blocks=[section(text), context(f"`{labels}`")], public=True)
