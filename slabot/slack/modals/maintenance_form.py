"""The Maintenance window form: the service (and one of its objectives, if only that one), start and end picked
as date and time, a reason; read back through the parsers and rules of /sla maintenance add."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import Block, DateTimePickerElement, InputBlock
from slack_sdk.models.views import View

from commands.args import parse_time
from slabot.catalog.maintenance import NewMaintenance
from slabot.catalog.names import parse_name
from slabot.core.errors import UserError
from slabot.core.i18n import t, tr
from slabot.render.ids import CallbackId, FormField, InputId
from slabot.slack.modals.form_inputs import FormOrigin, beside, select_input, submitted_inputs, text_input, typed
from storage.models.catalog import MAINTENANCE_REASON_MAX, NAME_MAX


@dataclass(frozen=True)
class MaintenanceModal:
    """Starts at the next full hour for an hour, on the service picked already (if any); in its origin's
    language."""

    origin: FormOrigin
    services: tuple[str, ...]
    now: datetime
    chosen: str | None = None

    def blocks(self) -> list[Block]:
        locale = self.origin.locale
        start = self.now.astimezone(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)

        def picker(block: FormField, label: str, at: datetime) -> InputBlock:
            element = DateTimePickerElement(action_id=InputId.FORM_VALUE, initial_date_time=int(at.timestamp()))
            return InputBlock(block_id=block, label=label, element=element)

        return [
            select_input(
                FormField.SERVICE, tr(locale, "Service"), [(n, n) for n in self.services], initial=self.chosen
            ),
            text_input(
                FormField.OBJECTIVE,
                tr(locale, "Only this objective"),
                optional=True,
                max_length=NAME_MAX,
                hint=tr(locale, "Empty: every objective of the service."),
            ),
            picker(FormField.START, tr(locale, "Start"), start),
            picker(FormField.END, tr(locale, "End"), start + timedelta(hours=1)),
            text_input(
                FormField.REASON,
                tr(locale, "Reason"),
                optional=True,
                multiline=True,
                max_length=MAINTENANCE_REASON_MAX,
            ),
        ]

    def view(self) -> View:
        locale = self.origin.locale
        return View(
            type="modal",
            callback_id=CallbackId.MAINTENANCE_FORM,
            title=tr(locale, "Maintenance window"),
            submit=tr(locale, "Add"),
            close=tr(locale, "Cancel"),
            private_metadata=self.origin.dumps(),
            blocks=self.blocks(),
        )

    @staticmethod
    def read(
        view: dict[str, Any], now: datetime, zone: ZoneInfo
    ) -> tuple[FormOrigin, NewMaintenance | None, dict[str, str]]:
        """(where it came from, the window to add, errors by block_id in the form's language), parsed as
        /sla maintenance add parses."""
        origin = FormOrigin.loads(view.get("private_metadata"))
        values = typed(view)
        errors: dict[str, str] = {}
        parsed: dict[str, Any] = {}
        for key, parse in (
            ("service", lambda text: parse_name(text, "service")),
            ("objective", lambda text: parse_name(text, "objective") if text else None),
            ("start", lambda text: parse_time("start", _moment(text, "start"), now, zone)),
            ("end", lambda text: parse_time("end", _moment(text, "end"), now, zone)),
        ):
            try:
                parsed[key] = parse(values.get(key, ""))
            except UserError as error:
                errors[key] = error.text(origin.locale)
        if errors:
            return origin, None, beside(errors, submitted_inputs(view))
        reason = values.get(FormField.REASON) or None
        new = NewMaintenance(parsed["service"], parsed["objective"], parsed["start"], parsed["end"], reason)
        return origin, new, {}


def _moment(seconds: str, key: str) -> str:
    """A date-time picker's Unix seconds as the time /sla maintenance add would be typed (with its offset)."""
    if not seconds.isdigit():
        raise UserError(
            t("Pick the date and time it starts.") if key == "start" else t("Pick the date and time it ends.")
        )
    try:
        return datetime.fromtimestamp(int(seconds), UTC).isoformat(timespec="minutes")
    except (OverflowError, OSError, ValueError):
        raise UserError(t("{key}= is out of range", key=key)) from None
