"""OpenSLO documents onto slabot's catalogue: a plan (every service and objective added, updated or unchanged,
or every problem found) made without writing, then applied in the caller's transaction.

An upsert by name: what the files name is created or brought in line; what they do not name is left alone.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction
from typing import Literal

from sqlmodel import Session

from slabot.catalog.names import NAME_PATTERN, parse_zone
from slabot.catalog.objectives import ObjectiveSpec, check_spec, define_objective
from slabot.catalog.services import ServiceFields, add_service, edit_service
from slabot.core.budget import percent_from_target
from slabot.core.burn import MAX_RULES, AlertRule, check_rule, parse_rule
from slabot.core.errors import UserError
from slabot.core.windows import WindowSpec
from slabot.sources.openslo import PREFIX, Condition, Documents, InvalidOpenSLO, Problem, Ratio, SloDoc
from slabot.sources.openslo_datasources import DatasourcePlan, apply_datasources, known_datasource, plan_datasources
from slabot.sources.prometheus_objectives import Queries, define_pulled_objective, replace_queries, source_queries
from storage.models.alerting import AlertSeverity
from storage.models.catalog import NAME_MAX, Budgeting, Objective, ObjectiveKind, ObjectiveSource
from storage.models.prometheus import QUERY_MAX
from storage.queries import alerting as alert_queries
from storage.queries import catalog as catalog_queries
from storage.queries import prometheus as prometheus_queries

Action = Literal["add", "update", "unchanged"]
SERVICE_KEYS = {"channel": "channel_id", "oncall": "oncall_id", "owner": "owner", "tier": "tier"}


@dataclass(frozen=True)
class ServicePlan:
    name: str
    fields: dict[str, str | int | None]
    action: Action


@dataclass(frozen=True)
class ObjectivePlan:
    service: str
    spec: ObjectiveSpec
    queries: Queries | None
    rules: tuple[AlertRule, ...]  # empty: the defaults
    min_events: int
    action: Action
    changed: tuple[str, ...] = ()  # the fields an update changes


@dataclass(frozen=True)
class Plan:
    services: tuple[ServicePlan, ...]
    objectives: tuple[ObjectivePlan, ...]
    datasources: tuple[DatasourcePlan, ...] = ()

    @property
    def items(self) -> int:
        return len(self.datasources) + len(self.services) + len(self.objectives)

    @property
    def changes(self) -> int:
        items: list[DatasourcePlan | ServicePlan | ObjectivePlan] = [
            *self.datasources,
            *self.services,
            *self.objectives,
        ]
        return sum(1 for item in items if item.action != "unchanged")


class _Refused(Exception):
    def __init__(self, path: str, message: str) -> None:
        self.path, self.message = path, message


def _service_fields(annotations: Mapping[str, str]) -> dict[str, str | int | None]:
    fields: dict[str, str | int | None] = dict.fromkeys(SERVICE_KEYS.values())
    for key, value in annotations.items():
        short = key.removeprefix(PREFIX)
        if short not in SERVICE_KEYS:
            raise _Refused(
                f"metadata.annotations.{key}", f"a Service takes {', '.join(PREFIX + k for k in SERVICE_KEYS)}"
            )
        if short == "tier":
            if not value.isdigit():
                raise _Refused(f"metadata.annotations.{key}", "must be a whole number")
            fields["tier"] = int(value)
        else:
            fields[SERVICE_KEYS[short]] = value
    return fields


def _objective_name(slo: SloDoc) -> str:
    """The SLO's name without its service's prefix: `checkout-availability` of checkout is availability."""
    rest = slo.name.removeprefix(f"{slo.service}-")
    name = rest if rest and rest != slo.name else slo.name
    if not re.fullmatch(NAME_PATTERN, name):
        raise _Refused("metadata.name", f"'{name}' is not a slabot objective name (up to {NAME_MAX} characters)")
    return name


def _percent(value: Fraction, path: str) -> Decimal:
    try:
        return percent_from_target(value)
    except ValueError:
        raise _Refused(path, "must have a finite decimal form") from None


def _rules_of(slo: SloDoc, documents: Documents, window_seconds: int, target: Fraction) -> tuple[AlertRule, ...]:
    text = slo.annotations.get(PREFIX + "alert-rules")
    conditions: list[Condition] = []
    for item in slo.conditions:
        conditions.append(_condition(item, documents))
    for ref in slo.policy_refs:
        if ref not in documents.policies:
            raise _Refused("spec.alertPolicies", f"no AlertPolicy named {ref} in the files")
        conditions += [_condition(item, documents) for item in documents.policies[ref][0]]
    if text is not None and conditions:
        raise _Refused(f"metadata.annotations.{PREFIX}alert-rules", "give the rules here or as alertPolicies, not both")
    rules: list[AlertRule] = []
    path = f"metadata.annotations.{PREFIX}alert-rules" if text is not None else "spec.alertPolicies"
    try:
        if text is not None:
            rules = [parse_rule(part) for part in text.split(",") if part.strip()]
        for condition in conditions:
            share = condition.threshold * condition.lookback_seconds / window_seconds * 100
            percent = Decimal(share.numerator) / Decimal(share.denominator)
            rounded = Fraction(percent.quantize(Decimal("0.0001"), rounding=ROUND_HALF_EVEN)) / 100
            severity: Literal["page", "ticket"] = "page" if condition.severity == "page" else "ticket"
            rules.append(AlertRule(severity, condition.lookback_seconds, condition.alert_after_seconds, rounded))
        if len(rules) > MAX_RULES or len(set(rules)) != len(rules):
            raise ValueError(f"at most {MAX_RULES} rules, each given once")
        for rule in rules:
            check_rule(rule, target, window_seconds)
    except ValueError as error:
        raise _Refused(path, str(error)) from None
    return tuple(rules)


def _condition(item: Condition | str, documents: Documents) -> Condition:
    if isinstance(item, Condition):
        return item
    if item not in documents.conditions:
        raise _Refused("spec.alertPolicies", f"no AlertCondition named {item} in the files")
    return documents.conditions[item][0]


def _spec_of(slo: SloDoc, documents: Documents) -> tuple[ObjectiveSpec, Queries | None, int]:
    annotations = dict(slo.annotations)
    kind = annotations.pop(PREFIX + "kind", "slo")
    if kind not in ("slo", "sla", "ola"):
        raise _Refused(f"metadata.annotations.{PREFIX}kind", "must be slo, sla or ola")
    source = annotations.pop(PREFIX + "source", None)
    min_text = annotations.pop(PREFIX + "min-events", "100")
    zone = annotations.pop(PREFIX + "timezone", slo.window.timezone)
    annotations.pop(PREFIX + "alert-rules", None)
    if annotations:
        known = ", ".join(PREFIX + k for k in ("kind", "source", "min-events", "timezone", "alert-rules"))
        raise _Refused(f"metadata.annotations.{next(iter(annotations))}", f"an SLO takes {known}")
    if not min_text.isdigit():
        raise _Refused(f"metadata.annotations.{PREFIX}min-events", "must be a whole number")
    ratio: Ratio | None = slo.indicator
    if slo.indicator_ref is not None:
        if slo.indicator_ref not in documents.slis:
            raise _Refused("spec.indicatorRef", f"no SLI named {slo.indicator_ref} in the files")
        ratio = documents.slis[slo.indicator_ref][0]
    if ratio is not None and source is not None:
        raise _Refused(f"metadata.annotations.{PREFIX}source", "an SLO with an indicator is pulled from Prometheus")
    if source not in (None, "incidents", "events"):
        raise _Refused(f"metadata.annotations.{PREFIX}source", "must be incidents or events")
    queries = None
    if ratio is not None:
        for query in (ratio.good, ratio.bad, ratio.total):
            if query is not None and len(query) > QUERY_MAX:
                raise _Refused("spec.indicator", f"a query can be up to {QUERY_MAX} characters")
        queries = Queries(total=ratio.total, good=ratio.good, bad=ratio.bad, datasource=ratio.datasource)
    window = WindowSpec.parse(f"{slo.window.days}d" if slo.window.kind == "rolling" else slo.window.kind)
    slice_target = slo.slice_target if slo.slice_target != slo.target else None
    spec = ObjectiveSpec(
        name=_objective_name(slo),
        target_percent=_percent(slo.target, "spec.objectives[0].target"),
        window=window,
        kind=ObjectiveKind(kind),
        source=ObjectiveSource.INCIDENTS if source == "incidents" else ObjectiveSource.EVENTS,
        description=slo.description,
        timezone=None if zone == "default" else zone,
        budgeting=Budgeting(slo.budgeting),
        slice_target_percent=_percent(slice_target, "spec.objectives[0].timeSliceTarget") if slice_target else None,
    )
    try:
        check_spec(spec)
        if spec.timezone is not None:
            spec = replace(spec, timezone=parse_zone(spec.timezone, "timeZone").key)
    except UserError as error:
        raise _Refused("spec", error.message) from None
    return spec, queries, int(min_text)


def stored_rules(session: Session, objective: Objective) -> tuple[AlertRule, ...]:
    """The rules stored for the objective (none: the defaults apply, and none travel in the files)."""
    return tuple(
        AlertRule.from_stored(row.severity, row.long_seconds, row.short_seconds, row.budget_percent)
        for row in alert_queries.alert_rules_of(session, objective.id)
    )


def _differences(session: Session, objective: Objective, plan: ObjectivePlan) -> tuple[str, ...]:
    spec = plan.spec
    source = prometheus_queries.source_of(session, objective.id)
    if (source is None) != (plan.queries is None):
        raise _Refused("spec.indicator", "changes where the objective's counts come from: delete it first")
    stored = source_queries(source) if source is not None else None
    pairs = {
        "kind": (objective.kind, spec.kind),
        "target": (objective.target_percent, spec.target_percent),
        "window": (objective.window, str(spec.window)),
        "source": (objective.source, spec.source),
        "description": (objective.description, spec.description),
        "timezone": (objective.timezone, spec.timezone),
        "budgeting": (objective.budgeting, spec.budgeting),
        "slice": (objective.slice_target_percent, spec.slice_target_percent),
        "min-events": (objective.min_events, plan.min_events),
        "queries": (stored, plan.queries),
        "alert-rules": (stored_rules(session, objective), plan.rules),
    }
    return tuple(name for name, (old, new) in pairs.items() if old != new)


def plan_import(session: Session, documents: Documents, prometheus_url: str | None) -> Plan:
    """What importing the documents would do; InvalidOpenSLO with every problem when anything cannot be."""
    problems: list[Problem] = []
    services: dict[str, ServicePlan] = {}
    datasources = plan_datasources(session, documents, problems)
    for doc in documents.services:
        try:
            fields = _service_fields(doc.annotations)
        except _Refused as refused:
            problems.append(Problem(doc.at.where, refused.path, refused.message))
            continue
        if doc.name in services:
            problems.append(Problem(doc.at.where, "metadata.name", "another Service has this name"))
            continue
        stored = catalog_queries.service_by_name(session, doc.name)
        same = stored is not None and all(getattr(stored, key) == value for key, value in fields.items())
        action: Action = "add" if stored is None else "unchanged" if same else "update"
        services[doc.name] = ServicePlan(doc.name, fields, action)
    objectives: dict[tuple[str, str], ObjectivePlan] = {}
    for slo in documents.slos:
        try:
            if slo.service not in services and catalog_queries.service_by_name(session, slo.service) is None:
                raise _Refused("spec.service", f"no Service named {slo.service} in the files or in slabot")
            spec, queries, min_events = _spec_of(slo, documents)
            if queries is not None and queries.datasource is None and prometheus_url is None:
                raise _Refused(
                    "spec.indicator",
                    "SLABOT_PROMETHEUS_URL is not set: name a DataSource with metricSourceRef, or set it",
                )
            ref = queries.datasource if queries is not None else None
            if ref is not None and not known_datasource(session, documents, ref):
                raise _Refused("spec.indicator", f"no DataSource named {ref} in the files or in slabot")
            rules = _rules_of(slo, documents, spec.window.nominal_seconds, Fraction(spec.target_percent) / 100)
            if (slo.service, spec.name) in objectives:
                raise _Refused("metadata.name", f"another SLO is {slo.service}/{spec.name}")
            plan = ObjectivePlan(slo.service, spec, queries, rules, min_events, "add")
            stored_service = catalog_queries.service_by_name(session, slo.service)
            known = catalog_queries.objective_by_name(session, stored_service.id, spec.name) if stored_service else None
            if known is not None:
                changed = _differences(session, known, plan)
                plan = replace(plan, action="update" if changed else "unchanged", changed=changed)
            objectives[(slo.service, spec.name)] = plan
        except _Refused as refused:
            problems.append(Problem(slo.at.where, refused.path, refused.message))
    if problems:
        raise InvalidOpenSLO(problems)
    return Plan(tuple(services.values()), tuple(objectives.values()), datasources)


def apply_plan(session: Session, plan: Plan, actor: str) -> None:
    """Write the plan in the caller's transaction (nothing is committed here)."""
    apply_datasources(session, plan.datasources)
    for item in plan.services:
        fields = ServiceFields(**item.fields)
        if item.action == "add":
            add_service(session, item.name, fields, actor)
        elif item.action == "update":
            edit_service(session, item.name, fields)
    for objective_plan in plan.objectives:
        if objective_plan.action == "unchanged":
            continue
        objective = _write_objective(session, objective_plan, actor)
        rows = [
            (AlertSeverity(r.severity), r.long_seconds, r.short_seconds, percent_from_target(r.budget_fraction))
            for r in objective_plan.rules
        ]
        alert_queries.replace_alert_rules(session, objective.id, rows)
        objective.min_events = objective_plan.min_events
        session.add(objective)
    session.flush()


def _write_objective(session: Session, plan: ObjectivePlan, actor: str) -> Objective:
    spec = plan.spec
    if plan.action == "add":
        if plan.queries is not None:
            return define_pulled_objective(session, plan.service, spec, plan.queries, actor)[0]
        return define_objective(session, plan.service, spec, actor)[0]
    service = catalog_queries.service_by_name(session, plan.service)
    assert service is not None
    objective = catalog_queries.objective_by_name(session, service.id, spec.name)
    assert objective is not None
    objective.kind, objective.target_percent, objective.window = spec.kind, spec.target_percent, str(spec.window)
    objective.source, objective.description, objective.timezone = spec.source, spec.description, spec.timezone
    objective.budgeting, objective.slice_target_percent = spec.budgeting, spec.slice_target_percent
    source = prometheus_queries.source_of(session, objective.id)
    if source is not None and plan.queries is not None and "queries" in plan.changed:
        replace_queries(source, plan.queries)  # the window is pulled again with the new queries
        session.add(source)
    return objective
