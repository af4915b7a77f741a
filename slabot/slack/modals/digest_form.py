"""The New digest form: the channel a weekly digest goes to, the services it is limited to, and the weekday, time
and zone it runs at; read back as the options of /sla digest add, through its parsers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import (
    Block,
    ConversationFilter,
    ConversationSelectElement,
    InputBlock,
    Option,
    StaticMultiSelectElement,
)
from slack_sdk.models.views import View

from commands.digest import NewDigest, read_digest
from slabot.core.i18n import Locale, tr
from slabot.render.ids import CallbackId, FormField, InputId
from slabot.render.reply import clip
from slabot.slack.modals.form_inputs import (
    FormOrigin,
    beside,
    select_input,
    submitted_inputs,
    text_input,
    typed,
)
from slabot.slack.modals.policy_form import IN_A_SELECT, picked
from storage.models.catalog import TIMEZONE_MAX


def days(locale: Locale) -> list[tuple[str, str]]:
    return [
        ("mon", tr(locale, "Monday")),
        ("tue", tr(locale, "Tuesday")),
        ("wed", tr(locale, "Wednesday")),
        ("thu", tr(locale, "Thursday")),
        ("fri", tr(locale, "Friday")),
        ("sat", tr(locale, "Saturday")),
        ("sun", tr(locale, "Sunday")),
    ]


@dataclass(frozen=True)
class DigestModal:
    """`services` to pick from (a multi-select; typed past what one holds; no input while there are none),
    starting at what `initial` gives (Monday 09:00 in the bot's zone) in the channel the command was typed in; in
    its origin's language."""

    origin: FormOrigin
    services: tuple[str, ...] = ()
    initial: Mapping[str, str] = field(default_factory=dict)
    typed_services: bool = False  # typed, not picked (as past what a select holds)

    def _services(self) -> InputBlock | None:
        locale = self.origin.locale
        label = tr(locale, "Services")
        if self.typed_services or len(self.services) > IN_A_SELECT:
            hint = tr(
                locale, "Names separated by commas, like checkout, payments. None picked: every service, and those "
                "added later."
            )  # fmt: skip
            return text_input(FormField.SERVICES, label, optional=True, multiline=True, hint=hint)
        if not self.services:
            return None
        element = StaticMultiSelectElement(
            action_id=InputId.FORM_VALUE,
            options=[Option(value=name, label=clip(name, 75)) for name in self.services],
        )
        every = tr(locale, "None picked: every service, and those added later.")
        return InputBlock(block_id=FormField.SERVICES, label=label, element=element, optional=True, hint=every)

    def blocks(self) -> list[Block]:
        locale = self.origin.locale
        here = self.origin.channel if self.origin.channel[:1] in ("C", "G") else None
        channel = ConversationSelectElement(
            action_id=InputId.FORM_VALUE,
            initial_conversation=here,
            filter=ConversationFilter(include=["public", "private"], exclude_bot_users=True),
        )
        services = self._services()
        return [
            InputBlock(block_id=FormField.CHANNEL, label=tr(locale, "Channel"), element=channel),
            *([services] if services else []),
            select_input(FormField.DAY, tr(locale, "Day"), days(locale), initial=self.initial.get(FormField.DAY)),
            text_input(
                FormField.TIME,
                tr(locale, "Time"),
                initial=self.initial.get(FormField.TIME),
                max_length=5,
                placeholder="09:00",
                hint=tr(locale, "On a 24-hour clock, like 09:00 or 17:30."),
            ),
            text_input(
                FormField.TZ,
                tr(locale, "Time zone"),
                initial=self.initial.get(FormField.TZ),
                max_length=TIMEZONE_MAX,
                placeholder="Europe/Berlin",
            ),
        ]

    def view(self) -> View:
        locale = self.origin.locale
        return View(
            type="modal",
            callback_id=CallbackId.DIGEST_FORM,
            title=tr(locale, "Weekly digest"),
            submit=tr(locale, "Add"),
            close=tr(locale, "Cancel"),
            private_metadata=self.origin.dumps(),
            blocks=self.blocks(),
        )

    @staticmethod
    def read(view: dict[str, Any], zone: ZoneInfo) -> tuple[FormOrigin, NewDigest | None, dict[str, str]]:
        """(where it came from, the digest to add, errors by block_id), parsed as /sla digest add parses; no
        service picked is every service, as with no services= . Errors in the form's language."""
        origin = FormOrigin.loads(view.get("private_metadata"))
        values = typed(view)
        options = {key: values.get(key, "") for key in ("channel", "day", "time", "tz")}
        services = ", ".join(picked(view, FormField.SERVICES)) or values.get(FormField.SERVICES, "")
        if services:
            options["services"] = services
        new, errors = read_digest(options, zone, origin.locale)
        if errors:
            return origin, None, beside(errors, submitted_inputs(view))
        return origin, new, {}
