"""The catalogue written as OpenSLO v1 YAML: one Service document per service followed by its SLOs, keys and
documents in a fixed order, so export -> import -> export gives identical bytes.

The named Prometheus servers come first (DataSource documents, their URL only), then each service with its
SLOs. Each SLO is named `<service>-<objective>` (as RFC 1123 labels); slabot-only fields travel as
`slabot.io/` annotations; incident-based and pushed objectives carry `slabot.io/source` instead of an indicator.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

import yaml

from slabot.core.burn import format_rule
from slabot.core.i18n import t, tr
from slabot.core.mentions import channel_mention
from slabot.render.locale import Locale
from slabot.render.reply import Reply, escape, section
from slabot.sources.openslo import PREFIX, to_label
from slabot.sources.openslo_export import ExportedCatalogue, ExportedObjective, ExportedService
from slabot.sources.prometheus_objectives import Queries
from storage.models.catalog import Budgeting, ObjectiveKind

API_VERSION = "openslo/v1"
CALENDAR = {
    "week": ("1w", "2024-01-01 00:00:00"),
    "month": ("1M", "2024-01-01 00:00:00"),
    "quarter": ("1Q", "2024-01-01 00:00:00"),
}


def _fraction(percent: Decimal) -> float:
    """The percentage as a YAML number; ValueError when no float reads back as exactly that."""
    number = float(percent / 100)
    if Fraction(repr(number)) != Fraction(percent) / 100:
        raise ValueError(t("{percent}% has no exact YAML number: make the target shorter", percent=percent))
    return number


def _metadata(name: str, annotations: dict[str, str]) -> dict[str, Any]:
    metadata: dict[str, Any] = {"name": name}
    if annotations:
        metadata["annotations"] = annotations
    return metadata


def _service_document(exported: ExportedService) -> dict[str, Any]:
    service = exported.service
    values = {"channel": service.channel_id, "oncall": service.oncall_id, "owner": service.owner, "tier": service.tier}
    annotations = {PREFIX + key: str(value) for key, value in values.items() if value is not None}
    return {"apiVersion": API_VERSION, "kind": "Service", "metadata": _metadata(to_label(service.name), annotations)}


def _indicator(name: str, queries: Queries) -> dict[str, Any]:
    def source(query: str) -> dict[str, Any]:
        metric: dict[str, Any] = {"type": "Prometheus", "spec": {"query": query}}
        if queries.datasource is not None:
            metric["metricSourceRef"] = queries.datasource
        return {"metricSource": metric}

    ratio: dict[str, Any] = {"counter": True, "total": source(queries.total)}
    if queries.good is not None:
        ratio["good"] = source(queries.good)
    if queries.bad is not None:
        ratio["bad"] = source(queries.bad)
    return {"metadata": {"name": name}, "spec": {"ratioMetric": ratio}}


def _slo_document(service_name: str, exported: ExportedObjective, default_zone: str) -> dict[str, Any]:
    objective = exported.objective
    annotations: dict[str, str] = {}
    if objective.kind != ObjectiveKind.SLO:
        annotations[PREFIX + "kind"] = str(objective.kind)
    if exported.queries is None:
        annotations[PREFIX + "source"] = str(objective.source)
    if objective.min_events != 100:
        annotations[PREFIX + "min-events"] = str(objective.min_events)
    if exported.rules:
        annotations[PREFIX + "alert-rules"] = ",".join(format_rule(rule) for rule in exported.rules)
    window: dict[str, Any]
    if objective.window in CALENDAR:
        duration, start = CALENDAR[objective.window]
        zone = objective.timezone or default_zone
        if objective.timezone is None:
            annotations[PREFIX + "timezone"] = "default"
        window = {"duration": duration, "isRolling": False, "calendar": {"startTime": start, "timeZone": zone}}
    else:
        window = {"duration": objective.window, "isRolling": True}
        if objective.timezone is not None:
            annotations[PREFIX + "timezone"] = objective.timezone
    target: dict[str, Any] = {"target": _fraction(objective.target_percent)}
    if objective.budgeting == Budgeting.TIMESLICES:
        slice_percent = objective.slice_target_percent or objective.target_percent
        target.update(timeSliceTarget=_fraction(slice_percent), timeSliceWindow="1m")
    spec: dict[str, Any] = {
        "service": to_label(service_name),
        "budgetingMethod": "Timeslices" if objective.budgeting == Budgeting.TIMESLICES else "Occurrences",
        "timeWindow": [window],
        "objectives": [target],
    }
    if objective.description:
        spec["description"] = objective.description
    if exported.queries is not None:
        spec["indicator"] = _indicator(to_label(objective.name), exported.queries)
    name = to_label(f"{service_name}-{objective.name}")
    return {"apiVersion": API_VERSION, "kind": "SLO", "metadata": _metadata(name, annotations), "spec": spec}


def _datasource_document(name: str, url: str) -> dict[str, Any]:
    spec = {"type": "Prometheus", "connectionDetails": {"url": url}}
    return {"apiVersion": API_VERSION, "kind": "DataSource", "metadata": {"name": name}, "spec": spec}


def openslo_yaml(catalogue: ExportedCatalogue, default_zone: str) -> str:
    """The YAML text (empty catalogue: an empty string); raises ValueError when a name is too long for OpenSLO."""
    documents: list[dict[str, Any]] = [_datasource_document(name, url) for name, url in catalogue.datasources]
    for exported in catalogue.services:
        documents.append(_service_document(exported))
        documents += [_slo_document(exported.service.name, item, default_zone) for item in exported.objectives]
    if not documents:
        return ""
    return yaml.safe_dump_all(
        documents, explicit_start=True, sort_keys=True, default_flow_style=False, allow_unicode=True, width=4096
    )


def export_queued(service: str | None, channel_id: str, *, locale: Locale) -> Reply:
    channel = channel_mention(channel_id)
    if service:
        text = tr(
            locale, ":outbox_tray: Uploading *{service}* as OpenSLO YAML to {channel}.", service=escape(service),
            channel=channel,
        )  # fmt: skip
    else:
        text = tr(locale, ":outbox_tray: Uploading the catalogue as OpenSLO YAML to {channel}.", channel=channel)
    return Reply(text=text, blocks=[section(text)])
