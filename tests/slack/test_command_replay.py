"""A signed slash command replayed (its signature stays valid for five minutes) runs once: the invocation is
recorded before it runs, and a replay is acknowledged and answered nothing."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qsl, urlencode

import pytest
from sqlmodel import select

from slabot.slo.retention import prune
from storage.models.incidents import Incident
from storage.models.slack_events import SlackCommand, SlackEvent
from tests.conftest import FakeClock
from tests.driver import SlackDriver, command_body, signed_headers

OPEN = "checkout sev2 Cart empties"


@pytest.fixture
def checkout(driver: SlackDriver) -> SlackDriver:
    driver.command("/sla service add checkout channel=<#C0CHECK|checkout> oncall=<@U0BOB|bob>")
    return driver


def incidents(driver: SlackDriver) -> list[Incident]:
    with driver.runtime.db.session() as session:
        return list(session.exec(select(Incident)).all())


def announcements(driver: SlackDriver) -> list[str]:
    return [post.args["text"] for post in driver.posts("C0CHECK")]


def with_trigger(body: str, trigger_id: str) -> str:
    return urlencode([(k, trigger_id if k == "trigger_id" else v) for k, v in parse_qsl(body)])


def send(driver: SlackDriver, body: str) -> int:
    """Dispatch one signed body as Slack (or someone replaying it) sends it; returns the ack's status."""
    return driver.dispatch(body, signed_headers(driver.secret, body)).status


def test_the_same_signed_command_sent_twice_opens_one_incident(checkout: SlackDriver) -> None:
    body = with_trigger(command_body(checkout.slack, "/incident", f"open {OPEN}"), "1111.2222.replayed")
    replies = len(checkout.slack.calls_to("response_url"))
    assert send(checkout, body) == 200
    assert send(checkout, body) == 200  # acknowledged, so Slack (or the replayer) sees nothing amiss
    assert len(incidents(checkout)) == 1
    assert len(announcements(checkout)) == 1
    assert len(checkout.slack.calls_to("response_url")) == replies + 1  # the replay is answered nothing


def test_two_invocations_with_their_own_trigger_ids_both_run(checkout: SlackDriver) -> None:
    for trigger_id in ("1111.2222.first", "1111.3333.second"):
        body = with_trigger(command_body(checkout.slack, "/incident", f"open {OPEN}"), trigger_id)
        assert send(checkout, body) == 200
    assert len(incidents(checkout)) == 2
    assert len(announcements(checkout)) == 2


def test_invocations_are_forgotten_after_a_day_by_db_prune(checkout: SlackDriver, clock: FakeClock) -> None:
    runtime = checkout.runtime
    with runtime.db.session() as session:
        assert len(session.exec(select(SlackCommand)).all()) == 1  # the /sla service add above
        session.add(SlackEvent(event_id="Ev0OLD", received_at=clock.now))
    clock.advance(hours=23)
    checkout.command("/sla status")
    clock.advance(hours=2)
    with runtime.db.session() as session:
        prune(session, clock.now, runtime.settings.raw_retention_days, runtime.settings.timezone)
    with runtime.db.session() as session:
        left = session.exec(select(SlackCommand)).all()
        assert [row.received_at for row in left] == [clock.now - timedelta(hours=2)]
        assert session.exec(select(SlackEvent)).all() == []
