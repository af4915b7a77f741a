"""Replies about monthly reports and monthly or daily digests: /sla report month=… queued, when a monthly or daily
digest runs, and one added. (Weekly digests: slabot.render.digest_commands.)"""

from __future__ import annotations

from datetime import datetime

from slack_sdk.models.blocks import Block

from slabot.core.i18n import Locale, tr
from slabot.core.mentions import channel_mention
from slabot.core.timefmt import format_when
from slabot.render.monthly_text import month_title
from slabot.render.reply import Reply, context, escape, section
from slabot.reports.digests import DigestInfo
from slabot.reports.monthly_period import Period
from slabot.reports.schedule import Slot
from storage.models.reports import ReportFormat, ReportPeriod


def period_slot_text(slot: Slot, *, locale: Locale) -> str:
    """ "on day 1 of each month at 09:00 Europe/Berlin", "every day at 08:00 UTC" """
    hour, minute = divmod(slot.at_minute, 60)
    time, zone = f"{hour:02d}:{minute:02d}", slot.zone.key
    if slot.every == ReportPeriod.MONTH:
        return tr(locale, "on day {day} of each month at {time} {zone}", day=slot.day_of_month, time=time, zone=zone)
    return tr(locale, "every day at {time} {zone}", time=time, zone=zone)


def _scope(info: DigestInfo, *, locale: Locale) -> str:
    if not info.services:
        return tr(locale, "all services")
    return ", ".join(escape(service.name) for service in info.services)


def period_digest_added(info: DigestInfo, now: datetime, *, locale: Locale) -> Reply:
    """A monthly or daily digest scheduled: where, when, what it covers and its first run."""
    slot = info.slot
    values = {
        "id": info.digest.id,
        "channel": channel_mention(info.digest.channel_id),
        "when": period_slot_text(slot, locale=locale),
        "services": _scope(info, locale=locale),
        "next_run": format_when(slot.next_run(now), slot.zone, now, locale=locale),
    }
    if slot.every == ReportPeriod.MONTH:
        text = tr(
            locale,
            ":calendar: Monthly report {id} posts to {channel} {when}, covering {services}, as a message and a PDF. "
            "First run {next_run}, reporting the calendar month before it.",
            **values,
        )
    else:
        text = tr(
            locale,
            ":calendar: Daily summary {id} posts to {channel} {when}, covering {services}. First run {next_run}, "
            "reporting the day before it.",
            **values,
        )
    blocks: list[Block] = [
        section(text),
        context(
            tr(
                locale,
                "Invite me to that channel (`/invite @slabot`) so I can post there. `/sla digest list` shows all.",
            )
        ),
    ]
    return Reply(text=text, blocks=blocks)


def report_queued(
    period: Period, service: str | None, chosen: ReportFormat, channel_id: str, *, locale: Locale
) -> Reply:
    """/sla report month=… answered at once: the report comes after the ack."""
    values = {
        "month": month_title(period.first, locale=locale),
        "scope": f"*{escape(service)}*" if service else tr(locale, "all services"),
        "channel": channel_mention(channel_id),
    }
    if chosen == ReportFormat.PDF:
        text = tr(
            locale,
            ":hourglass_flowing_sand: Preparing the monthly report of {month} for {scope} as a PDF; it will be "
            "uploaded to {channel} in a moment.",
            **values,
        )
    elif chosen == ReportFormat.CSV:
        text = tr(
            locale,
            ":hourglass_flowing_sand: Preparing the monthly report of {month} for {scope} as a CSV file; it will "
            "be uploaded to {channel} in a moment.",
            **values,
        )
    else:
        text = tr(
            locale,
            ":hourglass_flowing_sand: Preparing the monthly report of {month} for {scope}; it will be posted in "
            "{channel} in a moment.",
            **values,
        )
    blocks: list[Block] = [
        section(text),
        context(tr(locale, "If nothing appears, invite me here with `/invite @slabot`.")),
    ]
    return Reply(text=text, blocks=blocks)
