"""The definition forms through signed requests against the local Slack: /sla service add, /sla service edit
<name>, /sla define and /sla maintenance add typed with no options open their modal (edit prefilled); a
submission is checked by the command's parsers and rules (errors beside the field, nothing stored), stores
exactly what the command stores and replies as it does; the objective form's selects lay it out again
(views.update) keeping what was typed. Every view is valid for slack_sdk and accepted by the local Slack."""

from __future__ import annotations

import io
import json
import time
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlmodel import select

from slabot.config.runtime import Runtime
from slabot.config.settings import Settings
from slabot.devtools.console import run_console
from slabot.devtools.console_views import fill, submitted_state
from slabot.devtools.localslack.view_limits import check_view
from slabot.render.ids import ActionId, CallbackId
from slabot.slack.modals.form_inputs import FormOrigin
from slabot.slack.modals.maintenance_form import MaintenanceModal
from slabot.slack.modals.objective_form import ObjectiveModal
from slabot.slack.modals.service_form import ServiceModal
from storage.models.catalog import MaintenanceWindow, Objective, Service
from tests.driver import CHANNEL, USER, SlackDriver, command_body, published_view, signed_headers

Rows = list[dict[str, Any]]


@pytest.fixture
def settings() -> Settings:
    """A Prometheus server that never answers (nothing listens on the discard port)."""
    return Settings(bot_token="xoxb-test", signing_secret="test-signing-secret", prometheus_url="http://127.0.0.1:9")


def open_form(driver: SlackDriver, line: str, user: str = USER) -> dict[str, Any]:
    """Type `line`; the modal it opened (no reply through response_url)."""
    command, _, text = line.partition(" ")
    replies = len(driver.slack.calls_to("response_url"))
    body = command_body(driver.slack, command, text, user, CHANNEL)
    assert driver.dispatch(body, signed_headers(driver.secret, body)).status == 200
    assert len(driver.slack.calls_to("response_url")) == replies, driver.slack.calls_to("response_url")[-1].args
    (view,) = driver.slack.open_views(user)
    return view


def submit(driver: SlackDriver, view: dict[str, Any], user: str = USER, **typed: str) -> dict[str, Any]:
    """Type `typed` into the open modal (as the console does) and submit it: the app's answer."""
    state = fill(view, list(typed.items()))
    shown = driver.slack.views.type_into(view["id"], state) if view.get("id") else {**view, "state": {"values": state}}
    ack = driver.submit_view(shown, submitted_state(shown), user=user)
    assert ack.status == 200, ack.body
    return json.loads(ack.body) if ack.body else {}


def choose(driver: SlackDriver, view: dict[str, Any], block: str, action: ActionId, value: str) -> dict[str, Any]:
    """Pick `value` in the select `block` that dispatches its action: the modal as the app laid it out again."""
    shown = driver.slack.views.type_into(view["id"], fill(view, [(block, value)]))
    picked = shown["state"]["values"][block][action]
    payload = {
        "type": "block_actions",
        "user": {"id": USER, "username": "alice", "name": "alice", "team_id": driver.slack.team_id},
        "api_app_id": "A0TEST",
        "token": "legacy",
        "container": {"type": "view", "view_id": shown["id"]},
        "trigger_id": driver.slack.new_trigger_id(USER),
        "team": {"id": driver.slack.team_id, "domain": "local"},
        "view": shown,
        "actions": [{"type": "static_select", "action_id": action, "block_id": block, **picked,
                     "action_ts": f"{time.time():.6f}"}],
    }  # fmt: skip
    assert driver.interact(payload).status == 200
    return driver.slack.view(shown["id"])


def replies(driver: SlackDriver) -> list[dict[str, Any]]:
    return [call.args for call in driver.slack.calls_to("response_url")]


def rows(driver: SlackDriver, model: type[Any]) -> Rows:
    with driver.runtime.db.session() as session:
        found = session.exec(select(model)).all()
        return [row.model_dump(exclude={"id", "created_at"}) for row in found]


def input_ids(view: dict[str, Any]) -> list[str]:
    return [str(b["block_id"]) for b in view["blocks"] if b["type"] == "input"]


