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
    RCA_START = "rca_start"
    # one button per fishbone category: "rca_category:<category>" (action_ids are unique within a message)
    RCA_CATEGORY = "rca_category"
    # one button per rating: "csat_rate:<1..5>"
    CSAT_RATE = "csat_rate"
    CSAT_COMMENT = "csat_comment"


class CallbackId(StrEnum):
    OPEN_INCIDENT = "open_incident_modal"
    CSAT_COMMENT = "csat_comment_modal"


class BlockId(StrEnum):
    ALERT_ACTIONS = "alert_actions"
    INCIDENT_TITLE = "incident_title"
    INCIDENT_SEVERITY = "incident_severity"
    INCIDENT_IMPACT = "incident_impact"
    RCA_START = "rca_start"
    RCA_CATEGORIES = "rca_categories"
    CSAT_RATINGS = "csat_ratings"
    CSAT_COMMENT = "csat_comment"


class InputId(StrEnum):
    """action_id of the single input inside each modal input block."""

    TITLE = "title"
    SEVERITY = "severity"
    IMPACT = "impact"
    COMMENT = "comment"
