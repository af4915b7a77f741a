"""The forms a command opens when it is typed with no options: which form, and what it starts with. The command
names the form (it never calls Slack); the slash-command listener builds the modal and opens it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from commands.context import CommandContext
from slabot.catalog import services as catalog
from slabot.core.errors import Said, UserError, said_in
from slabot.core.i18n import DEFAULT_LOCALE, Locale, t, tr
from slabot.render.reply import Reply
from storage.models.catalog import Service
from storage.queries import catalog as queries


class Form(StrEnum):
    NEW_SERVICE = "new_service"
    EDIT_SERVICE = "edit_service"
    NEW_OBJECTIVE = "new_objective"
    MAINTENANCE = "maintenance"
    EDIT_OBJECTIVE = "edit_objective"
    ALERT_POLICY = "alert_policy"
    SEVERITY_TARGETS = "severity_targets"
    CALENDAR = "calendar"
    DIGEST = "digest"
    RESOLVE_INCIDENT = "resolve_incident"


@dataclass(frozen=True)
class ServiceDraft:
    """A service as its edit form starts: the values stored now."""

    name: str
    channel_id: str | None = None
    oncall_id: str | None = None
    owner: str | None = None
    tier: int | None = None

    @classmethod
    def of(cls, service: Service) -> ServiceDraft:
        return cls(service.name, service.channel_id, service.oncall_id, service.owner, service.tier)


@dataclass(frozen=True)
class OpenForm(Reply):
    """A command's answer that is a form to open with the command's trigger, not a message; `text` is what the
    person is told if the form cannot be opened."""

    form: Form = Form.NEW_SERVICE
    services: tuple[str, ...] = ()  # the services to pick from
    service: ServiceDraft | None = None  # the service edited
    chosen: str | None = None  # the service picked already (typed after the command)
    usage: str = ""
    initial: Mapping[str, str] = field(default_factory=dict)  # what the form's inputs start with, by block_id
    choices: tuple[tuple[str, str], ...] = ()  # what its picker offers, (value, label): objectives, calendars
    locale: Locale | None = None  # the language of the person it opens for (None: the listener looks it up)


def _fallback(usage: str, locale: Locale) -> str:
    return tr(locale, "The form could not be opened; type the command with its options instead: {usage}", usage=usage)


def settings_form(
    form: Form,
    usage: Said,
    *,
    initial: Mapping[str, str] | None = None,
    choices: tuple[tuple[str, str], ...] = (),
    services: tuple[str, ...] = (),
    service: ServiceDraft | None = None,
    chosen: str | None = None,
    locale: Locale = DEFAULT_LOCALE,
) -> OpenForm:
    """A form to open (a setting's, a service's, or one that picks a service) starting as given; the command that
    answers with it has checked its caller (and passes its reader's `locale`, for the text shown if the form cannot
    be opened)."""
    shown = said_in(usage, locale)
    return OpenForm(
        text=_fallback(shown, locale),
        form=form,
        usage=shown,
        initial=dict(initial or {}),
        choices=choices,
        services=services,
        service=service,
        chosen=chosen,
        locale=locale,
    )


def service_form(ctx: CommandContext, usage: Said) -> OpenForm:
    ctx.require_admin()
    return settings_form(Form.NEW_SERVICE, usage, locale=ctx.locale)


def edit_service_form(ctx: CommandContext, name: str, usage: Said) -> OpenForm:
    ctx.require_admin()
    with ctx.runtime.db.session() as session:
        draft = ServiceDraft.of(catalog.get_service(session, name))
    return settings_form(Form.EDIT_SERVICE, usage, service=draft, locale=ctx.locale)


def picking_service_form(ctx: CommandContext, form: Form, chosen: str | None, usage: Said) -> OpenForm:
    """A form whose first field picks one of the services (there must be one)."""
    ctx.require_admin()
    with ctx.runtime.db.session() as session:
        if chosen is not None:
            chosen = catalog.get_service(session, chosen).name
        names = tuple(service.name for service in queries.all_services(session))
    if not names:
        raise UserError(t("There are no services yet: add one first with /sla service add (it opens a form too)."))
    return settings_form(form, usage, services=names, chosen=chosen, locale=ctx.locale)