# ---- the service form -------------------------------------------------------------------------------------


def test_service_add_with_no_options_opens_the_form_and_stores_what_the_command_stores(driver: SlackDriver) -> None:
    view = open_form(driver, "/sla service add")
    assert view["callback_id"] == CallbackId.SERVICE_FORM and view["title"]["text"] == "New service"
    assert input_ids(view) == ["name", "channel", "oncall", "oncall_group", "owner", "tier"]
    assert FormOrigin.loads(view["private_metadata"]).channel == CHANNEL

    answer = submit(driver, view, name="Checkout", channel="C0CHECK", oncall="U0BOB", owner="Payments", tier="Tier 2")
    assert answer == {} and driver.slack.open_views(USER) == []  # closed
    (reply,) = replies(driver)
    assert reply["response_type"] == "ephemeral" and "Service added: *checkout*" in reply["text"]
    from_form = rows(driver, Service)

    driver.command("/sla service remove checkout confirm")
    command = driver.command("/sla service add checkout channel=C0CHECK oncall=U0BOB owner=Payments tier=2")
    assert command.text == reply["text"]
    assert rows(driver, Service) == from_form


@pytest.mark.parametrize(
    ("typed", "block", "message"),
    [
        ({"name": "che/ckout"}, "name", "is not a valid service name"),
        ({"name": "checkout"}, "name", "A service named checkout already exists"),
        ({"name": "new", "oncall_group": "bob"}, "oncall_group", "is not a user or user group"),
        ({"name": "new", "oncall": "U0BOB", "oncall_group": "S0OPS"}, "oncall_group", "not both"),
        ({"name": "new", "owner": "x" * 300}, "owner", "owner= can be up to"),
    ],
)
def test_a_bad_service_is_refused_beside_its_field_and_nothing_is_stored(
    driver: SlackDriver, typed: dict[str, str], block: str, message: str
) -> None:
    driver.command("/sla service add checkout")
    before = rows(driver, Service)
    view = open_form(driver, "/sla service add")
    if block == "owner":  # longer than the input allows: what a forged submission would hold
        view["blocks"][4]["element"].pop("max_length")
        view = {k: v for k, v in view.items() if k != "id"}
    answer = submit(driver, view, **typed)
    assert answer["response_action"] == "errors" and list(answer["errors"]) == [block]
    assert message in answer["errors"][block]
    assert rows(driver, Service) == before and replies(driver)[1:] == []


def test_service_edit_opens_prefilled_and_saves_what_the_command_saves(driver: SlackDriver) -> None:
    driver.command("/sla service add checkout channel=C0CHECK oncall=S0OPS owner=Payments tier=3")
    view = open_form(driver, "/sla service edit checkout")
    assert view["title"]["text"] == "Edit service"
    state = submitted_state(view)
    held = {block: next(iter(entry.values())) for block, entry in state.items()}
    assert held["name"]["value"] == "checkout" and held["channel"]["selected_conversation"] == "C0CHECK"
    assert held["oncall_group"]["value"] == "S0OPS" and held["owner"]["value"] == "Payments"
    assert held["tier"]["selected_option"]["value"] == "3"

    assert submit(driver, view, name="checkout-api", owner="", tier="Tier 1") == {}
    assert "Service updated: *checkout-api*" in replies(driver)[-1]["text"]
    from_form = rows(driver, Service)
    driver.command("/sla service edit checkout-api name=checkout owner=Payments tier=3")  # back, then by command
    driver.command("/sla service edit checkout name=checkout-api owner=none tier=1")
    assert rows(driver, Service) == from_form

    assert "There is no service 'nosuch'" in driver.command("/sla service edit nosuch").text
    assert driver.slack.open_views(USER) == []


def test_admin_rules_apply_to_the_forms(driver: SlackDriver) -> None:
    object.__setattr__(driver.runtime.settings, "admins", frozenset({"U0ADMIN"}))
    assert "Only slabot admins" in driver.command("/sla service add").text  # no form for someone who cannot
    view = open_form(driver, "/sla service add", user="U0ADMIN")
    driver.slack.views.close(view["id"])
    answer = submit(driver, {k: v for k, v in view.items() if k != "id"}, name="checkout")  # submitted by another
    assert "Only slabot admins" in answer["errors"]["name"] and rows(driver, Service) == []


