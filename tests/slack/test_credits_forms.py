"""Service credits through the forms and /sla edit: the objective forms show an SLA's credit schedule once SLA is
picked, store it as /sla define credits= does, refuse a bad one beside its field; /sla edit changes or clears it."""

from __future__ import annotations

import pytest
from sqlmodel import select

from slabot.render.ids import ActionId
from storage.models.catalog import Objective
from tests.driver import SlackDriver
from tests.slack.test_definition_modals import choose, input_ids, open_form, replies, submit


def credits_of(driver: SlackDriver, name: str) -> str | None:
    with driver.runtime.db.session() as session:
        return session.exec(select(Objective).where(Objective.name == name)).one().credits


@pytest.fixture
def checkout(driver: SlackDriver) -> SlackDriver:
    driver.command("/sla service add checkout channel=C0CHECK")
    return driver


def test_picking_sla_shows_the_credits_and_the_form_stores_them(checkout: SlackDriver) -> None:
    view = open_form(checkout, "/sla define checkout")
    assert "credits" not in input_ids(view)
    view = choose(checkout, view, "kind", ActionId.FORM_KIND, "sla")
    assert input_ids(view)[input_ids(view).index("target") + 1] == "credits"
    assert submit(checkout, view, name="api", target="99.9", credits="99.9:10, 99.5 : 25%,99:50") == {}
    assert credits_of(checkout, "api") == "99.9:10,99.5:25,99:50"
    assert replies(checkout)[-1]["text"].startswith(":white_check_mark:")


def test_a_bad_schedule_is_refused_beside_its_field_and_nothing_is_stored(checkout: SlackDriver) -> None:
    view = choose(checkout, open_form(checkout, "/sla define checkout"), "kind", ActionId.FORM_KIND, "sla")
    answer = submit(checkout, view, name="api", target="99.9", credits="99:10,99.5:25")
    assert answer["response_action"] == "errors" and list(answer["errors"]) == ["credits"], answer
    with checkout.runtime.db.session() as session:
        assert session.exec(select(Objective)).all() == []


def test_edit_changes_and_clears_the_credits(checkout: SlackDriver) -> None:
    checkout.command('/sla define checkout api target=99.9 kind=sla credits="99.9:10"')
    changed = checkout.command('/sla edit checkout/api credits="99.9:10,99:50"')
    assert "service credits 99.9:10 → 99.9:10,99:50" in changed.text
    assert credits_of(checkout, "api") == "99.9:10,99:50"
    view = open_form(checkout, "/sla edit checkout/api")
    assert "credits" in input_ids(view)
    assert submit(checkout, view, credits="") == {}  # emptied: cleared, as credits=none
    assert credits_of(checkout, "api") is None
    refused = checkout.command('/sla edit checkout/api kind=slo credits="99.9:10"')
    assert refused.text.startswith(":warning: credits= is for SLAs")
    assert credits_of(checkout, "api") is None


def test_the_objective_list_shows_an_slas_credits(checkout: SlackDriver) -> None:
    checkout.command('/sla define checkout api target=99.9 kind=sla credits="99.9:10,99:50"')
    checkout.command("/sla define checkout web target=99.5")
    listed = checkout.command("/sla list checkout").all_text
    assert "*checkout/api* SLA 99.9% over 30d · from incidents · service credits 99.9:10,99:50" in listed
    web = [line for line in listed.splitlines() if "*checkout/web*" in line]
    assert web and not any("service credits" in line for line in web)
