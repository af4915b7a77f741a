"""The New objective form: its fields follow the choices made (a rolling or calendar window, with its zone; the
source, with the queries Prometheus needs; budgeting, with the slice target of timeslices), and what it holds
is read back as the options of /sla define, through the same parsers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from commands.catalog import Definition, read_definition
from slabot.render.ids import ActionId, CallbackId, FormField
from slabot.slack.modals.form_inputs import (
    FormOrigin,
    beside,
    problem_note,
    select_input,
    shown_fields,
    text_input,
    typed,
)
from storage.models.catalog import DESCRIPTION_MAX, NAME_MAX
from storage.models.prometheus import QUERY_MAX

SERVICES_IN_A_SELECT = 100  # a static select holds 100 options; past that the service is typed
WINDOWS = {
    "Rolling": [("30d", "rolling 30 days"), ("28d", "rolling 28 days"), ("7d", "rolling 7 days")],
    "Calendar": [("week", "calendar week"), ("month", "calendar month"), ("quarter", "calendar quarter")],
}
CALENDAR = {value for value, _ in WINDOWS["Calendar"]}
KINDS = [("slo", "SLO (objective)"), ("sla", "SLA (agreement)"), ("ola", "OLA (operational)")]
SOURCES = [("incidents", "incidents (downtime)"), ("events", "events (pushed counts)"), ("prometheus", "Prometheus")]
BUDGETINGS = [("occurrences", "occurrences (good / total)"), ("timeslices", "timeslices (good minutes)")]
COUNTS = [("good", "good events"), ("bad", "bad events")]
ALIASES = {"good": FormField.COUNTED, "bad": FormField.COUNTED}


@dataclass(frozen=True)
class ObjectiveModal:
    """The form, showing the fields its `draft` (what is typed so far, by block_id) calls for; `problem` is an
    error found after the form was acknowledged (Prometheus refusing a query), shown under its field."""

    origin: FormOrigin
    services: tuple[str, ...]
    draft: dict[str, str] = field(default_factory=dict)
    problem: tuple[str, str] | None = None  # (field, message)

    def _get(self, key: FormField, default: str = "") -> str:
        return self.draft.get(key) or default

    def inputs(self) -> list[Block]:
        source = self._get(FormField.SOURCE, "incidents")
        window = self._get(FormField.WINDOW, "30d")
        budgeting = self._get(FormField.BUDGETING, "occurrences")
        if len(self.services) <= SERVICES_IN_A_SELECT:
            service = select_input(
                FormField.SERVICE,
                "Service",
                [(name, name) for name in self.services],
                initial=self._get(FormField.SERVICE) or None,
            )
        else:
            service = text_input(
                FormField.SERVICE, "Service", initial=self._get(FormField.SERVICE), max_length=NAME_MAX
            )
        blocks: list[Block] = [
            service,
            text_input(
                FormField.NAME,
                "Name",
                initial=self._get(FormField.NAME),
                max_length=NAME_MAX,
                placeholder="availability",
            ),
            select_input(FormField.KIND, "Kind", KINDS, initial=self._get(FormField.KIND, "slo")),
            text_input(FormField.TARGET, "Target (%)", initial=self._get(FormField.TARGET), placeholder="99.9"),
            select_input(FormField.WINDOW, "Window", WINDOWS, initial=window, action_id=ActionId.FORM_WINDOW),
        ]
        if window in CALENDAR:
            blocks.append(
                text_input(
                    FormField.TZ,
                    "Time zone of the calendar",
                    initial=self._get(FormField.TZ),
                    optional=True,
                    placeholder="Europe/Berlin",
                    hint="Empty: SLABOT_TIMEZONE.",
                )
            )
        blocks.append(select_input(FormField.SOURCE, "Source", SOURCES, initial=source, action_id=ActionId.FORM_SOURCE))
        if source == "prometheus":
            blocks += [
                select_input(
                    FormField.COUNTS, "The first query counts", COUNTS, initial=self._get(FormField.COUNTS, "good")
                ),
                text_input(
                    FormField.COUNTED,
                    "Good or bad events query",
                    initial=self._get(FormField.COUNTED),
                    max_length=QUERY_MAX,
                    placeholder='sum(http_requests_total{code!~"5.."})',
                    hint="A counter (or sum of one): slabot counts its increments itself; no rate().",
                ),
                text_input(
                    FormField.TOTAL,
                    "Total events query",
                    initial=self._get(FormField.TOTAL),
                    max_length=QUERY_MAX,
                    placeholder="sum(http_requests_total)",
                ),
                text_input(
                    FormField.DATASOURCE,
                    "DataSource",
                    initial=self._get(FormField.DATASOURCE),
                    optional=True,
                    hint="An imported OpenSLO DataSource; empty: SLABOT_PROMETHEUS_URL.",
                ),
            ]
        if source != "incidents":
            blocks.append(
                select_input(
                    FormField.BUDGETING, "Budgeting", BUDGETINGS, initial=budgeting, action_id=ActionId.FORM_BUDGETING
                )
            )
            if budgeting == "timeslices":
                blocks.append(
                    text_input(
                        FormField.SLICE,
                        "Slice target (%)",
                        initial=self._get(FormField.SLICE),
                        optional=True,
                        placeholder="95",
                        hint="The share of good events a good minute needs.",
                    )
                )
        blocks.append(
            text_input(
                FormField.DESCRIPTION,
                "Description",
                initial=self._get(FormField.DESCRIPTION),
                optional=True,
                multiline=True,
                max_length=DESCRIPTION_MAX,
            )
        )
        return blocks

    def view(self) -> View:
        blocks = self.inputs()
        if self.problem is not None:
            where, message = self.problem
            ids = [str(getattr(block, "block_id", "")) for block in blocks]
            at = ids.index(where) + 1 if where in ids else 0
            blocks.insert(at, problem_note(message))
        return View(
            type="modal",
            callback_id=CallbackId.OBJECTIVE_FORM,
            title="New objective",
            submit="Define",
            close="Cancel",
            private_metadata=self.origin.dumps(),
            blocks=blocks,
        )

    @classmethod
    def of(cls, view: dict[str, Any], problem: tuple[str, str] | None = None) -> ObjectiveModal:
        """The form as the person sees it now (`view` from a block_actions or view_submission payload), laid
        out for the choices they made: its services are the options it offered."""
        services: tuple[str, ...] = ()
        for block in view.get("blocks") or []:
            if block.get("block_id") == FormField.SERVICE:
                services = tuple(str(o.get("value")) for o in (block.get("element") or {}).get("options") or [])
                services = services or ("",) * (SERVICES_IN_A_SELECT + 1)  # typed, not picked
        return cls(FormOrigin.loads(view.get("private_metadata")), services, typed(view), problem)

    @staticmethod
    def read(view: dict[str, Any]) -> tuple[FormOrigin, Definition | None, dict[str, str]]:
        """(where it came from, the definition, errors by block_id). When the view does not show every field
        its choices call for, the errors are empty and the definition None: show it again laid out right."""
        modal = ObjectiveModal.of(view)
        if {str(getattr(b, "block_id", "")) for b in modal.inputs()} - shown_fields(view):
            return modal.origin, None, {}
        values = modal.draft
        options = {
            key: values.get(block, "")
            for key, block in (
                ("target", FormField.TARGET),
                ("window", FormField.WINDOW),
                ("kind", FormField.KIND),
                ("source", FormField.SOURCE),
                ("tz", FormField.TZ),
                ("budgeting", FormField.BUDGETING),
                ("slice", FormField.SLICE),
                ("datasource", FormField.DATASOURCE),
                ("description", FormField.DESCRIPTION),
            )
            if values.get(block, "") and block in shown_fields(view)
        }
        if "target" not in options:  # target is required: an empty one is refused by its parser
            options["target"] = ""
        promql: dict[str, str] = {}
        if options.get("source") == "prometheus":
            counted = values.get(FormField.COUNTED, "")
            if counted:
                promql["bad" if values.get(FormField.COUNTS) == "bad" else "good"] = counted
            if values.get(FormField.TOTAL):
                promql["total"] = values[FormField.TOTAL]
        definition, errors = read_definition(
            values.get(FormField.SERVICE, ""), values.get(FormField.NAME, ""), options, promql
        )
        return modal.origin, definition, beside(errors, modal.inputs(), ALIASES)
