"""The App Home through signed requests: app_home_opened publishes the person's Home (summary, objectives
worst first, open incidents with their timers and buttons, their action items), its buttons act as the
slash commands do and publish it again, within Slack's 100 blocks a view."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from slack_sdk.models.views import View
from sqlmodel import select

from slabot.home.dashboard import STATE_RANK, worst_first
from slabot.render.ids import ActionId
from slabot.slo.ingest import Point, ingest
from slabot.slo.standing import standings
from slabot.slo.status import ObjectiveStatus, State, statuses
from storage.models.catalog import MaintenanceWindow, Objective, Service
from storage.models.incidents import Incident, IncidentStatus
from storage.models.rca import ActionItem, ActionItemStatus
from storage.queries import catalog as catalog_queries
from tests.conftest import FakeClock
from tests.driver import SlackDriver, published_view

ALICE, CAROL = "U0ALICE", "U0CAROL"  # Alice is on call for checkout; Carol for nothing


def texts(view: dict[str, Any]) -> list[str]:
    """Every text of the view's blocks, in order (section text, context elements, header)."""
    found = []
    for block in view["blocks"]:
        if isinstance(block.get("text"), dict):
            found.append(block["text"]["text"])
        found += [e["text"] for e in block.get("elements") or [] if isinstance(e.get("text"), str)]
    return found


def buttons(view: dict[str, Any], action_id: str) -> list[str]:
    """The values of the buttons `action_id` in the view."""
    values = []
    for block in view["blocks"]:
        for element in [*(block.get("elements") or []), *([block["accessory"]] if block.get("accessory") else [])]:
            if element.get("type") == "button" and element.get("action_id") == action_id:
                values.append(element.get("value"))
    return values


def valid(view: dict[str, Any]) -> dict[str, Any]:
    """The view checked by slack_sdk's own model (100 blocks, private_metadata length, home structure)."""
    keys = ("type", "blocks", "private_metadata", "callback_id", "title", "close")
    View(**{k: view[k] for k in keys if k in view}).to_dict()
    assert len(view["blocks"]) <= 100
    return view


@pytest.fixture
def catalogue(driver: SlackDriver) -> SlackDriver:
    driver.command("/sla service add checkout channel=<#C0CHECK|checkout> oncall=<@U0ALICE|alice>")
    driver.command("/sla service add search channel=<#C0SEARCH|search> oncall=<@U0BOB|bob>")
    driver.command("/sla define checkout availability target=99.9 window=30d")
    driver.command("/sla define search availability target=99.9 window=30d")
    driver.command("/incident open checkout sev1 Payments fail <!channel> started=35m")
    return driver


def test_the_home_shows_the_summary_the_worst_objective_first_and_the_open_incident(catalogue: SlackDriver) -> None:
    home = valid(catalogue.open_home(CAROL))  # on call for nothing: every service
    shown = texts(home)
    summary = next(t for t in shown if t.startswith("*Objectives*"))
    assert "(all services)" in summary and "0 exhausted · 1 at risk · 0 no data · 1 healthy" in summary
    objectives = [t for t in shown if "/availability*" in t]
    assert "checkout/availability" in objectives[0] and "search/availability" in objectives[1]
    assert "Attainment *99.9%*" in objectives[0] and "budget 8m 12s of 43m 12s" in objectives[0]
    assert "at risk" in objectives[0]
    assert buttons(home, ActionId.HOME_BUDGET) == ["checkout/availability", "search/availability"]
    incident = next(t for t in shown if "Payments fail" in t)
    assert "&lt;!channel&gt;" in incident and "<!channel>" not in incident  # typed text never pings
    assert "*Response*" in incident or "Response" in incident
    assert buttons(home, ActionId.HOME_ACKNOWLEDGE) == ["1"] and buttons(home, ActionId.HOME_RESOLVE) == ["1"]
    assert home["private_metadata"] == "all"


def test_acknowledge_on_the_home_acknowledges_posts_in_the_thread_and_publishes_again(
    catalogue: SlackDriver, clock: FakeClock
) -> None:
    home = catalogue.open_home(ALICE)
    posts_before = len(catalogue.posts("C0CHECK"))
    clock.advance(minutes=1)
    catalogue.click_view(home, ActionId.HOME_ACKNOWLEDGE, value="1", user=ALICE)
    with catalogue.runtime.db.session() as session:
        incident = session.exec(select(Incident)).one()
    assert incident.status == IncidentStatus.ACKNOWLEDGED and incident.acknowledged_by == ALICE
    notes = [p.args["text"] for p in catalogue.posts("C0CHECK")[posts_before:]]
    assert any("acknowledged incident #1" in text for text in notes)
    again = valid(catalogue.last_home(ALICE))
    assert "Acknowledged incident #1" in texts(again)[0]  # what the click did, on top
    assert buttons(again, ActionId.HOME_ACKNOWLEDGE) == [] and buttons(again, ActionId.HOME_RESOLVE) == ["1"]
    catalogue.click_view(home, ActionId.HOME_ACKNOWLEDGE, value="1", user=CAROL)  # the old Home, clicked again
    assert "already acknowledged" in texts(catalogue.last_home(CAROL))[0]


