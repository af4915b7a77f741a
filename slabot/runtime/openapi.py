"""The OpenAPI 3.1 description of the ingest API, Alertmanager's receiver and the health check, written by hand,
served at GET /openapi.json."""

from __future__ import annotations

from typing import Any

from slabot.catalog.names import NAME_MAX, NAME_RULE, TYPED_NAME_PATTERN
from slabot.runtime import alertmanager_api, ingest_api
from slabot.slo.ingest import MAX_POINTS
from slabot.sources import alertmanager as alertmanager_source
from slabot.sources import push


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _error(description: str) -> dict[str, Any]:
    return _json({"$ref": "#/components/schemas/Error"}, description)


def _alertmanager() -> dict[str, Any]:
    """Alertmanager's webhook (version 4), as its receiver's webhook_configs send it."""
    labels = {"type": "object", "additionalProperties": {"type": "string"}}
    alert = {
        "type": "object",
        "required": ["status", "startsAt", "fingerprint"],
        "properties": {
            "status": {"type": "string", "enum": ["firing", "resolved"]},
            "labels": {**labels, "description": "the service label (SLABOT_ALERT_SERVICE_LABEL), severity, alertname"},
            "annotations": {**labels, "description": "summary becomes the incident's title"},
            "startsAt": {"type": "string", "format": "date-time"},
            "endsAt": {"type": "string", "format": "date-time", "description": "0001-01-01T00:00:00Z: no end"},
            "fingerprint": {"type": "string", "pattern": "^[0-9A-Za-z]{1,64}$"},
        },
    }
    webhook = {
        "type": "object",
        "required": ["version", "groupKey", "status", "alerts"],
        "properties": {
            "version": {"const": "4"},
            "groupKey": {"type": "string", "minLength": 1, "description": "one open incident per group"},
            "status": {"type": "string", "enum": ["firing", "resolved"]},
            "receiver": {"type": "string"},
            "truncatedAlerts": {"type": "integer", "minimum": 0},
            "groupLabels": labels,
            "commonLabels": labels,
            "commonAnnotations": labels,
            "externalURL": {"type": "string"},
            "alerts": {"type": "array", "minItems": 1, "maxItems": alertmanager_source.MAX_ALERTS, "items": alert},
        },
    }
    outcome = {
        "type": "object",
        "required": ["incident", "opened", "resolved"],
        "properties": {
            "incident": {"type": ["integer", "null"], "description": "the group's incident; null when none is open"},
            "opened": {"type": "boolean"},
            "resolved": {"type": "boolean"},
        },
    }
    return {
        "operationId": "alertmanagerWebhook",
        "summary": "Open, note and resolve incidents from Alertmanager's notifications",
        "description": (
            "The first firing notification of a group opens and announces its incident; alerts joining later "
            "are noted in its thread; once every alert of the group is resolved, the incident resolves at the "
            "latest endsAt. Repeats, retries and replicas change nothing more."
        ),
        "security": [{"bearerAuth": []}],
        "requestBody": {"required": True, "content": {"application/json": {"schema": webhook}}},
        "responses": {
            "200": _json(outcome, "Taken"),
            "400": _error("Not an Alertmanager webhook of version 4; the reason names the field"),
            "401": _error("No or a wrong bearer token, or the API is off (SLABOT_API_TOKEN unset)"),
            "405": _error("A method other than POST"),
            "413": _error(f"A body over {alertmanager_api.MAX_BODY_BYTES // (1024 * 1024)} MB"),
            "422": _error("No service label, or one naming a service slabot does not know"),
            "500": _error("An error on slabot's side; nothing was changed"),
            "503": _error("The database does not answer; retry later"),
        },
    }


def openapi_document() -> dict[str, Any]:
    """The OpenAPI 3.1 description of the ingest API and the health check, served at GET /openapi.json."""
    count = {"type": "integer", "minimum": 0, "maximum": push.MAX_COUNT}
    name = {"type": "string", "minLength": 1, "maxLength": NAME_MAX, "pattern": TYPED_NAME_PATTERN}
    point = {
        "type": "object",
        "description": (
            "Counts of the minute that contains ts, whole numbers (JSON integers) from 0, with good ≤ total; "
            "sending a minute again replaces its counts."
        ),
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
            "service": {**name, "description": f"a service's name: {NAME_RULE}", "examples": ["checkout"]},
            "slo": {
                **name,
                "description": f"an objective with source=events, by its name: {NAME_RULE}",
                "examples": ["availability"],
            },
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
        "paths": {
            ingest_api.EVENTS_PATH: {"post": events},
            alertmanager_api.ALERTMANAGER_PATH: {"post": _alertmanager()},
            "/healthz": {"get": healthz},
        },
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
