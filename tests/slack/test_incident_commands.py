"""/incident open | ack | resolve | list | show: the rows stored and what Slack is asked to post."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlmodel import select

from storage.models.incidents import Incident, IncidentEvent
from tests.conftest import FakeClock
from tests.driver import SlackDriver


@pytest.fixture
def checkout(driver: SlackDriver) -> SlackDriver:
    driver.command("/sla service add checkout channel=<#C0CHECK|checkout> oncall=<@U0BOB|bob>")
    return driver


def incidents(driver: SlackDriver) -> list[Incident]:
    with driver.runtime.db.session() as session:
        return list(session.exec(select(Incident).order_by(Incident.id)).all())


def timeline(driver: SlackDriver) -> list[tuple[str, datetime, str]]:
    with driver.runtime.db.session() as session:
        rows = session.exec(select(IncidentEvent).order_by(IncidentEvent.id)).all()
        return [(row.kind, row.at, row.actor) for row in rows]


def test_open_announces_in_the_service_channel_mentioning_oncall(checkout: SlackDriver, clock: FakeClock) -> None:
    answer = checkout.command("/incident open checkout sev1 Payments fail at the card step started=30m impact=50")
    (incident,) = incidents(checkout)
    assert incident.severity == 1 and incident.title == "Payments fail at the card step"
    assert incident.started_at == clock.now - timedelta(minutes=30)
    assert incident.started_at.tzinfo is not None and incident.started_at.utcoffset() == timedelta(0)
    assert incident.impact_percent == Decimal(50) and incident.status == "open" and incident.opened_by == "U0ALICE"
    (post,) = checkout.posts()
    assert post.args["channel"] == "C0CHECK"
    assert "<@U0BOB>" in post.args["text"]  # the notification text mentions the on-call
    assert "Incident #1 sev1: Payments fail at the card step" in post.args["blocks"][0]["text"]["text"]
    assert (incident.channel_id, incident.thread_ts) == ("C0CHECK", post.response["ts"])
    assert answer.ephemeral and "Opened incident #1" in answer.text and "<#C0CHECK>" in answer.all_text
    assert timeline(checkout) == [("opened", clock.now - timedelta(minutes=30), "U0ALICE")]


def test_group_oncall_is_mentioned_as_a_subteam(driver: SlackDriver) -> None:
    driver.command("/sla service add search channel=C0SEARCH oncall=<!subteam^S0SRE|@sre>")
    driver.command("/incident open search sev2 Slow queries")
    (post,) = driver.posts("C0SEARCH")
    assert "<!subteam^S0SRE>" in post.args["text"]


def test_without_a_service_channel_the_announcement_goes_where_it_was_typed(driver: SlackDriver) -> None:
    driver.command("/sla service add search")
    driver.command("/incident open search sev3 Index lag", channel="C0HERE")
    (post,) = driver.posts()
    assert post.args["channel"] == "C0HERE"


def test_ack_and_resolve_post_in_the_thread_and_refresh_the_announcement(
    checkout: SlackDriver, clock: FakeClock
) -> None:
    checkout.command("/incident open checkout sev2 Cart empties")
    opened_at = clock.now
    (announcement,) = checkout.posts()
    thread = announcement.response["ts"]
    clock.advance(minutes=4, seconds=12)
    ack = checkout.command("/incident ack 1", user="U0BOB")
    assert "Acknowledged incident #1" in ack.text
    clock.advance(hours=2, minutes=1)
    checkout.command("/incident resolve #1")
    thread_posts = [p for p in checkout.posts() if p.args.get("thread_ts") == thread]
    assert [p.args["text"] for p in thread_posts] == [
        ":eyes: <@U0BOB> acknowledged incident #1 (4m 12s after it started).",
        ":white_check_mark: <@U0ALICE> resolved incident #1 after 2h 5m.",
    ]
    updates = checkout.slack.calls_to("chat.update")
    assert [u.args["ts"] for u in updates] == [thread, thread]
    assert "(resolved)" in updates[-1].args["text"]
    (incident,) = incidents(checkout)
    assert incident.status == "resolved" and incident.acknowledged_by == "U0BOB" and incident.resolved_by == "U0ALICE"
    assert incident.resolved_at == opened_at + timedelta(hours=2, minutes=5, seconds=12)
    assert [kind for kind, _, _ in timeline(checkout)] == ["opened", "acknowledged", "resolved"]


def test_resolve_with_a_past_time_and_implicit_acknowledge(checkout: SlackDriver, clock: FakeClock) -> None:
    checkout.command("/incident open checkout sev1 Down started=2026-11-21T10:00:00Z")
    checkout.command("/incident resolve 1 resolved=10m")
    (incident,) = incidents(checkout)
    assert incident.started_at == datetime(2026, 11, 21, 10, 0, tzinfo=UTC)
    assert incident.resolved_at == clock.now - timedelta(minutes=10)
    assert incident.acknowledged_at == incident.resolved_at  # resolving answers the page too


def test_local_times_are_read_in_the_configured_zone(checkout: SlackDriver) -> None:
    from dataclasses import replace
    from zoneinfo import ZoneInfo

    settings = replace(checkout.runtime.settings, timezone=ZoneInfo("Europe/Berlin"))
    berlin = SlackDriver(replace(checkout.runtime, settings=settings), checkout.slack)
    berlin.command("/incident open checkout sev3 Slow started=2026-11-21T09:30")
    (incident,) = incidents(berlin)
    assert incident.started_at == datetime(2026, 11, 21, 8, 30, tzinfo=UTC)


def test_list_and_show(checkout: SlackDriver, clock: FakeClock) -> None:
    checkout.command("/incident open checkout sev1 First")
    checkout.command("/incident open checkout sev3 Second")
    checkout.command("/incident resolve 1")
    open_list = checkout.command("/incident list")
    assert "Unresolved incidents (1)" in open_list.all_text
    assert "#2 sev3: Second" in open_list.all_text and "First" not in open_list.all_text
    all_list = checkout.command("/incident list all")
    assert "Incidents (2)" in all_list.all_text and "#1 sev1: First" in all_list.all_text
    show = checkout.command("/incident show 1")
    assert "Incident #1 sev1: First" in show.all_text
    assert "*Time to resolve*\n0s" in show.all_text
    assert "opened by <@U0ALICE>" in show.all_text and "resolved by <@U0ALICE>" in show.all_text


def test_a_failed_announcement_keeps_the_incident_and_says_how_to_fix_it(checkout: SlackDriver) -> None:
    checkout.slack.fail_with_error("chat.postMessage", "not_in_channel")
    answer = checkout.command("/incident open checkout sev2 Errors")
    assert "I could not post in <#C0CHECK> (not_in_channel)" in answer.text and "/invite @slabot" in answer.text
    (incident,) = incidents(checkout)
    assert incident.thread_ts is None


def test_slack_rate_limits_are_retried(checkout: SlackDriver) -> None:
    checkout.slack.fail("chat.postMessage", status=429, retry_after=0)
    checkout.command("/incident open checkout sev2 Errors")
    (incident,) = incidents(checkout)
    assert incident.thread_ts is not None
    assert len(checkout.slack.calls_to("chat.postMessage")) == 2


BAD_INPUTS = [
    ("/incident frob", "'frob' is not a /incident command", "/incident help"),
    ("/incident open checkout", "Give the service, the severity and a title", "/incident open"),
    ("/incident open checkout sev9 Down", "severity must be sev1, sev2, sev3 or sev4", "/incident open"),
    ("/incident open nosuch sev1 Down", "There is no service 'nosuch'", "/incident open"),
    ("/incident open checkout sev1 Down started=yesterday", "started=:", "/incident open"),
    ("/incident open checkout sev1 Down started=2030-01-01T00:00Z", "started= is in the future", "/incident open"),
    (
        "/incident open checkout sev1 Down impact=0",
        "impact must be a percentage above 0 and at most 100",
        "/incident open",
    ),
    ("/incident open checkout sev1 Down impact=150", "impact must be a percentage", "/incident open"),
    ("/incident ack 99", "There is no incident #99", "/incident ack"),
    ("/incident ack one", "is not an incident number", "/incident ack"),
    ("/incident resolve 99", "There is no incident #99", "/incident resolve"),
    ("/incident resolve 1 resolved=soon", "resolved=:", "/incident resolve"),
    ("/incident resolve 1 resolved=2h", "resolved= is before the incident started", "/incident resolve"),
    ("/incident show 99", "There is no incident #99", "/incident show"),
    ("/incident list some", "the list must be open or all", "/incident list"),
]


@pytest.mark.parametrize(("line", "message", "usage"), BAD_INPUTS)
def test_bad_input_gets_a_short_private_reply_and_changes_nothing(
    checkout: SlackDriver, line: str, message: str, usage: str
) -> None:
    checkout.command("/incident open checkout sev2 Existing started=1h")
    before = [(i.id, i.status, i.resolved_at) for i in incidents(checkout)], len(timeline(checkout))
    posts = len(checkout.posts())
    answer = checkout.command(line)
    assert answer.ephemeral
    assert message in answer.text
    assert f"Usage: {usage}" in answer.text
    assert ([(i.id, i.status, i.resolved_at) for i in incidents(checkout)], len(timeline(checkout))) == before
    assert len(checkout.posts()) == posts


def test_acknowledging_twice_or_after_resolve_says_by_whom_and_when(checkout: SlackDriver, clock: FakeClock) -> None:
    checkout.command("/incident open checkout sev2 Errors")
    clock.advance(minutes=3)
    checkout.command("/incident ack 1", user="U0BOB")
    clock.advance(minutes=1)
    again = checkout.command("/incident ack 1")
    assert again.ephemeral
    assert again.text == ":warning: Incident #1 was already acknowledged by <@U0BOB> at 2026-11-21 12:03 UTC."
    assert again.blocks[0]["text"]["text"] == again.text
    checkout.command("/incident resolve 1")
    resolved = ":warning: Incident #1 was already resolved by <@U0ALICE> at 2026-11-21 12:04 UTC."
    assert checkout.command("/incident ack 1", user="U0BOB").text == resolved
    assert checkout.command("/incident resolve 1", user="U0BOB").text == resolved
    assert [kind for kind, _, _ in timeline(checkout)] == ["opened", "acknowledged", "resolved"]


def test_already_done_is_told_in_the_configured_zone(checkout: SlackDriver, clock: FakeClock) -> None:
    from dataclasses import replace
    from zoneinfo import ZoneInfo

    settings = replace(checkout.runtime.settings, timezone=ZoneInfo("Europe/Berlin"))
    berlin = SlackDriver(replace(checkout.runtime, settings=settings), checkout.slack)
    berlin.command("/incident open checkout sev2 Errors")
    clock.advance(minutes=3)
    berlin.command("/incident resolve 1", user="U0BOB")
    answer = berlin.command("/incident resolve 1")
    assert answer.text == ":warning: Incident #1 was already resolved by <@U0BOB> at 2026-11-21 13:03 CET."


def test_pausing_twice_or_resuming_twice_says_by_whom_and_when(checkout: SlackDriver, clock: FakeClock) -> None:
    checkout.command("/incident open checkout sev2 Errors")
    clock.advance(minutes=2)
    checkout.command("/incident pause 1 waiting on the bank", user="U0BOB")
    assert checkout.command("/incident pause 1 still waiting").text == (
        ":warning: Incident #1 is already paused. Resume it with /incident resume 1.\n"
        "Paused by <@U0BOB> at 2026-11-21 12:02 UTC."
    )
    clock.advance(minutes=5)
    checkout.command("/incident resume 1", user="U0BOB")
    assert checkout.command("/incident resume 1").text == (
        ":warning: Incident #1 was already resumed by <@U0BOB> at 2026-11-21 12:07 UTC."
    )
    checkout.command("/incident resolve 1")
    assert checkout.command("/incident pause 1 again").text == (
        ":warning: Incident #1 is already resolved: its timers have stopped.\n"
        "Resolved by <@U0ALICE> at 2026-11-21 12:07 UTC."
    )
    kinds = [kind for kind, _, _ in timeline(checkout)]
    assert kinds == ["opened", "paused", "resumed", "acknowledged", "resolved"]
