"""Changing an existing objective's definition in place (same id; its counts, incidents and history kept):
target, window, zone, kind, budgeting, slice target and description, checked by the rules a definition
passes, under a lock on its row. Its name, service and source (and a pulled objective's queries) stay."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlmodel import Session

from slabot.catalog.objectives import ObjectiveSpec, check_spec, get_objective
from slabot.core.budget import target_from_percent
from slabot.core.burn import AlertRule, check_rule
from slabot.core.credits import CreditSchedule, parse_credits
from slabot.core.errors import UserError, said_by
from slabot.core.i18n import t
from slabot.core.windows import WindowSpec
from storage.models.catalog import Budgeting, Objective, ObjectiveKind, ObjectiveSource, Service
from storage.queries import alerting as alert_queries
from storage.queries import catalog as queries
from storage.queries import prometheus as prometheus_queries

Value = Decimal | str | None
# the fields an edit may change, in the order a reply lists them: (option key, attribute of Objective)
FIELDS = (
    ("target", "target_percent"),
    ("window", "window"),
    ("tz", "timezone"),
    ("kind", "kind"),
    ("budgeting", "budgeting"),
    ("slice", "slice_target_percent"),
    ("description", "description"),
    ("credits", "credits"),
)
CLEARABLE = frozenset({"timezone", "slice_target_percent", "description", "credits"})


@dataclass(frozen=True)
class ObjectiveChanges:
    """What an edit sets: None leaves a field as stored; `cleared` names the optional attributes it empties
    (timezone, slice_target_percent, description, credits)."""

    target_percent: Decimal | None = None
    window: WindowSpec | None = None
    timezone: str | None = None
    kind: ObjectiveKind | None = None
    budgeting: Budgeting | None = None
    slice_target_percent: Decimal | None = None
    description: str | None = None
    credits: CreditSchedule | None = None
    cleared: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        assert self.cleared <= CLEARABLE, self.cleared


@dataclass(frozen=True)
class Changed:
    """One field an edit changed, by its option key (target, window, tz, …), with its value before and after."""

    key: str
    before: Value
    after: Value


@dataclass(frozen=True)
class ObjectiveEdited:
    """The objective as the edit left it; `changes` is empty when it already was as asked. `repull`: a pulled
    objective's window changed to one no shorter, so Prometheus is asked for all of it again from its start."""

    objective: Objective
    service: Service
    changes: tuple[Changed, ...]
    pulled: bool = False
    repull: bool = False


def _stored(objective: Objective) -> dict[str, Value]:
    return {attribute: getattr(objective, attribute) for _, attribute in FIELDS}


def _asked(objective: Objective, changes: ObjectiveChanges) -> dict[str, Value]:
    after = _stored(objective)
    for _, attribute in FIELDS:
        value = getattr(changes, attribute)
        if attribute in changes.cleared:
            after[attribute] = None
        elif isinstance(value, CreditSchedule):
            after[attribute] = value.text  # stored normalised, as /sla define stores it
        elif value is not None:
            after[attribute] = str(value) if attribute == "window" else value
    if after["budgeting"] == Budgeting.OCCURRENCES and changes.slice_target_percent is None:
        after["slice_target_percent"] = None  # a slice target is for timeslices only: it goes with them
    return after


def _spec(objective: Objective, after: dict[str, Value]) -> ObjectiveSpec:
    return ObjectiveSpec(
        name=objective.name,
        target_percent=after["target_percent"],  # type: ignore[arg-type]
        window=WindowSpec.parse(str(after["window"])),
        kind=after["kind"],  # type: ignore[arg-type]
        source=objective.source,
        description=after["description"],  # type: ignore[arg-type]
        timezone=after["timezone"],  # type: ignore[arg-type]
        budgeting=after["budgeting"],  # type: ignore[arg-type]
        slice_target_percent=after["slice_target_percent"],  # type: ignore[arg-type]
        credits=parse_credits(str(after["credits"])) if after["credits"] else None,
    )


def _check_source(ref: str, objective: Objective, changes: ObjectiveChanges) -> None:
    if objective.source == ObjectiveSource.INCIDENTS and changes.budgeting == Budgeting.TIMESLICES:
        raise UserError(
            t("{ref} counts incident downtime, so budgeting=timeslices does not apply to it (it is for objectives "
              "with source=events): leave budgeting= out", ref=ref),
            field="budgeting",
        )  # fmt: skip


def _check_rules(session: Session, ref: str, objective: Objective, spec: ObjectiveSpec, window_changed: bool) -> None:
    """The objective's stored alert rules must still be able to fire on the new target and window (as
    /sla policy requires when they are set)."""
    target = target_from_percent(spec.target_percent)
    for row in alert_queries.alert_rules_of(session, objective.id):
        rule = AlertRule.from_stored(row.severity, row.long_seconds, row.short_seconds, row.budget_percent)
        try:
            check_rule(rule, target, spec.window.nominal_seconds)
        except ValueError as error:
            raise UserError(
                t("With that change an alert rule of {ref} could not work: {problem}. Change its rules first "
                  "(/sla policy {ref} page:…) or go back to the default rules with /sla policy {ref} reset", ref=ref,
                  problem=said_by(error)),
                field="window" if window_changed else "target",
            ) from None  # fmt: skip


def edit_objective(session: Session, service_name: str, name: str, changes: ObjectiveChanges) -> ObjectiveEdited:
    """Change the objective in place under a lock on its row (read again once locked); nothing is written when
    a rule refuses the result or nothing would change."""
    found, service = get_objective(session, service_name, name)
    ref = f"{service.name}/{found.name}"
    objective = queries.lock_objective(session, found.id)
    if objective is None:
        raise UserError(
            t("{ref} was deleted just now: see /sla list {service}", ref=ref, service=service.name), field="objective"
        )
    _check_source(ref, objective, changes)
    before, after = _stored(objective), _asked(objective, changes)
    spec = _spec(objective, after)
    check_spec(spec)
    changed = tuple(
        Changed(key, before[attribute], after[attribute])
        for key, attribute in FIELDS
        if before[attribute] != after[attribute]
    )
    source = prometheus_queries.source_of(session, objective.id)
    if not changed:
        return ObjectiveEdited(objective, service, (), pulled=source is not None)
    window_changed = before["window"] != after["window"]
    if window_changed or before["target_percent"] != after["target_percent"]:
        _check_rules(session, ref, objective, spec, window_changed)
    for _, attribute in FIELDS:
        setattr(objective, attribute, after[attribute])
    session.add(objective)
    repull = (
        source is not None
        and window_changed
        and spec.window.nominal_seconds >= WindowSpec.parse(str(before["window"])).nominal_seconds
    )
    if repull and source is not None:  # the pass pulls the longer window from its start, as after new queries
        source.pulled_until = None
        session.add(source)
    session.flush()
    return ObjectiveEdited(objective, service, changed, pulled=source is not None, repull=repull)
