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


class CallbackId(StrEnum):
    OPEN_INCIDENT = "open_incident_modal"


class BlockId(StrEnum):
    ALERT_ACTIONS = "alert_actions"
    INCIDENT_TITLE = "incident_title"
    INCIDENT_SEVERITY = "incident_severity"
    INCIDENT_IMPACT = "incident_impact"


class InputId(StrEnum):
    """action_id of the single input inside each modal input block."""

    TITLE = "title"
    SEVERITY = "severity"
    IMPACT = "impact"
