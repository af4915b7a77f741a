"""The rating buttons and the comment modal of the satisfaction survey. The buttons ack first, then work (a
problem is told to the clicker only, in their language). The modal stores the comment before it acks, so a
refusal shows in it. Everything the opener sees is in their language."""

from __future__ import annotations

import logging
import re
import uuid
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from slabot.config.runtime import Runtime
from slabot.core.errors import UserError
from slabot.core.i18n import tr
from slabot.incidents import satisfaction as csat
from slabot.notify.notifier import Notifier
from slabot.render import csat as render
from slabot.render.ids import ActionId, BlockId, CallbackId
from slabot.slack.clicks import clicked, clicked_id
from slabot.slack.errors import guarded, language_of
from slabot.slack.modals.satisfaction_comment import CsatCommentModal, comment_saved

log = logging.getLogger(__name__)

RATE_BUTTON = re.compile(rf"^{ActionId.CSAT_RATE}:[1-5]$")


def register(app: App, runtime: Runtime, notifier: Notifier) -> None:
    """Registers the CSAT_RATE buttons, the CSAT_COMMENT button and the CSAT_COMMENT modal."""
    readers = notifier.readers

    @app.action(RATE_BUTTON)
    @guarded
    def rate(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        user = body["user"]["id"]
        locale = readers.of_person(user)
        incident_id = clicked_id(body, "an incident")
        rating = int(str(clicked(body).get("action_id")).rpartition(":")[2])
        with runtime.db.session() as session:
            row = csat.rate(session, incident_id, user, rating, runtime.now())
        respond(replace_original=True, **render.thanks(row, locale=locale).for_respond())

    @app.action(ActionId.CSAT_COMMENT)
    @guarded
    def open_comment(ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        ack()
        user = body["user"]["id"]
        locale = readers.of_person(user)
        incident_id = clicked_id(body, "an incident")
        with runtime.db.session() as session:
            comment = csat.comment_of(session, incident_id, user)
        view = CsatCommentModal(incident_id, comment, locale).view()
        client.views_open(trigger_id=body["trigger_id"], view=view)

    @app.view(CallbackId.CSAT_COMMENT)
    def save_comment(ack: Ack, body: dict[str, Any]) -> None:
        user = body["user"]["id"]
        locale = language_of(readers, user)  # the database out of reach: saving fails below and says so
        incident_id, comment, errors = CsatCommentModal.read(body["view"], locale)
        if comment is None:
            ack(response_action="errors", errors=errors)
            return
        try:
            with runtime.db.session() as session:
                row = csat.add_comment(session, incident_id, user, comment, runtime.now())
        except UserError as error:
            ack(response_action="errors", errors={BlockId.CSAT_COMMENT: error.text(locale)})
            return
        except Exception:
            ref = uuid.uuid4().hex[:8]
            log.exception("saving the comment on incident %s failed (ref %s)", incident_id, ref)
            note = tr(locale, "Something went wrong on slabot's side (ref {ref}); please try again.", ref=ref)
            ack(response_action="errors", errors={BlockId.CSAT_COMMENT: note})
            return
        ack(response_action="update", view=comment_saved(row, locale))
