"""The Alert policy form: the objective (picked, or the one its Edit policy button named), its burn-rate rules one
per line, min_events (event objectives) and Reset to defaults; read back through the parsers of /sla policy."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from slack_sdk.models.blocks import Block, CheckboxesElement, InputBlock, Option
from slack_sdk.models.views import View

from commands.policy import PolicyChange, read_policy
from slabot.core.i18n import tr
from slabot.render.ids import CallbackId, FormField, InputId
from slabot.render.reply import escape, section
from slabot.slack.modals.form_inputs import (
    Choices,
    FormOrigin,
    beside,
    select_input,
    submitted_inputs,
    text_input,
    typed,
)
from storage.models.catalog import NAME_MAX

IN_A_SELECT = 100  # a static select holds 100 options; past that the choice is typed
RESET = "reset"  # the value of the Reset checkbox's one option


def picked(view: Mapping[str, Any], block: str) -> list[str]:
    """The values of the options picked in the checkboxes or multi-select `block` (its initial ones when it
    was not touched); [] when the view has no such input."""
    state = ((view.get("state") or {}).get("values") or {}).get(block)
    if state is None:
        shown: Mapping[str, Any] = next((b for b in view.get("blocks") or [] if b.get("block_id") == block), {})
        options = (shown.get("element") or {}).get("initial_options") or []
    else:
        options = [option for entry in state.values() for option in (entry or {}).get("selected_options") or []]
    return [str(option.get("value")) for option in options if isinstance(option, dict)]


def choice_input(block: FormField, label: str, choices: Choices, initial: str | None, hint: str) -> InputBlock:
    """A static select of `choices`, or, past what one holds, the value typed (with `hint` saying how)."""
    if len(choices) <= IN_A_SELECT:
        return select_input(block, label, choices, initial=initial)
    return text_input(block, label, initial=initial, hint=hint, max_length=2 * NAME_MAX + 1)


@dataclass(frozen=True)
class PolicyModal:
    """Editing one objective (`initial` names it, with its rules and, for an event objective, min_events), or
    with the objectives to pick from (min_events shown: it applies to event objectives only); in its origin's
    language."""

    origin: FormOrigin
    objectives: Choices = ()
    initial: Mapping[str, str] = field(default_factory=dict)

    @property
    def editing(self) -> str:
        return self.initial.get(FormField.OBJECTIVE) or self.origin.editing

    def blocks(self) -> list[Block]:
        locale = self.origin.locale
        blocks: list[Block] = []
        if self.editing:
            blocks.append(section(tr(locale, "Alert policy of *{objective}*", objective=escape(self.editing))))
        else:
            hint = tr(locale, "Type it as service/name, like checkout/availability.")
            blocks.append(choice_input(FormField.OBJECTIVE, tr(locale, "Objective"), self.objectives, None, hint))
        blocks.append(
            text_input(
                FormField.RULES,
                tr(locale, "Burn-rate rules"),
                initial=self.initial.get(FormField.RULES),
                optional=True,
                multiline=True,
                max_length=1000,
                placeholder="page:2%:1h/5m",
                hint=tr(
                    locale,
                    "One rule per line, severity:percent%:long/short, like page:2%:1h/5m or "
                    "ticket:10%:1d/2h. Empty: the rules stay as they are.",
                ),
            )
        )
        if not self.editing or FormField.MIN_EVENTS in self.initial:
            blocks.append(
                text_input(
                    FormField.MIN_EVENTS,
                    tr(locale, "Least events to page (min_events)"),
                    initial=self.initial.get(FormField.MIN_EVENTS),
                    optional=True,
                    max_length=10,
                    placeholder="100",
                    hint=tr(
                        locale,
                        "Event-based objectives only: no page while a window holds fewer events. "
                        "Empty: it stays as it is.",
                    ),
                )
            )
        reset = CheckboxesElement(
            action_id=InputId.FORM_VALUE,
            options=[Option(value=RESET, label=tr(locale, "Reset to the default rules"))],
        )
        label = tr(locale, "Defaults")
        blocks.append(InputBlock(block_id=FormField.RESET, label=label, element=reset, optional=True))
        return blocks

    def view(self) -> View:
        origin = replace(self.origin, editing=self.editing)
        locale = origin.locale
        return View(
            type="modal",
            callback_id=CallbackId.POLICY_FORM,
            title=tr(locale, "Alert policy"),
            submit=tr(locale, "Save"),
            close=tr(locale, "Cancel"),
            private_metadata=origin.dumps(),
            blocks=self.blocks(),
        )

    @staticmethod
    def read(view: dict[str, Any]) -> tuple[FormOrigin, PolicyChange | None, dict[str, str]]:
        """(where it came from, the change, errors by block_id): the words and options /sla policy would be
        given, parsed by its parsers (errors in the form's language); an empty input keeps what is stored."""
        origin = FormOrigin.loads(view.get("private_metadata"))
        values = typed(view)
        options = {"objective": origin.editing or values.get(FormField.OBJECTIVE, "")}
        options |= {key: values[key] for key in (FormField.RULES, FormField.MIN_EVENTS) if values.get(key)}
        reset = RESET in picked(view, FormField.RESET)
        change, errors = read_policy(options, reset=reset, locale=origin.locale)
        if errors:
            return origin, None, beside(errors, submitted_inputs(view))
        return origin, change, {}
