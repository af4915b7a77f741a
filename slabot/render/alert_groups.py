"""Thread notes about Alertmanager groups, the alerts' labels shown: the alerts one notification added to the
group of an open incident (the first few listed, the rest counted), and why an incident was opened on the
catch-all service (its alert named no service slabot knows)."""

from __future__ import annotations

from slack_sdk.models.blocks import Block

from slabot.incidents.alert_groups import AlertsJoined, AlertUnrouted, JoinedAlert
from slabot.render.locale import Locale
from slabot.render.reply import Reply, clip, context, escape, section

MAX_LABELS_SHOWN = 20
# Alerts listed in one joined note (two blocks each, well within Slack's 50); the rest are counted.
MAX_JOINED_SHOWN = 10


def labels_text(labels: dict[str, str]) -> str:
    """`name="value"` pairs in name order, as Prometheus writes them, escaped."""
    pairs = [f'{name}="{value}"' for name, value in sorted(labels.items())[:MAX_LABELS_SHOWN]]
    more = len(labels) - MAX_LABELS_SHOWN
    return escape(clip(", ".join(pairs), 2000)) + (f" … and {more} more" if more > 0 else "")


def _name(alert: JoinedAlert) -> str:
    return escape(clip(alert.labels.get("alertname", "an alert"), 200))


def _summary(alert: JoinedAlert) -> str:
    return escape(clip(" ".join(alert.summary.split()), 500)) if alert.summary else ""


def joined_note(event: AlertsJoined, *, locale: Locale) -> Reply:
    """The alerts one notification added to an open incident's group: one alert as a sentence, more as a
    list of the first MAX_JOINED_SHOWN (name, summary, labels) and "and N more"."""
    incident_id = event.incident.id
    if len(event.alerts) == 1:
        (alert,) = event.alerts
        text = f":heavy_plus_sign: Alert {_name(alert)} joined incident #{incident_id}"
        if summary := _summary(alert):
            text += f": {summary}"
        labels = labels_text(alert.labels)
        return Reply(text=f"{text} ({labels})", blocks=[section(text), context(f"`{labels}`")], public=True)
    head = f":heavy_plus_sign: {len(event.alerts)} alerts joined incident #{incident_id}"
    blocks: list[Block] = [section(head)]
    lines = [head]
    for alert in event.alerts[:MAX_JOINED_SHOWN]:
        line = f"{_name(alert)}: {summary}" if (summary := _summary(alert)) else _name(alert)
        labels = labels_text(alert.labels)
        blocks += [section(line), context(f"`{labels}`")]
        lines.append(f"• {line} ({labels})")
    if (more := len(event.alerts) - MAX_JOINED_SHOWN) > 0:
        blocks.append(context(f"…and {more} more"))
        lines.append(f"…and {more} more")
    return Reply(text="\n".join(lines), blocks=blocks, public=True)


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