# ---- the objective form -----------------------------------------------------------------------------------


def test_define_with_no_options_opens_the_form_and_stores_what_the_command_stores(driver: SlackDriver) -> None:
    driver.command("/sla service add checkout")
    view = open_form(driver, "/sla define")
    assert view["callback_id"] == CallbackId.OBJECTIVE_FORM
    assert input_ids(view) == ["service", "name", "kind", "target", "window", "source", "description"]
    answer = submit(driver, view, service="checkout", name="availability", target="99.9", window="month",
                    kind="sla", description="Checkout answers")  # fmt: skip
    assert answer["response_action"] == "update" and "tz" in input_ids(answer["view"])  # a calendar needs its zone
    view = driver.slack.open_views(USER)[0]
    assert submit(driver, view, tz="Europe/Berlin") == {}
    assert "Defined *checkout/availability* SLA 99.9% over month" in replies(driver)[-1]["text"]
    from_form = rows(driver, Objective)

    driver.command("/sla delete checkout/availability")
    line = "/sla define checkout availability target=99.9 window=month kind=sla tz=Europe/Berlin"
    line += ' description="Checkout answers"'
    assert driver.command(line).text == replies(driver)[-3]["text"]
    assert rows(driver, Objective) == from_form


def test_define_with_a_service_preselects_it(driver: SlackDriver) -> None:
    driver.command("/sla service add checkout")
    driver.command("/sla service add search")
    view = open_form(driver, "/sla define search")
    assert view["blocks"][0]["element"]["initial_option"]["value"] == "search"
    assert "There are no services yet" not in driver.command("/sla define checkout/x").text  # a ref is the command


def test_define_with_no_services_says_to_add_one(driver: SlackDriver) -> None:
    assert "There are no services yet" in driver.command("/sla define").text


@pytest.mark.parametrize(
    ("typed", "block", "message"),
    [
        ({"target": "100"}, "target", "above 0 and below 100"),
        ({"target": "abc"}, "target", "above 0 and below 100"),
        ({"name": "availability"}, "name", "already has an objective named availability"),
        ({"name": "bad name"}, "name", "is not a valid objective name"),
        ({"description": "x" * 600}, "description", "description= can be up to"),
    ],
)
def test_a_bad_objective_is_refused_beside_its_field_and_nothing_is_stored(
    driver: SlackDriver, typed: dict[str, str], block: str, message: str
) -> None:
    driver.command("/sla service add checkout")
    driver.command("/sla define checkout availability target=99.9")
    before = rows(driver, Objective)
    view = open_form(driver, "/sla define checkout")
    for shown in view["blocks"]:
        shown.get("element", {}).pop("max_length", None)  # what a forged submission could hold
    values = {"name": "latency", "target": "99", **typed}
    answer = submit(driver, {k: v for k, v in view.items() if k != "id"}, **values)
    assert answer["response_action"] == "errors" and block in answer["errors"], answer
    assert message in answer["errors"][block]
    assert rows(driver, Objective) == before


def forged(view: dict[str, Any], block: str, value: str) -> dict[str, Any]:
    """The view with one more option in the select `block`, as a forged submission could pick."""
    copy = json.loads(json.dumps(view))
    for shown in copy["blocks"]:
        if shown["block_id"] == block:
            element = shown["element"]
            options = element.get("options") or element["option_groups"][0]["options"]
            options.append({"text": {"type": "plain_text", "text": value}, "value": value})
    return {k: v for k, v in copy.items() if k != "id"}


@pytest.mark.parametrize(
    ("block", "value", "message"),
    [("window", "45x", "window"), ("service", "nosuch", "There is no service 'nosuch'"), ("kind", "xla", "kind")],
)
def test_a_forged_choice_is_refused_beside_its_field(driver: SlackDriver, block: str, value: str, message: str) -> None:
    driver.command("/sla service add checkout")
    view = forged(open_form(driver, "/sla define checkout"), block, value)
    answer = submit(driver, view, name="latency", target="99", **{block: value})
    assert message in answer["errors"][block] and rows(driver, Objective) == []


