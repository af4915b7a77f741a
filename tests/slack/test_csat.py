"""The satisfaction survey: after a resolve the opener, and only they, rates the handling 1-5 and may comment."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from slabot.core.errors import UserError
from slabot.incidents import lifecycle, satisfaction
from slabot.incidents import satisfaction as csat
from slabot.incidents.lifecycle import NewIncident
from slabot.render.csat import survey, thanks
from slabot.render.ids import ActionId, BlockId, CallbackId, InputId
from slabot.slack.modals.satisfaction_comment import CsatCommentModal
from storage.models.incidents import CsatRating, Incident
from tests.conftest import FakeClock
from tests.csat_helpers import (
    CHANNEL,
    OPENER,
    RESOLVER,
    click_ephemeral,
    ephemeral_message,
    rate,
    ratings,
    replaced,
    resolved_incident,
    survey_call,
)
from tests.driver import SlackDriver

RATE_IDS = [f"csat_rate:{n}" for n in range(1, 6)]


def buttons(blocks: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Every button in the blocks, by action_id."""
    found: dict[str, dict[str, Any]] = {}
    for block in blocks:
        for element in [*(block.get("elements") or []), *([block["accessory"]] if "accessory" in block else [])]:
            if element.get("type") == "button":
                found[element["action_id"]] = element
    return found


def texts(blocks: list[dict[str, Any]]) -> str:
    parts = [b["text"]["text"] for b in blocks if isinstance(b.get("text"), dict)]
    parts += [e["text"] for b in blocks if b["type"] == "context" for e in b["elements"]]
    return "\n".join(parts)


def comment_values(text: str) -> dict[str, dict[str, dict[str, Any]]]:
    return {BlockId.CSAT_COMMENT: {InputId.COMMENT: {"type": "plain_text_input", "value": text}}}


def open_comment_modal(driver: SlackDriver, reply: dict[str, Any]) -> dict[str, Any]:
    """Click "Add a comment" in the thanks that replaced the survey; returns the view sent to views.open."""
    before = len(driver.slack.calls_to("views.open"))
    message = replaced(ephemeral_message(survey_call(driver)), reply)
    click = click_ephemeral(driver, message, ActionId.CSAT_COMMENT)
    assert click.responses == []
    (opened,) = driver.slack.calls_to("views.open")[before:]
    assert opened.args["trigger_id"] == click.payload["trigger_id"]
    view: dict[str, Any] = opened.args["view"]
    return view


def test_resolving_asks_the_opener_privately_in_the_incident_thread(driver: SlackDriver) -> None:
    resolved_incident(driver, title="Payments <fail> & retry")
    call = survey_call(driver)
    (announcement,) = [p for p in driver.posts(CHANNEL) if "thread_ts" not in p.args]
    assert call.args["channel"] == CHANNEL and call.args["user"] == OPENER
    assert call.args["thread_ts"] == announcement.response["ts"]
    question = "How well was incident #1 Payments &lt;fail&gt; &amp; retry handled? 1 = poorly, 5 = very well"
    assert call.args["text"] == question
    assert question in texts(call.args["blocks"])
    (actions,) = [b for b in call.args["blocks"] if b["type"] == "actions"]
    assert actions["block_id"] == BlockId.CSAT_RATINGS
    assert [(b["action_id"], b["text"]["text"], b["value"]) for b in actions["elements"]] == [
        (f"csat_rate:{n}", str(n), "1") for n in range(1, 6)
    ]
    assert [p for p in driver.posts() if p.args["channel"] == OPENER] == []  # no direct message
    assert ratings(driver) == []


