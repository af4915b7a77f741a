"""Counts pushed to slabot through the ingest API: its JSON body read strictly into points, every mistake
named with where it is (the points then pass the one validator every source shares, slabot.slo.ingest).

A refusal is a PushRefused with the HTTP status it calls for (422 malformed, 413 too many points);
slabot.runtime.ingest_api turns it into the answer.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from slabot.catalog.names import parse_name
from slabot.core.errors import UserError
from slabot.core.i18n import t
from slabot.slo.ingest import MAX_POINTS, Point

# Per minute; keeps a day's rollup (1,440 minutes) far inside a signed 64-bit column.
MAX_COUNT = 10**12
BODY_FIELDS = ("service", "slo", "points")
POINT_FIELDS = ("ts", "good", "total")

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def one_line(text: str) -> str:
    """Control characters (a newline in a name someone sent) shown escaped, so a message stays one line."""
    return _CONTROL.sub(lambda match: repr(match.group())[1:-1], text)


class PushRefused(Exception):
    """A body refused, with the HTTP status it calls for and a short message."""

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
        raise UserError(
            t("ts must be an ISO-8601 time like 2026-11-21T10:00:00Z (got '{value}')", value=value[:40])
        ) from None
    if moment.utcoffset() is None:
        raise UserError(t("ts '{value}' has no offset: add Z (UTC) or one like +01:00", value=value[:40]))
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        raise UserError(t("ts '{value}' is out of range", value=value[:40])) from None


def parse_names(service: str, slo: str) -> tuple[str, str]:
    """Service and objective names read as the slash commands read them (trimmed, lower-case); or UserError."""
    return parse_name(service.strip()[:80], "service"), parse_name(slo.strip()[:80], "objective")


def check_count(name: str, value: int) -> None:
    """The upper bound of a count (negative counts and good > total are slabot.slo.ingest.check_points' job)."""
    if value > MAX_COUNT:
        raise UserError(
            t("{name} is too large: at most {most} per minute (got {value})", name=name, most=MAX_COUNT, value=value)
        )


def _show(value: object) -> str:
    text = json.dumps(value)
    return text if len(text) <= 40 else text[:39] + "…"


def _exact_fields(data: dict[str, Any], fields: tuple[str, ...], where: str) -> None:
    missing = [name for name in fields if name not in data]
    if missing:
        raise PushRefused(422, f"{where} is missing '{missing[0]}' (expected {', '.join(fields)})")
    extra = sorted(name for name in data if name not in fields)
    if extra:
        raise PushRefused(422, f"{where} has an unknown field '{extra[0][:40]}' (expected {', '.join(fields)})")


def _parse_point(index: int, data: object) -> Point:
    where = f"points[{index}]"
    if not isinstance(data, dict):
        raise PushRefused(422, f'{where} must be an object {{"ts", "good", "total"}}, not {_show(data)}')
    _exact_fields(data, POINT_FIELDS, where)
    if not isinstance(data["ts"], str):
        raise PushRefused(422, f"{where}.ts must be a string like 2026-11-21T10:00:00Z, not {_show(data['ts'])}")
    counts: list[int] = []
    for name in ("good", "total"):
        value = data[name]
        # bool is an int subclass and 990.0 is a float: neither is a whole-number count.
        if type(value) is not int:
            raise PushRefused(422, f"{where}.{name} must be a whole number, not {_show(value)}")
        try:
            check_count(f"{where}.{name}", value)
        except UserError as error:
            raise PushRefused(422, error.message) from None
        counts.append(value)
    try:
        moment = parse_timestamp(data["ts"])
    except UserError as error:
        raise PushRefused(422, f"{where}: {error.message}") from None
    return Point(moment, counts[0], counts[1])


def parse_batch(body: bytes) -> EventBatch:
    """Read and check the JSON body; raises PushRefused (422 malformed, 413 too many points)."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        raise PushRefused(422, "the body is not valid JSON") from None
    if not isinstance(data, dict):
        raise PushRefused(422, f'the body must be a JSON object {{"service", "slo", "points"}}, not {_show(data)}')
    _exact_fields(data, BODY_FIELDS, "the body")
    for name in ("service", "slo"):
        if not isinstance(data[name], str):
            raise PushRefused(422, f"{name} must be a string, not {_show(data[name])}")
    try:
        service, slo = parse_names(data["service"], data["slo"])
    except UserError as error:
        raise PushRefused(422, error.message) from None
    points = data["points"]
    if not isinstance(points, list):
        raise PushRefused(422, f"points must be a list, not {_show(points)}")
    if len(points) > MAX_POINTS:
        raise PushRefused(413, f"at most {MAX_POINTS} points per request, not {len(points)}: split the batch")
    parsed = [_parse_point(index, point) for index, point in enumerate(points)]
    return EventBatch(service, slo, parsed)
