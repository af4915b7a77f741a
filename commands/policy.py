"""/sla policy <service>/<name>: an objective's alert rules (burn-rate pairs, min_events) shown or set; sev<N> is
the severity targets' command (commands.itsm)."""

from __future__ import annotations

from commands import itsm
from commands.args import parse_args, parse_objective_ref
from commands.context import CommandContext
from slabot.alerting import rules as alert_rules
from slabot.catalog import objectives
from slabot.core.burn import AlertRule, parse_rule
from slabot.core.errors import UserError
from slabot.render import alert_rules as render
from slabot.render.reply import Reply

MAX_MIN_EVENTS = 1_000_000_000


def _min_events(text: str) -> int:
    if not text.isascii() or not text.isdigit() or len(text) > 10 or int(text) > MAX_MIN_EVENTS:
        raise UserError(f"min_events must be a whole number of events, like min_events=100 (got '{text}')")
    return int(text)


def policy(ctx: CommandContext, text: str) -> Reply:
    if itsm.is_severity(text.strip().partition(" ")[0]):
        return itsm.severity_policy(ctx, text)
    args = parse_args(text, frozenset({"min_events"}))
    reset = args.take_flag("reset")
    if not args.words:
        raise UserError("Give the objective as service/name, like: /sla policy checkout/latency")
    service_name, name = parse_objective_ref(args.words[0])
    rule_words = args.words[1:]
    if reset and rule_words:
        raise UserError("Either reset or rules, not both")
    rules: list[AlertRule] | None = None
    if reset:
        rules = []
    elif rule_words:
        try:
            rules = [parse_rule(word) for word in rule_words]
        except ValueError as error:
            raise UserError(str(error)) from None
    min_events = _min_events(args.options["min_events"]) if "min_events" in args.options else None
    changing = rules is not None or min_events is not None
    if changing:
        ctx.require_admin()
    with ctx.runtime.db.session() as session:
        objective, service = objectives.get_objective(session, service_name, name)
        if objective.source != "events" and min_events is not None:
            raise UserError("min_events applies to event-based objectives only")
        current = (
            alert_rules.set_rules(session, objective, rules, min_events)
            if changing
            else alert_rules.rules_for(session, objective)
        )
        window = alert_rules.window_seconds(objective)
        return render.rules_reply(objective, service, current, window, locale=ctx.locale)
