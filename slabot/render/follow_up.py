"""What followed an incident, in /incident show: its root cause (or how far its 5-Why is), the action items,
and the opener's rating."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import Block

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


def _root_cause_blocks(incident_id: int, record: Analysis | None, zone: ZoneInfo) -> list[Block]:
    if record is None:
        return [section(f"*Root cause*\nNo root cause yet: start a 5-Why with /sla why {incident_id}")]
    rca = record.rca
    if not record.finished:
        where = f"the thread in {channel_mention(rca.channel_id)}"
        if rca.stage == RcaStage.WRAP_UP:
            return [section(f"*Root cause*\n5-Why running in {where}: choosing the category and action items")]
        return [section(f"*Root cause*\n5-Why running in {where}: {current_why(len(record.whys))}")]
    heading = f"*Root cause* · {category_label(record.category)}" if record.category else "*Root cause*"
    cause = one_line(record.root_cause) if record.root_cause else "no answer recorded"
    steps = f"{len(record.whys)} step{'s' if len(record.whys) != 1 else ''}"
    who = user_mention(rca.finished_by or rca.started_by)
    when = f" on {rca.finished_at.astimezone(zone):%Y-%m-%d}" if rca.finished_at else ""
    return [section(f"{heading}\n{cause}"), context(f"5-Why of {steps} finished by {who}{when}")]


def _action_items_text(items: Sequence[ActionItem]) -> str:
    """One line per item, as many as fit in a section; the rest counted."""
    lines: list[str] = []
    used = 0
    for item in items:
        line = action_line(item)
        if used + len(line) + 1 > ACTION_ITEMS_ROOM:
            lines.append(f"…and {len(items) - len(lines)} more action items")
            break
        lines.append(line)
        used += len(line) + 1
    return "*Action items*\n" + "\n".join(lines)


def follow_up_blocks(incident: Incident, follow_up: FollowUp, zone: ZoneInfo, *, locale: Locale) -> list[Block]:
    """At most four blocks: the root cause (and who found it), the action items, the opener's rating."""
    blocks = _root_cause_blocks(incident.id, follow_up.rca, zone)
    if follow_up.action_items:
        blocks.append(section(_action_items_text(follow_up.action_items)))
    elif follow_up.rca is not None and follow_up.rca.finished:
        blocks.append(section("*Action items*\nnone recorded"))
    if incident.status == IncidentStatus.RESOLVED:
        blocks.append(section(f"*Satisfaction*\n{rating_text(follow_up.rating)}"))
    return blocks
