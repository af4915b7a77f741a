"""Alertmanager's receiver: POST /api/v1/alertmanager with the ingest API's bearer token. One notification is
one unit of work: the group's incident opened, noted or resolved, and its messages queued, in one transaction,
then delivered. 400 for a body that is not a webhook, 401 for a wrong token, 422 for an alert slabot cannot
place (Alertmanager logs it and sends the group again), 503 with Retry-After while the database is out of reach."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from commands.incident import queue_change
from slabot.config.runtime import Runtime
from slabot.core.errors import UserError
from slabot.incidents.alert_groups import AlertPolicy, take_notification
from slabot.notify.notifier import Notifier
from slabot.runtime.ingest_api import RETRY_LATER, authorization_error, error_response, read_capped
from slabot.sources.alertmanager import WebhookRefused, parse_notification
from slabot.sources.push import one_line
from storage.db import is_unreachable

log = logging.getLogger(__name__)

ALERTMANAGER_PATH = "/api/v1/alertmanager"
MAX_BODY_BYTES = 4 * 1024 * 1024


def alert_policy(runtime: Runtime) -> AlertPolicy:
    settings = runtime.settings
    return AlertPolicy(service_label=settings.alert_service_label, severities=dict(settings.alert_severities))


def take_webhook(runtime: Runtime, notifier: Notifier, body: bytes) -> tuple[int, dict[str, Any]]:
    """Handle one notification in one transaction and deliver its messages; (HTTP status, JSON reply)."""
    try:
        notification = parse_notification(body)
    except WebhookRefused as error:
        return 400, {"error": one_line(error.message)}
    now = runtime.now()
    try:
        with runtime.db.session() as session:
            outcome = take_notification(session, notification, alert_policy(runtime), now)
            queued = notifier.queue(session, outcome.joined, now)
            for change in outcome.changes:
                queued += queue_change(session, runtime, notifier, change, now)
    except UserError as error:
        return 422, {"error": one_line(error.message)}
    notifier.deliver(queued)
    return 200, {"incident": outcome.incident_id, "opened": outcome.opened, "resolved": outcome.resolved}


def alertmanager_route(runtime: Runtime, notifier: Notifier) -> Route:
    """POST /api/v1/alertmanager; other methods get a JSON 405."""

    async def receive(request: Request) -> Response:
        refused = authorization_error(runtime.settings.api_token, request.headers.get("authorization"))
        if refused is not None:
            return error_response(401, refused, {"WWW-Authenticate": 'Bearer realm="slabot"'})
        if request.method != "POST":
            return error_response(405, "use POST", {"Allow": "POST"})
        body = await read_capped(request, MAX_BODY_BYTES)
        if body is None:
            return error_response(413, f"the body is larger than {MAX_BODY_BYTES // (1024 * 1024)} MB: set max_alerts")
        try:
            status, reply = await run_in_threadpool(take_webhook, runtime, notifier, body)
        except Exception as error:
            if is_unreachable(error):
                log.warning("POST %s: the database cannot be reached; answered 503", ALERTMANAGER_PATH)
                return error_response(503, "slabot cannot reach its database right now; retry later", RETRY_LATER)
            ref = uuid.uuid4().hex[:8]
            log.exception("POST %s failed (ref %s)", ALERTMANAGER_PATH, ref)
            return error_response(500, f"something went wrong on slabot's side (ref {ref}); nothing was changed")
        if status == 422:
            log.warning("POST %s: refused an alert: %s", ALERTMANAGER_PATH, reply["error"])
        return JSONResponse(reply, status_code=status)

    return Route(ALERTMANAGER_PATH, receive, methods=["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
