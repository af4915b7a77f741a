"""The Slack app factory: one Bolt App with every feature registered, its Web API client, and error handling."""

from __future__ import annotations

import logging
from concurrent.futures import Executor, Future
from typing import Any

from slack_bolt import App, BoltResponse
from slack_bolt.error import BoltError
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

import commands
from slabot.config.runtime import Runtime
from slabot.config.settings import ConfigError, Settings
from slabot.slack.listeners import alerts as interactions
from slabot.slack.listeners import mentions as events
from slabot.slack.listeners import rca as rca_listeners
from slabot.slack.listeners import satisfaction as csat_listeners

log = logging.getLogger(__name__)


class InlineExecutor(Executor):
    """Runs each listener in the calling thread, so dispatch returns after the whole listener (console, tests)."""

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as error:  # handed to the future, as a thread pool would
            future.set_exception(error)
        return future


def create_web_client(settings: Settings, *, token: str | None = None, base_url: str | None = None) -> WebClient:
    """A Web API client for SLACK_API_URL that retries connection errors, 429 (after Retry-After) and 5xx.

    Bolt copies its base URL and retry handlers into the client every listener gets.
    """
    return WebClient(
        token=token or settings.bot_token,
        base_url=base_url or settings.api_url,
        timeout=10,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=2),
            RateLimitErrorRetryHandler(max_retry_count=3),
            ServerErrorRetryHandler(max_retry_count=2),
        ],
    )


def create_app(
    runtime: Runtime,
    client: WebClient,
    *,
    signing_secret: str | None = None,
    listener_executor: Executor | None = None,
) -> App:
    """Build the app; calls auth.test once through `client` (Slack or the local stand-in).

    Raises ConfigError when Slack refuses the token.
    """
    secret = signing_secret or runtime.settings.signing_secret
    try:
        app = App(
            client=client,
            signing_secret=secret,
            request_verification_enabled=secret is not None,
            listener_executor=listener_executor,
            raise_error_for_unhandled_request=False,
        )
    except BoltError as error:
        raise ConfigError(f"SLACK_BOT_TOKEN was refused by Slack at {client.base_url}: {error}") from None

    @app.error
    def on_error(error: Exception, body: dict[str, Any], response: BoltResponse) -> None:
        log.error("unhandled error for %s: %s", body.get("command") or body.get("type"), error, exc_info=error)

    commands.register(app, runtime)
    events.register(app)
    interactions.register(app, runtime)
    rca_listeners.register(app, runtime)
    csat_listeners.register(app, runtime)
    return app
