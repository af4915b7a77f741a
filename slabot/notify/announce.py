"""Posting to Slack channels and threads; a failed post is reported back, never raised into a handler."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from slabot.render.reply import Reply

log = logging.getLogger(__name__)


def post(client: WebClient, channel: str, reply: Reply, thread_ts: str | None = None) -> tuple[str | None, str | None]:
    """Post a message; returns (ts, None) on success or (None, Slack's error code)."""
    try:
        response = client.chat_postMessage(channel=channel, thread_ts=thread_ts, **reply.for_message())
    except SlackApiError as error:
        code = str(error.response.get("error", "unknown_error"))
        log.warning("chat.postMessage to %s failed: %s", channel, code)
        return None, code
    except (SlackClientError, OSError) as error:
        log.warning("chat.postMessage to %s failed: %s", channel, error)
        return None, "slack_unreachable"
    return str(response["ts"]), None


def update(client: WebClient, channel: str, ts: str, reply: Reply) -> str | None:
    """Edit a posted message in place; returns Slack's error code, or None when it worked."""
    try:
        client.chat_update(channel=channel, ts=ts, **reply.for_message())
    except SlackApiError as error:
        code = str(error.response.get("error", "unknown_error"))
        log.warning("chat.update of %s/%s failed: %s", channel, ts, code)
        return code
    except (SlackClientError, OSError) as error:
        log.warning("chat.update of %s/%s failed: %s", channel, ts, error)
        return "slack_unreachable"
    return None
