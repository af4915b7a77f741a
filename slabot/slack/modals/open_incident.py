"""The Open incident modal: from an alert (its service and start fixed, the rest prefilled), or declared
(the global shortcut, the App Home's button, or a message shortcut that prefills the title and links the
incident to the message): the service picked, the start typed as /incident open takes it. Its view, and how
a submission is read back with the errors Slack shows next to each input."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from commands.args import parse_time
from slabot.core.errors import UserError
from slabot.incidents.lifecycle import SEVERITIES, TITLE_MAX, NewIncident
from slabot.render.ids import BlockId, CallbackId, InputId
from slabot.render.reply import clip

SEVERITY_LABELS = {1: "sev1 · critical", 2: "sev2 · major", 3: "sev3 · minor", 4: "sev4 · low"}
MAX_OPTIONS = 100  # a static select's options


def _severity_option(severity: int) -> Option:
    return Option(value=str(severity), label=SEVERITY_LABELS[severity])


def prefilled_title(text: str) -> str:
    """A message's text as an incident title: whitespace folded, clipped to the title limit."""
    return clip(" ".join(text.split()), TITLE_MAX)


@dataclass(frozen=True)
class IncidentOrigin:
    """What the form was opened from, kept in private_metadata: an alert (its id, service and start), or a
    message (its channel and ts: the incident links to it and is announced there when its service has no
    channel)."""

    alert_id: int = 0
    service: str = ""
    started: str = ""
    source_channel: str = ""
    source_ts: str = ""

    def dumps(self) -> str:
        held = {key: value for key, value in self.__dict__.items() if value}
        return json.dumps(held, separators=(",", ":"))

    @classmethod
    def loads(cls, text: object) -> IncidentOrigin:
        try:
            data = json.loads(str(text or "{}"))
        except ValueError:
            data = {}
        data = data if isinstance(data, dict) else {}
        alert = str(data.get("alert_id") or "0")
        return cls(
            alert_id=int(alert) if alert.isdigit() else 0,
            **{key: str(data.get(key) or "") for key in ("service", "started", "source_channel", "source_ts")},
        )

    @property
    def source(self) -> tuple[str, str] | None:
        return (self.source_channel, self.source_ts) if self.source_channel and self.source_ts else None


@dataclass(frozen=True)
class OpenIncidentModal:
    """Open an incident: from an alert (`draft` filled in, the service and start fixed), or declared
    (`services` to pick from, the title perhaps prefilled from a message)."""

    draft: NewIncident | None = None
    alert_id: int = 0
    services: Sequence[str] = ()
    title: str = ""
    source: tuple[str, str] | None = None

    def _origin(self) -> IncidentOrigin:
        if self.draft is not None:
            started = self.draft.started_at.isoformat()
            return IncidentOrigin(alert_id=self.alert_id, service=self.draft.service_name, started=started)
        channel, ts = self.source or ("", "")
        return IncidentOrigin(source_channel=channel, source_ts=ts)

    def blocks(self) -> list[Block]:
        draft = self.draft
        title = draft.title if draft is not None else self.title
        blocks: list[Block] = []
        if draft is not None:
            about = f"Service *{draft.service_name}* · from alert #{self.alert_id}"
            blocks.append(ContextBlock(elements=[MarkdownTextObject(text=about)]))
        else:
            names = list(self.services)[:MAX_OPTIONS]
            blocks.append(
                InputBlock(
                    block_id=BlockId.INCIDENT_SERVICE,
                    label="Service",
                    element=StaticSelectElement(
                        action_id=InputId.SERVICE, options=[Option(value=n, label=clip(n, 75)) for n in names]
                    ),
                    hint="The first 100 services; for another one type /incident open"
                    if len(self.services) > MAX_OPTIONS
                    else None,
                )
            )
        blocks.append(
            InputBlock(
                block_id=BlockId.INCIDENT_TITLE,
                label="Title",
                element=PlainTextInputElement(
                    action_id=InputId.TITLE, initial_value=title[:TITLE_MAX] or None, max_length=TITLE_MAX
                ),
            )
        )
        severity = draft.severity if draft is not None else None
        blocks.append(
            InputBlock(
                block_id=BlockId.INCIDENT_SEVERITY,
                label="Severity",
                element=StaticSelectElement(
                    action_id=InputId.SEVERITY,
                    options=[_severity_option(s) for s in SEVERITIES],
                    initial_option=_severity_option(severity) if severity is not None else None,
                ),
            )
        )
        impact = str(draft.impact_percent) if draft is not None else "100"
        blocks.append(
            InputBlock(
                block_id=BlockId.INCIDENT_IMPACT,
                label="Impact (% of users or requests affected)",
                element=PlainTextInputElement(action_id=InputId.IMPACT, initial_value=impact),
            )
        )
        if draft is None:
            blocks.append(
                InputBlock(
                    block_id=BlockId.INCIDENT_STARTED,
                    label="Started",
                    optional=True,
                    element=PlainTextInputElement(
                        action_id=InputId.STARTED, placeholder="now, or 30m ago, or 2026-11-21T09:30"
                    ),
                    hint="Empty means now; a duration means that long ago, as with /incident open started=",
                )
            )
        return blocks

    def view(self) -> View:
        return View(
            type="modal",
            callback_id=CallbackId.OPEN_INCIDENT if self.draft is not None else CallbackId.DECLARE_INCIDENT,
            title="Open incident" if self.draft is not None else "Declare incident",
            submit="Open",
            close="Cancel",
            private_metadata=self._origin().dumps(),
            blocks=self.blocks(),
        )

    @staticmethod
    def read(
        view: dict[str, Any], now: datetime, zone: ZoneInfo
    ) -> tuple[IncidentOrigin, NewIncident | None, dict[str, str]]:
        """(where it came from, the incident to open, errors by block_id): errors is empty when the input is good."""
        origin = IncidentOrigin.loads(view.get("private_metadata"))
        values = (view.get("state") or {}).get("values") or {}

        def value(block: BlockId, action: InputId) -> Any:
            return (values.get(block) or {}).get(action) or {}

        errors: dict[str, str] = {}
        service = origin.service
        if not origin.alert_id:
            picked = value(BlockId.INCIDENT_SERVICE, InputId.SERVICE).get("selected_option") or {}
            service = str(picked.get("value") or "")
            if not service:
                errors[BlockId.INCIDENT_SERVICE] = "Pick the service the incident is on."
        title = " ".join(str(value(BlockId.INCIDENT_TITLE, InputId.TITLE).get("value") or "").split())
        if not title:
            errors[BlockId.INCIDENT_TITLE] = "Give the incident a title, like: Checkout returns 500s"
        elif len(title) > TITLE_MAX:
            errors[BlockId.INCIDENT_TITLE] = f"The title is {len(title)} characters; keep it to {TITLE_MAX} at most."
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
        started = now
        if origin.alert_id:
            started = datetime.fromisoformat(origin.started)
        else:
            typed = str(value(BlockId.INCIDENT_STARTED, InputId.STARTED).get("value") or "").strip()
            try:
                started = parse_time("started", typed, now, zone) if typed and typed.lower() != "now" else now
            except UserError as error:
                errors[BlockId.INCIDENT_STARTED] = error.message
        if errors:
            return origin, None, errors
        new = NewIncident(
            service_name=service,
            severity=severity,
            title=title,
            started_at=started,
            impact_percent=impact,
            source=origin.source,
        )
        return origin, new, {}
