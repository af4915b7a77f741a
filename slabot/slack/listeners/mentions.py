"""Events Slack sends the bot: a mention gets a pointer to the commands. Messages (thread replies) are the
5-Why's: see slabot.slack.listeners.rca."""

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
