"""/sla policy <service>/<name>: an objective's alert rules (burn-rate pairs, min_events) shown or set, and typed
bare, the Alert policy form that sets them; sev<N> is the severity targets' command (commands.itsm)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import cast

from commands import itsm
from commands.args import first_error, parse_args, parse_each, parse_objective_ref
from commands.context import CommandContext
from commands.forms import Form, OpenForm, settings_form
from slabot.alerting import rules as alert_rules
from slabot.catalog import objectives
from slabot.core.burn import AlertRule, format_rule, parse_rule
from slabot.core.errors import UserError, said_by, shown
from slabot.core.i18n import DEFAULT_LOCALE, Locale, t
from slabot.render import alert_rules as render
from slabot.render.ids import FormField
from slabot.render.reply import Reply
from storage.models.catalog import ObjectiveSource

MAX_MIN_EVENTS = 1_000_000_000
USAGE = "/sla policy <service>/<name> [page:2%:1h/5m …] [min_events=100] [reset]"
BOTH = t("Either reset or rules, not both: leave the rules out to restore the defaults")


@dataclass(frozen=True)
class PolicyChange:
    """An objective's alert policy as typed, parsed: its rules (None keeps them, none restores the defaults)
    and min_events (None keeps it)."""

    service_name: str
    name: str
    rules: tuple[AlertRule, ...] | None = None
    min_events: int | None = None

    @property
    def changing(self) -> bool:
        return self.rules is not None or self.min_events is not None


def _min_events(text: str) -> int:
    if not text.isascii() or not text.isdigit() or len(text) > 10 or int(text) > MAX_MIN_EVENTS:
        raise UserError(
            t("min_events must be a whole number of events, like min_events=100 (got '{text}')", text=shown(text))
        )
    return int(text)


def parse_rules(words: Sequence[str]) -> tuple[AlertRule, ...]:
    """Burn-rate rules as typed (`page:2%:1h/5m ticket:10%:1d/2h`), each through parse_rule."""
    try:
        return tuple(parse_rule(word) for word in words)
    except ValueError as error:
        raise UserError(said_by(error)) from None


POLICY_PARSERS = {
    "objective": parse_objective_ref,
    "rules": lambda text: parse_rules(text.split()),
    "min_events": _min_events,
}


def read_policy(
    options: Mapping[str, str], *, reset: bool, locale: Locale = DEFAULT_LOCALE
) -> tuple[PolicyChange | None, dict[str, str]]:
    """The change that `options` give (objective as service/name, rules as words, min_events; a key left out
    keeps what is stored) with reset or not, and the error of each part refused (in the reader's language), by
    key."""
    errors = {"reset": BOTH.render(locale)} if reset and options.get("rules", "").strip() else {}
    ordered = {key: options[key] for key in POLICY_PARSERS if key in options}
    values, refused = parse_each(ordered, POLICY_PARSERS, locale)
    errors.update(refused)
    if errors:
        return None, errors
    service_name, name = cast(tuple[str, str], values["objective"])
    rules = () if reset else cast(tuple[AlertRule, ...] | None, values.get("rules"))
    return PolicyChange(service_name, name, rules, cast(int | None, values.get("min_events"))), {}


def show_policy(ctx: CommandContext, service_name: str, name: str) -> Reply:
    """The objective's alert policy as stored, with an Edit policy button for admins."""
    with ctx.runtime.db.session() as session:
        objective, service = objectives.get_objective(session, service_name, name)
        current = alert_rules.rules_for(session, objective)
        window = alert_rules.window_seconds(objective)
        editable = ctx.runtime.settings.is_admin(ctx.user_id)
        return render.rules_reply(objective, service, current, window, locale=ctx.locale, editable=editable)


def change_policy(ctx: CommandContext, change: PolicyChange) -> Reply:
    """Store an objective's alert rules and min_events (for admins): /sla policy with rules, reset or
    min_events, and its form. A refusal names the part it is about."""
    ctx.require_admin()
    with ctx.runtime.db.session() as session:
        objective, service = objectives.get_objective(session, change.service_name, change.name)
        if objective.source != ObjectiveSource.EVENTS and change.min_events is not None:
            raise UserError(t("min_events applies to event-based objectives only"), field="min_events")
        try:
            current = alert_rules.set_rules(session, objective, change.rules, change.min_events)
        except UserError as error:  # only the rules are checked against the objective
            error.field = error.field or "rules"
            raise
        window = alert_rules.window_seconds(objective)
        return render.rules_reply(objective, service, current, window, locale=ctx.locale, editable=True)


def policy_form(ctx: CommandContext, ref: str | None) -> OpenForm:
    """The Alert policy form (for admins): filled in with the objective's policy as stored, or with the
    objectives to pick from when none is named yet (there must be one)."""
    ctx.require_admin()
    with ctx.runtime.db.session() as session:
        if ref is None:
            found, _ = objectives.objectives_of(session, None)
            refs = sorted(f"{service.name}/{objective.name}" for objective, service in found)
            if not refs:
                raise UserError(
                    t("There are no objectives yet: define one first with /sla define (it opens a form too).")
                )
            choices = tuple((ref, ref) for ref in refs)
            return settings_form(Form.ALERT_POLICY, USAGE, choices=choices, locale=ctx.locale)
        objective, service = objectives.get_objective(session, *parse_objective_ref(ref))
        rules = alert_rules.rules_for(session, objective)
    initial: dict[str, str] = {
        FormField.OBJECTIVE: f"{service.name}/{objective.name}",
        FormField.RULES: "\n".join(format_rule(rule) for rule in rules),
    }
    if objective.source == ObjectiveSource.EVENTS:  # the form shows min_events for event objectives only
        initial[FormField.MIN_EVENTS] = str(objective.min_events)
    return settings_form(Form.ALERT_POLICY, USAGE, initial=initial, locale=ctx.locale)


def policy(ctx: CommandContext, text: str) -> Reply:
    if itsm.is_severity(text.strip().partition(" ")[0]):
        return itsm.severity_policy(ctx, text)
    if not text.strip():
        return policy_form(ctx, None)
    args = parse_args(text, frozenset({"min_events"}))
    reset = args.take_flag("reset")
    if not args.words:
        raise UserError(t("Give the objective as service/name, like: /sla policy checkout/latency"))
    rule_words = args.words[1:]
    options = {"objective": args.words[0], **args.options}
    if rule_words:
        options["rules"] = " ".join(rule_words)
    change, errors = read_policy(options, reset=reset, locale=ctx.locale)
    first_error(errors)
    assert change is not None
    if not change.changing:
        return show_policy(ctx, change.service_name, change.name)
    return change_policy(ctx, change)
