"""/sla language and /sla channel language: what a person is told about the language slabot reads in."""

from __future__ import annotations

from slabot.core.i18n import LANGUAGE_NAMES, Locale, tr
from slabot.core.mentions import channel_mention
from slabot.render.reply import Reply, context, section


def _reply(text: str, note: str | None = None) -> Reply:
    blocks = [section(text), *([context(note)] if note else [])]
    return Reply(text=text if note is None else f"{text}\n{note}", blocks=blocks)


def person_language_set(chosen: Locale, *, locale: Locale) -> Reply:
    """Said in the language just chosen."""
    text = tr(locale, ":speech_balloon: slabot now answers you in {language}.", language=LANGUAGE_NAMES[chosen])
    return _reply(text, tr(locale, "Back to your Slack language: /sla language auto"))


def person_language_auto(now_reading: Locale, *, locale: Locale) -> Reply:
    text = tr(
        locale,
        ":speech_balloon: slabot answers you in your Slack language again (now {language}).",
        language=LANGUAGE_NAMES[now_reading],
    )
    return _reply(text)


def person_language_shown(reading: Locale, chosen: bool, *, locale: Locale) -> Reply:
    if chosen:
        text = tr(locale, "slabot answers you in {language}, as you chose.", language=LANGUAGE_NAMES[reading])
    else:
        text = tr(
            locale,
            "slabot answers you in {language}: your Slack language, or the workspace's when slabot does not speak "
            "yours.",
            language=LANGUAGE_NAMES[reading],
        )
    return _reply(text, tr(locale, "Choose with /sla language zh, /sla language en or /sla language auto"))


def channel_language_set(channel_id: str, chosen: Locale | None, default: Locale, *, locale: Locale) -> Reply:
    where = channel_mention(channel_id)
    if chosen is None:
        text = tr(
            locale,
            ":speech_balloon: slabot posts in {channel} in the workspace's language again ({language}).",
            channel=where,
            language=LANGUAGE_NAMES[default],
        )
    else:
        text = tr(
            locale,
            ":speech_balloon: slabot now posts in {channel} in {language}: announcements, alerts, digests and the "
            "threads under them.",
            channel=where,
            language=LANGUAGE_NAMES[chosen],
        )
    return _reply(text)
