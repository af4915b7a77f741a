"""The HTTP side, served by uvicorn: POST /slack/events into Bolt (on worker threads), the ingest API
POST /api/v1/events, Alertmanager's receiver POST /api/v1/alertmanager, GET /healthz and GET /openapi.json.

Nothing of a /slack/events request is trusted before Bolt has checked its signature: the body is read in
chunks and refused (413) as soon as it passes MAX_BODY_BYTES, or at once when Content-Length says so, and a
timestamp header that is not a whole number of seconds is refused (401) before Bolt would choke on it."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from urllib.parse import urlencode

from slack_bolt import App, BoltRequest
from slack_bolt.adapter.socket_mode import SocketModeHandler
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from slabot.config.runtime import Runtime
from slabot.notify.notifier import Notifier
from slabot.runtime import alertmanager_api, ingest_api
from slabot.runtime.ingest_api import read_capped
from slabot.runtime.openapi import openapi_document

log = logging.getLogger(__name__)
MAX_BODY_BYTES = 1024 * 1024
# What Slack sends in X-Slack-Request-Timestamp: Unix seconds. Bolt's verifier calls int() on it unguarded.
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
TIMESTAMP_HEADER = "x-slack-request-timestamp"


def timestamp_refusal(request: Request) -> str | None:
    """Why the request's timestamp header cannot be checked, or None when it is absent (Bolt refuses that
    itself) or Unix seconds."""
    for value in request.headers.getlist(TIMESTAMP_HEADER):
        if not _TIMESTAMP.fullmatch(value.strip()):
            return "X-Slack-Request-Timestamp must be Unix seconds"
    return None


def _bolt_request(request: Request, body: bytes) -> BoltRequest:
    headers: dict[str, str | Sequence[str]] = {}
    for key in request.headers:
        headers[key.lower()] = request.headers.getlist(key)
    return BoltRequest(
        body=body.decode("utf-8"), query=urlencode(list(request.query_params.multi_items())), headers=headers
    )


def create_http_app(runtime: Runtime, bolt_app: App | None, notifier: Notifier | None = None) -> Starlette:
    """Routes for the web server; without a Bolt app (Socket Mode) everything but /slack/events is served,
    and Alertmanager's receiver only with the notifier its incidents are announced through."""

    async def slack_events(request: Request) -> Response:
        assert bolt_app is not None
        refused = timestamp_refusal(request)
        if refused is not None:
            return PlainTextResponse(refused, status_code=401)
        body = await read_capped(request, MAX_BODY_BYTES)
        if body is None:
            # Closing the connection: the rest of the body is never read.
            return PlainTextResponse("request too large", status_code=413, headers={"Connection": "close"})
        try:
            bolt_request = _bolt_request(request, body)
        except UnicodeDecodeError:
            return PlainTextResponse("body must be UTF-8", status_code=400)
        # Bolt's App is synchronous: dispatch on a worker thread so one slow request never stalls the others.
        bolt_response = await run_in_threadpool(bolt_app.dispatch, bolt_request)
        response = Response(content=bolt_response.body, status_code=bolt_response.status)
        for name, values in bolt_response.headers.items():
            for value in values:
                response.headers.append(name, value)
        return response

    async def healthz(request: Request) -> Response:
        # A fresh connection each time through the pool's pre-ping: answers 200 again as soon as the database does.
        healthy = await run_in_threadpool(runtime.db.ping)
        body = {"status": "ok" if healthy else "unavailable", "database": "up" if healthy else "down"}
        return JSONResponse(body, status_code=200 if healthy else 503)

    async def openapi(request: Request) -> Response:
        return JSONResponse(openapi_document())

    routes = [
        Route("/healthz", healthz, methods=["GET"]),
        Route("/openapi.json", openapi, methods=["GET"]),
        ingest_api.events_route(runtime),
    ]
    if notifier is not None:
        routes.append(alertmanager_api.alertmanager_route(runtime, notifier))
    if bolt_app is not None:
        routes.append(Route("/slack/events", slack_events, methods=["POST"]))
    return Starlette(routes=routes)


def build_frontends(
    runtime: Runtime, bolt_app: App, notifier: Notifier | None = None
) -> tuple[Starlette, SocketModeHandler | None]:
    """Socket Mode when SLACK_APP_TOKEN is set (the HTTP server then serves all but /slack/events), else HTTP."""
    app_token = runtime.settings.app_token
    if app_token is None:
        return create_http_app(runtime, bolt_app, notifier), None
    return create_http_app(runtime, None, notifier), SocketModeHandler(bolt_app, app_token)
