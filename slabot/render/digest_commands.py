"""Replies of /sla digest and /sla report, in the reader's language."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from slack_sdk.models.blocks import Block

from slabot.core.i18n import tn, tr
from slabot.core.mentions import channel_mention
from slabot.core.timefmt import format_when
from slabot.render.locale import Locale
from slabot.render.monthly_commands import period_digest_added
from slabot.render.reply import Reply, context, escape, header, listed, section, with_more
from slabot.render.weeks import slot_text, week_period
from slabot.reports.digests import DigestInfo
from slabot.reports.schedule import Week
from storage.models.reports import ReportPeriod


def _names(info: DigestInfo, locale: Locale) -> str:
    return listed([escape(service.name) for service in info.services], locale=locale)


def _scope(info: DigestInfo, locale: Locale) -> str:
    return _names(info, locale) if info.services else tr(locale, "all services")


def _next_run(info: DigestInfo, now: datetime, locale: Locale) -> str:
    slot = info.slot
    return format_when(slot.next_run(now), slot.zone, now, locale=locale)


def digest_line(info: DigestInfo, now: datetime, *, locale: Locale) -> str:
    return tr(
        locale,
        "*{id}* · {channel} · {when} · {scope}\nNext run {next_run}",
        id=info.digest.id,
        channel=channel_mention(info.digest.channel_id),
        when=slot_text(info.slot, locale=locale),
        scope=_scope(info, locale),
        next_run=_next_run(info, now, locale),
    )


def digest_added(info: DigestInfo, now: datetime, *, locale: Locale) -> Reply:
    if info.slot.every != ReportPeriod.WEEK:  # a monthly report or a daily summary
        return period_digest_added(info, now, locale=locale)
    figures = {
        "id": info.digest.id,
        "channel": channel_mention(info.digest.channel_id),
        "when": slot_text(info.slot, locale=locale),
        "next_run": _next_run(info, now, locale),
    }
    if info.services:
        text = tr(
            locale,
            ":calendar: Digest {id} posts to {channel} {when}, covering {services}. "
            "First run {next_run}, reporting the week before it.",
            services=_names(info, locale),
            **figures,
        )
    else:
        text = tr(
            locale,
            ":calendar: Digest {id} posts to {channel} {when}, covering all services. "
            "First run {next_run}, reporting the week before it.",
            **figures,
        )
    note = tr(
        locale, "Invite me to that channel (`/invite @slabot`) so I can post there. `/sla digest list` shows all."
    )
    blocks: list[Block] = [section(text), context(note)]
    return Reply(text=text, blocks=blocks)


def digest_list(infos: Sequence[DigestInfo], now: datetime, *, locale: Locale) -> Reply:
    if not infos:
        text = tr(locale, "No weekly digests yet. Add one with `/sla digest add #channel day=mon time=09:00`.")
        return Reply(text=text, blocks=[section(text)])
    weekly_only = all(info.digest.every == ReportPeriod.WEEK for info in infos)
    title = tr(locale, "Weekly digests") if weekly_only else tr(locale, "Digests and reports")
    lines = [digest_line(info, now, locale=locale) for info in infos]

    def more(count: int) -> str:
        return tn(locale, "…and {n} more digest", "…and {n} more digests", count)

    blocks = with_more([header(title)], [section(line) for line in lines], more)
    return Reply(text="\n".join([title, *lines]), blocks=blocks)


def digest_removed(info: DigestInfo, *, locale: Locale) -> Reply:
    text = tr(
        locale,
        ":wastebasket: Digest {id} to {channel} ({when}) removed; weeks already posted stay in the channel.",
        id=info.digest.id,
        channel=channel_mention(info.digest.channel_id),
        when=slot_text(info.slot, locale=locale),
    )
    return Reply(text=text, blocks=[section(text)])


def report_queued(week: Week, service: str | None, channel_id: str, *, locale: Locale) -> Reply:
    period, channel = week_period(week, locale=locale), channel_mention(channel_id)
    if service:
        text = tr(
            locale,
            ":hourglass_flowing_sand: Preparing the digest of {period} for *{service}*; "
            "it will be posted in {channel} in a moment, charts in its thread.",
            period=period,
            service=escape(service),
            channel=channel,
        )
    else:
        text = tr(
            locale,
            ":hourglass_flowing_sand: Preparing the digest of {period} for all services; "
            "it will be posted in {channel} in a moment, charts in its thread.",
            period=period,
            channel=channel,
        )
    note = tr(locale, "If nothing appears, invite me here with `/invite @slabot`.")
    return Reply(text=text, blocks=[section(text), context(note)])
