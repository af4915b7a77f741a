"""The ingest API's HTTP side: POST /api/v1/events, with bearer-token auth (SLABOT_API_TOKEN; without it the
API is off), a bounded body, and one database transaction per request, so a rejected request stores nothing.
Every error is {"error": "…"}; while the database is out of reach it is a 503 with Retry-After. The body's
grammar is slabot.sources.push. The endpoint shape (api_route) is shared with the Alertmanager receiver, whose
handler hands back work to run once its response is sent (Answer.after: delivering what it queued)."""

from __future__ import annotations

import hmac
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from slabot.config.runtime import Runtime
from slabot.core.errors import NotFound, UserError
from slabot.slo.ingest import check_points, event_objective, ingest
from slabot.sources.push import PushRefused, one_line, parse_batch
from storage.db import is_unreachable

log = logging.getLogger(__name__)

EVENTS_PATH = "/api/v1/events"
MAX_BODY_BYTES = 4 * 1024 * 1024
# Seconds a client is asked to wait when the database is out of reach (pool pre-ping reconnects by then).
RETRY_AFTER_SECONDS = 30
RETRY_LATER = {"Retry-After": str(RETRY_AFTER_SECONDS)}
API_OFF = "the ingest API is off until SLABOT_API_TOKEN is set"


@dataclass(frozen=True)
class Answer:
    """What an API handler answers: the HTTP status and JSON body, and `after`, work to run on a worker thread
    once the response is sent (so the client is not kept waiting for it; it must be safe to lose, e.g. a
    delivery the scheduler's outbox pass would make anyway)."""

    status: int
    body: dict[str, Any]
    after: Callable[[], object] | None = None


def store_events(runtime: Runtime, body: bytes) -> Answer:
    """Check and store one request body in one transaction; returns the HTTP status and JSON reply."""
    try:
        batch = parse_batch(body)
        now = runtime.now()
        check_points(batch.points, now)
        with runtime.db.session() as session:
            objective = event_objective(session, batch.service, batch.slo)
            stored = ingest(session, objective, batch.points, now)
    except PushRefused as error:
        return Answer(error.status, {"error": one_line(error.message)})
    except NotFound as error:
        return Answer(404, {"error": one_line(error.message)})
    except UserError as error:
        return Answer(422, {"error": one_line(error.message)})
    return Answer(200, {"stored": stored})


def authorization_error(api_token: str | None, header: str | None) -> str | None:
    """Why the Authorization header is refused, or None when it carries the configured token."""
    if api_token is None:
        return API_OFF
    scheme, _, given = (header or "").strip().partition(" ")
    if scheme.lower() != "bearer" or not given.strip():
        return "send the header Authorization: Bearer <SLABOT_API_TOKEN>"
    # Starlette decodes headers as latin-1; comparing bytes also copes with non-ASCII junk.
    if not hmac.compare_digest(given.strip().encode("latin-1"), api_token.encode("utf-8")):
        return "the bearer token is wrong"
    return None


def error_response(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": one_line(message)}, status_code=status, headers=headers)


async def read_capped(request: Request, limit: int) -> bytes | None:
    """The body, or None as soon as it is known to be longer than `limit`: a Content-Length over it is refused
    before a byte is read, and a streamed body is never buffered past it (also used for /slack/events)."""
    declared = request.headers.get("content-length", "").strip()
    if declared.isdigit() and int(declared) > limit:
        return None
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def api_route(
    runtime: Runtime,
    path: str,
    handle: Callable[[bytes], Answer],
    *,
    too_large: str,
    nothing: str,
    max_bytes: int = MAX_BODY_BYTES,
) -> Route:
    """A JSON POST endpoint of the API: the bearer token, the method and the size checked before `handle`
    parses and stores the body on a worker thread (the database is synchronous); a database out of reach is
    503 with Retry-After, anything else a 500 with a reference. The answer's `after` runs on a worker thread
    once the response is sent, its failure logged. `too_large` says what to do about a body over the cap,
    `nothing` what was left undone on failure."""

    def run_after(after: Callable[[], object]) -> None:
        try:
            after()
        except Exception:
            log.exception("POST %s: the work after the response failed", path)

    async def endpoint(request: Request) -> Response:
        refused = authorization_error(runtime.settings.api_token, request.headers.get("authorization"))
        if refused is not None:
            return error_response(401, refused, {"WWW-Authenticate": 'Bearer realm="slabot"'})
        if request.method != "POST":
            return error_response(405, "use POST", {"Allow": "POST"})
        body = await read_capped(request, max_bytes)
        if body is None:
            return error_response(413, f"the body is larger than {max_bytes // (1024 * 1024)} MB: {too_large}")
        try:
            answer = await run_in_threadpool(handle, body)
        except Exception as error:
            if is_unreachable(error):
                log.warning("POST %s: the database cannot be reached; answered 503", path)
                message = f"slabot cannot reach its database right now; {nothing}, retry later"
                return error_response(503, message, RETRY_LATER)
            ref = uuid.uuid4().hex[:8]
            log.exception("POST %s failed (ref %s)", path, ref)
            return error_response(500, f"something went wrong on slabot's side (ref {ref}); {nothing}")
        if answer.status == 422:
            log.warning("POST %s: refused: %s", path, answer.body.get("error"))
        after = None if answer.after is None else BackgroundTask(run_after, answer.after)  # sync: a worker thread
        return JSONResponse(answer.body, status_code=answer.status, background=after)

    # Starlette would answer other methods with a plain-text 405; take them all and answer in JSON.
    return Route(path, endpoint, methods=["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"])


def events_route(runtime: Runtime) -> Route:
    """POST /api/v1/events; other methods get a JSON 405."""
    return api_route(
        runtime,
        EVENTS_PATH,
        lambda body: store_events(runtime, body),
        too_large="split the batch",
        nothing="nothing was stored",
    )
