"""Editing an objective through signed requests against the local Slack: /sla edit with options changes it in
place (same id, its counts kept) and says what changed; typed with just the objective it opens the Edit objective
form, filled in as stored, whose submission goes through the same function (errors beside the field, nothing
stored until valid; the window select lays it out again); and the console opens and submits it."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlmodel import select

from slabot.catalog.objectives import ObjectiveSpec
from slabot.config.runtime import Runtime
from slabot.core.windows import WindowSpec
from slabot.devtools.console import run_console
from slabot.devtools.console_views import submitted_state
from slabot.devtools.localslack.view_limits import check_view
from slabot.render.ids import ActionId, CallbackId
from slabot.slack.modals.form_inputs import FormOrigin
from slabot.slack.modals.objective_form import ObjectiveModal
from slabot.slo.ingest import Point, event_objective, ingest
from slabot.sources.prometheus_objectives import Queries, define_pulled_objective
from storage.models.catalog import Objective
from storage.models.prometheus import PrometheusSource
from storage.models.slo import SliMinute
from tests.driver import USER, SlackDriver
from tests.slack.test_definition_modals import choose, input_ids, open_form, replies, submit

EDITED = ("kind", "target_percent", "window", "timezone", "budgeting", "slice_target_percent", "description")


def stored(driver: SlackDriver, name: str = "availability") -> dict[str, Any]:
    with driver.runtime.db.session() as session:
        row = session.exec(select(Objective).where(Objective.name == name)).one()
        return row.model_dump()


def minutes(driver: SlackDriver) -> int:
    with driver.runtime.db.session() as session:
        return len(session.exec(select(SliMinute)).all())


def definition(driver: SlackDriver, name: str = "availability") -> dict[str, Any]:
    return {key: stored(driver, name)[key] for key in ("id", *EDITED)}


@pytest.fixture
def checkout(driver: SlackDriver) -> SlackDriver:
    driver.command("/sla service add checkout channel=C0CHECK")
    driver.command("/sla define checkout availability target=99.9")
    driver.command(
        "/sla define checkout latency target=99 window=month tz=Europe/Berlin source=events budgeting=timeslices "
        'slice=95 description="Fast enough"'
    )
    return driver


# ---- the command ---------------------------------------------------------------------------------------------


def test_an_edit_changes_the_objective_in_place_and_says_what_changed(checkout: SlackDriver, clock: Any) -> None:
    with checkout.runtime.db.session() as session:
        objective = event_objective(session, "checkout", "latency")
        points = [Point(clock.now - timedelta(minutes=m + 1), 90, 100) for m in range(60)]
        assert ingest(session, objective, points, checkout.runtime.now()) == 60
    before = stored(checkout, "latency")

    reply = checkout.command('/sla edit checkout/latency target=99.5 kind=sla tz=none description="Fast, <!here>"')
    assert reply.ephemeral
    assert reply.text == (
        ":white_check_mark: Changed *checkout/latency*: target 99% → 99.5%; time zone Europe/Berlin → none; "
        'kind SLO → SLA; description "Fast enough" → "Fast, &lt;!here&gt;".'
    )
    assert "*checkout/latency* SLA 99.5% over month · from events" in reply.all_text
    after = stored(checkout, "latency")
    assert after["id"] == before["id"] and after["created_at"] == before["created_at"]
    assert (after["target_percent"], after["kind"], after["timezone"]) == (Decimal("99.5"), "sla", None)
    assert after["description"] == "Fast, <!here>" and after["slice_target_percent"] == Decimal(95)
    assert minutes(checkout) == 60  # its counts are kept

    reply = checkout.command("/sla edit checkout latency window=7d budgeting=occurrences")  # a space works too
    assert "window month → 7d; budgeting timeslices → occurrences; slice target 95% → none." in reply.text
    assert stored(checkout, "latency")["slice_target_percent"] is None  # a slice target goes with timeslices


def test_an_edit_that_changes_nothing_says_so(checkout: SlackDriver) -> None:
    before = definition(checkout)
    reply = checkout.command("/sla edit checkout/availability target=99.90 window=30d kind=slo")
    assert reply.text.startswith(":information_source: Nothing changed: *checkout/availability* already has")
    assert definition(checkout) == before


def test_an_unknown_objective_or_service_is_named(checkout: SlackDriver) -> None:
    reply = checkout.command("/sla edit checkout/availabilty target=99")
    assert "checkout has no objective 'availabilty'. Did you mean availability?" in reply.text
    assert "There is no service 'nosuch'" in checkout.command("/sla edit nosuch/availability target=99").text
    assert "There is no service 'nosuch'" in checkout.command("/sla edit nosuch/availability").text


def test_only_admins_edit(checkout: SlackDriver) -> None:
    object.__setattr__(checkout.runtime.settings, "admins", frozenset({"U0ADMIN"}))
    before = definition(checkout)
    assert "Only slabot admins" in checkout.command("/sla edit checkout/availability target=99").text
    assert "Only slabot admins" in checkout.command("/sla edit checkout/availability").text  # no form either
    assert checkout.slack.open_views("U0ADMIN") == [] and definition(checkout) == before
    assert "Changed" in checkout.command("/sla edit checkout/availability target=99", user="U0ADMIN").text


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("", "like: /sla edit checkout/availability target=99.95"),
        ("checkout target=99", "'checkout' is not service/objective: write it like checkout/availability"),
        ("checkout a b target=99", "Give one objective as service/name, then what to change, like: /sla edit"),
        ("checkout/availability target=100", "target must be a percentage above 0 and below 100, like 99.9"),
        ("checkout/availability target=", "target must be a percentage above 0 and below 100, like 99.9"),
        ("checkout/availability window=45x", "window must be Nd (1 to 400 days), week, month or quarter"),
        ("checkout/availability kind=xla", "kind must be slo, sla or ola (got 'xla')"),
        ("checkout/availability tz=Mars/Base", "tz= must be a time zone like Europe/Berlin"),
        ("checkout/availability budgeting=timeslices", "counts incident downtime, so budgeting=timeslices does not"),
        ("checkout/latency budgeting=occurrences slice=90", "slice= is the target of each one-minute slice: use it"),
        ("checkout/latency slice=0", "slice must be a percentage above 0 and at most 100"),
        ("checkout/availability description=" + "x" * 501, "description= can be up to 500 characters"),
        ("checkout/availability name=uptime", "name= cannot be edited: an objective's name, service, source"),
        ("checkout/availability source=events", "delete it with /sla delete checkout/availability and define it"),
        ('checkout/latency good="sum(ok_total)"', "good= cannot be edited"),
        ("checkout/availability owner=x", "unknown option owner="),
    ],
)
def test_a_bad_edit_says_what_to_type_and_changes_nothing(checkout: SlackDriver, line: str, message: str) -> None:
    before = definition(checkout), definition(checkout, "latency")
    reply = checkout.command(f"/sla edit {line}".strip())
    assert message in reply.text, reply.text
    assert (definition(checkout), definition(checkout, "latency")) == before


def test_an_edit_that_would_leave_an_alert_rule_unable_to_fire_is_refused(checkout: SlackDriver) -> None:
    checkout.command("/sla policy checkout/availability page:2%:1h/5m")
    before = definition(checkout)
    reply = checkout.command("/sla edit checkout/availability target=50")
    assert "With that change an alert rule of checkout/availability could not work" in reply.text
    assert "/sla policy checkout/availability reset" in reply.text and definition(checkout) == before
    assert "Changed" in checkout.command("/sla edit checkout/availability description=Kept").text  # rules untouched


def pulled(driver: SlackDriver) -> None:
    spec = ObjectiveSpec("pulled", Decimal("99.9"), WindowSpec.parse("7d"))
    with driver.runtime.db.session() as session:
        objective, _ = define_pulled_objective(
            session, "checkout", spec, Queries(total="sum(all_total)", good="sum(ok_total)"), "U0"
        )
        source = session.get(PrometheusSource, objective.id)
        assert source is not None
        source.pulled_until = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
        session.add(source)


def source_row(driver: SlackDriver) -> dict[str, Any]:
    with driver.runtime.db.session() as session:
        return session.exec(select(PrometheusSource)).one().model_dump()


def test_a_pulled_objective_keeps_its_queries_and_pulls_a_longer_window_again(checkout: SlackDriver) -> None:
    pulled(checkout)
    reply = checkout.command("/sla edit checkout/pulled target=99.5 budgeting=timeslices slice=90")
    assert "from Prometheus" in reply.all_text and "again" not in reply.all_text
    assert source_row(checkout)["pulled_until"] is not None  # the window is the same: nothing to pull again
    reply = checkout.command("/sla edit checkout/pulled window=30d")
    assert "window 7d → 30d." in reply.text and "the next pulls ask Prometheus for all of it again" in reply.all_text
    row = source_row(checkout)
    assert (row["good_query"], row["total_query"], row["pulled_until"]) == ("sum(ok_total)", "sum(all_total)", None)
    assert (stored(checkout, "pulled")["window"], stored(checkout, "pulled")["budgeting"]) == ("30d", "timeslices")


# ---- the form ------------------------------------------------------------------------------------------------


def held(view: dict[str, Any]) -> dict[str, str]:
    """What each input of the view holds (as Slack would submit it untouched)."""
    found = {}
    for block, entry in submitted_state(view).items():
        value = next(iter(entry.values()))
        found[block] = str((value.get("selected_option") or {}).get("value") or value.get("value") or "")
    return found


def test_edit_with_just_the_objective_opens_the_form_prefilled(checkout: SlackDriver) -> None:
    view = open_form(checkout, "/sla edit checkout/latency")
    assert view["callback_id"] == CallbackId.OBJECTIVE_EDIT_FORM
    assert (view["title"]["text"], view["submit"]["text"]) == ("Edit objective", "Save")
    assert input_ids(view) == ["kind", "target", "window", "tz", "budgeting", "slice", "description"]
    assert held(view) == {
        "kind": "slo", "target": "99", "window": "month", "tz": "Europe/Berlin", "budgeting": "timeslices",
        "slice": "95", "description": "Fast enough",
    }  # fmt: skip
    fixed = json.dumps(view["blocks"][:2], ensure_ascii=False)
    assert "*checkout/latency* · from events (pushed counts)" in fixed and "/sla delete checkout/latency" in fixed
    assert FormOrigin.loads(view["private_metadata"]).editing == "checkout/latency"

    view = open_form(checkout, "/sla edit checkout/availability")
    assert input_ids(view) == ["kind", "target", "window", "description"]  # incidents: no budgeting
    pulled(checkout)
    view = open_form(checkout, "/sla edit checkout/pulled")
    assert "from Prometheus" in json.dumps(view["blocks"][:1], ensure_ascii=False) and "budgeting" in input_ids(view)
    assert "total" not in input_ids(view) and "source" not in input_ids(view)


def test_a_stored_window_the_list_lacks_is_offered(checkout: SlackDriver) -> None:
    checkout.command("/sla edit checkout/availability window=14d")
    view = open_form(checkout, "/sla edit checkout/availability")
    assert held(view)["window"] == "14d"
    assert submit(checkout, view, target="99.8") == {}
    assert stored(checkout)["window"] == "14d" and stored(checkout)["target_percent"] == Decimal("99.8")


def test_submitting_the_form_stores_what_the_command_stores(checkout: SlackDriver) -> None:
    view = open_form(checkout, "/sla edit checkout/latency")
    assert submit(checkout, view, target="99.5", kind="sla", tz="", description="") == {}
    assert checkout.slack.open_views(USER) == []  # closed
    reply = replies(checkout)[-1]
    assert reply["response_type"] == "ephemeral"
    assert reply["text"] == (
        ":white_check_mark: Changed *checkout/latency*: target 99% → 99.5%; time zone Europe/Berlin → none; "
        'kind SLO → SLA; description "Fast enough" → none.'
    )
    from_form = definition(checkout, "latency")
    checkout.command('/sla edit checkout/latency target=99 kind=slo tz=Europe/Berlin description="Fast enough"')
    checkout.command("/sla edit checkout/latency target=99.5 kind=sla tz=none description=none")
    assert definition(checkout, "latency") == from_form

    view = open_form(checkout, "/sla edit checkout/latency")
    assert submit(checkout, view) == {}
    assert replies(checkout)[-1]["text"].startswith(":information_source: Nothing changed")


@pytest.mark.parametrize(
    ("typed", "block", "message"),
    [
        ({"target": "100"}, "target", "above 0 and below 100"),
        ({"target": ""}, "target", "above 0 and below 100"),
        ({"tz": "Mars/Base"}, "tz", "tz= must be a time zone"),
        ({"slice": "abc"}, "slice", "slice must be a percentage"),
        ({"description": "x" * 600}, "description", "description= can be up to"),
    ],
)
def test_a_bad_submission_is_refused_beside_its_field_and_nothing_is_stored(
    checkout: SlackDriver, typed: dict[str, str], block: str, message: str
) -> None:
    before, told = definition(checkout, "latency"), len(replies(checkout))
    view = open_form(checkout, "/sla edit checkout/latency")
    for shown in view["blocks"]:
        shown.get("element", {}).pop("max_length", None)  # what a forged submission could hold
    answer = submit(checkout, {k: v for k, v in view.items() if k != "id"}, **typed)
    assert answer["response_action"] == "errors" and list(answer["errors"]) == [block], answer
    assert message in answer["errors"][block]
    assert definition(checkout, "latency") == before and len(replies(checkout)) == told


def test_a_refusal_of_the_rules_comes_back_beside_its_field(checkout: SlackDriver) -> None:
    checkout.command("/sla policy checkout/availability page:2%:1h/5m")
    view = open_form(checkout, "/sla edit checkout/availability")
    answer = submit(checkout, view, target="50")
    assert "could not work" in answer["errors"]["target"] and stored(checkout)["target_percent"] == Decimal("99.9")


def test_a_calendar_window_lays_the_form_out_again_with_its_zone(checkout: SlackDriver) -> None:
    view = open_form(checkout, "/sla edit checkout/availability")
    view = choose(checkout, view, "window", ActionId.FORM_WINDOW, "quarter")
    assert view["callback_id"] == CallbackId.OBJECTIVE_EDIT_FORM and view["title"]["text"] == "Edit objective"
    assert input_ids(view) == ["kind", "target", "window", "tz", "description"]
    assert "*checkout/availability*" in json.dumps(view["blocks"][0])
    assert submit(checkout, view, tz="Asia/Shanghai") == {}
    assert "window 30d → quarter; time zone none → Asia/Shanghai." in replies(checkout)[-1]["text"]
    assert (stored(checkout)["window"], stored(checkout)["timezone"]) == ("quarter", "Asia/Shanghai")


def test_a_window_changed_with_no_zone_shown_yet_lays_it_out_first(checkout: SlackDriver) -> None:
    view = open_form(checkout, "/sla edit checkout/availability")
    answer = submit(checkout, view, window="month")  # the select's action never reached the app
    assert answer["response_action"] == "update" and "tz" in input_ids(answer["view"])
    assert stored(checkout)["window"] == "30d"


def test_every_edit_layout_is_a_valid_view_slack_accepts() -> None:
    origin = FormOrigin("C0OPS", "https://hooks.slack.com/commands/T0/1/" + "x" * 60)
    for source in ("incidents", "events", "prometheus"):
        for budgeting, window in (("occurrences", "30d"), ("timeslices", "quarter"), ("timeslices", "400d")):
            initial = {"service": "s" * 64, "name": "n" * 64, "source": source, "kind": "ola", "target": "99.9",
                       "window": window, "budgeting": budgeting, "description": "x" * 500}  # fmt: skip
            shown = ObjectiveModal.for_edit(origin, initial).view().to_dict()
            assert check_view(shown, "modal") is shown and len(shown["private_metadata"]) < 3000
            assert ObjectiveModal.of(shown).editing == ObjectiveModal.for_edit(origin, initial).editing


# ---- the console ---------------------------------------------------------------------------------------------

CONSOLE = """\
/sla service add checkout channel=C0CHECKOUT
/sla define checkout availability target=99.9
/sla edit checkout/availability
submit target=100
submit target=99.95 window=7d
/sla list
"""


def test_the_console_opens_and_submits_the_edit_form(runtime: Runtime) -> None:
    out = io.StringIO()
    assert run_console(runtime, io.StringIO(CONSOLE), out, interactive=False) == 0
    text = out.getvalue()
    opened = text.split("> /sla edit checkout/availability\n", 1)[1].split("> submit", 1)[0]
    assert "┌ Edit objective" in opened and "*checkout/availability* · from incidents (downtime)" in opened
    assert "• Target (%) [target] (text)\n    = 99.9" in opened and "[Save] [Cancel]" in opened
    bad = text.split("> submit target=100\n", 1)[1].split("> submit", 1)[0]
    assert "[modal not submitted" in bad and "target must be a percentage above 0 and below 100" in bad
    done = text.split("> submit target=99.95 window=7d\n", 1)[1]
    assert "[Edit objective submitted and closed]" in done
    assert "Changed *checkout/availability*: target 99.9% → 99.95%; window 30d → 7d." in done
    assert "*checkout/availability* SLO 99.95% over 7d" in done.split("> /sla list", 1)[1]
    assert "Traceback" not in text and "Slack refused" not in text