def test_a_rating_is_stored_and_the_survey_turns_into_thanks(driver: SlackDriver, clock: FakeClock) -> None:
    resolved_incident(driver)
    clock.advance(minutes=5)
    click = rate(driver, 4)
    assert click.ack.status == 200
    (row,) = ratings(driver)
    assert (row.incident_id, row.user_id, row.rating, row.comment, row.rated_at) == (1, OPENER, 4, None, clock.now)
    (reply,) = click.responses
    assert reply["replace_original"] is True
    assert reply["text"] == "Thanks, you rated incident #1 4/5."
    comment = buttons(reply["blocks"])[ActionId.CSAT_COMMENT]
    assert (comment["text"]["text"], comment["value"]) == ("Add a comment", "1")
    chosen = {action_id: b.get("style") for action_id, b in buttons(reply["blocks"]).items() if action_id in RATE_IDS}
    assert chosen == {rate_id: "primary" if rate_id == "csat_rate:4" else None for rate_id in RATE_IDS}


def test_only_the_opener_rates(driver: SlackDriver) -> None:
    resolved_incident(driver)
    click = rate(driver, 1, user=RESOLVER)
    (note,) = click.responses
    assert note["text"] == ":warning: Only <@U0BOB>, who opened incident #1, rates it."
    assert note["replace_original"] is False and note["response_type"] == "ephemeral"
    assert ratings(driver) == []


def test_clicking_again_changes_the_rating_and_keeps_the_comment(driver: SlackDriver, clock: FakeClock) -> None:
    resolved_incident(driver)
    first = rate(driver, 2)
    view = open_comment_modal(driver, first.responses[0])
    driver.submit_view(view, comment_values("Updates came late"), user=OPENER)
    clock.advance(hours=1)
    second = rate(driver, 5)
    (row,) = ratings(driver)
    assert (row.rating, row.comment, row.rated_at) == (5, "Updates came late", clock.now)
    (reply,) = second.responses
    assert reply["text"] == "Thanks, you rated incident #1 5/5."
    assert "Your comment: “Updates came late”" in texts(reply["blocks"])
    assert buttons(reply["blocks"])[ActionId.CSAT_COMMENT]["text"]["text"] == "Change the comment"


def test_the_comment_modal_validates_and_stores_the_comment(driver: SlackDriver) -> None:
    resolved_incident(driver)
    view = open_comment_modal(driver, rate(driver, 3).responses[0])
    assert (view["type"], view["callback_id"], view["private_metadata"]) == ("modal", CallbackId.CSAT_COMMENT, "1")
    assert len(view["title"]["text"]) < 24
    (field,) = [b for b in view["blocks"] if b["type"] == "input"]
    assert field["block_id"] == BlockId.CSAT_COMMENT
    assert field["element"] == {
        "type": "plain_text_input",
        "action_id": InputId.COMMENT,
        "multiline": True,
        "max_length": 1000,
    }

    empty = driver.submit_view(view, comment_values("  \n "), user=OPENER)
    assert json.loads(empty.body) == {
        "response_action": "errors",
        "errors": {BlockId.CSAT_COMMENT: "Write a few words, or press Cancel."},
    }
    assert ratings(driver)[0].comment is None

    saved = driver.submit_view(view, comment_values("  Quick fix,\nclear updates  "), user=OPENER)
    answer = json.loads(saved.body)
    assert answer["response_action"] == "update" and answer["view"]["title"]["text"] == "Thank you"
    assert "Your comment on incident #1 is saved." in texts(answer["view"]["blocks"])
    assert ratings(driver)[0].comment == "Quick fix,\nclear updates"

    reopened = open_comment_modal(driver, rate(driver, 3).responses[0])
    (field,) = [b for b in reopened["blocks"] if b["type"] == "input"]
    assert field["element"]["initial_value"] == "Quick fix,\nclear updates"


def test_someone_else_submitting_the_comment_gets_the_refusal_in_the_modal(driver: SlackDriver) -> None:
    resolved_incident(driver)
    view = open_comment_modal(driver, rate(driver, 4).responses[0])
    refused = driver.submit_view(view, comment_values("Looks fine to me"), user=RESOLVER)
    assert json.loads(refused.body) == {
        "response_action": "errors",
        "errors": {BlockId.CSAT_COMMENT: "Only <@U0BOB>, who opened incident #1, rates it."},
    }
    assert ratings(driver)[0].comment is None


