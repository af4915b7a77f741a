"""IDs of the bot's interactive elements: buttons (action_id), modals (callback_id) and their inputs (block_id).

Slack sends these back in block_actions and view_submission payloads; listeners are registered by them.
"""

from __future__ import annotations

from enum import StrEnum


class ActionId(StrEnum):
    ALERT_ACKNOWLEDGE = "alert_acknowledge"
    ALERT_OPEN_INCIDENT = "alert_open_incident"
    ALERT_SILENCE_1H = "alert_silence_1h"
    ALERT_SILENCE_4H = "alert_silence_4h"
    # the incident announcement's buttons (value: the incident's id); its Start 5-Why is RCA_START
    INCIDENT_ACKNOWLEDGE = "incident_acknowledge"
    INCIDENT_RESOLVE = "incident_resolve"
    RCA_START = "rca_start"
    # a /sla status reply: a button per objective (value: service/objective)
    STATUS_BUDGET = "status_budget"
    # one button per fishbone category: "rca_category:<category>" (action_ids are unique within a message)
    RCA_CATEGORY = "rca_category"
    # one button per rating: "csat_rate:<1..5>"
    CSAT_RATE = "csat_rate"
    CSAT_COMMENT = "csat_comment"
    # the App Home: a button per objective, incident and action item (value: its id or service/objective)
    HOME_BUDGET = "home_budget"
    HOME_ACKNOWLEDGE = "home_acknowledge"
    HOME_RESOLVE = "home_resolve"
    HOME_ACTION_DONE = "home_action_done"
    HOME_SCOPE = "home_scope"  # value: the scope to show, "mine" or "all"
    HOME_DECLARE_INCIDENT = "home_declare_incident"
    HOME_NEW_SERVICE = "home_new_service"
    HOME_NEW_OBJECTIVE = "home_new_objective"
    HOME_MAINTENANCE = "home_maintenance"
    # the definition forms' selects that change which fields the form shows (dispatch_action → views.update)
    FORM_SOURCE = "form_source"
    FORM_BUDGETING = "form_budgeting"
    FORM_WINDOW = "form_window"
    FORM_KIND = "form_kind"  # an SLA shows its service credits
    # an /sla policy <service>/<name> reply: opens the Alert policy form (value: service/objective)
    POLICY_EDIT = "policy_edit"


class CallbackId(StrEnum):
    OPEN_INCIDENT = "open_incident_modal"
    DECLARE_INCIDENT = "declare_incident_modal"  # the same form with the service to pick (no alert)
    # shortcuts (manifest.yml features.shortcuts): global, and on a message
    SHORTCUT_DECLARE_INCIDENT = "declare_incident"
    SHORTCUT_INCIDENT_FROM_MESSAGE = "incident_from_message"
    CSAT_COMMENT = "csat_comment_modal"
    HOME_BUDGET = "home_budget_modal"
    HOME_HINT = "home_hint_modal"
    SERVICE_FORM = "service_form_modal"
    OBJECTIVE_FORM = "objective_form_modal"
    OBJECTIVE_EDIT_FORM = "objective_edit_form_modal"  # the same form in its editing mode
    MAINTENANCE_FORM = "maintenance_form_modal"
    POLICY_FORM = "policy_form_modal"  # an objective's alert policy
    SEVERITY_FORM = "severity_form_modal"  # a severity's response and resolution targets
    CALENDAR_FORM = "calendar_form_modal"  # a new business calendar
    DIGEST_FORM = "digest_form_modal"  # a new weekly digest
    RESOLVE_FORM = "resolve_form_modal"  # Resolve incident, from /incident resolve or an announcement
    HOME_RESOLVE_FORM = "home_resolve_form_modal"  # the same form over the App Home (the Home is published again)


class BlockId(StrEnum):
    ALERT_ACTIONS = "alert_actions"
    INCIDENT_ACTIONS = "incident_actions"  # the announcement's buttons
    POLICY_ACTIONS = "policy_actions"  # an /sla policy reply's Edit policy button
    INCIDENT_SERVICE = "incident_service"
    INCIDENT_TITLE = "incident_title"
    INCIDENT_SEVERITY = "incident_severity"
    INCIDENT_IMPACT = "incident_impact"
    INCIDENT_STARTED = "incident_started"
    # the incident announcement's buttons (value: the incident's id); its Start 5-Why is RCA_START
    INCIDENT_ACKNOWLEDGE = "incident_acknowledge"
    INCIDENT_RESOLVE = "incident_resolve"
    RCA_START = "rca_start"
    # a /sla status reply: a button per objective (value: service/objective)
    STATUS_BUDGET = "status_budget"
    RCA_CATEGORIES = "rca_categories"
    CSAT_RATINGS = "csat_ratings"
    CSAT_COMMENT = "csat_comment"
    HOME_TOOLS = "home_tools"
    # one per incident on the Home: "home_incident:<id>"
    HOME_INCIDENT = "home_incident"


class InputId(StrEnum):
    """action_id of the single input inside each modal input block."""

    SERVICE = "service"
    TITLE = "title"
    SEVERITY = "severity"
    IMPACT = "impact"
    STARTED = "started"
    COMMENT = "comment"
    FORM_VALUE = "value"  # every input of the definition forms but the selects that change the form


class FormField(StrEnum):
    """block_id of each input of the definition forms (service, objective, maintenance window): the key of the
    slash command's option it stands for, so an error about an option is shown beside its input."""

    SERVICE = "service"
    NAME = "name"
    CHANNEL = "channel"
    ONCALL = "oncall"  # a person (users_select)
    ONCALL_GROUP = "oncall_group"  # or a user group, typed
    OWNER = "owner"
    TIER = "tier"
    KIND = "kind"
    TARGET = "target"
    WINDOW = "window"
    TZ = "tz"
    SOURCE = "source"
    COUNTS = "counts"  # whether the counted query counts good or bad events
    COUNTED = "counted"  # the good= or bad= query
    TOTAL = "total"
    DATASOURCE = "datasource"
    BUDGETING = "budgeting"
    SLICE = "slice"
    DESCRIPTION = "description"
    CREDITS = "credits"  # an SLA's service credit schedule
    OBJECTIVE = "objective"
    START = "start"
    END = "end"
    REASON = "reason"
    INCIDENT = "incident"  # the Resolve incident form: the incident (picked, or its number typed)
    RESOLVED = "resolved"  # and when it was resolved (resolved=)
    # the settings forms: an objective's alert policy, a severity's targets, a calendar, a digest
    RULES = "rules"  # the burn-rate rules, one per line
    MIN_EVENTS = "min_events"
    RESET = "reset"  # Reset to the defaults (a checkbox)
    SEVERITY = "severity"  # the severity whose targets the form changes (shown, not typed)
    ACK = "ack"
    RESOLVE = "resolve"
    CALENDAR = "calendar"
    HOURS = "hours"
    COUNTRY = "country"
    SERVICES = "services"
    DAY = "day"
    TIME = "time"
