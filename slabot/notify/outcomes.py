"""What an attempt to send an outbox row came to: delivered, retried after a while, or given up; and the
client that leaves every retry to the outbox (it retries inline only a short 429, which certainly did not land).

429 waits for Retry-After; 5xx, timeouts and connection errors back off exponentially and may have reached
Slack (uncertain: looked up before the next attempt); errors retrying cannot fix mark the row failed.
"""

from __future__ import annotations

import time
import urllib.error
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from slabot.notify.uploads import PERMANENT_UPLOAD_ERRORS

FIRST_BACKOFF = timedelta(seconds=5)
MAX_BACKOFF = timedelta(minutes=5)
MAX_INLINE_WAIT_SECONDS = 2
WAITING = "waiting"  # the row's parent (or the message it edits) is not in Slack yet
PARENT_FAILED = "parent_failed"
# Retrying cannot fix these: someone has to invite the bot, unarchive the channel, or fix the message.
PERMANENT_ERRORS = PERMANENT_UPLOAD_ERRORS | frozenset(
    {
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "invalid_blocks",
        "invalid_blocks_format",
        "msg_too_long",
        "no_text",
        "too_many_attachments",
        "message_not_found",
        "cant_update_message",
        "edit_window_closed",
        "restricted_action",
        "invalid_arguments",
        "user_not_found",
        "user_not_in_channel",
    }
)


@dataclass(frozen=True)
class Outcome:
    ts: str | None = None  # for an upload, the shared file's id
    error: str | None = None
    retry_after: timedelta | None = None  # set for retryable errors
    uncertain: bool = False  # the attempt may have reached Slack

    @property
    def final(self) -> bool:
        """Delivered or given up: nothing behind this row in its channel has to wait for it."""
        return self.ts is not None or self.retry_after is None


def backoff(attempts: int) -> timedelta:
    return min(FIRST_BACKOFF * 2 ** max(attempts - 1, 0), MAX_BACKOFF)


def status_outcome(status: int, code: str, retry_after: object, attempts: int) -> Outcome:
    if status == 429 or code == "ratelimited":
        header = str(retry_after or "")
        return Outcome(error=code, retry_after=timedelta(seconds=int(header) if header.isdigit() else 1))
    if code in PERMANENT_ERRORS:
        return Outcome(error=code)
    return Outcome(error=code, retry_after=backoff(attempts), uncertain=status >= 500 or status == 0)


def error_outcome(error: Exception, attempts: int) -> Outcome:
    if isinstance(error, SlackApiError):
        code, headers = str(error.response.get("error", "unknown_error")), error.response.headers
        wait = headers.get("Retry-After") or headers.get("retry-after")
        return status_outcome(error.response.status_code, code, wait, attempts)
    if isinstance(error, urllib.error.HTTPError):  # only files_upload_v2's raw POST of the bytes lets one out
        return status_outcome(error.code, f"upload_http_{error.code}", error.headers.get("Retry-After"), attempts)
    return Outcome(error=type(error).__name__, retry_after=backoff(attempts), uncertain=True)


def _retry_after(response: Any) -> str:
    values = next((v for k, v in response.headers.items() if k.lower() == "retry-after"), ["1"])
    return str(values[0] if isinstance(values, list) else values)


class ShortRateLimitRetryHandler(RateLimitErrorRetryHandler):
    """slack_sdk's 429 handler, for short waits only: a longer Retry-After is left to the outbox, which
    schedules the row and goes on with other channels instead of sleeping in the sender. It waits exactly
    the Retry-After Slack asked for (slack_sdk's own adds up to a second of jitter to every wait: one sender
    per process has nobody to spread out from)."""

    def _can_retry(self, *, state: Any, request: Any, response: Any = None, error: Any = None) -> bool:
        if response is None or response.status_code != 429:
            return False
        wait = _retry_after(response)
        return wait.isdigit() and int(wait) <= MAX_INLINE_WAIT_SECONDS

    def prepare_for_next_attempt(self, *, state: Any, request: Any, response: Any = None, error: Any = None) -> None:
        state.next_attempt_requested = True
        time.sleep(int(_retry_after(response)))
        state.increment_current_attempt()


def create_delivery_client(token: str | None, base_url: str) -> WebClient:
    """A client that retries only what certainly did not reach Slack (a short 429, once); the outbox does the rest."""
    return WebClient(
        token=token, base_url=base_url, timeout=10, retry_handlers=[ShortRateLimitRetryHandler(max_retry_count=1)]
    )
