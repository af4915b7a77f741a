"""The Slack side of one process, built in one place: the outbox's deliverer and notifier, and the Bolt app
whose listeners use them. `python bot.py`, the console and the tests all wire it the same way."""

from __future__ import annotations

from concurrent.futures import Executor
from dataclasses import dataclass

from slack_bolt import App

from slabot.config.runtime import Runtime
from slabot.languages.readers import Readers
from slabot.notify.delivery import Deliverer
from slabot.notify.notifier import Notifier
from slabot.notify.outcomes import create_delivery_client
from slabot.slack.app import create_app
from slabot.slack.client import create_web_client, slack_locale_lookup


@dataclass(frozen=True)
class SlackSide:
    app: App
    notifier: Notifier

    @property
    def deliverer(self) -> Deliverer:
        return self.notifier.deliverer


def outbox_notifier(runtime: Runtime, *, token: str | None = None, api_url: str | None = None) -> Notifier:
    """The notifier (and its deliverer, on the outbox's own client) of this process."""
    settings = runtime.settings
    client = create_delivery_client(token or settings.bot_token, api_url or settings.api_url)
    lookup = slack_locale_lookup(token or settings.bot_token, api_url or settings.api_url)
    readers = Readers(runtime.db, settings.language, lookup, runtime.clock)
    return Notifier(Deliverer(runtime.db, client, runtime.clock), settings.timezone, readers)


def connect(
    runtime: Runtime,
    *,
    token: str | None = None,
    api_url: str | None = None,
    signing_secret: str | None = None,
    listener_executor: Executor | None = None,
) -> SlackSide:
    """Build the notifier and the app (which calls auth.test once); ConfigError when Slack refuses the token."""
    settings = runtime.settings
    notifier = outbox_notifier(runtime, token=token, api_url=api_url)
    client = create_web_client(token or settings.bot_token, api_url or settings.api_url)
    app = create_app(runtime, client, notifier, signing_secret=signing_secret, listener_executor=listener_executor)
    return SlackSide(app, notifier)
