"""The Resolve incident form: the incident (picked among the unresolved ones, its number typed when more are
unresolved than a select lists, or fixed when a Resolve button opened the form for it) and when it was resolved
(a date-time picker, now to start with), read back through the parsers of /incident resolve <id> resolved=…."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import Block, DateTimePickerElement, InputBlock
from slack_sdk.models.views import View

from commands.args import parse_incident_id, parse_time
from commands.incident import RESOLVE_CHOICES, incident_to_resolve, resolvable_incidents
from slabot.config.runtime import Runtime
from slabot.core.errors import UserError
from slabot.core.i18n import parse_locale, t, tr
from slabot.core.timefmt import floor_minute, format_when
from slabot.render.ids import CallbackId, FormField, InputId
from slabot.render.locale import DEFAULT_LOCALE, Locale
from slabot.render.reply import Reply, escape, section
from slabot.slack.errors import reply_for
from slabot.slack.modals.form_inputs import FormOrigin, notice_view, select_input, text_input, typed
from storage.models.catalog import Service
from storage.models.incidents import Incident


def title(locale: Locale) -> str:
    """The form's title (at most 24 characters in every language)."""
    return tr(locale, "Resolve incident")


Found = tuple[Incident, Service]


@dataclass(frozen=True)
class ResolveOrigin:
    """Where the form was opened, kept in private_metadata: the channel and response_url of the command, or the
    channel of the announcement (the reply goes there, only to the person), or the App Home and the scope it
    showed (it is published again); the incident, when a Resolve button opened the form for one; and the language
    of the person it was opened for (its errors are told in it)."""

    channel: str = ""
    response_url: str = ""
    home: bool = False
    scope: str = ""
    incident: int = 0
    locale: Locale = DEFAULT_LOCALE

    def dumps(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"))

    @classmethod
    def loads(cls, text: object) -> ResolveOrigin:
        try:
            data = json.loads(str(text or "{}"))
        except ValueError:
            data = {}
        data = data if isinstance(data, dict) else {}
        number = str(data.get("incident") or "0")
        return cls(
            channel=str(data.get("channel") or ""),
            response_url=str(data.get("response_url") or ""),
            home=data.get("home") is True,
            scope=str(data.get("scope") or ""),
            incident=int(number) if number.isdigit() and len(number) <= 12 else 0,
            locale=parse_locale(str(data.get("locale") or "")) or DEFAULT_LOCALE,
        )

    @property
    def told(self) -> FormOrigin:
        """Where the command's reply goes (listeners.forms.tell): nowhere for the Home, which shows it instead."""
        return FormOrigin(self.channel, self.response_url)


@dataclass(frozen=True)
class Resolution:
    """What a valid submission asks for: resolve this incident at this moment (UTC)."""

    incident_id: int
    resolved_at: datetime | None  # None: now


@dataclass(frozen=True)
class ResolveModal:
    """Opened with the incidents to pick from (`choices`, newest first; one more than RESOLVE_CHOICES: the
    number is typed instead), or for one incident (`fixed`: its title shown, nothing to pick)."""

    origin: ResolveOrigin
    now: datetime
    zone: ZoneInfo
    choices: Sequence[Found] = ()
    fixed: Found | None = None

    def blocks(self) -> list[Block]:
        locale = self.origin.locale
        blocks: list[Block] = []
        if self.fixed is not None:
            incident, service = self.fixed
            about = tr(locale, "*#{id} sev{severity}: {title}* on *{service}*, started {started}.", id=incident.id,
                       severity=incident.severity, title=escape(incident.title), service=escape(service.name),
                       started=format_when(incident.started_at, self.zone, locale=locale))  # fmt: skip
            blocks.append(section(about))
        elif len(self.choices) > RESOLVE_CHOICES:
            hint = tr(locale, "More than {n} incidents are unresolved: type the number /incident list shows.",
                      n=RESOLVE_CHOICES)  # fmt: skip
            label = tr(locale, "Incident number")
            blocks.append(text_input(FormField.INCIDENT, label, max_length=12, placeholder="12", hint=hint))
        else:
            options = [
                (str(incident.id), tr(locale, "#{id} {service}: {title}", id=incident.id, service=service.name,
                                      title=incident.title))
                for incident, service in self.choices
            ]  # fmt: skip
            blocks.append(select_input(FormField.INCIDENT, tr(locale, "Incident"), options))
        picker = DateTimePickerElement(
            action_id=InputId.FORM_VALUE, initial_date_time=int(floor_minute(self.now).timestamp())
        )
        hint = tr(locale, "Not in the future and not before the incident started, as with /incident resolve <id> "
                  "resolved=…")  # fmt: skip
        label = tr(locale, "Resolved at")
        blocks.append(InputBlock(block_id=FormField.RESOLVED, label=label, element=picker, hint=hint))
        return blocks

    def view(self) -> View:
        home, locale = self.origin.home, self.origin.locale
        return View(
            type="modal",
            callback_id=CallbackId.HOME_RESOLVE_FORM if home else CallbackId.RESOLVE_FORM,
            title=title(locale),
            submit=tr(locale, "Resolve"),
            close=tr(locale, "Cancel"),
            private_metadata=self.origin.dumps(),
            blocks=self.blocks(),
        )

    @staticmethod
    def read(
        view: dict[str, Any], now: datetime, zone: ZoneInfo
    ) -> tuple[ResolveOrigin, Resolution | None, dict[str, str]]:
        """(where it came from, what to resolve, errors by block_id), parsed as /incident resolve parses."""
        origin = ResolveOrigin.loads(view.get("private_metadata"))
        locale = origin.locale
        values = typed(view)
        errors: dict[str, str] = {}
        incident_id = origin.incident
        if not incident_id:
            try:
                incident_id = _incident(values.get(FormField.INCIDENT, ""))
            except UserError as error:
                errors[FormField.INCIDENT] = error.text(locale)
        resolved_at: datetime | None = None
        try:
            resolved_at = parse_time("resolved", _moment(values.get(FormField.RESOLVED, "")), now, zone)
        except UserError as error:
            errors[FormField.RESOLVED] = error.text(locale)
        if resolved_at is not None and floor_minute(resolved_at) == floor_minute(now):
            resolved_at = None  # the picker holds minutes: its "now" is now (an incident opened this minute too)
        if errors:
            return origin, None, errors
        return origin, Resolution(incident_id, resolved_at), {}


def _incident(text: str) -> int:
    if not text:
        raise UserError(t("Pick the incident to resolve (or type its number, like 12)."))
    return parse_incident_id(text)


def _moment(seconds: str) -> str:
    """The picker's Unix seconds as resolved= would be typed (with its offset)."""
    if not seconds.isdigit():
        raise UserError(t("Pick the date and time the incident was resolved."))
    try:
        return datetime.fromtimestamp(int(seconds), UTC).isoformat(timespec="seconds")
    except (OverflowError, OSError, ValueError):
        raise UserError(t("resolved= is out of range: pick a date and time from the picker.")) from None


def resolve_view(runtime: Runtime, origin: ResolveOrigin, locale: Locale | None = None) -> View:
    """The form as it opens, in `locale` (else the origin's): for origin.incident (a notice instead when it does
    not exist or is resolved already), else with the unresolved incidents to pick from (a notice when there is
    none)."""
    locale = locale or origin.locale
    origin = replace(origin, locale=locale)
    now, zone = runtime.now(), runtime.settings.timezone
    try:
        if origin.incident:
            found: Found | Reply = incident_to_resolve(runtime, origin.incident, locale)
            if isinstance(found, Reply):
                return notice_view(title(locale), found, locale)
            return ResolveModal(origin, now, zone, fixed=found).view()
        return ResolveModal(origin, now, zone, choices=resolvable_incidents(runtime)).view()
    except Exception as error:
        return notice_view(title(locale), reply_for(error, "the Resolve incident form", locale), locale)
