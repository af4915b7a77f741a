"""People talking in Slack threads, as the Events API tells the bot: each reply is put into LocalSlack and
sent as a signed JSON event_callback through the real HTTP server (or app.dispatch), edits as
message_changed, retries with the same event_id and X-Slack-Retry-Num."""

from __future__ import annotations

import json
import uuid
from typing import Any

from slabot.devtools.localslack import LocalSlack
from tests import web
from tests.driver import USER, SlackDriver, signed_headers


def event_body(event: dict[str, Any], event_id: str) -> str:
    return json.dumps(
        {
            "token": "legacy",
            "team_id": "T0LOCAL",
            "api_app_id": "A0TEST",
            "type": "event_callback",
            "event_id": event_id,
            "event_time": 1,
            "authorizations": [{"team_id": "T0LOCAL", "user_id": "U0SLABOT", "is_bot": True}],
            "event": event,
        }
    )


class People:
    """Sends what people (and other bots) write to the bot: through `url` (the real HTTP server) when given,
    else app.dispatch. Every send returns the HTTP status; `sent` keeps each (event_id, body) for retries."""

    def __init__(self, driver: SlackDriver, slack: LocalSlack, url: str | None = None) -> None:
        self.driver, self.slack, self.url = driver, slack, url
        self.sent: list[tuple[str, str]] = []

    def send(self, event: dict[str, Any], event_id: str | None = None, retry_num: int | None = None) -> int:
        event_id = event_id or f"Ev{uuid.uuid4().hex[:10].upper()}"
        body = event_body(event, event_id)
        self.sent.append((event_id, body))
        return self.deliver(body, retry_num)

    def deliver(self, body: str, retry_num: int | None = None) -> int:
        headers = signed_headers(self.driver.secret, body, content_type="application/json")
        if retry_num is not None:
            headers.update({"x-slack-retry-num": str(retry_num), "x-slack-retry-reason": "http_timeout"})
        if self.url is None:
            return self.driver.dispatch(body, headers).status
        return web.post(f"{self.url}/slack/events", content=body, headers=headers, timeout=10).status_code

    def retry_last(self, retry_num: int = 1) -> int:
        """Slack sending the last event again (same event_id), as after a slow answer."""
        return self.deliver(self.sent[-1][1], retry_num)

    def reply(self, channel: str, thread_ts: str, text: str, user: str = USER, **extra: Any) -> str:
        """`user` replies `text` in the thread; returns the reply's ts."""
        ts = self.slack.add_message(channel, text, user=user, thread_ts=thread_ts)
        event = {"type": "message", "channel": channel, "user": user, "text": text, "ts": ts, "thread_ts": thread_ts}
        status = self.send({**event, "channel_type": "channel", "event_ts": ts, **extra})
        assert status == 200, status
        return ts

    def edit(self, channel: str, thread_ts: str, ts: str, text: str, user: str = USER) -> int:
        """`user` edits their reply `ts` to `text` (a message_changed event)."""
        message = {"type": "message", "user": user, "text": text, "ts": ts, "thread_ts": thread_ts}
        event = {
            "type": "message",
            "subtype": "message_changed",
            "channel": channel,
            "hidden": True,
            "ts": f"{float(ts) + 1:.6f}",
            "message": {**message, "edited": {"user": user, "ts": f"{float(ts) + 1:.6f}"}},
            "previous_message": {**message, "text": "(before)"},
        }
        return self.send(event)
