"""Block Kit replies stay valid and within Slack's limits, whatever the data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import Block

from slabot.render import catalog, incidents
from slabot.render.reply import MAX_BLOCKS, Reply, error_reply
from storage.models.catalog import Service
from storage.models.incidents import Incident

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)


def valid(reply: Reply) -> list[dict[str, Any]]:
    """to_dict() runs slack_sdk's own validation; parsing back must give the same blocks."""
    blocks = reply.block_dicts()
    assert reply.text.strip(), "every message needs a plain-text fallback"
    assert len(blocks) <= MAX_BLOCKS
    for block in blocks:
        parsed = Block.parse(block)
        assert parsed is not None and parsed.to_dict() == block
    return blocks


def test_a_long_service_list_is_cut_at_50_blocks_with_a_count() -> None:
    services = [Service(id=i, name=f"svc-{i:03d}", created_by="U1") for i in range(120)]
    blocks = valid(catalog.service_list(services, locale="en"))
    assert len(blocks) == MAX_BLOCKS
    assert blocks[-1]["elements"][0]["text"] == "…and 72 more services"  # a header, 48 rows, this line
    assert blocks[0]["text"]["text"] == "Services (120)"


def test_long_titles_are_clipped_to_the_header_limit_and_user_text_is_escaped() -> None:
    service = Service(id=1, name="checkout", created_by="U1", oncall_id="S0SRE")
    incident = Incident(
        id=7,
        service_id=1,
        severity=1,
        title="<!channel> " + "x" * 290,
        impact_percent=Decimal(100),
        started_at=NOW - timedelta(hours=1),
        opened_by="U1",
        status="open",
    )
    announcement = incidents.announcement(incident, service, NOW, ZoneInfo("UTC"), locale="en")
    blocks = valid(announcement)
    assert len(blocks[0]["text"]["text"]) == 150 and blocks[0]["text"]["text"].endswith("…")
    assert "<!subteam^S0SRE>" in announcement.text
    listing = valid(
        incidents.incident_list([(incident, service)] * 60, NOW, ZoneInfo("UTC"), only_unresolved=True, locale="en")
    )
    assert "&lt;!channel&gt;" in listing[1]["text"]["text"]  # no accidental @channel from a title
    assert listing[-1]["elements"][0]["text"] == "Resolved ones too: /incident list all"


def test_error_replies_escape_the_usage_line() -> None:
    blocks = valid(error_reply("bad", "/sla budget <service>/<name>"))
    assert blocks[1]["elements"][0]["text"] == "Usage: /sla budget &lt;service&gt;/&lt;name&gt;"


def test_placeholders_in_an_error_message_show_as_typed_and_markup_stays_markup() -> None:
    reply = error_reply("Add one with /sla service add <name>; ask <@U0ADMIN> or see <#C0OPS> and <https://x.io|docs>")
    (section,) = valid(reply)
    assert section["text"]["text"] == (
        ":warning: Add one with /sla service add &lt;name&gt;; ask <@U0ADMIN> or see <#C0OPS> and <https://x.io|docs>"
    )