def test_a_bad_zone_of_a_calendar_window_is_refused_beside_it(driver: SlackDriver) -> None:
    driver.command("/sla service add checkout")
    view = choose(driver, open_form(driver, "/sla define checkout"), "window", ActionId.FORM_WINDOW, "week")
    answer = submit(driver, view, name="latency", target="99", tz="Mars/Base")
    assert "tz= must be a time zone" in answer["errors"]["tz"] and rows(driver, Objective) == []


def test_the_source_select_shows_the_fields_it_needs_and_keeps_what_was_typed(driver: SlackDriver) -> None:
    driver.command("/sla service add checkout")
    view = open_form(driver, "/sla define checkout")
    view = driver.slack.views.type_into(view["id"], fill(view, [("name", "latency"), ("target", "99.5")]))
    view = choose(driver, view, "source", ActionId.FORM_SOURCE, "prometheus")
    assert input_ids(view) == [
        "service", "name", "kind", "target", "window", "source", "counts", "counted", "total", "datasource",
        "budgeting", "description",
    ]  # fmt: skip
    values = submitted_state(view)
    assert values["name"]["value"]["value"] == "latency" and values["target"]["value"]["value"] == "99.5"

    view = choose(driver, view, "budgeting", ActionId.FORM_BUDGETING, "timeslices")
    assert "slice" in input_ids(view)
    view = choose(driver, view, "source", ActionId.FORM_SOURCE, "events")
    assert "total" not in input_ids(view) and "slice" in input_ids(view)
    assert submitted_state(view)["name"]["value"]["value"] == "latency"
    view = choose(driver, view, "source", ActionId.FORM_SOURCE, "incidents")
    assert "budgeting" not in input_ids(view) and "slice" not in input_ids(view)

    view = choose(driver, view, "source", ActionId.FORM_SOURCE, "events")
    view = choose(driver, view, "budgeting", ActionId.FORM_BUDGETING, "timeslices")
    assert submit(driver, view, slice="95") == {}
    from_form = rows(driver, Objective)
    driver.command("/sla delete checkout/latency")
    driver.command("/sla define checkout latency target=99.5 source=events budgeting=timeslices slice=95")
    assert rows(driver, Objective) == from_form


def test_a_prometheus_objective_needs_its_total_query_beside_it(driver: SlackDriver) -> None:
    driver.command("/sla service add checkout")
    view = choose(driver, open_form(driver, "/sla define checkout"), "source", ActionId.FORM_SOURCE, "prometheus")
    answer = submit(driver, view, name="latency", target="99", counted='sum(http_requests_total{code="200"})')
    assert answer["response_action"] == "errors" and "needs total=" in answer["errors"]["total"]
    answer = submit(driver, view, counted="rate(", total="sum(http_requests_total)")
    assert "good=:" in answer["errors"]["counted"]
    answer = submit(driver, view, counted="sum(http_requests_total)", datasource="nosuch")
    assert "There is no Prometheus DataSource named nosuch" in answer["errors"]["datasource"]
    assert rows(driver, Objective) == []


def test_a_prometheus_objective_is_checked_after_working_and_a_refusal_shows_in_the_form(driver: SlackDriver) -> None:
    driver.command("/sla service add checkout")
    view = choose(driver, open_form(driver, "/sla define checkout"), "source", ActionId.FORM_SOURCE, "prometheus")
    answer = submit(driver, view, name="latency", target="99", counted="sum(ok_total)", total="sum(all_total)")
    assert answer["response_action"] == "update" and "Working…" in json.dumps(answer["view"], ensure_ascii=False)
    updates = [published_view(call) for call in driver.slack.calls_to("views.update")]
    (shown,) = driver.slack.open_views(USER)  # the form again, as typed, Prometheus's refusal beside the query
    assert shown["blocks"] == updates[-1]["blocks"]
    assert "Prometheus did not answer" in json.dumps(shown["blocks"])
    assert submitted_state(shown)["counted"]["value"]["value"] == "sum(ok_total)"
    assert rows(driver, Objective) == []


