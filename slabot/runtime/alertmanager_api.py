"""Alertmanager's receiver: POST /api/v1/alertmanager with the ingest API's bearer token. One notification is
one unit of work: the group's incident opened, noted or resolved, and its messages queued, in one transaction;
then Alertmanager is answered, and the messages are delivered after the response (a storm's deliveries never
hold a request near Alertmanager's notify timeout; rows a crash leaves behind go with the scheduler's outbox
pass). 400 for a body that is not a webhook, 401 for a wrong token, 422 for an alert slabot cannot place
(Alertmanager logs it and sends the group again; with SLABOT_ALERT_CHANNEL set, an alert naming no known service
is placed there instead), 503 with Retry-After while the database is out of reach."""

from __future__ import annotations

from functools import partial

from starlette.routing import Route

from commands.incident import queue_change
from slabot.config.runtime import Runtime
from slabot.core.errors import UserError
from slabot.incidents.alert_groups import AlertPolicy, take_notification
from slabot.notify.notifier import Notifier
from slabot.runtime.ingest_api import Answer, api_route
from slabot.sources.alertmanager import WebhookRefused, parse_notification
from slabot.sources.push import one_line

ALERTMANAGER_PATH = "/api/v1/alertmanager"
MAX_BODY_BYTES = 4 * 1024 * 1024


def alert_policy(runtime: Runtime) -> AlertPolicy:
    settings = runtime.settings
    return AlertPolicy(
        service_label=settings.alert_service_label,
        severities=dict(settings.alert_severities),
        alert_channel=settings.alert_channel,
    )


def take_webhook(runtime: Runtime, notifier: Notifier, body: bytes) -> Answer:
    """Handle one notification in one transaction; the answer's HTTP status and JSON reply, and the delivery of
    its messages to run once the response is sent (they are committed rows by then)."""
    try:
        notification = parse_notification(body)
    except WebhookRefused as error:
        return Answer(400, {"error": one_line(error.message)})
    now = runtime.now()
    try:
        with runtime.db.session() as session:
            outcome = take_notification(session, notification, alert_policy(runtime), now)
            queued = notifier.queue(session, outcome.joined, now)
            for change in outcome.changes:
                queued += queue_change(session, runtime, notifier, change, now)
            queued += notifier.queue(session, outcome.unrouted, now)
    except UserError as error:
        return Answer(422, {"error": one_line(error.message)})
    reply = {"incident": outcome.incident_id, "opened": outcome.opened, "resolved": outcome.resolved}
    return Answer(200, reply, after=partial(notifier.deliver, queued) if queued.keys else None)


def alertmanager_route(runtime: Runtime, notifier: Notifier) -> Route:
    """POST /api/v1/alertmanager; other methods get a JSON 405; a refused alert (422) is logged."""
    return api_route(
        runtime,
        ALERTMANAGER_PATH,
        lambda body: take_webhook(runtime, notifier, body),
        too_large="set max_alerts",
        nothing="nothing was changed",
        max_bytes=MAX_BODY_BYTES,
    )
