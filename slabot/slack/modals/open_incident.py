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
from slabot.core.i18n import DEFAULT_LOCALE, Locale, parse_locale, t, tr
from slabot.incidents.lifecycle import SEVERITIES, TITLE_MAX, NewIncident
from slabot.render.ids import BlockId, CallbackId, InputId
from slabot.render.reply import clip

MAX_OPTIONS = 100  # a static select's options


def severity_label(severity: int, locale: Locale) -> str:
    if severity == 1:
        return tr(locale, "sev1 · critical")
    if severity == 2:
        return tr(locale, "sev2 · major")
    if severity == 3:
        return tr(locale, "sev3 · minor")
    return tr(locale, "sev4 · low")


def _severity_option(severity: int, locale: Locale) -> Option:
    return Option(value=str(severity), label=severity_label(severity, locale))


def declare_title(locale: Locale) -> str:
    """The Declare incident form's title (at most 24 characters in every language)."""
    return tr(locale, "Declare incident")


def prefilled_title(text: str) -> str:
    """A message's text as an incident title: whitespace folded, clipped to the title limit."""
    return clip(" ".join(text.split()), TITLE_MAX)


@dataclass(frozen=True)
class IncidentOrigin:
    """What the form was opened from, kept in private_metadata: an alert (its id, service and start), or a
    message (its channel and ts: the incident links to it and is announced there when its service has no
    channel); and the language of the person it was opened for (its errors are told in it)."""

    alert_id: int = 0
    service: str = ""
    started: str = ""
    source_channel: str = ""
    source_ts: str = ""
    locale: str = ""

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
            locale=parse_locale(str(data.get("locale") or "")) or "",
        )

    @property
    def source(self) -> tuple[str, str] | None:
        return (self.source_channel, self.source_ts) if self.source_channel and self.source_ts else None


