"""The OpenSLO v1 grammar: YAML documents read into typed objects, every problem located by file, document
number and field path (`slos.yaml#2 spec.objectives[0].target: must be below 1`), and the reversible mapping
between slabot's names and OpenSLO's RFC 1123 labels.

Pure apart from reading the files: no database. What slabot cannot express (composite SLOs, threshold
metrics, more than one objective per SLO, sub-day rolling windows) is a problem with the reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import yaml

from slabot.sources.openslo_fields import (
    API_VERSION,
    CALENDAR,
    KINDS,
    PREFIX,
    Bad,
    annotations_of,
    duration_seconds,
    field_of,
    from_label,
    name_of,
    number_of,
    to_label,
)

__all__ = ["PREFIX", "Documents", "InvalidOpenSLO", "Problem", "SloDoc", "from_label", "read_documents", "to_label"]


@dataclass(frozen=True)
class Problem:
    where: str  # "slos.yaml#2"
    path: str  # "spec.objectives[0].target"
    message: str

    def __str__(self) -> str:
        return f"{self.where} {self.path}: {self.message}" if self.path else f"{self.where}: {self.message}"


class InvalidOpenSLO(Exception):
    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


@dataclass(frozen=True)
class Ratio:
    """A ratioMetric's Prometheus queries: exactly one of good and bad, with total."""

    good: str | None
    bad: str | None
    total: str
    datasource: str | None = None  # the metricSourceRef, a DataSource name


@dataclass(frozen=True)
class Window:
    kind: str  # rolling, week, month, quarter
    days: int | None = None
    timezone: str | None = None


@dataclass(frozen=True)
class Condition:
    """A burnrate AlertCondition: alert when the burn rate over lookback is at least threshold for alert_after."""

    severity: str
    threshold: Fraction
    lookback_seconds: int
    alert_after_seconds: int


@dataclass(frozen=True)
class Located:
    where: str
    path: str


@dataclass(frozen=True)
class ServiceDoc:
    name: str
    annotations: Mapping[str, str]
    at: Located


@dataclass(frozen=True)
class SloDoc:
    name: str
    service: str
    description: str | None
    budgeting: str  # occurrences or timeslices
    window: Window
    target: Fraction
    slice_target: Fraction | None
    indicator: Ratio | None
    indicator_ref: str | None
    conditions: tuple[Condition | str, ...]  # inline conditions, or names of AlertCondition documents
    policy_refs: tuple[str, ...]
    annotations: Mapping[str, str]
    at: Located


@dataclass(frozen=True)
class Documents:
    services: list[ServiceDoc] = field(default_factory=list)
    slos: list[SloDoc] = field(default_factory=list)
    slis: dict[str, tuple[Ratio, Located]] = field(default_factory=dict)
    datasources: dict[str, tuple[str, Located]] = field(default_factory=dict)
    policies: dict[str, tuple[tuple[Condition | str, ...], Located]] = field(default_factory=dict)
    conditions: dict[str, tuple[Condition, Located]] = field(default_factory=dict)


def _ratio(indicator: Any, path: str) -> Ratio:
    spec = field_of(indicator, path, "spec", dict)
    if "thresholdMetric" in spec:
        raise Bad(f"{path}.spec.thresholdMetric", "threshold metrics are not supported: slabot counts good and total")
    ratio = field_of(spec, f"{path}.spec", "ratioMetric", dict)
    where = f"{path}.spec.ratioMetric"
    if ratio.get("counter") is False:
        raise Bad(f"{where}.counter", "must be true: slabot pulls increases of counters")
    if "raw" in ratio:
        raise Bad(f"{where}.raw", "raw ratios are not supported: give good or bad with total")
    if ("good" in ratio) == ("bad" in ratio):
        raise Bad(where, "needs exactly one of good and bad, with total")
    refs: set[str] = set()

    def query(key: str) -> str:
        source = field_of(field_of(ratio, where, key, dict), f"{where}.{key}", "metricSource", dict)
        at = f"{where}.{key}.metricSource"
        kind = field_of(source, at, "type", str)
        if kind.lower() != "prometheus":
            raise Bad(f"{at}.type", f"must be Prometheus, the source slabot pulls from (not {kind})")
        ref = field_of(source, at, "metricSourceRef", str, required=False)
        if ref is not None:
            refs.add(ref)
        inner = field_of(source, at, "spec", dict)
        text = inner.get("query", inner.get("promql"))
        if not isinstance(text, str) or not text.strip():
            raise Bad(f"{at}.spec.query", "is required: the PromQL query (Nobl9's promql is read too)")
        return text.strip()

    good = query("good") if "good" in ratio else None
    bad = query("bad") if "bad" in ratio else None
    total = query("total")
    if len(refs) > 1:
        raise Bad(where, "all queries must name the same metricSourceRef")
    return Ratio(good, bad, total, next(iter(refs), None))