def test_the_survey_becomes_a_direct_message_when_the_opener_is_not_in_the_channel(driver: SlackDriver) -> None:
    driver.slack.fail_with_error("chat.postEphemeral", "user_not_in_channel")
    resolved_incident(driver)
    assert survey_call(driver).response == {"ok": False, "error": "user_not_in_channel"}
    (dm,) = driver.slack.messages(OPENER)
    assert dm["text"] == "How well was incident #1 Payments fail handled? 1 = poorly, 5 = very well"
    assert set(buttons(dm["blocks"])) == set(RATE_IDS)
    click = driver.click(dm, "csat_rate:5", user=OPENER)
    assert [r["text"] for r in click.responses] == ["Thanks, you rated incident #1 5/5."]
    assert [(r.incident_id, r.rating) for r in ratings(driver)] == [(1, 5)]


def test_without_a_channel_the_survey_goes_straight_to_a_direct_message(driver: SlackDriver, clock: FakeClock) -> None:
    driver.command("/sla service add search")  # no channel, and opened where nobody typed (an API, a script)
    now = clock.now
    with driver.runtime.db.session() as session:
        opened = lifecycle.open_incident(
            session, NewIncident("search", 2, "Slow search", now, Decimal(10)), OPENER, now
        )
        resolved = lifecycle.resolve(session, opened.incident.id, RESOLVER, now)
        queued = driver.notifier.queue(session, [opened, resolved, *satisfaction.surveys_after(resolved)], now)
    driver.notifier.deliver(queued)
    assert driver.slack.calls_to("chat.postEphemeral") == []
    (dm,) = driver.slack.calls_to("chat.postMessage")
    assert dm.args["channel"] == OPENER and "incident #1 Slow search" in dm.args["text"]


def test_a_survey_that_cannot_be_shown_in_the_channel_becomes_a_direct_message(driver: SlackDriver) -> None:
    driver.command(f"/sla service add checkout channel={CHANNEL}")
    driver.command("/incident open checkout sev2 Payments fail", user=OPENER)
    driver.slack.fail_with_error("chat.postEphemeral", "user_not_in_channel")
    driver.command("/incident resolve 1", user=RESOLVER)
    (refused,) = driver.slack.calls_to("chat.postEphemeral")
    assert refused.args["user"] == OPENER and refused.response["error"] == "user_not_in_channel"
    (dm,) = [c for c in driver.slack.calls_to("chat.postMessage") if c.args["channel"] == OPENER]
    assert "How well was incident #1 Payments fail handled?" in dm.args["text"]


def test_a_survey_slack_refuses_everywhere_is_logged_not_raised(
    driver: SlackDriver, caplog: pytest.LogCaptureFixture
) -> None:
    driver.command("/sla service add checkout channel=C0GONE")
    driver.slack.fail_with_error("chat.postMessage", "channel_not_found")  # the announcement: no thread
    driver.command("/incident open checkout sev2 Payments fail", user=OPENER)
    driver.slack.fail_with_error("chat.postMessage", "user_not_found")  # the survey as a direct message
    answer = driver.command("/incident resolve 1", user=RESOLVER)
    assert "Resolved incident #1" in answer.text
    assert [c.response.get("error") for c in driver.slack.calls_to("chat.postMessage")] == [
        "channel_not_found",
        "user_not_found",
    ]
    assert driver.slack.calls_to("chat.postEphemeral") == []
    assert "channel_not_found" in caplog.text and "user_not_found" in caplog.text


def test_a_crash_while_rating_is_a_short_note_with_a_reference(
    driver: SlackDriver, monkeypatch: pytest.MonkeyPatch
) -> None:
    resolved_incident(driver)

    def broken(*args: object) -> CsatRating:
        raise RuntimeError("database on fire")

    monkeypatch.setattr(csat, "rate", broken)
    (note,) = rate(driver, 3).responses
    assert note["text"].startswith(":warning: Something went wrong on slabot's side (ref ")
    assert "database on fire" not in note["text"] and note["replace_original"] is False


