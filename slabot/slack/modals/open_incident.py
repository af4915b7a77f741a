"""Modals, one class each: how the view is built, and how its submission is read back (with the errors
Slack shows next to each input)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from slack_sdk.models.blocks import (
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from slabot.incidents.lifecycle import SEVERITIES, TITLE_MAX, NewIncident
from slabot.render.ids import BlockId, CallbackId, InputId

SEVERITY_LABELS = {1: "sev1 · critical", 2: "sev2 · major", 3: "sev3 · minor", 4: "sev4 · low"}


def _severity_option(severity: int) -> Option:
    return Option(value=str(severity), label=SEVERITY_LABELS[severity])


@dataclass(frozen=True)
class OpenIncidentModal:
    """Open an incident from an alert: title, severity and impact prefilled; the service and start are fixed."""

    draft: NewIncident
    alert_id: int

    def view(self) -> View:
        metadata = {
            "alert": self.alert_id,
            "service": self.draft.service_name,
            "started": self.draft.started_at.isoformat(),
        }
        return View(
            type="modal",
            callback_id=CallbackId.OPEN_INCIDENT,
            title="Open incident",
            submit="Open",
            close="Cancel",
            private_metadata=json.dumps(metadata),
            blocks=[
                ContextBlock(
                    elements=[
                        MarkdownTextObject(text=f"Service *{self.draft.service_name}* · from alert #{self.alert_id}")
                    ]
                ),
                InputBlock(
                    block_id=BlockId.INCIDENT_TITLE,
                    label="Title",
                    element=PlainTextInputElement(
                        action_id=InputId.TITLE, initial_value=self.draft.title[:TITLE_MAX], max_length=TITLE_MAX
                    ),
                ),
                InputBlock(
                    block_id=BlockId.INCIDENT_SEVERITY,
                    label="Severity",
                    element=StaticSelectElement(
                        action_id=InputId.SEVERITY,
                        options=[_severity_option(s) for s in SEVERITIES],
                        initial_option=_severity_option(self.draft.severity),
                    ),
                ),
                InputBlock(
                    block_id=BlockId.INCIDENT_IMPACT,
                    label="Impact (% of users or requests affected)",
                    element=PlainTextInputElement(
                        action_id=InputId.IMPACT, initial_value=str(self.draft.impact_percent)
                    ),
                ),
            ],
        )

    @staticmethod
    def read(view: dict[str, Any]) -> tuple[int, NewIncident | None, dict[str, str]]:
        """(alert id, the incident to open, errors by block_id): errors is empty when the input is good."""
        metadata = json.loads(view.get("private_metadata") or "{}")
        values = (view.get("state") or {}).get("values") or {}

        def value(block: BlockId, action: InputId) -> Any:
            return (values.get(block) or {}).get(action) or {}

        errors: dict[str, str] = {}
        title = " ".join(str(value(BlockId.INCIDENT_TITLE, InputId.TITLE).get("value") or "").split())
        if not title:
            errors[BlockId.INCIDENT_TITLE] = "Give the incident a title, like: Checkout returns 500s"
        selected = value(BlockId.INCIDENT_SEVERITY, InputId.SEVERITY).get("selected_option") or {}
        severity = int(selected["value"]) if str(selected.get("value", "")).isdigit() else 0
        if severity not in SEVERITIES:
            errors[BlockId.INCIDENT_SEVERITY] = "Pick a severity from sev1 to sev4."
        impact_text = str(value(BlockId.INCIDENT_IMPACT, InputId.IMPACT).get("value") or "").strip().rstrip("%")
        try:
            impact = Decimal(impact_text)
        except InvalidOperation:
            impact = Decimal(-1)
        if not impact.is_finite() or not 0 < impact <= 100:
            errors[BlockId.INCIDENT_IMPACT] = "Give a percentage above 0 and at most 100, like 100 or 12.5."
        if errors:
            return int(metadata.get("alert", 0)), None, errors
        new = NewIncident(
            service_name=str(metadata["service"]),
            severity=severity,
            title=title,
            started_at=datetime.fromisoformat(metadata["started"]),
            impact_percent=impact,
        )
        return int(metadata.get("alert", 0)), new, {}
