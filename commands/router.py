"""Subcommand routing with usage lines, so every error can say what to type instead."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from commands.context import CommandContext
from slabot.core.errors import UserError
from slabot.render.reply import Reply, context, escape, header, section

Handler = Callable[[CommandContext, str], Reply]


@dataclass(frozen=True)
class Route:
    name: str
    handler: Handler
    usage: str
    summary: str


class CommandGroup:
    """A root command (/sla) or a nested group (/sla service) whose first word picks the route."""

    def __init__(self, prefix: str, title: str) -> None:
        self.prefix = prefix
        self.title = title
        self.routes: dict[str, Route] = {}

    def route(self, name: str, usage: str, summary: str) -> Callable[[Handler], Handler]:
        def decorate(handler: Handler) -> Handler:
            self.routes[name] = Route(name, handler, usage, summary)
            return handler

        return decorate

    def mount(self, group: CommandGroup, summary: str) -> None:
        name = group.prefix.rsplit(" ", 1)[-1]
        self.routes[name] = Route(name, group.dispatch, f"{group.prefix} help", summary)

    def usage_lines(self) -> list[str]:
        lines: list[str] = []
        for route in self.routes.values():
            owner = getattr(route.handler, "__self__", None)
            if isinstance(owner, CommandGroup):
                lines += owner.usage_lines()
            else:
                lines.append(f"`{escape(route.usage)}`  {route.summary}")
        return lines

    def help(self) -> Reply:
        lines = self.usage_lines()
        blocks = [
            header(self.title),
            section("\n".join(lines)),
            context("Channels and people: pick them with # and @ so Slack fills in their IDs."),
        ]
        text = f"{self.title}\n" + "\n".join(line.replace("`", "") for line in lines)
        return Reply(text=text, blocks=blocks)

    def dispatch(self, ctx: CommandContext, text: str) -> Reply:
        first, _, rest = text.strip().partition(" ")
        name = first.lower()
        if name in ("", "help"):
            return self.help()
        route = self.routes.get(name)
        if route is None:
            known = ", ".join(self.routes)
            raise UserError(f"'{first}' is not a {self.prefix} command. Try one of: {known}.", f"{self.prefix} help")
        try:
            return route.handler(ctx, rest.strip())
        except UserError as error:
            raise error.with_usage(route.usage) from None
