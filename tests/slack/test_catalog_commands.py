"""/sla service … and /sla define | list | delete, through signed requests to the real Bolt app."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from sqlmodel import select

from slabot.config.runtime import Runtime
from slabot.config.settings import Settings
from slabot.devtools.localslack import LocalSlack
from storage.models.catalog import Objective, Service
from tests.driver import SlackDriver


def services(driver: SlackDriver) -> list[Service]:
    with driver.runtime.db.session() as session:
        return list(session.exec(select(Service).order_by(Service.name)).all())


def objectives(driver: SlackDriver) -> list[Objective]:
    with driver.runtime.db.session() as session:
        return list(session.exec(select(Objective).order_by(Objective.name)).all())


def test_help_lists_every_command_only_to_the_caller(driver: SlackDriver) -> None:
    answer = driver.command("/sla help")
    assert answer.ephemeral
    assert answer.ack.body == ""  # acknowledged at once, the reply follows through response_url
    for usage in ("/sla service add", "/sla define", "/sla status", "/sla budget", "/sla delete", "/sla list"):
        assert usage in answer.all_text
    assert answer.blocks[0]["type"] == "header"
    assert "/incident open" in driver.command("/incident help").all_text
    assert driver.command("/sla").all_text == answer.all_text


def test_service_add_accepts_escaped_channel_and_oncall(driver: SlackDriver) -> None:
    answer = driver.command(
        "/sla service add Checkout channel=<#C0CHECK|checkout> oncall=<!subteam^S0ONCALL|@oncall> "
        "owner=<@U0BOB|bob> tier=1"
    )
    assert "Service added" in answer.text and "<#C0CHECK>" in answer.text and "<!subteam^S0ONCALL>" in answer.text
    (service,) = services(driver)
    assert (service.name, service.channel_id, service.oncall_id, service.owner, service.tier) == (
        "checkout",
        "C0CHECK",
        "S0ONCALL",
        "<@U0BOB>",
        1,
    )
    assert service.created_by == "U0ALICE"


def test_service_add_accepts_bare_ids(driver: SlackDriver) -> None:
    driver.command('/sla service add payments channel=C0PAY oncall=U0CAROL owner="Payments team"')
    (service,) = services(driver)
    assert (service.channel_id, service.oncall_id, service.owner) == ("C0PAY", "U0CAROL", "Payments team")
    assert "Payments team" in driver.command("/sla service list").all_text


def test_service_list_edit_and_clear(driver: SlackDriver) -> None:
    assert "No services yet" in driver.command("/sla service list").text
    driver.command("/sla service add checkout channel=C0CHECK")
    driver.command("/sla service add search")
    listing = driver.command("/sla service list")
    assert "Services (2)" in listing.all_text and "*checkout*" in listing.all_text and "*search*" in listing.all_text
    edited = driver.command("/sla service edit checkout tier=2 oncall=<@U0DAN|dan> channel=none name=checkout-api")
    assert "Service updated" in edited.text
    service = services(driver)[0]
    assert (service.name, service.tier, service.oncall_id, service.channel_id) == ("checkout-api", 2, "U0DAN", None)


def test_service_remove_asks_for_confirmation_when_it_has_objectives(driver: SlackDriver) -> None:
    driver.command("/sla service add checkout")
    driver.command("/sla define checkout availability target=99.9")
    answer = driver.command("/sla service remove checkout")
    assert "/sla service remove checkout confirm" in answer.text
    assert len(services(driver)) == 1 and len(objectives(driver)) == 1
    driver.command("/sla service remove checkout confirm")
    assert services(driver) == [] and objectives(driver) == []


def test_define_list_and_delete_objectives(driver: SlackDriver) -> None:
    driver.command("/sla service add checkout")
    answer = driver.command(
        "/sla define checkout availability target=99.95 window=28d kind=sla "
        'description="Checkout answers" tz=Europe/Berlin'
    )
    assert "checkout/availability" in answer.text and "SLA 99.95% over 28d" in answer.text
    driver.command("/sla define checkout/latency target=99 window=month source=events")
    (availability, latency) = objectives(driver)
    assert availability.target_percent == Decimal("99.95") and availability.window == "28d"
    assert availability.kind == "sla" and availability.timezone == "Europe/Berlin"
    assert availability.description == "Checkout answers"
    assert (latency.target_percent, latency.window, latency.source, latency.kind) == (
        Decimal(99),
        "month",
        "events",
        "slo",
    )
    listing = driver.command("/sla list checkout")
    assert "Objectives of checkout (2)" in listing.all_text and "checkout/latency" in listing.all_text
    assert "checkout/availability" in driver.command("/sla list").all_text
    assert "Deleted objective checkout/latency" in driver.command("/sla delete checkout/latency").text
    assert [o.name for o in objectives(driver)] == ["availability"]


# Every bad input: a short reply only the caller sees, the right usage, and nothing written.
BAD_INPUTS = [
    ("/sla frobnicate", "'frobnicate' is not a /sla command", "/sla help"),
    ("/sla service frob", "'frob' is not a /sla service command", "/sla service help"),
    ("/sla service add check out", "Give one service name", "/sla service add <name>"),  # no options: a form
    ("/sla service add checkout tier=7", "tier must be 1, 2, 3 or 4", "/sla service add"),
    ("/sla service add checkout colour=red", "unknown option colour=", "/sla service add"),
    ("/sla service add checkout channel=checkout", "is not a channel", "/sla service add"),
    ("/sla service add checkout oncall=bob", "is not a user or user group", "/sla service add"),
    ("/sla service add che/ckout", "is not a valid service name", "/sla service add"),
    ("/sla service add checkout", "already exists", "/sla service add"),  # duplicate
    ("/sla service edit nosuch tier=1", "There is no service 'nosuch'", "/sla service edit"),
    ("/sla service edit", "at least one key=value", "/sla service edit"),  # a name alone opens its form
    ("/sla service edit nosuch", "There is no service 'nosuch'", "/sla service edit"),
    ("/sla service remove nosuch", "There is no service 'nosuch'", "/sla service remove"),
    ("/sla define checkout avail", "target= is required", "/sla define"),
    ("/sla define checkout avail target=100", "above 0 and below 100", "/sla define"),
    ("/sla define checkout avail target=0", "above 0 and below 100", "/sla define"),
    ("/sla define checkout avail target=-5", "above 0 and below 100", "/sla define"),
    ("/sla define checkout avail target=abc", "above 0 and below 100", "/sla define"),
    ("/sla define checkout avail target=99.9 window=fortnight", "window must be", "/sla define"),
    ("/sla define checkout avail target=99.9 window=0d", "window must be", "/sla define"),
    ("/sla define checkout avail target=99.9 kind=xla", "kind must be slo, sla or ola", "/sla define"),
    ("/sla define checkout avail target=99.9 source=logs", "source must be incidents, events or", "/sla define"),
    ("/sla define checkout avail target=99.9 tz=Mars/Base", "tz= must be a time zone like", "/sla define"),
    ("/sla define nosuch avail target=99.9", "There is no service 'nosuch'", "/sla define"),
    ("/sla define checkout availability target=99.5", "already has an objective named availability", "/sla define"),
    ('/sla define checkout avail target=99.9 description="unclosed', "quote is not closed", "/sla define"),
    ("/sla delete checkout", "is not service/objective", "/sla delete"),
    ("/sla delete checkout/nosuch", "checkout has no objective 'nosuch'", "/sla delete"),
    ("/sla list nosuch", "There is no service 'nosuch'", "/sla list"),
]


@pytest.mark.parametrize(("line", "message", "usage"), BAD_INPUTS)
def test_bad_input_gets_a_short_private_reply_and_changes_nothing(
    driver: SlackDriver, line: str, message: str, usage: str
) -> None:
    driver.command("/sla service add checkout")
    driver.command("/sla define checkout availability target=99.9")
    before = ([(s.name, s.tier, s.channel_id) for s in services(driver)], [o.name for o in objectives(driver)])
    answer = driver.command(line)
    assert answer.ephemeral
    assert message in answer.text
    assert f"Usage: {usage}" in answer.text
    assert "Traceback" not in answer.all_text
    assert ([(s.name, s.tier, s.channel_id) for s in services(driver)], [o.name for o in objectives(driver)]) == before


def test_did_you_mean_for_a_misspelt_service(driver: SlackDriver) -> None:
    driver.command("/sla service add checkout")
    assert "Did you mean checkout?" in driver.command("/sla list chekout").text


@pytest.fixture
def admin_driver(runtime: Runtime, settings: Settings, slack: LocalSlack) -> SlackDriver:
    restricted = replace(runtime, settings=replace(settings, admins=frozenset({"U0ADMIN"})))
    return SlackDriver(restricted, slack)


@pytest.mark.parametrize(
    "line",
    [
        "/sla service add search",
        "/sla service edit checkout tier=1",
        "/sla service remove checkout confirm",
        "/sla define checkout latency target=99",
        "/sla delete checkout/availability",
    ],
)
def test_only_admins_change_the_catalogue(admin_driver: SlackDriver, line: str) -> None:
    admin_driver.command("/sla service add checkout", user="U0ADMIN")
    admin_driver.command("/sla define checkout availability target=99.9", user="U0ADMIN")
    answer = admin_driver.command(line, user="U0MALLORY")
    assert answer.ephemeral
    assert "Only slabot admins can change services, objectives and policies. Ask <@U0ADMIN>." in answer.text
    assert [s.name for s in services(admin_driver)] == ["checkout"]
    assert [(o.name, o.target_percent) for o in objectives(admin_driver)] == [("availability", Decimal("99.9"))]
    # reading stays open to everyone
    assert "checkout" in admin_driver.command("/sla service list", user="U0MALLORY").all_text
