"""An objective's alert rules as /sla policy shows them: each burn-rate pair with the threshold it fires at."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import Block

from slabot.core.budget import max_burn_rate, target_from_percent
from slabot.core.burn import DEFAULT_RULES, AlertRule, format_rule
from slabot.render.locale import Locale
from slabot.render.reply import Reply, context, escape, header, section
from slabot.render.status import format_rate
from storage.models.catalog import Objective, Service


def rules_reply(
    objective: Objective, service: Service, rules: Sequence[AlertRule], window_seconds: int, *, locale: Locale
) -> Reply:
    name = escape(f"{service.name}/{objective.name}")
    target = target_from_percent(objective.target_percent)
    lines = [
        f"`{format_rule(rule)}` {rule.describe()} → fires at a burn rate of "
        f"*{format_rate(rule.threshold(window_seconds))}*"
        for rule in rules
    ]
    origin = "the defaults" if tuple(rules) == DEFAULT_RULES else "custom"
    text = f"Alert policy of {name} ({origin}): " + "; ".join(format_rule(rule) for rule in rules)
    blocks: list[Block] = [
        header(f"Alert policy: {name}"),
        section("\n".join(lines)),
        context(
            f"{origin} · both windows must burn at least that fast · no paging below {objective.min_events} events "
            f"in a window · the highest possible burn rate is {format_rate(max_burn_rate(target))}",
        ),
    ]
    return Reply(text=text, blocks=blocks)
