"""The form of a severity's targets: respond and resolve within (durations in working time) and the calendar they
count on, filled in as they count now; read back as the options of /sla policy sev<N>."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from commands.itsm import read_targets
from slabot.core.i18n import tr
from slabot.incidents.targets import TEXT_MAX
from slabot.render.ids import CallbackId, FormField
from slabot.render.reply import context
from slabot.slack.modals.form_inputs import Choices, FormOrigin, beside, submitted_inputs, text_input, typed
from slabot.slack.modals.policy_form import choice_input


@dataclass(frozen=True)
class TargetsSubmission:
    severity: int
    changes: dict[str, str]  # ack, resolve, calendar: as /sla policy sev<N> would be given them


@dataclass(frozen=True)
class SeverityModal:
    """`initial` names the severity (FormField.SEVERITY) and its targets; `calendars` are (name, label); in its
    origin's language."""

    origin: FormOrigin
    calendars: Choices = ()
    initial: Mapping[str, str] = field(default_factory=dict)

    @property
    def severity(self) -> str:
        return self.initial.get(FormField.SEVERITY) or self.origin.editing

    def blocks(self) -> list[Block]:
        locale = self.origin.locale

        def duration(block: FormField, label: str) -> Block:
            return text_input(
                block,
                label,
                initial=self.initial.get(block),
                max_length=TEXT_MAX,
                placeholder="4h",
                hint=tr(locale, "A duration like 15m, 4h or 3d, counted in the calendar's working hours."),
            )

        hint = tr(locale, "Type a calendar's name; /sla calendar list shows them.")
        calendar = self.initial.get(FormField.CALENDAR)
        return [
            context(
                tr(locale, "The targets of every incident of sev{severity}, from when it is opened.",
                   severity=self.severity)
            ),
            duration(FormField.ACK, tr(locale, "Acknowledge within")),
            duration(FormField.RESOLVE, tr(locale, "Resolve within")),
            choice_input(FormField.CALENDAR, tr(locale, "Calendar"), self.calendars, calendar, hint),
        ]  # fmt: skip

    def view(self) -> View:
        origin = replace(self.origin, editing=self.severity)
        locale = origin.locale
        return View(
            type="modal",
            callback_id=CallbackId.SEVERITY_FORM,
            title=tr(locale, "Targets of sev{severity}", severity=self.severity),
            submit=tr(locale, "Save"),
            close=tr(locale, "Cancel"),
            private_metadata=origin.dumps(),
            blocks=self.blocks(),
        )

    @staticmethod
    def read(view: dict[str, Any]) -> tuple[FormOrigin, TargetsSubmission | None, dict[str, str]]:
        """(where it came from, the severity and its targets as typed, errors by block_id), read by the parser
        of /sla policy sev<N> (errors in the form's language); the durations are checked as they are stored."""
        origin = FormOrigin.loads(view.get("private_metadata"))
        values = typed(view)
        options = {key: values.get(key, "") for key in (FormField.ACK, FormField.RESOLVE, FormField.CALENDAR)}
        changes, errors = read_targets({str(key): value for key, value in options.items()}, origin.locale)
        if not origin.editing.isdigit():
            errors["severity"] = tr(
                origin.locale, "This form does not name a severity: type /sla policy sev2 to open it again."
            )
        if errors:
            return origin, None, beside(errors, submitted_inputs(view))
        return origin, TargetsSubmission(int(origin.editing), changes), {}