def test_done_on_an_action_item_closes_it_and_publishes_again(catalogue: SlackDriver) -> None:
    with catalogue.runtime.db.session() as session:
        session.add(
            ActionItem(
                incident_id=1, text="add a <!here> alarm", owner_id=ALICE, due=date(2030, 1, 1), created_by=CAROL
            )
        )
    home = catalogue.open_home(ALICE)
    assert any("add a &lt;!here&gt; alarm" in t for t in texts(home))
    catalogue.click_view(home, ActionId.HOME_ACTION_DONE, value="1", user=ALICE)
    with catalogue.runtime.db.session() as session:
        item = session.exec(select(ActionItem)).one()
    assert item.status == ActionItemStatus.DONE and item.done_by == ALICE
    again = catalogue.last_home(ALICE)
    assert "Closed action item #1" in texts(again)[0] and buttons(again, ActionId.HOME_ACTION_DONE) == []


def test_my_services_first_with_a_switch_to_all_remembered_by_the_view(catalogue: SlackDriver) -> None:
    mine = catalogue.open_home(ALICE)
    assert mine["private_metadata"] == "mine" and buttons(mine, ActionId.HOME_BUDGET) == ["checkout/availability"]
    assert buttons(mine, ActionId.HOME_SCOPE) == ["all"]
    catalogue.click_view(mine, ActionId.HOME_SCOPE, value="all", user=ALICE)
    every = catalogue.last_home(ALICE)
    assert every["private_metadata"] == "all" and len(buttons(every, ActionId.HOME_BUDGET)) == 2
    assert buttons(every, ActionId.HOME_SCOPE) == ["mine"]
    reopened = catalogue.open_home(ALICE, shown=every)  # Slack sends the Home shown before with the event
    assert reopened["private_metadata"] == "all"


def test_a_large_catalogue_stays_within_100_blocks_with_and_n_more(driver: SlackDriver, clock: FakeClock) -> None:
    with driver.runtime.db.session() as session:
        for s in range(40):
            service = Service(name=f"svc-{s:02d}", channel_id="C0BIG", oncall_id=ALICE, created_by=CAROL)
            session.add(service)
            session.flush()
            for name in ("availability", "latency"):
                session.add(
                    Objective(service_id=service.id, name=name, target_percent=Decimal("99.9"), created_by=CAROL)
                )
            incident = Incident(
                service_id=service.id,
                severity=1 + s % 4,
                title=f"down {s}",
                impact_percent=Decimal(10),
                started_at=clock.now - timedelta(minutes=s + 1),
                opened_by=CAROL,
            )
            session.add(incident)
            session.flush()
            session.add(
                ActionItem(
                    incident_id=incident.id, text=f"fix {s}", owner_id=ALICE, due=date(2030, 1, 1), created_by=CAROL
                )
            )
    home = valid(driver.open_home(ALICE))
    shown = "\n".join(texts(home))
    assert "…and 65 more objectives: /sla status" in shown
    assert "…and 30 more incidents: /incident list" in shown
    assert "…and 30 more action items: /sla actions open" in shown


def test_an_empty_catalogue_shows_a_friendly_home_with_the_buttons(driver: SlackDriver) -> None:
    home = valid(driver.open_home(CAROL))
    assert any("Welcome to slabot" in t for t in texts(home))
    for action in (
        ActionId.HOME_DECLARE_INCIDENT,
        ActionId.HOME_NEW_SERVICE,
        ActionId.HOME_NEW_OBJECTIVE,
        ActionId.HOME_MAINTENANCE,
    ):
        assert len(buttons(home, action)) == 1
    assert buttons(home, ActionId.HOME_SCOPE) == []


def test_budget_opens_the_budget_reply_in_a_modal(catalogue: SlackDriver) -> None:
    home = catalogue.open_home(CAROL)
    catalogue.click_view(home, ActionId.HOME_BUDGET, value="checkout/availability", user=CAROL)
    modal = valid(published_view(catalogue.slack.calls_to("views.open")[-1]))
    assert modal["type"] == "modal" and modal["title"]["text"] == "Error budget"
    assert modal["blocks"] == catalogue.command("/sla budget checkout/availability", user=CAROL).blocks


def test_the_buttons_that_start_something_open_their_forms(catalogue: SlackDriver) -> None:
    home = catalogue.open_home(CAROL)
    catalogue.click_view(home, ActionId.HOME_NEW_SERVICE, user=CAROL)
    form = valid(published_view(catalogue.slack.calls_to("views.open")[-1]))
    assert form["title"]["text"] == "New service" and form["submit"]["text"]
    assert next(b["block_id"] for b in form["blocks"] if b["type"] == "input") == "name"
    catalogue.click_view(home, ActionId.HOME_NEW_OBJECTIVE, user=CAROL)
    objective = valid(published_view(catalogue.slack.calls_to("views.open")[-1]))
    assert objective["title"]["text"] == "New objective"
    assert catalogue.slack.open_views(CAROL)  # the local Slack took the forms as Slack would
    catalogue.click_view(home, ActionId.HOME_DECLARE_INCIDENT, user=CAROL)
    declare = valid(published_view(catalogue.slack.calls_to("views.open")[-1]))  # the shortcut's form
    assert declare["title"]["text"] == "Declare incident" and declare["callback_id"] == "declare_incident_modal"
    service = next(b for b in declare["blocks"] if b.get("block_id") == "incident_service")
    assert [o["value"] for o in service["element"]["options"]] == ["checkout", "search"]


