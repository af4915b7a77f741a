"""Thread notes about Alertmanager groups: an alert that joined the group of an open incident, its labels shown."""

from __future__ import annotations

from slabot.incidents.alert_groups import AlertJoined
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
