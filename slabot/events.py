"""Events Slack sends the bot: a mention gets a pointer to the commands; channel messages are acknowledged quietly."""

from __future__ import annotations

from typing import Any

from slack_bolt import App, Say

from slabot.render.reply import Reply, section

MENTION_HELP = "Hi! I keep your service levels. Try `/sla help` or `/incident help`."


def register(app: App) -> None:
    @app.event("app_mention")
    def mentioned(event: dict[str, Any], say: Say) -> None:
        reply = Reply(text=MENTION_HELP, blocks=[section(MENTION_HELP)])
        say(thread_ts=event.get("thread_ts") or event.get("ts"), **reply.for_message())

    @app.event("message")
    def channel_message() -> None:
        """Thread replies matter once 5-Why runs; until then a message needs only its ack (no Slack retries)."""
