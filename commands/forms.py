"""The forms a command opens when it is typed with no options: which form, and what it starts with. The command
names the form (it never calls Slack); the slash-command listener builds the modal and opens it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from commands.context import CommandContext
from slabot.catalog import services as catalog
from slabot.core.errors import UserError
from slabot.render.reply import Reply
from storage.models.catalog import Service
from storage.queries import catalog as queries


class Form(StrEnum):
    NEW_SERVICE = "new_service"
    EDIT_SERVICE = "edit_service"
    NEW_OBJECTIVE = "new_objective"
    MAINTENANCE = "maintenance"


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


def _fallback(usage: str) -> str:
    return f"The form could not be opened; type the command with its options instead: {usage}"


def service_form(ctx: CommandContext, usage: str) -> OpenForm:
    ctx.require_admin()
    return OpenForm(text=_fallback(usage), form=Form.NEW_SERVICE, usage=usage)


def edit_service_form(ctx: CommandContext, name: str, usage: str) -> OpenForm:
    ctx.require_admin()
    with ctx.runtime.db.session() as session:
        draft = ServiceDraft.of(catalog.get_service(session, name))
    return OpenForm(text=_fallback(usage), form=Form.EDIT_SERVICE, service=draft, usage=usage)


def picking_service_form(ctx: CommandContext, form: Form, chosen: str | None, usage: str) -> OpenForm:
    """A form whose first field picks one of the services (there must be one)."""
    ctx.require_admin()
    with ctx.runtime.db.session() as session:
        if chosen is not None:
            chosen = catalog.get_service(session, chosen).name
        names = tuple(service.name for service in queries.all_services(session))
    if not names:
        raise UserError("There are no services yet: add one first with /sla service add (it opens a form too).")
    return OpenForm(text=_fallback(usage), form=form, services=names, chosen=chosen, usage=usage)
