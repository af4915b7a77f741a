"""/sla: the root command for services, objectives, status and budgets."""

from __future__ import annotations

from commands import catalog, digest, export, itsm, maintenance, policy, rca, status
from commands.router import CommandGroup
from storage.models.catalog import DESCRIPTION_MAX

SLA = CommandGroup("/sla", "Service levels")
SLA.mount(catalog.SERVICE, "services: add, list, edit, remove")
SLA.route(
    "define",
    "/sla define <service> <name> target=<percent> [window=30d|28d|7d|week|month|quarter] [kind=slo|sla|ola] "
    '[source=incidents|events|prometheus good="<PromQL>"|bad="<PromQL>" total="<PromQL>"] '
    "[budgeting=occurrences|timeslices] [slice=<percent>] [tz=Area/City] "
    f'[description="…"] (description up to {DESCRIPTION_MAX} characters)',
    "define an SLO, SLA or OLA",
)(catalog.define)
SLA.route("list", "/sla list [service]", "list objectives")(catalog.list_objectives)
SLA.route("export", "/sla export [service]", "upload the catalogue here as OpenSLO YAML")(export.export)
SLA.route("delete", "/sla delete <service>/<name>", "delete an objective")(catalog.delete)
SLA.route("status", "/sla status [service] [public]", "attainment and budget left of each objective")(status.status)
SLA.route("budget", "/sla budget <service>/<name> [public]", "an objective's error budget in detail")(status.budget)
SLA.route(
    "policy",
    "/sla policy <service>/<name> [page:2%:1h/5m …] [min_events=100] [reset] | "
    "/sla policy sev<N> ack=<duration> resolve=<duration> [calendar=<name>]",
    "show or change an objective's burn-rate alert policy, or a severity's response and resolution targets",
)(policy.policy)
SLA.mount(maintenance.MAINTENANCE, "maintenance windows: add, list, remove")
SLA.mount(itsm.CALENDAR, "business calendars for incident targets: add, holiday, workday, list, remove")
SLA.mount(digest.DIGEST, "weekly digests: add, list, remove")
SLA.route("report", digest.REPORT_USAGE, "post a digest of one week here now")(digest.report)
SLA.route("why", rca.WHY_USAGE, "run a 5-Why root-cause analysis in an incident's thread, or stop one")(rca.why)
SLA.route("actions", rca.ACTIONS_USAGE, "action items from 5-Whys; close one with done")(rca.actions)
