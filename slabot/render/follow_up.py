"""What followed an incident, in /incident show: its root cause (or how far its 5-Why is), the action items,
and the opener's rating."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import Block

from slabot.core.i18n import tn, tr
from slabot.core.mentions import channel_mention, user_mention
from slabot.rca.analysis import Analysis
from slabot.render.csat import one_line, rating_text
from slabot.render.locale import Locale
from slabot.render.rca import action_line, category_label, current_why
from slabot.render.reply import MAX_SECTION_TEXT, context, section
from storage.models.incidents import CsatRating, Incident, IncidentStatus
from storage.models.rca import ActionItem, RcaStage

ACTION_ITEMS_ROOM = MAX_SECTION_TEXT - 100  # leaves room for the heading and the "…and N more" line


@dataclass(frozen=True)
class FollowUp:
    """What followed an incident: its 5-Why (the finished one, else the running one), action items, rating."""

    rca: Analysis | None = None
    action_items: Sequence[ActionItem] = ()
    rating: CsatRating | None = None


def _root_cause_blocks(incident_id: int, record: Analysis | None, zone: ZoneInfo, locale: Locale) -> list[Block]:
    if record is None:
        text = tr(locale, "*Root cause*\nNo root cause yet: start a 5-Why with /sla why {id}", id=incident_id)
        return [section(text)]
    rca = record.rca
    if not record.finished:
        where = channel_mention(rca.channel_id)
        if rca.stage == RcaStage.WRAP_UP:
            text = tr(
                locale,
                "*Root cause*\n5-Why running in the thread in {channel}: choosing the category and action items",
                channel=where,
            )
            return [section(text)]
        text = tr(
            locale,
            "*Root cause*\n5-Why running in the thread in {channel}: {why}",
            channel=where,
            why=current_why(len(record.whys), locale),
        )
        return [section(text)]
    if record.category:
        heading = tr(locale, "*Root cause* · {category}", category=category_label(record.category, locale))
    else:
        heading = tr(locale, "*Root cause*")
    cause = one_line(record.root_cause) if record.root_cause else tr(locale, "no answer recorded")
    steps, who = len(record.whys), user_mention(rca.finished_by or rca.started_by)
    if rca.finished_at is not None:
        day = f"{rca.finished_at.astimezone(zone):%Y-%m-%d}"
        note = tn(
            locale,
            "5-Why of {n} step finished by {who} on {day}",
            "5-Why of {n} steps finished by {who} on {day}",
            steps,
            who=who,
            day=day,
        )
    else:
        note = tn(locale, "5-Why of {n} step finished by {who}", "5-Why of {n} steps finished by {who}", steps, who=who)
    return [section(f"{heading}\n{cause}"), context(note)]


def _action_items_text(items: Sequence[ActionItem], locale: Locale) -> str:
    """One line per item, as many as fit in a section (counted in characters, as Slack does); the rest
    counted."""
    lines: list[str] = []
    used = 0
    for item in items:
        line = action_line(item, locale=locale)
        if used + len(line) + 1 > ACTION_ITEMS_ROOM:
            left = len(items) - len(lines)
            lines.append(tn(locale, "…and {n} more action item", "…and {n} more action items", left))
            break
        lines.append(line)
        used += len(line) + 1
    return tr(locale, "*Action items*\n{items}", items="\n".join(lines))


def follow_up_blocks(incident: Incident, follow_up: FollowUp, zone: ZoneInfo, *, locale: Locale) -> list[Block]:
    """At most four blocks: the root cause (and who found it), the action items, the opener's rating."""
    blocks = _root_cause_blocks(incident.id, follow_up.rca, zone, locale)
    if follow_up.action_items:
        blocks.append(section(_action_items_text(follow_up.action_items, locale)))
    elif follow_up.rca is not None and follow_up.rca.finished:
        blocks.append(section(tr(locale, "*Action items*\n{items}", items=tr(locale, "none recorded"))))
    if incident.status == IncidentStatus.RESOLVED:
        rating = rating_text(follow_up.rating, locale=locale)
        blocks.append(section(tr(locale, "*Satisfaction*\n{rating}", rating=rating)))
    return blocks
