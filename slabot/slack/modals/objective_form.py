"""The New objective form and its editing mode (Edit objective): its fields follow the choices made (a rolling or
calendar window, with its zone; the source, with the queries Prometheus needs; budgeting, with the slice target
of timeslices), and what it holds is read back as the options of /sla define or /sla edit, through the same
parsers. An edit shows the objective's service, name and source fixed, not as inputs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from commands.catalog import Definition, read_definition
from commands.objective_edit import CLEAR, CLEARABLE, Edit, read_changes
from slabot.core.i18n import Locale, tr
from slabot.core.windows import WindowSpec
from slabot.render.ids import ActionId, CallbackId, FormField
from slabot.slack.modals.form_inputs import (
    Choices,
    FormOrigin,
    beside,
    problem_note,
    select_input,
    shown_fields,
    text_input,
    typed,
)
from slabot.slack.modals.objective_editing import Editing, fixed_blocks
from storage.models.catalog import DESCRIPTION_MAX, NAME_MAX
from storage.models.prometheus import QUERY_MAX

SERVICES_IN_A_SELECT = 100  # a static select holds 100 options; past that the service is typed
ROLLING_DAYS = (30, 28, 7)
CALENDAR = ("week", "month", "quarter")
ALIASES = {"good": FormField.COUNTED, "bad": FormField.COUNTED}
EDITED = (  # the options of /sla edit and the inputs they stand for
    ("target", FormField.TARGET),
    ("window", FormField.WINDOW),
    ("kind", FormField.KIND),
    ("tz", FormField.TZ),
    ("budgeting", FormField.BUDGETING),
    ("slice", FormField.SLICE),
    ("description", FormField.DESCRIPTION),
    ("credits", FormField.CREDITS),
)
FIXED = (FormField.SERVICE, FormField.NAME, FormField.SOURCE)


def _calendar_label(kind: str, locale: Locale) -> str:
    if kind == "week":
        return tr(locale, "calendar week")
    if kind == "month":
        return tr(locale, "calendar month")
    return tr(locale, "calendar quarter")


def window_choices(window: str, locale: Locale) -> Mapping[str, Choices]:
    """The windows to pick from (grouped, rolling and calendar), with a stored rolling window the list lacks
    (like 14d) among them; values are what window= takes, labels in `locale`."""
    days = list(ROLLING_DAYS)
    try:
        spec = WindowSpec.parse(window)
    except ValueError:
        spec = None
    if spec is not None and spec.days is not None and spec.days not in days:
        days.append(spec.days)
    rolling = [(f"{n}d", tr(locale, "rolling {days} days", days=n)) for n in days]
    calendar = [(kind, _calendar_label(kind, locale)) for kind in CALENDAR]
    return {tr(locale, "Rolling windows"): rolling, tr(locale, "Calendar periods"): calendar}


def kinds(locale: Locale) -> Choices:
    return [
        ("slo", tr(locale, "SLO (objective)")),
        ("sla", tr(locale, "SLA (agreement)")),
        ("ola", tr(locale, "OLA (operational)")),
    ]


def sources(locale: Locale) -> Choices:
    return [
        ("incidents", tr(locale, "incidents (downtime)")),
        ("events", tr(locale, "events (pushed counts)")),
        ("prometheus", "Prometheus"),
    ]


def budgetings(locale: Locale) -> Choices:
    return [
        ("occurrences", tr(locale, "occurrences (good / total)")),
        ("timeslices", tr(locale, "timeslices (good minutes)")),
    ]


def counts(locale: Locale) -> Choices:
    return [("good", tr(locale, "good events")), ("bad", tr(locale, "bad events"))]


@dataclass(frozen=True)
class ObjectiveModal:
    """The form, showing the fields its `draft` (what is typed so far, by block_id) calls for; `problem` is an
    error found after the form was acknowledged (Prometheus refusing a query), shown under its field. With
    `editing`, the Edit objective form of that objective (no service, name or source inputs). Its words are in
    its origin's language."""

    origin: FormOrigin
    services: tuple[str, ...]
    draft: dict[str, str] = field(default_factory=dict)
    problem: tuple[str, str] | None = None  # (field, message)
    editing: Editing | None = None

    @classmethod
    def for_edit(cls, origin: FormOrigin, initial: Mapping[str, str]) -> ObjectiveModal:
        """The Edit objective form, starting with `initial` (by block_id: the objective as stored)."""
        editing = Editing(initial[FormField.SERVICE], initial[FormField.NAME], initial[FormField.SOURCE])
        draft = {key: value for key, value in initial.items() if key not in FIXED}
        return cls(origin, (), draft, editing=editing)

    def _get(self, key: FormField, default: str = "") -> str:
        return self.draft.get(key) or default

    def inputs(self) -> list[Block]:
        locale = self.origin.locale
        editing = self.editing
        source = editing.source if editing else self._get(FormField.SOURCE, "incidents")
        window = self._get(FormField.WINDOW, "30d")
        budgeting = self._get(FormField.BUDGETING, "occurrences")
        if editing:
            blocks: list[Block] = []
        elif len(self.services) <= SERVICES_IN_A_SELECT:
            service = select_input(
                FormField.SERVICE,
                tr(locale, "Service"),
                [(name, name) for name in self.services],
                initial=self._get(FormField.SERVICE) or None,
            )
        else:
            service = text_input(
                FormField.SERVICE, tr(locale, "Service"), initial=self._get(FormField.SERVICE), max_length=NAME_MAX
            )
        if not editing:
            name = self._get(FormField.NAME)
            blocks = [
                service,
                text_input(
                    FormField.NAME, tr(locale, "Name"), initial=name, max_length=NAME_MAX, placeholder="availability"
                ),
            ]
        windows = window_choices(window, locale)
        target = self._get(FormField.TARGET)
        blocks += [
            select_input(
                FormField.KIND,
                tr(locale, "Kind"),
                kinds(locale),
                initial=self._get(FormField.KIND, "slo"),
                action_id=ActionId.FORM_KIND,
            ),
            text_input(FormField.TARGET, tr(locale, "Target (%)"), initial=target, placeholder="99.9"),
            *self._credits(locale),
            select_input(
                FormField.WINDOW, tr(locale, "Window"), windows, initial=window, action_id=ActionId.FORM_WINDOW
            ),
        ]
        if window in CALENDAR:
            blocks.append(
                text_input(
                    FormField.TZ,
                    tr(locale, "Time zone of the calendar"),
                    initial=self._get(FormField.TZ),
                    optional=True,
                    placeholder="Europe/Berlin",
                    hint=tr(locale, "Empty: SLABOT_TIMEZONE."),
                )
            )
        if not editing:
            blocks.append(
                select_input(
                    FormField.SOURCE,
                    tr(locale, "Source"),
                    sources(locale),
                    initial=source,
                    action_id=ActionId.FORM_SOURCE,
                )
            )
        if source == "prometheus" and not editing:
            blocks += [
                select_input(
                    FormField.COUNTS,
                    tr(locale, "The first query counts"),
                    counts(locale),
                    initial=self._get(FormField.COUNTS, "good"),
                ),
                text_input(
                    FormField.COUNTED,
                    tr(locale, "Good or bad events query"),
                    initial=self._get(FormField.COUNTED),
                    max_length=QUERY_MAX,
                    placeholder='sum(http_requests_total{code!~"5.."})',
                    hint=tr(locale, "A counter (or sum of one): slabot counts its increments itself; no rate()."),
                ),
                text_input(
                    FormField.TOTAL,
                    tr(locale, "Total events query"),
                    initial=self._get(FormField.TOTAL),
                    max_length=QUERY_MAX,
                    placeholder="sum(http_requests_total)",
                ),
                text_input(
                    FormField.DATASOURCE,
                    "DataSource",
                    initial=self._get(FormField.DATASOURCE),
                    optional=True,
                    hint=tr(locale, "An imported OpenSLO DataSource; empty: SLABOT_PROMETHEUS_URL."),
                ),
            ]
        if source != "incidents":
            blocks.append(
                select_input(
                    FormField.BUDGETING,
                    tr(locale, "Budgeting"),
                    budgetings(locale),
                    initial=budgeting,
                    action_id=ActionId.FORM_BUDGETING,
                )
            )
            if budgeting == "timeslices":
                blocks.append(
                    text_input(
                        FormField.SLICE,
                        tr(locale, "Slice target (%)"),
                        initial=self._get(FormField.SLICE),
                        optional=True,
                        placeholder="95",
                        hint=tr(locale, "The share of good events a good minute needs."),
                    )
                )
        blocks.append(
            text_input(
                FormField.DESCRIPTION,
                tr(locale, "Description"),
                initial=self._get(FormField.DESCRIPTION),
                optional=True,
                multiline=True,
                max_length=DESCRIPTION_MAX,
            )
        )
        return blocks

    def unshown(self, shown: set[str]) -> set[str]:
        """The inputs the choices call for that the view does not show (it is laid out again before it is read);
        the optional service credits are not waited for: an SLA may have none."""
        return {str(getattr(b, "block_id", "")) for b in self.inputs()} - shown - {FormField.CREDITS}

    def _credits(self, locale: Locale) -> list[Block]:
        """An SLA's service credits (credits= of /sla define), shown when the kind is SLA."""
        if self._get(FormField.KIND, "slo") != "sla":
            return []
        hint = tr(locale, "Attainment below 99.9% owes 10% credit, below 99.5% 25%, below 99% 50%. Empty: no credits.")
        return [
            text_input(
                FormField.CREDITS,
                tr(locale, "Service credits"),
                initial=self._get(FormField.CREDITS),
                optional=True,
                placeholder="99.9:10,99.5:25,99:50",
                hint=hint,
            )
        ]

    def view(self) -> View:
        locale = self.origin.locale
        editing = self.editing
        blocks = self.inputs()
        if self.problem is not None:
            where, message = self.problem
            ids = [str(getattr(block, "block_id", "")) for block in blocks]
            at = ids.index(where) + 1 if where in ids else 0
            blocks.insert(at, problem_note(message))
        if editing:
            shown = dict(sources(locale))[editing.source]
            return View(
                type="modal",
                callback_id=CallbackId.OBJECTIVE_EDIT_FORM,
                title=tr(locale, "Edit objective"),
                submit=tr(locale, "Save"),
                close=tr(locale, "Cancel"),
                private_metadata=editing.dumps(self.origin),
                blocks=[*fixed_blocks(editing, shown, locale), *blocks],
            )
        return View(
            type="modal",
            callback_id=CallbackId.OBJECTIVE_FORM,
            title=tr(locale, "New objective"),
            submit=tr(locale, "Define"),
            close=tr(locale, "Cancel"),
            private_metadata=self.origin.dumps(),
            blocks=blocks,
        )

    @classmethod
    def of(cls, view: dict[str, Any], problem: tuple[str, str] | None = None) -> ObjectiveModal:
        """The form as the person sees it now (`view` from a block_actions or view_submission payload), laid
        out for the choices they made, in the language it was opened in: its services are the values of the options
        it offered (never their labels)."""
        services: tuple[str, ...] = ()
        for block in view.get("blocks") or []:
            if block.get("block_id") == FormField.SERVICE:
                services = tuple(str(o.get("value")) for o in (block.get("element") or {}).get("options") or [])
                services = services or ("",) * (SERVICES_IN_A_SELECT + 1)  # typed, not picked
        metadata = view.get("private_metadata")
        return cls(FormOrigin.loads(metadata), services, typed(view), problem, Editing.loads(metadata))

    @staticmethod
    def read(view: dict[str, Any]) -> tuple[FormOrigin, Definition | None, dict[str, str]]:
        """(where it came from, the definition, errors by block_id). When the view does not show every field
        its choices call for, the errors are empty and the definition None: show it again laid out right. The
        errors are in the form's language."""
        modal = ObjectiveModal.of(view)
        if modal.unshown(shown_fields(view)):
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
                ("credits", FormField.CREDITS),
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
        service, name = values.get(FormField.SERVICE, ""), values.get(FormField.NAME, "")
        definition, errors = read_definition(service, name, options, promql, modal.origin.locale)
        return modal.origin, definition, beside(errors, modal.inputs(), ALIASES)

    @staticmethod
    def read_edit(view: dict[str, Any]) -> tuple[FormOrigin, Edit | None, dict[str, str]]:
        """(where it came from, the edit, errors by block_id): the options /sla edit would be given, read by its
        parsers (an emptied zone, slice target or description clears it). Laid out wrong: no edit, no errors."""
        modal = ObjectiveModal.of(view)
        shown = shown_fields(view)
        if modal.editing is None:
            lost = tr(
                modal.origin.locale,
                "This form no longer says which objective it edits: close it and type /sla edit service/name again.",
            )
            return modal.origin, None, beside({"": lost}, modal.inputs())
        if modal.unshown(shown):
            return modal.origin, None, {}
        options = {
            key: modal.draft.get(block, "") or (CLEAR if key in CLEARABLE else "")
            for key, block in EDITED
            if block in shown
        }
        changes, errors = read_changes(options, modal.origin.locale)
        if changes is None:
            return modal.origin, None, beside(errors, modal.inputs())
        return modal.origin, Edit(modal.editing.service, modal.editing.name, changes), {}