def test_rating_rules(driver: SlackDriver, clock: FakeClock) -> None:
    driver.command(f"/sla service add checkout channel={CHANNEL}")
    driver.command("/incident open checkout sev2 Payments fail", user=OPENER)
    with driver.runtime.db.session() as session:
        with pytest.raises(UserError, match=r"^Incident #1 is not resolved yet; rate it once it is\.$"):
            csat.rate(session, 1, OPENER, 4, clock.now)
        with pytest.raises(UserError, match=r"^There is no incident #9\."):
            csat.rate(session, 9, OPENER, 4, clock.now)
    driver.command("/incident resolve 1")
    with driver.runtime.db.session() as session:
        for bad in (0, 6):
            with pytest.raises(UserError, match=r"^Rate from 1 \(poorly\) to 5 \(very well\)\.$"):
                csat.rate(session, 1, OPENER, bad, clock.now)
        with pytest.raises(UserError, match=r"^Rate incident #1 from 1 to 5 first, then add a comment\.$"):
            csat.add_comment(session, 1, OPENER, "great", clock.now)
        csat.rate(session, 1, OPENER, 4, clock.now)
        with pytest.raises(UserError, match=r"^The comment is 1001 characters; keep it to 1000\.$"):
            csat.add_comment(session, 1, OPENER, "x" * 1001, clock.now)
        assert csat.add_comment(session, 1, OPENER, " " + "x" * 1000 + " ", clock.now).comment == "x" * 1000


def _incident(channel_id: str | None = "C0CHECK", thread_ts: str | None = "1.2") -> Incident:
    at = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
    return Incident(
        id=7,
        service_id=1,
        severity=2,
        title="Slow search",
        impact_percent=Decimal(10),
        status="resolved",
        started_at=at,
        resolved_at=at,
        opened_by=OPENER,
        channel_id=channel_id,
        thread_ts=thread_ts,
    )


def test_survey_and_thanks_blocks() -> None:
    incident = _incident()
    blocks = survey(incident, locale="en").block_dicts()
    assert blocks[1] == {
        "type": "actions",
        "block_id": "csat_ratings",
        "elements": [
            {
                "type": "button",
                "action_id": f"csat_rate:{n}",
                "text": {"type": "plain_text", "text": str(n), "emoji": True},
                "value": "7",
            }
            for n in range(1, 6)
        ],
    }
    assert blocks[2]["elements"][0]["text"] == "Your rating shows in /incident show 7 and in the weekly digest."
    row = CsatRating(
        incident_id=7, user_id=OPENER, rating=1, comment="<!channel> too *slow*", rated_at=datetime.now(UTC)
    )
    section = thanks(row, locale="en").block_dicts()[0]
    assert section["text"]["text"] == (
        ":pray: Thanks, you rated incident #7 1/5.\nYour comment: “&lt;!channel&gt; too *slow*”"
    )
    assert section["accessory"]["action_id"] == "csat_comment"


@pytest.mark.parametrize(
    ("metadata", "typed", "expected"),
    [
        ("7", " ok ", (7, "ok", {})),
        ("7", None, (7, None, {"csat_comment": "Write a few words, or press Cancel."})),
        ("7", "y" * 1001, (7, None, {"csat_comment": "Keep it to 1000 characters."})),
        ("", "ok", (0, None, {"csat_comment": "This form does not name an incident; rate it again."})),
    ],
)
def test_comment_modal_reads_its_submission(metadata: str, typed: str | None, expected: tuple[Any, ...]) -> None:
    view = CsatCommentModal(7).view().to_dict()
    view["private_metadata"] = metadata
    view["state"] = {"values": {"csat_comment": {"comment": {"type": "plain_text_input", "value": typed}}}}
    assert CsatCommentModal.read(view) == expected
