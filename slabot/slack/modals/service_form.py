"""The New service and Edit service form: name, channel, on-call (a person, or a user group typed), owner, tier,
read back through the parsers of /sla service add and edit."""

from __future__ import annotations

from dataclasses import dataclass
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
from slabot.render.ids import CallbackId, FormField, InputId
from slabot.slack.modals.form_inputs import FormOrigin, beside, select_input, text_input, typed
from storage.models.catalog import NAME_MAX, OWNER_MAX

TIERS = [(str(tier), f"Tier {tier}") for tier in (1, 2, 3, 4)]


@dataclass(frozen=True)
class ServiceSubmission:
    name: str  # the service added, or the one edited (its name before the edit)
    fields: ServiceFields
    editing: bool


@dataclass(frozen=True)
class ServiceModal:
    """New service (no draft) or Edit service (prefilled with the service as stored)."""

    origin: FormOrigin
    draft: ServiceDraft | None = None

    def blocks(self) -> list[Block]:
        draft = self.draft or ServiceDraft(name="")
        person = draft.oncall_id if draft.oncall_id and draft.oncall_id[0] in "UW" else None
        group = draft.oncall_id if draft.oncall_id and not person else None
        channel = ConversationSelectElement(
            action_id=InputId.FORM_VALUE,
            initial_conversation=draft.channel_id,
            filter=ConversationFilter(include=["public", "private"], exclude_bot_users=True),
        )
        return [
            text_input(FormField.NAME, "Name", initial=draft.name, max_length=NAME_MAX, placeholder="checkout-api"),
            InputBlock(block_id=FormField.CHANNEL, label="Channel", element=channel, optional=True),
            InputBlock(
                block_id=FormField.ONCALL,
                label="On-call person",
                element=UserSelectElement(action_id=InputId.FORM_VALUE, initial_user=person),
                optional=True,
            ),
            text_input(
                FormField.ONCALL_GROUP,
                "Or on-call user group",
                initial=group,
                optional=True,
                placeholder="@checkout-oncall or S0123ABCD",
            ),
            text_input(FormField.OWNER, "Owner", initial=draft.owner, optional=True, max_length=OWNER_MAX),
            select_input(FormField.TIER, "Tier", TIERS, initial=str(draft.tier) if draft.tier else None, optional=True),
        ]

    def view(self) -> View:
        editing = self.draft is not None
        origin = FormOrigin(self.origin.channel, self.origin.response_url, self.draft.name if self.draft else "")
        return View(
            type="modal",
            callback_id=CallbackId.SERVICE_FORM,
            title="Edit service" if editing else "New service",
            submit="Save" if editing else "Add",
            close="Cancel",
            private_metadata=origin.dumps(),
            blocks=self.blocks(),
        )

    @staticmethod
    def read(view: dict[str, Any]) -> tuple[FormOrigin, ServiceSubmission | None, dict[str, str]]:
        """(where it came from, the service to add or the edit, errors by block_id): the options
        /sla service add or edit would be given, parsed by its parsers."""
        origin = FormOrigin.loads(view.get("private_metadata"))
        editing = bool(origin.editing)
        values = typed(view)
        person, group = values.get(FormField.ONCALL, ""), values.get(FormField.ONCALL_GROUP, "")
        errors: dict[str, str] = {}
        if person and group:
            errors[FormField.ONCALL_GROUP] = "Pick an on-call person or type a user group, not both."
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
        fields, refused = read_service_fields(options, editing=editing)
        if not editing:
            try:
                name = parse_name(name, "service")
            except UserError as error:
                refused = {"name": error.message, **refused}
        aliases = {"oncall": FormField.ONCALL_GROUP if group and not person else FormField.ONCALL}
        errors = beside({**refused, **errors}, ServiceModal(origin).blocks(), aliases)
        if errors:
            return origin, None, errors
        return origin, ServiceSubmission(origin.editing or name, fields, editing), {}