@dataclass(frozen=True)
class OpenIncidentModal:
    """Open an incident: from an alert (`draft` filled in, the service and start fixed), or declared
    (`services` to pick from, the title perhaps prefilled from a message), in the language of the person it is
    opened for."""

    draft: NewIncident | None = None
    alert_id: int = 0
    services: Sequence[str] = ()
    title: str = ""
    source: tuple[str, str] | None = None
    locale: Locale = DEFAULT_LOCALE

    def _origin(self) -> IncidentOrigin:
        if self.draft is not None:
            started = self.draft.started_at.isoformat()
            return IncidentOrigin(
                alert_id=self.alert_id, service=self.draft.service_name, started=started, locale=self.locale
            )
        channel, ts = self.source or ("", "")
        return IncidentOrigin(source_channel=channel, source_ts=ts, locale=self.locale)

    def blocks(self) -> list[Block]:
        draft, locale = self.draft, self.locale
        title = draft.title if draft is not None else self.title
        blocks: list[Block] = []
        if draft is not None:
            about = tr(locale, "Service *{service}* · from alert #{id}", service=draft.service_name, id=self.alert_id)
            blocks.append(ContextBlock(elements=[MarkdownTextObject(text=about)]))
        else:
            names = list(self.services)[:MAX_OPTIONS]
            blocks.append(
                InputBlock(
                    block_id=BlockId.INCIDENT_SERVICE,
                    label=tr(locale, "Service"),
                    element=StaticSelectElement(
                        action_id=InputId.SERVICE, options=[Option(value=n, label=clip(n, 75)) for n in names]
                    ),
                    hint=tr(locale, "The first {n} services; for another one type /incident open", n=MAX_OPTIONS)
                    if len(self.services) > MAX_OPTIONS
                    else None,
                )
            )
        blocks.append(
            InputBlock(
                block_id=BlockId.INCIDENT_TITLE,
                label=tr(locale, "Title"),
                element=PlainTextInputElement(
                    action_id=InputId.TITLE, initial_value=title[:TITLE_MAX] or None, max_length=TITLE_MAX
                ),
            )
        )
        severity = draft.severity if draft is not None else None
        blocks.append(
            InputBlock(
                block_id=BlockId.INCIDENT_SEVERITY,
                label=tr(locale, "Severity"),
                element=StaticSelectElement(
                    action_id=InputId.SEVERITY,
                    options=[_severity_option(s, locale) for s in SEVERITIES],
                    initial_option=_severity_option(severity, locale) if severity is not None else None,
                ),
            )
        )
        impact = str(draft.impact_percent) if draft is not None else "100"
        blocks.append(
            InputBlock(
                block_id=BlockId.INCIDENT_IMPACT,
                label=tr(locale, "Impact (% of users or requests affected)"),
                element=PlainTextInputElement(action_id=InputId.IMPACT, initial_value=impact),
            )
        )
        if draft is None:
            blocks.append(
                InputBlock(
                    block_id=BlockId.INCIDENT_STARTED,
                    label=tr(locale, "Started"),
                    optional=True,
                    element=PlainTextInputElement(
                        action_id=InputId.STARTED, placeholder=tr(locale, "now, or 30m ago, or 2026-11-21T09:30")
                    ),
                    hint=tr(locale, "Empty means now; a duration means that long ago, as with /incident open started="),
                )
            )
        return blocks

    def view(self) -> View:
        return View(
            type="modal",
            callback_id=CallbackId.OPEN_INCIDENT if self.draft is not None else CallbackId.DECLARE_INCIDENT,
            title=tr(self.locale, "Open incident") if self.draft is not None else declare_title(self.locale),
            submit=tr(self.locale, "Open"),
            close=tr(self.locale, "Cancel"),
            private_metadata=self._origin().dumps(),
            blocks=self.blocks(),
        )

    @staticmethod
    def read(
        view: dict[str, Any], now: datetime, zone: ZoneInfo
    ) -> tuple[IncidentOrigin, NewIncident | None, dict[str, str]]:
        """(where it came from, the incident to open, errors by block_id): errors is empty when the input is good."""
        origin = IncidentOrigin.loads(view.get("private_metadata"))
        locale = parse_locale(origin.locale) or DEFAULT_LOCALE
        values = (view.get("state") or {}).get("values") or {}

        def value(block: BlockId, action: InputId) -> Any:
            return (values.get(block) or {}).get(action) or {}

        errors: dict[str, str] = {}
        service = origin.service
        if not origin.alert_id:
            picked = value(BlockId.INCIDENT_SERVICE, InputId.SERVICE).get("selected_option") or {}
            service = str(picked.get("value") or "")
            if not service:
                errors[BlockId.INCIDENT_SERVICE] = tr(locale, "Pick the service the incident is on.")
        title = " ".join(str(value(BlockId.INCIDENT_TITLE, InputId.TITLE).get("value") or "").split())
        if not title:
            errors[BlockId.INCIDENT_TITLE] = tr(locale, "Give the incident a title, like: Checkout returns 500s")
        elif len(title) > TITLE_MAX:
            too_long = t("The title is {n} characters; keep it to {max} at most.", n=len(title), max=TITLE_MAX)
            errors[BlockId.INCIDENT_TITLE] = too_long.render(locale)
        selected = value(BlockId.INCIDENT_SEVERITY, InputId.SEVERITY).get("selected_option") or {}
        severity = int(selected["value"]) if str(selected.get("value", "")).isdigit() else 0
        if severity not in SEVERITIES:
            errors[BlockId.INCIDENT_SEVERITY] = tr(locale, "Pick a severity from sev1 to sev4.")
        impact_text = str(value(BlockId.INCIDENT_IMPACT, InputId.IMPACT).get("value") or "").strip().rstrip("%")
        try:
            impact = Decimal(impact_text)
        except InvalidOperation:
            impact = Decimal(-1)
        if not impact.is_finite() or not 0 < impact <= 100:
            errors[BlockId.INCIDENT_IMPACT] = tr(locale, "Give a percentage above 0 and at most 100, like 100 or 12.5.")
        started = now
        if origin.alert_id:
            started = datetime.fromisoformat(origin.started)
        else:
            typed = str(value(BlockId.INCIDENT_STARTED, InputId.STARTED).get("value") or "").strip()
            try:
                started = parse_time("started", typed, now, zone) if typed and typed.lower() != "now" else now
            except UserError as error:
                errors[BlockId.INCIDENT_STARTED] = error.text(locale)
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
