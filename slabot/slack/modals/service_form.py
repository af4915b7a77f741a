"""The New service and Edit service form: name, channel, on-call (a person, or a user group typed), owner, tier,
read back through the parsers of /sla service add and edit."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    ConversationFilter,
    ConversationSelectElement,
    InputBlock,
    UserSelectElement,
)
from slack_sdk.models.views import View

from commands.catalog import CLEAR, read_service_fields
from commands.forms import ServiceDraft
from slabot.catalog.names import parse_name
from slabot.catalog.services import ServiceFields
from slabot.core.errors import UserError
from slabot.core.i18n import Locale, tr
from slabot.render.ids import CallbackId, FormField, InputId
from slabot.slack.modals.form_inputs import FormOrigin, beside, select_input, submitted_inputs, text_input, typed
from storage.models.catalog import NAME_MAX, OWNER_MAX


def tiers(locale: Locale) -> list[tuple[str, str]]:
    return [(str(tier), tr(locale, "Tier {tier}", tier=tier)) for tier in (1, 2, 3, 4)]


@dataclass(frozen=True)
class ServiceSubmission:
    name: str  # the service added, or the one edited (its name before the edit)
    fields: ServiceFields
    editing: bool


@dataclass(frozen=True)
class ServiceModal:
    """New service (no draft) or Edit service (prefilled with the service as stored), in its origin's language."""

    origin: FormOrigin
    draft: ServiceDraft | None = None

    def blocks(self) -> list[Block]:
        locale = self.origin.locale
        draft = self.draft or ServiceDraft(name="")
        person = draft.oncall_id if draft.oncall_id and draft.oncall_id[0] in "UW" else None
        group = draft.oncall_id if draft.oncall_id and not person else None
        channel = ConversationSelectElement(
            action_id=InputId.FORM_VALUE,
            initial_conversation=draft.channel_id,
            filter=ConversationFilter(include=["public", "private"], exclude_bot_users=True),
        )
        tier = str(draft.tier) if draft.tier else None
        return [
            text_input(
                FormField.NAME, tr(locale, "Name"), initial=draft.name, max_length=NAME_MAX, placeholder="checkout-api"
            ),
            InputBlock(block_id=FormField.CHANNEL, label=tr(locale, "Channel"), element=channel, optional=True),
            InputBlock(
                block_id=FormField.ONCALL,
                label=tr(locale, "On-call person"),
                element=UserSelectElement(action_id=InputId.FORM_VALUE, initial_user=person),
                optional=True,
            ),
            text_input(
                FormField.ONCALL_GROUP,
                tr(locale, "Or on-call user group"),
                initial=group,
                optional=True,
                placeholder=tr(locale, "@checkout-oncall or S0123ABCD"),
            ),
            text_input(FormField.OWNER, tr(locale, "Owner"), initial=draft.owner, optional=True, max_length=OWNER_MAX),
            select_input(FormField.TIER, tr(locale, "Tier"), tiers(locale), initial=tier, optional=True),
        ]

    def view(self) -> View:
        editing = self.draft is not None
        origin = replace(self.origin, editing=self.draft.name if self.draft else "")
        locale = origin.locale
        return View(
            type="modal",
            callback_id=CallbackId.SERVICE_FORM,
            title=tr(locale, "Edit service") if editing else tr(locale, "New service"),
            submit=tr(locale, "Save") if editing else tr(locale, "Add"),
            close=tr(locale, "Cancel"),
            private_metadata=origin.dumps(),
            blocks=self.blocks(),
        )

    @staticmethod
    def read(view: dict[str, Any]) -> tuple[FormOrigin, ServiceSubmission | None, dict[str, str]]:
        """(where it came from, the service to add or the edit, errors by block_id): the options
        /sla service add or edit would be given, parsed by its parsers (errors in the form's language)."""
        origin = FormOrigin.loads(view.get("private_metadata"))
        locale = origin.locale
        editing = bool(origin.editing)
        values = typed(view)
        person, group = values.get(FormField.ONCALL, ""), values.get(FormField.ONCALL_GROUP, "")
        errors: dict[str, str] = {}
        if person and group:
            errors[FormField.ONCALL_GROUP] = tr(locale, "Pick an on-call person or type a user group, not both.")
        typed_options = {
            "name": values.get(FormField.NAME, ""),
            "channel": values.get(FormField.CHANNEL, ""),
            "oncall": person or group,
            "owner": values.get(FormField.OWNER, ""),
            "tier": values.get(FormField.TIER, ""),
        }
        # an emptied input clears the field in an edit (as key=none does), and is left out of a new service
        options = {key: value or CLEAR for key, value in typed_options.items() if value or (editing and key != "name")}
        name = options.pop("name", "")
        if editing:
            options["name"] = name
        fields, refused = read_service_fields(options, editing=editing, locale=locale)
        if not editing:
            try:
                name = parse_name(name, "service")
            except UserError as error:
                refused = {"name": error.text(locale), **refused}
        aliases = {"oncall": FormField.ONCALL_GROUP if group and not person else FormField.ONCALL}
        errors = beside({**refused, **errors}, submitted_inputs(view), aliases)
        if errors:
            return origin, None, errors
        return origin, ServiceSubmission(origin.editing or name, fields, editing), {}
