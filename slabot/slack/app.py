"""The Slack app factory: one Bolt App with every listener registered (in one place) and one error handler."""

from __future__ import annotations

from concurrent.futures import Executor, Future
from typing import Any

from slack_bolt import App, BoltContext
from slack_bolt.error import BoltError
from slack_sdk import WebClient

from slabot.config.runtime import Runtime
from slabot.config.settings import ConfigError
from slabot.notify.notifier import Notifier
from slabot.slack import listeners
from slabot.slack.errors import READERS


class InlineExecutor(Executor):
    """Runs each listener in the calling thread, so dispatch returns after the whole listener (console, tests)."""

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as error:  # handed to the future, as a thread pool would
            future.set_exception(error)
        return future


def create_app(
    runtime: Runtime,
    client: WebClient,
    notifier: Notifier,
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
            name="slabot",  # Bolt would walk the call stack for a file name: about 15 ms each app
            client=client,
            signing_secret=secret,
            request_verification_enabled=secret is not None,
            listener_executor=listener_executor,
            raise_error_for_unhandled_request=False,
        )
    except BoltError as error:
        raise ConfigError(f"SLACK_BOT_TOKEN was refused by Slack at {client.base_url}: {error}") from None
    app.use(_readers_in_context(notifier))
    listeners.register(app, runtime, notifier)
    return app


def _readers_in_context(notifier: Notifier) -> Any:
    """Every request's context holds who reads what, so an error in any listener is told in the presser's
    language (looked up only then)."""

    def middleware(context: BoltContext, next_: Any) -> Any:
        context[READERS] = notifier.readers
        return next_()

    return middleware
