"""An objective's alert rules as /sla policy shows them: each burn-rate pair with the threshold it fires at, in the
reader's language."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement

from slabot.core.budget import max_burn_rate, target_from_percent
from slabot.core.burn import DEFAULT_RULES, AlertRule, format_rule
from slabot.core.i18n import tr
from slabot.render.ids import ActionId, BlockId
from slabot.render.locale import Locale
from slabot.render.reply import Reply, context, escape, header, section
from slabot.render.status import format_rate
from storage.models.catalog import Objective, Service


def rules_reply(
    objective: Objective,
    service: Service,
    rules: Sequence[AlertRule],
    window_seconds: int,
    *,
    locale: Locale,
    editable: bool = False,
) -> Reply:
    """The policy, with an Edit policy button (it opens the Alert policy form) when `editable` (for admins)."""
    name = escape(f"{service.name}/{objective.name}")
    target = target_from_percent(objective.target_percent)
    lines = [
        tr(locale, "`{rule}` {description} → fires at a burn rate of *{rate}*", rule=format_rule(rule),
           description=rule.describe(locale), rate=format_rate(rule.threshold(window_seconds)))
        for rule in rules
    ]  # fmt: skip
    origin = tr(locale, "the defaults") if tuple(rules) == DEFAULT_RULES else tr(locale, "custom")
    listed = "; ".join(format_rule(rule) for rule in rules)
    text = tr(locale, "Alert policy of {name} ({origin}): {rules}", name=name, origin=origin, rules=listed)
    highest = format_rate(max_burn_rate(target))
    blocks: list[Block] = [
        header(tr(locale, "Alert policy: {name}", name=name)),
        section("\n".join(lines)),
        context(
            tr(locale, "{origin} · both windows must burn at least that fast · no paging below {min_events} events "
               "in a window · the highest possible burn rate is {highest}", origin=origin,
               min_events=objective.min_events, highest=highest)
        ),
    ]  # fmt: skip
    if editable:
        button = ButtonElement(
            text=tr(locale, "Edit policy"), action_id=ActionId.POLICY_EDIT, value=f"{service.name}/{objective.name}"
        )
        blocks.append(ActionsBlock(block_id=BlockId.POLICY_ACTIONS, elements=[button]))
    return Reply(text=text, blocks=blocks)