def _window(spec: dict[str, Any], path: str) -> Window:
    windows = field_of(spec, path, "timeWindow", list)
    if len(windows) != 1:
        raise Bad(f"{path}.timeWindow", "must hold exactly one window")
    at = f"{path}.timeWindow[0]"
    window = windows[0]
    duration = field_of(window, at, "duration", str)
    rolling = field_of(window, at, "isRolling", bool, required=False)
    if rolling is not False:
        seconds = duration_seconds(duration, f"{at}.duration")
        if seconds % 86400 or not 1 <= seconds // 86400 <= 400:
            raise Bad(f"{at}.duration", "a rolling window is 1 to 400 whole days, like 30d or 4w")
        return Window("rolling", seconds // 86400)
    if duration not in CALENDAR:
        hint = " (m is minutes: write 1M for a month)" if duration == "1m" else ""
        raise Bad(f"{at}.duration", f"a calendar window is 1w, 1M or 1Q{hint}")
    kind = CALENDAR[duration]
    calendar = field_of(window, at, "calendar", dict)
    zone = field_of(calendar, f"{at}.calendar", "timeZone", str)
    start_text = field_of(calendar, f"{at}.calendar", "startTime", str)
    try:
        start = dt.datetime.strptime(start_text, "%Y-%m-%d %H:%M:%S")
    except ValueError:
        raise Bad(f"{at}.calendar.startTime", "must be like 2022-01-01 00:00:00") from None
    aligned = (
        start.time() == dt.time(0)
        and {
            "week": start.weekday() == 0,
            "month": start.day == 1,
            "quarter": start.day == 1 and start.month in (1, 4, 7, 10),
        }[kind]
    )
    if not aligned:
        raise Bad(f"{at}.calendar.startTime", f"slabot's {kind}s start at midnight on a {_STARTS[kind]}")
    return Window(kind, None, zone)


_STARTS = {"week": "Monday", "month": "month's first day", "quarter": "quarter's first day"}


def _conditions(items: Any, path: str) -> tuple[Condition | str, ...]:
    found: list[Condition | str] = []
    for index, item in enumerate(items or []):
        at = f"{path}[{index}]"
        if isinstance(item, dict) and "conditionRef" in item:
            found.append(field_of(item, at, "conditionRef", str))
        else:
            found.append(condition_of(item, at))
    return tuple(found)


def condition_of(document: Any, path: str) -> Condition:
    spec = field_of(document, path, "spec", dict)
    at = f"{path}.spec" if path else "spec"
    severity = field_of(spec, at, "severity", str).lower()
    if severity not in ("page", "ticket"):
        raise Bad(f"{at}.severity", "must be page or ticket, slabot's two severities")
    condition = field_of(spec, at, "condition", dict)
    at = f"{at}.condition"
    if field_of(condition, at, "kind", str) != "burnrate":
        raise Bad(f"{at}.kind", "must be burnrate: the only condition slabot evaluates")
    if field_of(condition, at, "op", str) != "gte":
        raise Bad(f"{at}.op", "must be gte: slabot alerts when the burn rate reaches the threshold")
    threshold = number_of(condition, at, "threshold")
    if threshold is None or threshold <= 0:
        raise Bad(f"{at}.threshold", "must be a burn rate above 0")
    lookback = duration_seconds(field_of(condition, at, "lookbackWindow", str), f"{at}.lookbackWindow")
    after = duration_seconds(field_of(condition, at, "alertAfter", str), f"{at}.alertAfter")
    if after >= lookback:
        raise Bad(f"{at}.alertAfter", "must be shorter than lookbackWindow: slabot reads it as the short window")
    return Condition(severity, threshold, lookback, after)


def _slo(document: dict[str, Any], name: str, annotations: dict[str, str], at: Located) -> SloDoc:
    spec = field_of(document, "", "spec", dict)
    if "objectives" in spec and any(isinstance(o, dict) and "compositeWeight" in o for o in spec["objectives"]):
        raise Bad("spec.objectives", "composite SLOs are not supported: define each objective on its own")
    service = field_of(spec, "spec", "service", str)
    try:
        service = from_label(service)
    except ValueError as error:
        raise Bad("spec.service", str(error)) from None
    method = field_of(spec, "spec", "budgetingMethod", str)
    if method not in ("Occurrences", "Timeslices"):
        raise Bad("spec.budgetingMethod", "must be Occurrences or Timeslices")
    objectives = field_of(spec, "spec", "objectives", list)
    if len(objectives) != 1:
        raise Bad("spec.objectives", "must hold exactly one objective: a slabot objective has one target")
    target = number_of(objectives[0], "spec.objectives[0]", "target")
    percent = number_of(objectives[0], "spec.objectives[0]", "targetPercent")
    if (target is None) == (percent is None):
        raise Bad("spec.objectives[0]", "needs exactly one of target and targetPercent")
    where = "spec.objectives[0].target" if percent is None else "spec.objectives[0].targetPercent"
    if target is None:
        assert percent is not None
        target = percent / 100
    if not 0 < target < 1:
        raise Bad(where, "must be above 0 and below 1 (100%)")
    slice_target = number_of(objectives[0], "spec.objectives[0]", "timeSliceTarget")
    if method == "Timeslices":
        if slice_target is None or not 0 < slice_target <= 1:
            raise Bad("spec.objectives[0].timeSliceTarget", "Timeslices needs a timeSliceTarget above 0, at most 1")
        if field_of(objectives[0], "spec.objectives[0]", "timeSliceWindow", str) != "1m":
            raise Bad("spec.objectives[0].timeSliceWindow", "must be 1m: slabot's slices are one minute")
    elif slice_target is not None:
        raise Bad("spec.objectives[0].timeSliceTarget", "applies to budgetingMethod Timeslices only")
    indicator = ref = None
    if "indicator" in spec and "indicatorRef" in spec:
        raise Bad("spec", "give one of indicator and indicatorRef")
    if "indicator" in spec:
        indicator = _ratio(field_of(spec, "spec", "indicator", dict), "spec.indicator")
    elif "indicatorRef" in spec:
        ref = field_of(spec, "spec", "indicatorRef", str)
    elif PREFIX + "source" not in annotations:
        raise Bad("spec", f"needs indicator or indicatorRef (or the annotation {PREFIX}source)")
    conditions: list[Condition | str] = []
    refs: list[str] = []
    for index, policy in enumerate(field_of(spec, "spec", "alertPolicies", list, required=False) or []):
        policy_at = f"spec.alertPolicies[{index}]"
        if isinstance(policy, dict) and "alertPolicyRef" in policy:
            refs.append(field_of(policy, policy_at, "alertPolicyRef", str))
            continue
        inner = field_of(policy, policy_at, "spec", dict)
        conditions += _conditions(
            field_of(inner, f"{policy_at}.spec", "conditions", list), f"{policy_at}.spec.conditions"
        )
    description = field_of(spec, "spec", "description", str, required=False)
    return SloDoc(
        name=name,
        service=service,
        description=description,
        budgeting=method.lower(),
        window=_window(spec, "spec"),
        target=target,
        slice_target=slice_target,
        indicator=indicator,
        indicator_ref=ref,
        conditions=tuple(conditions),
        policy_refs=tuple(refs),
        annotations=annotations,
        at=at,
    )


def _read_one(documents: Documents, document: Any, where: str) -> None:
    if not isinstance(document, dict):
        raise Bad("", "must be a mapping with apiVersion, kind, metadata and spec")
    if document.get("apiVersion") != API_VERSION:
        raise Bad("apiVersion", f"must be {API_VERSION}")
    kind = field_of(document, "", "kind", str)
    if kind not in KINDS:
        raise Bad("kind", f"must be one of {', '.join(KINDS)}")
    metadata = field_of(document, "", "metadata", dict)
    name, annotations, at = name_of(metadata, "metadata"), annotations_of(metadata, "metadata"), Located(where, "")
    kept: dict[str, dict[str, Any]] = {
        "SLI": documents.slis,
        "DataSource": documents.datasources,
        "AlertPolicy": documents.policies,
        "AlertCondition": documents.conditions,
    }
    if name in kept.get(kind, {}):
        raise Bad("metadata.name", f"another {kind} has this name")
    if kind == "Service":
        documents.services.append(ServiceDoc(name, annotations, at))
    elif kind == "SLO":
        documents.slos.append(_slo(document, name, annotations, at))
    elif kind == "SLI":
        documents.slis[name] = (_ratio(document, ""), at)
    elif kind == "DataSource":
        spec = field_of(document, "", "spec", dict)
        if field_of(spec, "spec", "type", str).lower() != "prometheus":
            raise Bad("spec.type", "must be Prometheus, the source slabot pulls from")
        details = field_of(spec, "spec", "connectionDetails", dict)
        documents.datasources[name] = (field_of(details, "spec.connectionDetails", "url", str), at)
    elif kind == "AlertPolicy":
        spec = field_of(document, "", "spec", dict)
        documents.policies[name] = (_conditions(field_of(spec, "spec", "conditions", list), "spec.conditions"), at)
    elif kind == "AlertCondition":
        documents.conditions[name] = (condition_of(document, ""), at)
    # AlertNotificationTarget: slabot notifies the service's channel; nothing to keep


def yaml_files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())
    return [path]


def read_documents(paths: Iterable[Path]) -> Documents:
    """Every document of every file (a folder: its .yaml and .yml files, sorted); InvalidOpenSLO lists every
    problem found."""
    documents, problems = Documents(), []
    for path in paths:
        for file in yaml_files(path):
            label = file.name
            try:
                loaded = list(yaml.safe_load_all(file.read_text(encoding="utf-8")))
            except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
                problems.append(Problem(label, "", f"cannot be read: {error}"))
                continue
            for number, document in enumerate(loaded, start=1):
                if document is None:
                    continue
                try:
                    _read_one(documents, document, f"{label}#{number}")
                except Bad as bad:
                    problems.append(Problem(f"{label}#{number}", bad.path, bad.message))
    if problems:
        raise InvalidOpenSLO(problems)
    return documents
