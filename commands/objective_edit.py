"""/sla edit <service>/<name> key=value…: an objective's definition changed in place (for admins), read with the
parsers of /sla define; typed with just the objective it opens the Edit objective form, filled in as stored."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from commands.args import first_error, parse_args, parse_each, parse_objective_ref
from commands.catalog import OBJECTIVE_PARSERS
from commands.context import CommandContext
from commands.forms import Form, OpenForm
from commands.promql_args import take_promql
from slabot.catalog import objective_edits
from slabot.catalog.names import parse_name
from slabot.catalog.objective_edits import ObjectiveChanges
from slabot.catalog.objectives import get_objective
from slabot.core.errors import UserError
from slabot.core.i18n import DEFAULT_LOCALE, Locale, t, tr
from slabot.render import catalog as render
from slabot.render.ids import FormField
from slabot.render.reply import Reply
from storage.queries import prometheus as prometheus_queries

EXAMPLE = "/sla edit checkout/availability target=99.95"
EDIT_USAGE = t(
    "/sla edit <service>/<name> [target=] [window=] [kind=] [tz=] [budgeting=] [slice=] [description=] [credits=] "
    "(as in /sla define; none clears tz, slice, description, credits; no options: a form)"
)
CLEAR = "none"
# option key -> the attribute of ObjectiveChanges it sets
EDITABLE = {
    "target": "target_percent",
    "window": "window",
    "kind": "kind",
    "tz": "timezone",
    "budgeting": "budgeting",
    "slice": "slice_target_percent",
    "description": "description",
    "credits": "credits",
}
CLEARABLE = frozenset({"tz", "slice", "description", "credits"})
FIXED = frozenset({"name", "service", "source", "datasource"})


@dataclass(frozen=True)
class Edit:
    """An edit as typed, parsed: which objective, and what changes."""

    service_name: str
    name: str
    changes: ObjectiveChanges


def read_changes(
    options: Mapping[str, str], locale: Locale = DEFAULT_LOCALE
) -> tuple[ObjectiveChanges | None, dict[str, str]]:
    """The changes the options of /sla edit give (none clears tz, slice and description; an empty description
    too), or the error of each option refused (in the reader's language), by key, through the parsers of
    /sla define."""
    cleared = {key for key, raw in options.items() if key in CLEARABLE and raw.strip().lower() == CLEAR}
    ordered = {key: options[key] for key in OBJECTIVE_PARSERS if key in options and key not in cleared}
    values, errors = parse_each(ordered, OBJECTIVE_PARSERS, locale)
    if errors:
        return None, errors
    if "description" in values and values["description"] is None:
        cleared.add("description")
    fields = {EDITABLE[key]: value for key, value in values.items() if key not in cleared}
    return ObjectiveChanges(**fields, cleared=frozenset(EDITABLE[key] for key in cleared)), {}  # type: ignore[arg-type]


def edit_objective(ctx: CommandContext, edit: Edit) -> Reply:
    """Change the objective (for admins): /sla edit, and its form."""
    ctx.require_admin()
    with ctx.runtime.db.session() as session:
        result = objective_edits.edit_objective(session, edit.service_name, edit.name, edit.changes)
    return render.objective_edited(result, locale=ctx.locale)


def _text(value: Decimal | str | None) -> str:
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return "" if value is None else str(value)


def edit_form(ctx: CommandContext, service_name: str, name: str) -> OpenForm:
    """The Edit objective form, filled in with the objective as stored (its service, name and source shown,
    fixed)."""
    ctx.require_admin()
    with ctx.runtime.db.session() as session:
        objective, service = get_objective(session, service_name, name)
        pulled = prometheus_queries.source_of(session, objective.id) is not None
    initial: dict[str, str] = {
        FormField.SERVICE: service.name,
        FormField.NAME: objective.name,
        FormField.SOURCE: "prometheus" if pulled else objective.source.value,
        FormField.KIND: objective.kind.value,
        FormField.TARGET: _text(objective.target_percent),
        FormField.WINDOW: objective.window,
        FormField.TZ: _text(objective.timezone),
        FormField.BUDGETING: objective.budgeting.value,
        FormField.SLICE: _text(objective.slice_target_percent),
        FormField.DESCRIPTION: _text(objective.description),
        FormField.CREDITS: _text(objective.credits),
    }
    ref = f"{service.name}/{objective.name}"
    text = tr(ctx.locale, "The form could not be opened; type the change instead, like: /sla edit {ref} target=99.95",
              ref=ref)  # fmt: skip
    return OpenForm(text=text, form=Form.EDIT_OBJECTIVE, usage=EDIT_USAGE.render(ctx.locale), initial=initial)


def _objective(words: list[str]) -> tuple[str, str]:
    if len(words) == 1:
        return parse_objective_ref(words[0])
    if len(words) == 2:
        return parse_name(words[0], "service"), parse_name(words[1], "objective")
    raise UserError(t("Give one objective as service/name, then what to change, like: {example}", example=EXAMPLE))


def edit(ctx: CommandContext, text: str) -> Reply:
    text, promql = take_promql(text)
    args = parse_args(text, frozenset(EDITABLE) | FIXED)
    if not args.words and not args.options and not promql:
        raise UserError(
            t("Give the objective and what to change, like: {example} (or just the objective for a form)",
              example=EXAMPLE)
        )  # fmt: skip
    service_name, name = _objective(args.words)
    fixed = [key for key in (*args.options, *promql) if key in FIXED or key in promql]
    if fixed:
        keys, ref = ", ".join(f"{key}=" for key in fixed), f"{service_name}/{name}"
        raise UserError(
            t("{keys} cannot be edited: an objective's name, service, source and queries stay as defined. To change "
              "them, delete it with /sla delete {ref} and define it again with /sla define", keys=keys, ref=ref),
            field=fixed[0],
        )  # fmt: skip
    if not args.options:
        return edit_form(ctx, service_name, name)
    changes, errors = read_changes(args.options, ctx.locale)
    first_error(errors)
    assert changes is not None
    return edit_objective(ctx, Edit(service_name, name, changes))
