"""Thread notes about Alertmanager groups, the alerts' labels shown: the alerts one notification added to the
group of an open incident (the first few listed, the rest counted), and why an incident was opened on the
catch-all service (its alert named no service slabot knows)."""

from __future__ import annotations

from slack_sdk.models.blocks import Block

from slabot.core.i18n import tr
from slabot.incidents.alert_groups import AlertsJoined, AlertUnrouted, JoinedAlert
from slabot.render.locale import DEFAULT_LOCALE, Locale
from slabot.render.reply import Reply, clip, context, escape, section

MAX_LABELS_SHOWN = 20
# Alerts listed in one joined note (two blocks each, well within Slack's 50); the rest are counted.
MAX_JOINED_SHOWN = 10


def labels_text(labels: dict[str, str], locale: Locale = DEFAULT_LOCALE) -> str:
    """`name="value"` pairs in name order, as Prometheus writes them, escaped."""
    pairs = [f'{name}="{value}"' for name, value in sorted(labels.items())[:MAX_LABELS_SHOWN]]
    shown = escape(clip(", ".join(pairs), 2000))
    more = len(labels) - MAX_LABELS_SHOWN
    return tr(locale, "{labels} … and {n} more", labels=shown, n=more) if more > 0 else shown


def _alert_name(labels: dict[str, str], locale: Locale) -> str:
    name = labels.get("alertname")
    return escape(clip(name, 200)) if name is not None else tr(locale, "an alert")


def _summary(alert: JoinedAlert) -> str:
    return escape(clip(" ".join(alert.summary.split()), 500)) if alert.summary else ""


def _with_labels(text: str, labels: str, locale: Locale) -> str:
    return tr(locale, "{text} ({labels})", text=text, labels=labels)


def _one_joined(event: AlertsJoined, alert: JoinedAlert, locale: Locale) -> Reply:
    name, incident_id = _alert_name(alert.labels, locale), event.incident.id
    if summary := _summary(alert):
        text = tr(
            locale,
            ":heavy_plus_sign: Alert {name} joined incident #{id}: {summary}",
            name=name,
            id=incident_id,
            summary=summary,
        )
    else:
        text = tr(locale, ":heavy_plus_sign: Alert {name} joined incident #{id}", name=name, id=incident_id)
    labels = labels_text(alert.labels, locale)
    return Reply(text=_with_labels(text, labels, locale), blocks=[section(text), context(f"`{labels}`")], public=True)


def joined_note(event: AlertsJoined, *, locale: Locale) -> Reply:
    """The alerts one notification added to an open incident's group: one alert as a sentence, more as a
    list of the first MAX_JOINED_SHOWN (name, summary, labels) and "and N more"."""
    if len(event.alerts) == 1:
        return _one_joined(event, event.alerts[0], locale)
    head = tr(locale, ":heavy_plus_sign: {n} alerts joined incident #{id}", n=len(event.alerts), id=event.incident.id)
    blocks: list[Block] = [section(head)]
    lines = [head]
    for alert in event.alerts[:MAX_JOINED_SHOWN]:
        name = _alert_name(alert.labels, locale)
        line = tr(locale, "{name}: {summary}", name=name, summary=summary) if (summary := _summary(alert)) else name
        labels = labels_text(alert.labels, locale)
        blocks += [section(line), context(f"`{labels}`")]
        lines.append(f"• {_with_labels(line, labels, locale)}")
    if (more := len(event.alerts) - MAX_JOINED_SHOWN) > 0:
        rest = tr(locale, "…and {n} more", n=more)
        blocks.append(context(rest))
        lines.append(rest)
    return Reply(text="\n".join(lines), blocks=blocks, public=True)


def _why_unrouted(event: AlertUnrouted, locale: Locale) -> str:
    label = escape(clip(event.label, 100))
    if event.value is None:
        return tr(
            locale,
            "the alert has no label {label} naming its service: add the label to the alert rule "
            "(or set SLABOT_ALERT_SERVICE_LABEL to the label that names it)",
            label=label,
        )
    value = escape(clip(event.value, 100))
    if event.addable:
        return tr(
            locale,
            "label {label}={value} names no service slabot knows: add it with /sla service add {value}, "
            "or fix the alert's label",
            label=label,
            value=value,
        )
    return tr(
        locale,
        'label {label}="{value}" names no service slabot knows, nor one it could add: fix the alert\'s label',
        label=label,
        value=value,
    )


def unrouted_note(event: AlertUnrouted, *, locale: Locale) -> Reply:
    """Right under the announcement of an incident opened on the catch-all service: why it is here."""
    text = tr(
        locale,
        ":warning: Alert {name} opened incident #{id} here: {why}",
        name=_alert_name(event.labels, locale),
        id=event.incident.id,
        why=_why_unrouted(event, locale),
    )
    labels = labels_text(event.labels, locale)
    return Reply(text=_with_labels(text, labels, locale), blocks=[section(text), context(f"`{labels}`")], public=True)
