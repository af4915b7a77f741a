"""/sla language zh|en|auto (a person's own language) and /sla channel language <#channel> zh|en|default (the
language slabot posts in there)."""

from __future__ import annotations

from commands.args import parse_args, parse_channel
from commands.context import CommandContext
from commands.router import CommandGroup
from slabot.core.errors import UserError
from slabot.core.i18n import Locale, parse_locale, t
from slabot.languages.readers import CHANNEL, USER
from slabot.render import languages as render
from slabot.render.reply import Reply

LANGUAGE_USAGE = "/sla language [zh|en|auto]"
CHANNELS = CommandGroup("/sla channel", t("Channels"))
CHANNEL_LANGUAGE_USAGE = "/sla channel language <#channel> zh|en|default"


def _language(word: str, keep: str) -> Locale | None:
    """zh or en (any case; zh-CN and en-US too) as a language; `keep` (auto, default) as None."""
    if word.lower() == keep:
        return None
    chosen = parse_locale(word) if word.isascii() else None
    if chosen is None:
        raise UserError(t("'{word}' is not a language slabot speaks: type zh, en or {keep}", word=word, keep=keep))
    return chosen


def language(ctx: CommandContext, text: str) -> Reply:
    words = parse_args(text, frozenset()).words
    if len(words) > 1:
        raise UserError(t("Give one language, like: /sla language zh"))
    readers = ctx.notifier.readers
    if not words:
        reading = ctx.locale
        return render.person_language_shown(reading, readers.has_choice(USER, ctx.user_id), locale=reading)
    wanted = _language(words[0], "auto")
    readers.choose(USER, ctx.user_id, wanted, ctx.user_id, ctx.now())
    if wanted is None:
        reading = readers.of_person(ctx.user_id)
        return render.person_language_auto(reading, locale=reading)
    return render.person_language_set(wanted, locale=wanted)


@CHANNELS.route("language", CHANNEL_LANGUAGE_USAGE, t("the language slabot posts in, in a channel"))
def channel_language(ctx: CommandContext, text: str) -> Reply:
    words = parse_args(text, frozenset()).words
    if len(words) != 2:
        raise UserError(t("Give the channel and a language, like: /sla channel language #checkout zh"))
    channel_id = parse_channel(words[0])
    wanted = _language(words[1], "default")
    ctx.require_admin()
    ctx.notifier.readers.choose(CHANNEL, channel_id, wanted, ctx.user_id, ctx.now())
    return render.channel_language_set(channel_id, wanted, ctx.notifier.readers.default, locale=ctx.locale)
