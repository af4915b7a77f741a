"""The New calendar form: a business calendar's name, zone, working hours and country (its public holidays), read
back through the parsers of /sla calendar add."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from commands.itsm import NewCalendar, read_calendar
from slabot.core.i18n import tr
from slabot.render.ids import CallbackId, FormField
from slabot.slack.modals.form_inputs import FormOrigin, beside, submitted_inputs, text_input, typed
from storage.models.catalog import NAME_MAX, TIMEZONE_MAX
from storage.models.incidents import CALENDAR_HOURS_MAX


@dataclass(frozen=True)
class CalendarModal:
    """Starts with what `initial` gives (the bot's zone, Mon-Fri 09:00-17:00); in its origin's language."""

    origin: FormOrigin
    initial: Mapping[str, str] = field(default_factory=dict)

    def blocks(self) -> list[Block]:
        locale = self.origin.locale
        return [
            text_input(FormField.NAME, tr(locale, "Name"), max_length=NAME_MAX, placeholder="cn-office"),
            text_input(
                FormField.TZ,
                tr(locale, "Time zone"),
                initial=self.initial.get(FormField.TZ),
                max_length=TIMEZONE_MAX,
                placeholder="Asia/Shanghai",
            ),
            text_input(
                FormField.HOURS,
                tr(locale, "Working hours"),
                initial=self.initial.get(FormField.HOURS),
                max_length=CALENDAR_HOURS_MAX,
                placeholder="mon-fri 09:00-12:00,13:00-18:00",
                hint=tr(
                    locale,
                    "Days, then times: mon-fri 09:00-12:00,13:00-18:00; separate groups with ; like sat 10:00-14:00.",
                ),
            ),
            text_input(
                FormField.COUNTRY,
                tr(locale, "Country (public holidays)"),
                optional=True,
                max_length=8,
                placeholder="CN",
                hint=tr(locale, "A country code like CN, US or DE: its public holidays are days off. Empty: none."),
            ),
        ]

    def view(self) -> View:
        locale = self.origin.locale
        return View(
            type="modal",
            callback_id=CallbackId.CALENDAR_FORM,
            title=tr(locale, "Business calendar"),
            submit=tr(locale, "Add"),
            close=tr(locale, "Cancel"),
            private_metadata=self.origin.dumps(),
            blocks=self.blocks(),
        )

    @staticmethod
    def read(view: dict[str, Any]) -> tuple[FormOrigin, NewCalendar | None, dict[str, str]]:
        """(where it came from, the calendar to add, errors by block_id in the form's language), parsed as
        /sla calendar add parses."""
        origin = FormOrigin.loads(view.get("private_metadata"))
        values = typed(view)
        given = {key: values.get(key, "") for key in ("name", "tz", "hours", "country")}
        new, errors = read_calendar(given, origin.locale)
        if errors:
            return origin, None, beside(errors, submitted_inputs(view))
        return origin, new, {}
