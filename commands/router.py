"""Subcommand routing with usage lines, so every error can say what to type instead."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from commands.context import CommandContext
from slabot.core.errors import Said, UserError, said_in
from slabot.core.i18n import Locale, t, tr
from slabot.render.reply import MAX_SECTION_TEXT, Reply, context, escape, header, section

Handler = Callable[[CommandContext, str], Reply]


def _chunks(lines: list[str]) -> list[str]:
    """The help's lines as few sections as Slack's limit allows, each line whole."""
    chunks: list[str] = []
    for line in lines:
        if chunks and len(chunks[-1]) + 1 + len(line) <= MAX_SECTION_TEXT:
            chunks[-1] = f"{chunks[-1]}\n{line}"
        else:
            chunks.append(line[:MAX_SECTION_TEXT])
    return chunks


@dataclass(frozen=True)
class Route:
    name: str
    handler: Handler
    usage: Said
    summary: Said


class CommandGroup:
    """A root command (/sla) or a nested group (/sla service) whose first word picks the route."""

    def __init__(self, prefix: str, title: Said) -> None:
        self.prefix = prefix
        self.title = title
        self.routes: dict[str, Route] = {}

    def route(self, name: str, usage: Said, summary: Said) -> Callable[[Handler], Handler]:
        def decorate(handler: Handler) -> Handler:
            self.routes[name] = Route(name, handler, usage, summary)
            return handler

        return decorate

    def mount(self, group: CommandGroup, summary: Said) -> None:
        name = group.prefix.rsplit(" ", 1)[-1]
        self.routes[name] = Route(name, group.dispatch, f"{group.prefix} help", summary)

    def usage_lines(self, locale: Locale) -> list[str]:
        lines: list[str] = []
        for route in self.routes.values():
            owner = getattr(route.handler, "__self__", None)
            if isinstance(owner, CommandGroup):
                lines += owner.usage_lines(locale)
            else:
                lines.append(f"`{escape(said_in(route.usage, locale))}`  {said_in(route.summary, locale)}")
        return lines

    def help(self, locale: Locale) -> Reply:
        lines = self.usage_lines(locale)
        title = said_in(self.title, locale)
        blocks = [
            header(title),
            *(section(chunk) for chunk in _chunks(lines)),
            context(tr(locale, "Channels and people: pick them with # and @ so Slack fills in their IDs.")),
        ]
        text = f"{title}\n" + "\n".join(line.replace("`", "") for line in lines)
        return Reply(text=text, blocks=blocks)

    def dispatch(self, ctx: CommandContext, text: str) -> Reply:
        first, _, rest = text.strip().partition(" ")
        name = first.lower()
        if name in ("", "help"):
            return self.help(ctx.locale)
        route = self.routes.get(name)
        if route is None:
            known = ", ".join(self.routes)
            message = t("'{word}' is not a {command} command. Try one of: {known}.", word=first, command=self.prefix,
                        known=known)  # fmt: skip
            raise UserError(message, f"{self.prefix} help")
        try:
            return route.handler(ctx, rest.strip())
        except UserError as error:
            raise error.with_usage(route.usage) from None
