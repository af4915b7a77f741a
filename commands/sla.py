"""/sla: the root command for services, objectives, status and budgets."""

from __future__ import annotations

from commands import catalog, status
from commands.router import CommandGroup

SLA = CommandGroup("/sla", "Service levels")
SLA.mount(catalog.SERVICE, "services: add, list, edit, remove")
SLA.route(
    "define",
    "/sla define <service> <name> target=<percent> [window=30d|28d|7d|week|month|quarter] [kind=slo|sla|ola] "
    '[source=incidents|events] [tz=Area/City] [description="…"]',
    "define an SLO, SLA or OLA",
)(catalog.define)
SLA.route("list", "/sla list [service]", "list objectives")(catalog.list_objectives)
SLA.route("delete", "/sla delete <service>/<name>", "delete an objective")(catalog.delete)
SLA.route("status", "/sla status [service] [public]", "attainment and budget left of each objective")(status.status)
SLA.route("budget", "/sla budget <service>/<name> [public]", "an objective's error budget in detail")(status.budget)