def test_the_home_ranks_every_objective_exactly_as_its_full_status_would(driver: SlackDriver, clock: FakeClock) -> None:
    """The Home ranks by standings (each window alone, in integers); the order and states must be those the
    full statuses give: overlapping and ongoing incidents, maintenance, calendar windows in a zone of their
    own, a window wholly excluded, events counted by occurrence and by timeslice, and no events at all."""
    now, day = clock.now, timedelta(days=1)
    with driver.runtime.db.session() as session:
        alpha, beta, gamma = (Service(name=n, channel_id="C0RANK", created_by=CAROL) for n in ("a", "b", "c"))
        session.add_all([alpha, beta, gamma])
        session.flush()
        specs = [
            (alpha, "a30", "99.9", "30d", None, "incidents", "occurrences"),
            (alpha, "a7", "99.5", "7d", None, "incidents", "occurrences"),
            (alpha, "amonth", "95", "month", None, "incidents", "occurrences"),
            (alpha, "aquarter", "99", "quarter", "Asia/Kolkata", "incidents", "occurrences"),
            (alpha, "aweek", "99.9", "week", "America/New_York", "incidents", "occurrences"),
            (beta, "b1d", "99.9", "1d", None, "incidents", "occurrences"),
            (beta, "b7", "99.99", "7d", None, "incidents", "occurrences"),
            (beta, "b90", "99", "90d", None, "incidents", "occurrences"),
            (gamma, "requests", "99.7", "7d", None, "events", "occurrences"),
            (gamma, "slices", "90", "7d", None, "events", "timeslices"),
            (gamma, "silent", "99", "7d", None, "events", "occurrences"),
        ]
        made = {}
        for service, name, target, window, zone, source, budgeting in specs:
            made[name] = Objective(
                service_id=service.id,
                name=name,
                target_percent=Decimal(target),
                window=window,
                timezone=zone,
                source=source,
                budgeting=budgeting,
                slice_target_percent=Decimal("99") if budgeting == "timeslices" else None,
                created_by=CAROL,
            )
        session.add_all(made.values())
        session.flush()
        for service, started, hours, impact in (
            (alpha, now - 3 * day, 5, "100"),
            (alpha, now - 3 * day + timedelta(hours=2, microseconds=250), 6, "50"),
            (alpha, now - timedelta(hours=7), None, "12.5"),
            (beta, now - 2 * day, 3, "33.3"),
            (beta, now - 40 * day, 2, "100"),
        ):
            session.add(
                Incident(
                    service_id=service.id,
                    severity=2,
                    title="down",
                    impact_percent=Decimal(impact),
                    started_at=started,
                    resolved_at=None if hours is None else started + timedelta(hours=hours),
                    status=IncidentStatus.OPEN if hours is None else IncidentStatus.RESOLVED,
                    opened_by=CAROL,
                )
            )
        for service, objective, start, end in (
            (alpha, None, now - 3 * day + timedelta(hours=1), now - 3 * day + timedelta(hours=3)),
            (alpha, made["a7"].id, now - 3 * day, now - 3 * day + timedelta(hours=4)),
            (beta, made["b1d"].id, now - 2 * day, now + day),
        ):
            session.add(
                MaintenanceWindow(
                    service_id=service.id, objective_id=objective, starts_at=start, ends_at=end, created_by=CAROL
                )
            )
        minutes = [Point(now - timedelta(minutes=m + 1), 950 if m < 30 else 1000, 1000) for m in range(600)]
        ingest(session, made["requests"], minutes, now)
        ingest(session, made["slices"], minutes, now)
    zone = driver.runtime.settings.timezone
    with driver.runtime.db.snapshot() as session:
        full = statuses(session, now, zone, catalog_queries.objectives_with_services(session))
        ranked = standings(session, now, zone, catalog_queries.objective_rows(session))
    assert [(s.objective.id, s.state, s.left_fraction) for s in ranked] == [
        (f.objective.id, f.state, f.report.left_fraction) for f in full
    ]
    assert {s.state for s in ranked} == set(State)

    def before(status: ObjectiveStatus) -> tuple[int, Fraction, str, str]:  # the Home's order, as it was
        left = status.report.left_fraction
        rank = STATE_RANK[status.state]
        return (rank, Fraction(2) if left is None else left, status.service.name, status.objective.name)

    assert [s.objective.name for s in worst_first(ranked)] == [f.objective.name for f in sorted(full, key=before)]
