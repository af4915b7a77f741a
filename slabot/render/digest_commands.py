"""Replies of /sla digest and /sla report."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from slack_sdk.models.blocks import Block

from slabot.core.mentions import channel_mention
from slabot.core.timefmt import format_when
from slabot.render.locale import Locale
from slabot.render.reply import Reply, context, escape, header, section, with_more
from slabot.render.weeks import slot_text, week_period
from slabot.reports.digests import DigestInfo
from slabot.reports.schedule import Week


def _scope(info: DigestInfo) -> str:
    return ", ".join(escape(service.name) for service in info.services) if info.services else "all services"


def digest_line(info: DigestInfo, now: datetime, *, locale: Locale) -> str:
    slot = info.slot
    next_run = format_when(slot.next_run(now), slot.zone, now)
    when = slot_text(slot, locale=locale)
    return (
        f"*{info.digest.id}* · {channel_mention(info.digest.channel_id)} · {when} · {_scope(info)}\nNext run {next_run}"
    )


def digest_added(info: DigestInfo, now: datetime, *, locale: Locale) -> Reply:
    slot = info.slot
    next_run = format_when(slot.next_run(now), slot.zone, now)
    text = (
        f":calendar: Digest {info.digest.id} posts to {channel_mention(info.digest.channel_id)} "
        f"{slot_text(slot, locale=locale)}, covering {_scope(info)}. "
        f"First run {next_run}, reporting the week before it."
    )
    blocks: list[Block] = [
        section(text),
        context("Invite me to that channel (`/invite @slabot`) so I can post there. `/sla digest list` shows all."),
    ]
    return Reply(text=text, blocks=blocks)


def digest_list(infos: Sequence[DigestInfo], now: datetime, *, locale: Locale) -> Reply:
    if not infos:
        text = "No weekly digests yet. Add one with `/sla digest add #channel day=mon time=09:00`."
        return Reply(text=text, blocks=[section(text)])
    blocks: list[Block] = [header("Weekly digests")]
    lines = [digest_line(info, now, locale=locale) for info in infos]
    blocks = with_more(blocks, [section(line) for line in lines], "digests")
    text = "Weekly digests\n" + "\n".join(lines)
    return Reply(text=text, blocks=blocks)


def digest_removed(info: DigestInfo, *, locale: Locale) -> Reply:
    text = (
        f":wastebasket: Digest {info.digest.id} to {channel_mention(info.digest.channel_id)} "
        f"({slot_text(info.slot, locale=locale)}) removed; weeks already posted stay in the channel."
    )
    return Reply(text=text, blocks=[section(text)])


def report_queued(week: Week, service: str | None, channel_id: str, *, locale: Locale) -> Reply:
    what = f"*{escape(service)}*" if service else "all services"
    text = (
        f":hourglass_flowing_sand: Preparing the digest of {week_period(week, locale=locale)} for {what}; "
        f"it will be posted in {channel_mention(channel_id)} in a moment, charts in its thread."
    )
    return Reply(
        text=text, blocks=[section(text), context("If nothing appears, invite me here with `/invite @slabot`.")]
    )
