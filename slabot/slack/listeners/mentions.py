"""Events Slack sends the bot: a mention gets a pointer to the commands, in the thread's language (its
channel's). Messages (thread replies) are the 5-Why's: see slabot.slack.listeners.rca."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, Say

from slabot.core.i18n import tr
from slabot.languages.readers import Readers
from slabot.render.locale import Locale
from slabot.render.reply import Reply, section

log = logging.getLogger(__name__)


def mention_help(locale: Locale) -> str:
    return tr(locale, "Hi! I keep your service levels. Try `/sla help` or `/incident help`.")


def _language(readers: Readers, channel: str) -> Locale:
    """The channel's language; the workspace's when it cannot be read now (a greeting is no reason to fail)."""
    try:
        with readers.db.session() as session:
            return readers.of_channel(session, channel)
    except Exception:
        log.warning("could not read the language of %s: greeting in %s", channel, readers.default)
        return readers.default


def register(app: App, readers: Readers) -> None:
    @app.event("app_mention")
    def mentioned(event: dict[str, Any], say: Say) -> None:
        text = mention_help(_language(readers, str(event.get("channel") or "")))
        reply = Reply(text=text, blocks=[section(text)])
        say(thread_ts=event.get("thread_ts") or event.get("ts"), **reply.for_message())
