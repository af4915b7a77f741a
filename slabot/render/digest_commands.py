"""Replies of /sla digest and /sla report."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from slack_sdk.models.blocks import Block

from slabot.core.mentions import channel_mention
from slabot.core.timefmt import format_when
from slabot.render.reply import Reply, context, escape, header, section, with_more
from slabot.reports.digests import DigestInfo
from slabot.reports.schedule import Week


def _scope(info: DigestInfo) -> str:
    return ", ".join(escape(service.name) for service in info.services) if info.services else "all services"


def digest_line(info: DigestInfo, now: datetime) -> str:
    slot = info.slot
    next_run = format_when(slot.next_run(now), slot.zone, now)
    return (
        f"*{info.digest.id}* · {channel_mention(info.digest.channel_id)} · {slot.describe()} · {_scope(info)}\n"
        f"Next run {next_run}"
    )


def digest_added(info: DigestInfo, now: datetime) -> Reply:
    slot = info.slot
    next_run = format_when(slot.next_run(now), slot.zone, now)
    text = (
        f":calendar: Digest {info.digest.id} posts to {channel_mention(info.digest.channel_id)} "
        f"{slot.describe()}, covering {_scope(info)}. First run {next_run}, reporting the week before it."
    )
    blocks: list[Block] = [
        section(text),
        context("Invite me to that channel (`/invite @slabot`) so I can post there. `/sla digest list` shows all."),
    ]
    return Reply(text=text, blocks=blocks)


def digest_list(infos: Sequence[DigestInfo], now: datetime) -> Reply:
    if not infos:
        text = "No weekly digests yet. Add one with `/sla digest add #channel day=mon time=09:00`."
        return Reply(text=text, blocks=[section(text)])
    blocks: list[Block] = [header("Weekly digests")]
    blocks = with_more(blocks, [section(digest_line(info, now)) for info in infos], "digests")
    text = "Weekly digests\n" + "\n".join(digest_line(info, now) for info in infos)
    return Reply(text=text, blocks=blocks)


def digest_removed(info: DigestInfo) -> Reply:
    text = (
        f":wastebasket: Digest {info.digest.id} to {channel_mention(info.digest.channel_id)} "
        f"({info.slot.describe()}) removed; weeks already posted stay in the channel."
    )
    return Reply(text=text, blocks=[section(text)])


def report_queued(week: Week, service: str | None, channel_id: str) -> Reply:
    what = f"*{escape(service)}*" if service else "all services"
    text = (
        f":hourglass_flowing_sand: Preparing the digest of {week.period} for {what}; "
        f"it will be posted in {channel_mention(channel_id)} in a moment, charts in its thread."
    )
    return Reply(
        text=text, blocks=[section(text), context("If nothing appears, invite me here with `/invite @slabot`.")]
    )
