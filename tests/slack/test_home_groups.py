"""The App Home's "my services" through user groups: a service whose on-call or owner is a user group the
person is in is theirs; the groups come from usergroups.list (one call, kept for a few minutes), and a Slack
that refuses or does not answer leaves the Home showing everything, as for someone with no services."""

from __future__ import annotations

import logging

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlmodel import select

from slabot.render.ids import ActionId
from slabot.slack.listeners import home as home_listener
from storage.models.catalog import Service
from tests.conftest import FakeClock
from tests.driver import SlackDriver
from tests.slack.test_home import buttons, texts

ALICE, BOB, CAROL = "U0ALICE", "U0BOB", "U0CAROL"  # Alice and Bob are in @sre; Carol is not


@pytest.fixture
def sre(driver: SlackDriver) -> str:
    """@sre (Alice and Bob), on call for checkout; search is Dana's."""
    group = driver.slack.usergroups.add("sre", [ALICE, BOB], name="Site reliability")
    driver.command(f"/sla service add checkout channel=<#C0CHECK|checkout> oncall=<!subteam^{group}|@sre>")
    driver.command("/sla service add search channel=<#C0SEARCH|search> oncall=<@U0DANA|dana>")
    driver.command("/sla define checkout availability target=99.9 window=30d")
    driver.command("/sla define search availability target=99.9 window=30d")
    return group


def test_a_group_typed_with_at_is_stored_as_the_group(driver: SlackDriver, sre: str) -> None:
    driver.command(f"/sla service edit search owner=<!subteam^{sre}|@sre>")
    with driver.runtime.db.session() as session:
        stored = {s.name: (s.oncall_id, s.owner) for s in session.exec(select(Service))}
    assert stored == {"checkout": (sre, None), "search": ("U0DANA", f"<!subteam^{sre}>")}


def test_someone_in_the_group_on_call_sees_its_service_under_my_services(driver: SlackDriver, sre: str) -> None:
    home = driver.open_home(ALICE)
    assert home["private_metadata"] == "mine"
    assert buttons(home, ActionId.HOME_BUDGET) == ["checkout/availability"]
    assert any("(your services)" in t for t in texts(home)) and buttons(home, ActionId.HOME_SCOPE) == ["all"]


def test_a_group_that_owns_a_service_makes_it_theirs_too(driver: SlackDriver, sre: str) -> None:
    driver.command(f"/sla service edit search owner=<!subteam^{sre}|@sre>")
    home = driver.open_home(BOB)
    assert home["private_metadata"] == "mine"
    assert buttons(home, ActionId.HOME_BUDGET) == ["checkout/availability", "search/availability"]


def test_someone_not_in_the_group_has_no_services_of_theirs(driver: SlackDriver, sre: str) -> None:
    home = driver.open_home(CAROL)
    assert home["private_metadata"] == "all" and buttons(home, ActionId.HOME_SCOPE) == []
    assert len(buttons(home, ActionId.HOME_BUDGET)) == 2
    mine = driver.open_home(CAROL, shown={**home, "private_metadata": "mine"})  # asked for "mine" anyway
    assert buttons(mine, ActionId.HOME_BUDGET) == []
    assert any("Nothing in your services" in t for t in texts(mine))


def test_a_disabled_group_counts_for_nobody(driver: SlackDriver, sre: str) -> None:
    driver.slack.usergroups.disable(sre)
    home = driver.open_home(ALICE)
    assert home["private_metadata"] == "all" and buttons(home, ActionId.HOME_SCOPE) == []


@pytest.mark.parametrize("error", ["missing_scope", "plan_upgrade_required"])
def test_slack_refusing_the_groups_still_publishes_the_home_with_every_service(
    driver: SlackDriver, sre: str, error: str, caplog: pytest.LogCaptureFixture
) -> None:
    driver.slack.fail_with_error("usergroups.list", error)
    with caplog.at_level(logging.WARNING, logger="slabot.home"):
        home = driver.open_home(ALICE)
    assert home["private_metadata"] == "all"
    assert buttons(home, ActionId.HOME_BUDGET) == ["checkout/availability", "search/availability"]
    assert any(error in record.getMessage() and "no user groups" in record.getMessage() for record in caplog.records)


def test_a_slack_too_slow_with_the_groups_does_not_hold_up_the_home(
    driver: SlackDriver, sre: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(home_listener, "GROUPS_TIMEOUT", 0.2)
    driver.slack.delay("usergroups.list", 3)
    home = driver.open_home(ALICE)  # asked once, not retried, and given up after the timeout
    assert home["private_metadata"] == "all" and len(driver.slack.calls_to("usergroups.list")) == 1


def test_the_groups_are_asked_once_for_everyone_within_a_few_minutes(
    driver: SlackDriver, sre: str, clock: FakeClock
) -> None:
    driver.open_home(ALICE)
    driver.open_home(BOB)
    assert driver.open_home(ALICE)["private_metadata"] == "mine"
    calls = driver.slack.calls_to("usergroups.list")
    assert len(calls) == 1 and calls[0].args.get("include_users") in (True, "true", "1")
    driver.slack.usergroups.set_members(sre, [CAROL])  # Slack's answer changes; the Home learns it later
    clock.advance(minutes=4)
    assert driver.open_home(CAROL)["private_metadata"] == "all"
    clock.advance(minutes=2)
    assert driver.open_home(CAROL)["private_metadata"] == "mine"
    assert driver.open_home(ALICE)["private_metadata"] == "all"
    assert len(driver.slack.calls_to("usergroups.list")) == 2


def test_a_refusal_is_not_asked_again_on_every_open(driver: SlackDriver, sre: str, clock: FakeClock) -> None:
    driver.slack.fail_with_error("usergroups.list", "missing_scope")
    driver.open_home(ALICE)
    driver.open_home(ALICE)
    assert len(driver.slack.calls_to("usergroups.list")) == 1
    clock.advance(minutes=6)  # the scope was added meanwhile
    assert driver.open_home(ALICE)["private_metadata"] == "mine"


def test_the_local_slack_lists_a_groups_members(driver: SlackDriver, sre: str) -> None:
    client = WebClient(token="xoxb-test", base_url=driver.slack.base_url)
    assert client.usergroups_users_list(usergroup=sre)["users"] == [ALICE, BOB]
    listed = client.usergroups_list(include_count=True)["usergroups"]
    assert [(g["handle"], g["user_count"], "users" in g) for g in listed] == [("sre", 2, False)]
    with pytest.raises(SlackApiError) as refused:
        client.usergroups_users_list(usergroup="S0NOPE")
    assert refused.value.response["error"] == "no_such_subteam"