# ---- the maintenance form ---------------------------------------------------------------------------------


def test_maintenance_add_opens_the_form_and_stores_what_the_command_stores(driver: SlackDriver) -> None:
    driver.command("/sla service add checkout")
    driver.command("/sla define checkout availability target=99.9")
    view = open_form(driver, "/sla maintenance add")
    assert [b["element"]["type"] for b in view["blocks"] if b["block_id"] in ("start", "end")] == ["datetimepicker"] * 2
    typed = {"service": "checkout", "objective": "availability", "reason": "DB upgrade"}
    assert submit(driver, view, start="2026-12-01T02:00", end="2026-12-01T04:00", **typed) == {}
    assert "Maintenance" in replies(driver)[-1]["text"]
    from_form = rows(driver, MaintenanceWindow)
    driver.command("/sla maintenance remove 1")
    times = "start=2026-12-01T02:00Z end=2026-12-01T04:00Z"
    driver.command(f'/sla maintenance add checkout/availability {times} reason="DB upgrade"')
    assert rows(driver, MaintenanceWindow) == from_form


@pytest.mark.parametrize(
    ("typed", "block", "message"),
    [
        ({"start": "2026-12-01T04:00", "end": "2026-12-01T02:00"}, "end", "end= must be after start="),
        ({"start": "2026-12-01T04:00", "end": "2027-02-01T02:00"}, "end", "at most 31 days"),
        ({"objective": "nosuch"}, "objective", "checkout has no objective 'nosuch'"),
        ({"reason": "x" * 600}, "reason", "reason= can be up to"),
    ],
)
def test_a_bad_maintenance_window_is_refused_beside_its_field(
    driver: SlackDriver, typed: dict[str, str], block: str, message: str
) -> None:
    driver.command("/sla service add checkout")
    view = open_form(driver, "/sla maintenance add checkout")
    for shown in view["blocks"]:
        shown.get("element", {}).pop("max_length", None)
    answer = submit(driver, {k: v for k, v in view.items() if k != "id"}, **typed)
    assert message in answer["errors"][block] and rows(driver, MaintenanceWindow) == []


# ---- every view valid ---------------------------------------------------------------------------------------


def test_every_layout_is_a_valid_view_slack_accepts() -> None:
    origin = FormOrigin("C0OPS", "https://hooks.slack.com/commands/T0/1/" + "x" * 60)
    now = datetime(2026, 11, 20, 10, 17, tzinfo=UTC)
    services = tuple(f"service-{n}" for n in range(100))
    views = [ServiceModal(origin).view(), MaintenanceModal(origin, services, now, "service-3").view()]
    for source in ("incidents", "events", "prometheus"):
        for budgeting in ("occurrences", "timeslices"):
            for window in ("30d", "quarter"):
                draft = {"source": source, "budgeting": budgeting, "window": window}
                views.append(ObjectiveModal(origin, services, draft, problem=("total", "x" * 3000)).view())
    views.append(ObjectiveModal(origin, (*services, "one-more"), {}).view())  # typed, past 100 services
    for view in views:
        shown = view.to_dict()  # slack_sdk validates as it builds
        assert check_view(shown, "modal") is shown and len(shown["private_metadata"]) < 3000


CONSOLE = """\
/sla service add checkout channel=C0CHECKOUT
/sla define
submit service=checkout name=availability target=99.9 window=30d
/sla list
"""


def test_the_console_defines_an_objective_through_its_form(runtime: Runtime) -> None:
    out = io.StringIO()
    assert run_console(runtime, io.StringIO(CONSOLE), out, interactive=False) == 0
    text = out.getvalue()
    opened = text.split("> /sla define\n", 1)[1].split("> submit", 1)[0]
    assert "┌ New objective" in opened and "• Target (%) [target] (text)" in opened and "[Define] [Cancel]" in opened
    done = text.split("> submit", 1)[1]
    assert "[New objective submitted and closed]" in done
    assert "Defined *checkout/availability* SLO 99.9% over 30d" in done
    assert "Traceback" not in text and "Slack refused" not in text
