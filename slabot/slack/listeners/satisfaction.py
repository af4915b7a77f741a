"""The rating buttons and the comment modal of the satisfaction survey. The buttons ack first, then work (a
problem is told to the clicker only). The modal stores the comment before it acks, so a refusal shows in it."""

from __future__ import annotations

import logging
import re
import uuid
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from slabot.config.runtime import Runtime
from slabot.core.errors import UserError
from slabot.incidents import satisfaction as csat
from slabot.render import csat as render
from slabot.render.ids import ActionId, BlockId, CallbackId
from slabot.render.locale import DEFAULT_LOCALE
from slabot.slack.clicks import clicked, clicked_id
from slabot.slack.errors import guarded
from slabot.slack.modals.satisfaction_comment import CsatCommentModal, comment_saved

log = logging.getLogger(__name__)

RATE_BUTTON = re.compile(rf"^{ActionId.CSAT_RATE}:[1-5]$")


def register(app: App, runtime: Runtime) -> None:
    """Registers the CSAT_RATE buttons, the CSAT_COMMENT button and the CSAT_COMMENT modal."""

    @app.action(RATE_BUTTON)
    @guarded
    def rate(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        incident_id = clicked_id(body, "an incident")
        rating = int(str(clicked(body).get("action_id")).rpartition(":")[2])
        with runtime.db.session() as session:
            row = csat.rate(session, incident_id, body["user"]["id"], rating, runtime.now())
        respond(replace_original=True, **render.thanks(row, locale=DEFAULT_LOCALE).for_respond())

    @app.action(ActionId.CSAT_COMMENT)
    @guarded
    def open_comment(ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        ack()
        incident_id = clicked_id(body, "an incident")
        with runtime.db.session() as session:
            comment = csat.comment_of(session, incident_id, body["user"]["id"])
        client.views_open(trigger_id=body["trigger_id"], view=CsatCommentModal(incident_id, comment).view())

    @app.view(CallbackId.CSAT_COMMENT)
    def save_comment(ack: Ack, body: dict[str, Any]) -> None:
        incident_id, comment, errors = CsatCommentModal.read(body["view"])
        if comment is None:
            ack(response_action="errors", errors=errors)
            return
        try:
            with runtime.db.session() as session:
                row = csat.add_comment(session, incident_id, body["user"]["id"], comment, runtime.now())
        except UserError as error:
            ack(response_action="errors", errors={BlockId.CSAT_COMMENT: error.message})
            return
        except Exception:
            ref = uuid.uuid4().hex[:8]
            log.exception("saving the comment on incident %s failed (ref %s)", incident_id, ref)
            note = f"Something went wrong on slabot's side (ref {ref}); please try again."
            ack(response_action="errors", errors={BlockId.CSAT_COMMENT: note})
            return
        ack(response_action="update", view=comment_saved(row))
