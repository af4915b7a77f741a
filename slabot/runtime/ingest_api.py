"""The ingest API: POST /api/v1/events sets per-minute event counts of one event-based objective.

Bearer-token auth (SLABOT_API_TOKEN; without it the API is off), a strictly checked JSON body, and one
database transaction per request, so a rejected request stores nothing. Every error is {"error": "…"}.
"""

from __future__ import annotations

import hmac
import json
import logging
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from commands.args import parse_name
from slabot.config.runtime import Runtime
from slabot.core.errors import NotFound, UserError
from slabot.slo.ingest import MAX_POINTS, Point, check_points, event_objective, ingest

log = logging.getLogger(__name__)

EVENTS_PATH = "/api/v1/events"
MAX_BODY_BYTES = 4 * 1024 * 1024
# Per minute; keeps a day's rollup (1,440 minutes) far inside a signed 64-bit column.
MAX_COUNT = 10**12
API_OFF = "the ingest API is off until SLABOT_API_TOKEN is set"
BODY_FIELDS = ("service", "slo", "points")
POINT_FIELDS = ("ts", "good", "total")


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def one_line(text: str) -> str:
    """Control characters (a newline in a name someone sent) shown escaped, so a message stays one line."""
    return _CONTROL.sub(lambda match: repr(match.group())[1:-1], text)


class ApiError(Exception):
    """A request refused with an HTTP status and a short message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class EventBatch:
    service: str
    slo: str
    points: list[Point]


def parse_timestamp(value: str) -> datetime:
    """An ISO-8601 time with an offset or Z, in UTC. Naive times are refused: nobody could say whose clock."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise UserError(f"ts must be an ISO-8601 time like 2026-11-21T10:00:00Z (got '{value[:40]}')") from None
    if moment.utcoffset() is None:
        raise UserError(f"ts '{value[:40]}' has no offset: add Z (UTC) or one like +01:00")
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        raise UserError(f"ts '{value[:40]}' is out of range") from None


def parse_names(service: str, slo: str) -> tuple[str, str]:
    """Service and objective names read as the slash commands read them (trimmed, lower-case); or UserError."""
    return parse_name(service.strip()[:80], "service"), parse_name(slo.strip()[:80], "objective")


def check_count(name: str, value: int) -> None:
    """The upper bound of a count (negative counts and good > total are slabot.slo.ingest.check_points' job)."""
    if value > MAX_COUNT:
        raise UserError(f"{name} is too large: at most {MAX_COUNT} per minute (got {value})")


def _show(value: object) -> str:
    text = json.dumps(value)
    return text if len(text) <= 40 else text[:39] + "…"


def _exact_fields(data: dict[str, Any], fields: tuple[str, ...], where: str) -> None:
    missing = [name for name in fields if name not in data]
    if missing:
        raise ApiError(422, f"{where} is missing '{missing[0]}' (expected {', '.join(fields)})")
    extra = sorted(name for name in data if name not in fields)
    if extra:
        raise ApiError(422, f"{where} has an unknown field '{extra[0][:40]}' (expected {', '.join(fields)})")


def _parse_point(index: int, data: object) -> Point:
    where = f"points[{index}]"
    if not isinstance(data, dict):
        raise ApiError(422, f'{where} must be an object {{"ts", "good", "total"}}, not {_show(data)}')
    _exact_fields(data, POINT_FIELDS, where)
    if not isinstance(data["ts"], str):
        raise ApiError(422, f"{where}.ts must be a string like 2026-11-21T10:00:00Z, not {_show(data['ts'])}")
    counts: list[int] = []
    for name in ("good", "total"):
        value = data[name]
        # bool is an int subclass and 990.0 is a float: neither is a whole-number count.
        if type(value) is not int:
            raise ApiError(422, f"{where}.{name} must be a whole number, not {_show(value)}")
        try:
            check_count(f"{where}.{name}", value)
        except UserError as error:
            raise ApiError(422, error.message) from None
        counts.append(value)
    try:
        moment = parse_timestamp(data["ts"])
    except UserError as error:
        raise ApiError(422, f"{where}: {error.message}") from None
    return Point(moment, counts[0], counts[1])


def parse_batch(body: bytes) -> EventBatch:
    """Read and check the JSON body; raises ApiError (422 malformed, 413 too many points)."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        raise ApiError(422, "the body is not valid JSON") from None
    if not isinstance(data, dict):
        raise ApiError(422, f'the body must be a JSON object {{"service", "slo", "points"}}, not {_show(data)}')
    _exact_fields(data, BODY_FIELDS, "the body")
    for name in ("service", "slo"):
        if not isinstance(data[name], str):
            raise ApiError(422, f"{name} must be a string, not {_show(data[name])}")
    try:
        service, slo = parse_names(data["service"], data["slo"])
    except UserError as error:
        raise ApiError(422, error.message) from None
    points = data["points"]
    if not isinstance(points, list):
        raise ApiError(422, f"points must be a list, not {_show(points)}")
    if len(points) > MAX_POINTS:
        raise ApiError(413, f"at most {MAX_POINTS} points per request, not {len(points)}: split the batch")
    parsed = [_parse_point(index, point) for index, point in enumerate(points)]
    return EventBatch(service, slo, parsed)


def store_events(runtime: Runtime, body: bytes) -> tuple[int, dict[str, Any]]:
    """Check and store one request body in one transaction; returns (HTTP status, JSON reply)."""
    try:
        batch = parse_batch(body)
        now = runtime.now()
        check_points(batch.points, now)
        with runtime.db.session() as session:
            objective = event_objective(session, batch.service, batch.slo)
            stored = ingest(session, objective, batch.points, now)
    except ApiError as error:
        return error.status, {"error": one_line(error.message)}
    except NotFound as error:
        return 404, {"error": one_line(error.message)}
    except UserError as error:
        return 422, {"error": one_line(error.message)}
    return 200, {"stored": stored}


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


async def _read_body(request: Request, limit: int) -> bytes | None:
    """The body, or None as soon as it is known to be longer than limit (never buffering more than that)."""
    declared = request.headers.get("content-length", "")
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


def events_route(runtime: Runtime) -> Route:
    """POST /api/v1/events; other methods get a JSON 405."""

    async def events(request: Request) -> Response:
        refused = authorization_error(runtime.settings.api_token, request.headers.get("authorization"))
        if refused is not None:
            return error_response(401, refused, {"WWW-Authenticate": 'Bearer realm="slabot"'})
        if request.method != "POST":
            return error_response(405, "use POST", {"Allow": "POST"})
        body = await _read_body(request, MAX_BODY_BYTES)
        if body is None:
            return error_response(413, f"the body is larger than {MAX_BODY_BYTES // (1024 * 1024)} MB: split the batch")
        try:
            # The database is synchronous: parse and store on a worker thread.
            status, reply = await run_in_threadpool(store_events, runtime, body)
        except Exception:
            ref = uuid.uuid4().hex[:8]
            log.exception("POST %s failed (ref %s)", EVENTS_PATH, ref)
            return error_response(500, f"something went wrong on slabot's side (ref {ref}); nothing was stored")
        return JSONResponse(reply, status_code=status)

    # Starlette would answer other methods with a plain-text 405; take them all and answer in JSON.
    return Route(EVENTS_PATH, events, methods=["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
