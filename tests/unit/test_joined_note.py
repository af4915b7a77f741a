"""The note of alerts joining an Alertmanager group's incident: one message however many joined, the first ten
listed and the rest counted, within Slack's limits whatever the alert rules typed, and keyed so that the same
alerts joining again name the same row."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from slabot.incidents.alert_groups import AlertsJoined, JoinedAlert
from slabot.notify import keys
from slabot.render.alert_groups import MAX_JOINED_SHOWN, joined_note
from slabot.render.reply import MAX_BLOCKS, MAX_FALLBACK_TEXT, MAX_FIELD_TEXT, MAX_SECTION_TEXT
from storage.models.catalog import Service
from storage.models.incidents import Incident, IncidentStatus

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
INCIDENT = Incident(
    id=7,
    service_id=1,
    severity=1,
    title="Checkout 5xx",
    impact_percent=Decimal(100),
    status=IncidentStatus.OPEN,
    started_at=NOW,
    opened_by="alertmanager",
    channel_id="C0CHECK",
)
SERVICE = Service(id=1, name="checkout", channel_id="C0CHECK", created_by="U0ALICE")


def joined(*alerts: JoinedAlert) -> AlertsJoined:
    return AlertsJoined(INCIDENT, SERVICE, alerts)


def plain(n: int) -> JoinedAlert:
    return JoinedAlert(f"fp{n:02d}", {"alertname": "HighErrorRate", "instance": f"web-{n:02d}"}, f"5xx on web-{n:02d}")


def test_thirty_alerts_are_one_note_listing_ten_and_counting_the_rest() -> None:
    shown = joined_note(joined(*(plain(n) for n in range(30))), locale="en")
    lines = shown.text.split("\n")
    assert lines[0] == ":heavy_plus_sign: 30 alerts joined incident #7"
    assert lines[1] == '• HighErrorRate: 5xx on web-00 (alertname="HighErrorRate", instance="web-00")'
    assert len(lines) == 1 + MAX_JOINED_SHOWN + 1 and lines[-1] == "…and 20 more"
    assert "web-10" not in shown.text
    assert len(shown.blocks) == 1 + 2 * MAX_JOINED_SHOWN + 1


def test_ten_or_fewer_are_all_listed_and_one_is_a_sentence() -> None:
    ten = joined_note(joined(*(plain(n) for n in range(10))), locale="en")
    assert "more" not in ten.text and "web-09" in ten.text
    one = joined_note(joined(plain(3)), locale="en")
    assert one.text == (
        ':heavy_plus_sign: Alert HighErrorRate joined incident #7: 5xx on web-03 (alertname="HighErrorRate",'
        ' instance="web-03")'
    )
    assert len(one.blocks) == 2


def test_huge_hostile_labels_and_summaries_stay_within_slacks_limits_and_escaped() -> None:
    hostile = "<!channel> & <@U0EVE> " * 400
    labels = {f"label{i:02d}": hostile for i in range(40)} | {"alertname": hostile}
    alerts = [JoinedAlert(f"fp{n}", labels, hostile) for n in range(200)]
    shown = joined_note(joined(*alerts), locale="en")
    assert len(shown.blocks) <= MAX_BLOCKS and len(shown.fallback_text()) <= MAX_FALLBACK_TEXT
    for block in shown.block_dicts():
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= MAX_SECTION_TEXT
        else:
            assert all(len(element["text"]) <= MAX_FIELD_TEXT for element in block["elements"])
    everything = shown.text + "".join(str(block) for block in shown.block_dicts())
    assert "<!channel>" not in everything and "<@U0EVE>" not in everything and "&lt;!channel&gt;" in everything


def test_the_key_names_the_set_of_alerts_that_joined() -> None:
    assert keys.alerts_joined(7, ["b", "a"]) == keys.alerts_joined(7, ["a", "b"])
    assert keys.alerts_joined(7, ["a", "b"]) != keys.alerts_joined(7, ["a", "b", "c"])
    assert keys.alerts_joined(7, ["a"]) != keys.alerts_joined(8, ["a"])
    assert keys.alerts_joined(7, ["a"]).startswith("incident:7:alerts:")
    assert keys.incident_of_announcement(keys.alerts_joined(7, ["a"])) is None
