"""The HTTP side, served by uvicorn: POST /slack/events into Bolt (on worker threads), the ingest API
POST /api/v1/events, GET /healthz and GET /openapi.json (the API described by hand)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

from slack_bolt import App, BoltRequest
from slack_bolt.adapter.socket_mode import SocketModeHandler
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from slabot.config.runtime import Runtime
from slabot.runtime import ingest_api
from slabot.slo.ingest import MAX_POINTS

log = logging.getLogger(__name__)
MAX_BODY_BYTES = 1_000_000


def _bolt_request(request: Request, body: bytes) -> BoltRequest:
    headers: dict[str, str | Sequence[str]] = {}
    for key in request.headers:
        headers[key.lower()] = request.headers.getlist(key)
    return BoltRequest(
        body=body.decode("utf-8"), query=urlencode(list(request.query_params.multi_items())), headers=headers
    )


def create_http_app(runtime: Runtime, bolt_app: App | None) -> Starlette:
    """Routes for the web server; without a Bolt app (Socket Mode) everything but /slack/events is served."""

    async def slack_events(request: Request) -> Response:
        assert bolt_app is not None
        body = await request.body()
        if len(body) > MAX_BODY_BYTES:
            return PlainTextResponse("request too large", status_code=413)
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
    if bolt_app is not None:
        routes.append(Route("/slack/events", slack_events, methods=["POST"]))
    return Starlette(routes=routes)


def build_frontends(runtime: Runtime, bolt_app: App) -> tuple[Starlette, SocketModeHandler | None]:
    """Socket Mode when SLACK_APP_TOKEN is set (the HTTP server then serves all but /slack/events), else HTTP."""
    app_token = runtime.settings.app_token
    if app_token is None:
        return create_http_app(runtime, bolt_app), None
    return create_http_app(runtime, None), SocketModeHandler(bolt_app, app_token)


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _error(description: str) -> dict[str, Any]:
    return _json({"$ref": "#/components/schemas/Error"}, description)


def openapi_document() -> dict[str, Any]:
    """The OpenAPI 3.1 description of the ingest API and the health check, served at GET /openapi.json."""
    count = {"type": "integer", "minimum": 0, "maximum": ingest_api.MAX_COUNT}
    point = {
        "type": "object",
        "description": "Counts of the minute that contains ts; sending a minute again replaces its counts.",
        "required": ["ts", "good", "total"],
        "additionalProperties": False,
        "properties": {
            "ts": {
                "type": "string",
                "format": "date-time",
                "description": "ISO-8601 with Z or an offset (naive times are refused), at most 5 minutes ahead",
                "examples": ["2026-11-21T10:00:00Z"],
            },
            "good": {**count, "description": "good events in the minute; at most total"},
            "total": {**count, "description": "all events in the minute"},
        },
    }
    batch = {
        "type": "object",
        "required": ["service", "slo", "points"],
        "additionalProperties": False,
        "properties": {
            "service": {"type": "string", "minLength": 1, "examples": ["checkout"]},
            "slo": {"type": "string", "minLength": 1, "description": "an objective with source=events"},
            "points": {"type": "array", "maxItems": MAX_POINTS, "items": {"$ref": "#/components/schemas/Point"}},
        },
    }
    health = {
        "type": "object",
        "required": ["status", "database"],
        "properties": {
            "status": {"type": "string", "enum": ["ok", "unavailable"]},
            "database": {"type": "string", "enum": ["up", "down"]},
        },
    }
    events = {
        "operationId": "ingestEvents",
        "summary": "Set per-minute event counts of an event-based objective",
        "description": (
            "All points are checked before anything is stored, in one transaction: a refused request stores "
            "nothing. Resending a minute replaces its counts, so retries never count twice."
        ),
        "security": [{"bearerAuth": []}],
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/EventBatch"}}},
        },
        "responses": {
            "200": _json(
                {"type": "object", "required": ["stored"], "properties": {"stored": {"type": "integer", "minimum": 0}}},
                "Stored: the number of distinct minutes written",
            ),
            "401": _error("No or a wrong bearer token, or the API is off (SLABOT_API_TOKEN unset)"),
            "404": _error("Unknown service or objective"),
            "405": _error("A method other than POST"),
            "413": _error(
                f"More than {MAX_POINTS} points, or a body over {ingest_api.MAX_BODY_BYTES // (1024 * 1024)} MB"
            ),
            "422": _error(
                "Malformed body, counts that are not whole numbers from 0 to the maximum, good > total, a ts "
                "without an offset or more than 5 minutes in the future, or an objective measured from incidents"
            ),
            "500": _error("An error on slabot's side; nothing was stored"),
        },
    }
    healthz = {
        "operationId": "health",
        "summary": "Whether slabot and its database answer",
        "security": [],
        "responses": {"200": _json(health, "Healthy"), "503": _json(health, "The database does not answer")},
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "slabot", "version": "1", "description": "Event counts for service level objectives."},
        "paths": {ingest_api.EVENTS_PATH: {"post": events}, "/healthz": {"get": healthz}},
        "components": {
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer", "description": "SLABOT_API_TOKEN"}},
            "schemas": {
                "EventBatch": batch,
                "Point": point,
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {"error": {"type": "string", "description": "what was wrong, in one line"}},
                },
            },
        },
    }
