"""The Web API client Bolt hands every listener: for replies, views and look-ups (what the bot sends on its
own goes through the outbox's own client, which never retries a post that may have landed)."""

from __future__ import annotations

from collections.abc import Callable

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)


def create_web_client(token: str | None, base_url: str) -> WebClient:
    """A client that retries connection errors, 429 (after Retry-After) and 5xx.

    Bolt copies its base URL and retry handlers into the client every listener gets.
    """
    return WebClient(
        token=token,
        base_url=base_url,
        timeout=10,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=2),
            RateLimitErrorRetryHandler(max_retry_count=3),
            ServerErrorRetryHandler(max_retry_count=2),
        ],
    )


LOCALE_LOOKUP_TIMEOUT = 2  # seconds, whole (the SDK takes an int): it may run before a views.open (3 s trigger)


def slack_locale_lookup(token: str | None, base_url: str) -> Callable[[str], str | None]:
    """users.info with include_locale: a person's Slack locale ("zh-CN"), None when Slack gives none. Its own
    client, short and without retries: an answer not given at once is asked again next time (the person reads
    the default meanwhile), so a slow Slack never holds up a reply or a form."""
    client = WebClient(token=token, base_url=base_url, timeout=LOCALE_LOOKUP_TIMEOUT, retry_handlers=[])

    def lookup(user_id: str) -> str | None:
        user = client.users_info(user=user_id, include_locale=True).get("user") or {}
        locale = user.get("locale")
        return str(locale) if locale else None

    return lookup
