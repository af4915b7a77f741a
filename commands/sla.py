"""/sla: the root command for services, objectives, status and budgets."""

from __future__ import annotations

from commands import catalog, digest, export, itsm, language, maintenance, objective_edit, policy, rca, status
from commands.router import CommandGroup
from slabot.core.i18n import t
from storage.models.catalog import DESCRIPTION_MAX

SLA = CommandGroup("/sla", t("Service levels"))
SLA.mount(catalog.SERVICE, t("services: add, list, edit, remove"))
DEFINE_USAGE = t(
    "/sla define <service> <name> target=<percent> [window=30d|28d|7d|week|month|quarter] [kind=slo|sla|ola] "
    '[credits="99.9:10,99.5:25,99:50" (kind=sla)] '
    '[source=incidents|events|prometheus good="<PromQL>"|bad="<PromQL>" total="<PromQL>"] '
    "[budgeting=occurrences|timeslices] [slice=<percent>] [tz=Area/City] "
    '[description="…"] (description up to {max} characters)',
    max=DESCRIPTION_MAX,
)
SLA.route(
    "define",
    DEFINE_USAGE,
    t("define an SLO, SLA or OLA"),
)(catalog.define)
SLA.route("edit", objective_edit.EDIT_USAGE, t("change an objective"))(objective_edit.edit)
SLA.route("list", "/sla list [service]", t("list objectives"))(catalog.list_objectives)
SLA.route("export", "/sla export [service]", t("upload the catalogue here as OpenSLO YAML"))(export.export)
SLA.route("delete", "/sla delete <service>/<name>", t("delete an objective"))(catalog.delete)
SLA.route("status", "/sla status [service] [public]", t("attainment and budget left of each objective"))(status.status)
SLA.route("budget", "/sla budget <service>/<name> [public]", t("an objective's error budget in detail"))(status.budget)
SLA.route(
    "policy",
    "/sla policy <service>/<name> [page:2%:1h/5m …] [min_events=100] [reset] | "
    "/sla policy sev<N> ack=<duration> resolve=<duration> [calendar=<name>]",
    t("show or change an objective's burn-rate alert policy, or a severity's response and resolution targets"),
)(policy.policy)
SLA.mount(maintenance.MAINTENANCE, t("maintenance windows: add, list, remove"))
SLA.mount(itsm.CALENDAR, t("business calendars for incident targets: add, holiday, workday, list, remove"))
SLA.mount(digest.DIGEST, t("weekly digests: add, list, remove"))
SLA.route("report", digest.REPORT_USAGE, t("post a weekly digest or a monthly report here now"))(digest.report)
SLA.route("why", rca.WHY_USAGE, t("run a 5-Why root-cause analysis in an incident's thread, or stop one"))(rca.why)
SLA.route("actions", rca.ACTIONS_USAGE, t("action items from 5-Whys; close one with done"))(rca.actions)
SLA.route("language", language.LANGUAGE_USAGE, t("the language slabot answers you in: zh, en or auto"))(
    language.language
)
SLA.mount(language.CHANNELS, t("a channel's language: language"))
