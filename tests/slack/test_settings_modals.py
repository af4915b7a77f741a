"""The Alert policy and severity targets forms through signed requests against the local Slack: /sla policy typed
bare, the Edit policy button of an /sla policy reply and /sla policy sev<N> open them (filled in as stored); a
submission is checked by the command's parsers and rules (errors beside the field, nothing stored), stores what
the command stores and tells what it tells; only admins get the forms or change anything through them."""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import select

from slabot.devtools.console_views import fill, submitted_state
from slabot.render.ids import ActionId, CallbackId
from slabot.slack.modals.form_inputs import FormOrigin
from storage.models.alerting import AlertRule
from storage.models.catalog import Objective
from storage.models.incidents import SeverityTarget
from tests.driver import CHANNEL, USER, SlackDriver, command_body, signed_headers

ADMIN, MALLORY = "U0ADMIN", "U0MALLORY"
DEFAULT_RULES = "page:2%:1h/5m\npage:5%:6h/30m\nticket:10%:1d/2h\nticket:10%:3d/6h"
CN_ADD = "/sla calendar add cn-office tz=Asia/Shanghai hours=mon-fri 09:00-12:00,13:00-18:00 country=CN"


def open_form(driver: SlackDriver, line: str, user: str = USER) -> dict[str, Any]:
    """Type `line`; the modal it opened (no reply through response_url)."""
    command, _, text = line.partition(" ")
    before = len(driver.slack.calls_to("response_url"))
    body = command_body(driver.slack, command, text, user, CHANNEL)
    assert driver.dispatch(body, signed_headers(driver.secret, body)).status == 200
    assert len(driver.slack.calls_to("response_url")) == before, driver.slack.calls_to("response_url")[-1].args
    return driver.slack.open_views(user)[-1]


def submit(driver: SlackDriver, view: dict[str, Any], user: str = USER, **typed: str) -> dict[str, Any]:
    """Type `typed` into the open modal (as the console does: a select by an option's text or value) and
    submit it; the app's answer ({} when it closed the form)."""
    state = fill(view, list(typed.items()))
    shown = driver.slack.views.type_into(view["id"], state) if view.get("id") else {**view, "state": {"values": state}}
    ack = driver.submit_view(shown, submitted_state(shown), user=user)
    assert ack.status == 200, ack.body
    return json.loads(ack.body) if ack.body else {}


def forged(view: dict[str, Any], block: str, value: str) -> dict[str, Any]:
    """The view (no longer open) with one more option in the select `block`, as a forged submission could pick."""
    copy = json.loads(json.dumps(view))
    for shown in copy["blocks"]:
        if shown.get("block_id") == block:
            shown["element"]["options"].append({"text": {"type": "plain_text", "text": value}, "value": value})
    return {key: held for key, held in copy.items() if key != "id"}


def told(driver: SlackDriver, view: dict[str, Any]) -> list[dict[str, Any]]:
    """What the person was told where the form's command was typed (its response_url)."""
    url = FormOrigin.loads(view["private_metadata"]).response_url
    return [call.args for call in driver.slack.calls_to("response_url") if call.args.get("response_url") == url]


def inputs(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each input's element, by block_id."""
    return {str(b["block_id"]): b["element"] for b in view["blocks"] if b["type"] == "input"}


def restrict(driver: SlackDriver) -> None:
    object.__setattr__(driver.runtime.settings, "admins", frozenset({ADMIN}))


def alert_rules(driver: SlackDriver) -> list[tuple[int, str, int, int, str]]:
    with driver.runtime.db.session() as session:
        rows = session.exec(select(AlertRule).order_by(AlertRule.objective_id, AlertRule.id)).all()
        return [(r.objective_id, r.severity, r.long_seconds, r.short_seconds, str(r.budget_percent)) for r in rows]


def min_events(driver: SlackDriver) -> dict[str, int]:
    with driver.runtime.db.session() as session:
        return {o.name: o.min_events for o in session.exec(select(Objective)).all()}


def stored_targets(driver: SlackDriver) -> list[tuple[int, str, str, str, str]]:
    with driver.runtime.db.session() as session:
        rows = session.exec(select(SeverityTarget).order_by(SeverityTarget.severity)).all()
        return [(r.severity, r.response, r.resolution, r.calendar, r.updated_by) for r in rows]


def objectives(driver: SlackDriver) -> SlackDriver:
    driver.command("/sla service add checkout")
    driver.command("/sla define checkout availability target=99.9 window=30d")
    driver.command("/sla define checkout requests target=99 window=30d source=events")
    return driver


# ---- the Alert policy form ----------------------------------------------------------------------------------


def test_policy_typed_bare_opens_the_form_and_stores_what_the_command_stores(driver: SlackDriver) -> None:
    view = open_form(objectives(driver), "/sla policy")
    assert view["callback_id"] == CallbackId.POLICY_FORM and view["title"]["text"] == "Alert policy"
    fields = inputs(view)
    assert list(fields) == ["objective", "rules", "min_events", "reset"]
    assert [o["value"] for o in fields["objective"]["options"]] == ["checkout/availability", "checkout/requests"]
    assert "initial_value" not in fields["rules"] and fields["reset"]["type"] == "checkboxes"

    typed = {"objective": "checkout/requests", "rules": "page:1%:1h/5m\nticket:10%:1d/2h", "min_events": "20"}
    assert submit(driver, view, **typed) == {} and driver.slack.open_views(USER) == []
    (reply,) = told(driver, view)
    assert reply["response_type"] == "ephemeral"
    assert reply["text"] == "Alert policy of checkout/requests (custom): page:1%:1h/5m; ticket:10%:1d/2h"
    assert "no paging below 20 events" in json.dumps(reply["blocks"])
    from_form = (alert_rules(driver), min_events(driver))

    driver.command("/sla policy checkout/requests reset min_events=100")
    command = driver.command("/sla policy checkout/requests page:1%:1h/5m ticket:10%:1d/2h min_events=20")
    assert command.text == reply["text"] and (alert_rules(driver), min_events(driver)) == from_form


def test_the_edit_policy_button_opens_the_form_filled_in(driver: SlackDriver) -> None:
    objectives(driver)
    shown = driver.command("/sla policy checkout/availability")
    assert "Alert policy: checkout/availability" in shown.all_text  # shown as before, now with the button
    (actions,) = [b for b in shown.blocks if b["type"] == "actions"]
    assert [(e["action_id"], e["value"]) for e in actions["elements"]] == [
        (ActionId.POLICY_EDIT, "checkout/availability")
    ]
    message = {"ts": "1.0", "channel": CHANNEL, "blocks": shown.blocks, "text": shown.text}
    clicked = driver.click(message, ActionId.POLICY_EDIT)
    assert clicked.responses == []
    (view,) = driver.slack.open_views(USER)
    fields = inputs(view)
    assert list(fields) == ["rules", "reset"]  # an incident-based objective counts no events: no min_events
    assert fields["rules"]["initial_value"] == DEFAULT_RULES
    assert "Alert policy of *checkout/availability*" in json.dumps(view["blocks"])

    assert submit(driver, view, rules="page:3%:4h/20m") == {}
    (reply,) = told(driver, view)  # through the click's response_url, only to the person
    assert FormOrigin.loads(view["private_metadata"]).response_url == clicked.payload["response_url"]
    assert reply["text"] == "Alert policy of checkout/availability (custom): page:3%:4h/20m"
    assert [rule[1:] for rule in alert_rules(driver)] == [("page", 14400, 1200, "3")]

    requests = {**message, "blocks": driver.command("/sla policy checkout/requests").blocks}
    driver.click(requests, ActionId.POLICY_EDIT)
    filled = inputs(driver.slack.open_views(USER)[-1])
    assert filled["min_events"]["initial_value"] == "100" and filled["rules"]["initial_value"] == DEFAULT_RULES


def test_reset_restores_the_defaults(driver: SlackDriver) -> None:
    objectives(driver).command("/sla policy checkout/availability page:3%:4h/20m")
    view = open_form(driver, "/sla policy")
    assert submit(driver, view, objective="checkout/availability", reset="Reset to the default rules") == {}
    assert "(the defaults)" in told(driver, view)[-1]["text"] and alert_rules(driver) == []


def errors_of(answer: dict[str, Any]) -> dict[str, str]:
    assert answer["response_action"] == "errors", answer
    return dict(answer["errors"])


def test_a_bad_policy_is_refused_beside_its_field_and_nothing_is_stored(driver: SlackDriver) -> None:
    objectives(driver)
    driver.command("/sla policy checkout/requests page:3%:4h/20m min_events=50")
    before = (alert_rules(driver), min_events(driver))
    view = open_form(driver, "/sla policy")
    requests = {"objective": "checkout/requests"}
    cases = [
        ({**requests, "rules": "page:2%:1h"}, "rules", "like page:2%:1h/5m"),
        ({**requests, "rules": "page:50%:1h/5m"}, "rules", "can never fire"),
        ({**requests, "rules": "page:2%:1h/5m page:2%:1h/5m"}, "rules", "page:2%:1h/5m is given twice"),
        ({**requests, "min_events": "lots"}, "min_events", "min_events must be a whole number"),
        ({"objective": "checkout/availability", "min_events": "5"}, "min_events", "event-based objectives only"),
        ({**requests, "rules": "page:2%:1h/5m", "reset": "Reset to the default rules"}, "reset", "not both"),
    ]
    for typed, block, message in cases:
        state = {"rules": "", "min_events": "", "reset": "", **typed}
        errors = errors_of(submit(driver, view, **state))
        assert list(errors) == [block] and message in errors[block], (typed, errors)
    assert (alert_rules(driver), min_events(driver)) == before and told(driver, view) == []
    gone = forged(view, "objective", "checkout/gone")
    errors = errors_of(submit(driver, gone, objective="checkout/gone", rules="page:2%:1h/5m"))
    assert "checkout has no objective 'gone'" in errors["objective"]


def test_only_admins_get_and_use_the_policy_form(driver: SlackDriver) -> None:
    objectives(driver)
    restrict(driver)
    assert "Only slabot admins" in driver.command("/sla policy", user=MALLORY).text
    shown = driver.command("/sla policy checkout/availability", user=MALLORY)
    assert "Alert policy: checkout/availability" in shown.all_text
    assert [b for b in shown.blocks if b["type"] == "actions"] == []  # no Edit policy button for them
    admin = driver.command("/sla policy checkout/availability", user=ADMIN)
    message = {"ts": "1.0", "channel": CHANNEL, "blocks": admin.blocks, "text": admin.text}
    (refusal,) = driver.click(message, ActionId.POLICY_EDIT, user=MALLORY).responses  # a forwarded button
    assert "Only slabot admins" in refusal["text"] and driver.slack.open_views(MALLORY) == []

    view = open_form(driver, "/sla policy", user=ADMIN)
    driver.slack.views.close(view["id"])
    answer = submit(driver, {k: v for k, v in view.items() if k != "id"}, user=MALLORY,
                    objective="checkout/availability", rules="page:3%:4h/20m")  # fmt: skip
    assert "Only slabot admins" in errors_of(answer)["objective"] and alert_rules(driver) == []


def test_policy_with_no_objectives_says_to_define_one(driver: SlackDriver) -> None:
    assert "There are no objectives yet" in driver.command("/sla policy").text


# ---- the severity targets form ------------------------------------------------------------------------------


def test_policy_sev_typed_bare_opens_the_form_and_stores_what_the_command_stores(driver: SlackDriver) -> None:
    driver.command(CN_ADD)
    view = open_form(driver, "/sla policy sev2")
    assert view["callback_id"] == CallbackId.SEVERITY_FORM and view["title"]["text"] == "Targets of sev2"
    fields = inputs(view)
    assert list(fields) == ["ack", "resolve", "calendar"]
    assert (fields["ack"]["initial_value"], fields["resolve"]["initial_value"]) == ("30m", "8h")
    assert fields["calendar"]["initial_option"]["value"] == "24x7"
    labels = [o["text"]["text"] for o in fields["calendar"]["options"]]
    assert labels == [
        "24x7 (every hour, UTC)",
        "business (mon-fri 09:00-17:00, UTC)",
        "cn-office (mon-fri 09:00-12:00,13:00-18:00, Asia/Shanghai)",
    ]

    assert submit(driver, view, ack="1h", resolve="1d", calendar="cn-office") == {}
    (reply,) = told(driver, view)
    assert ":white_check_mark: Updated the targets of sev2." in reply["text"]
    from_form = stored_targets(driver)
    assert from_form == [(2, "1h", "1d", "cn-office", USER)]
    with driver.runtime.db.session() as session:
        session.delete(session.get(SeverityTarget, 2))
    assert driver.command("/sla policy sev2 ack=1h resolve=1d calendar=cn-office").text == reply["text"]
    assert stored_targets(driver) == from_form

    again = inputs(open_form(driver, "/sla policy SEV2"))  # filled in as they count now
    assert again["ack"]["initial_value"] == "1h" and again["calendar"]["initial_option"]["value"] == "cn-office"


def test_bad_targets_are_refused_beside_their_field_and_nothing_is_stored(driver: SlackDriver) -> None:
    view = open_form(driver, "/sla policy sev3")
    cases = [
        ({"ack": "soon"}, "ack", "ack=: 'soon' is not a duration"),
        ({"resolve": "0m"}, "resolve", "resolve=: a duration must be longer than zero"),
        ({"ack": "", "resolve": "1d"}, "ack", "ack= needs a value, like ack=4h"),
    ]
    for typed, block, message in cases:
        errors = errors_of(submit(driver, view, **{"ack": "4h", "resolve": "3d", **typed}))
        assert list(errors) == [block] and message in errors[block], (typed, errors)
    driver.slack.views.close(view["id"])
    errors = errors_of(submit(driver, forged(view, "calendar", "nope"), calendar="nope"))
    assert errors == {"calendar": "There is no calendar 'nope'. See /sla calendar list."}
    errors = errors_of(submit(driver, forged(view, "calendar", "Bad/Name"), calendar="Bad/Name"))
    assert "is not a valid calendar name" in errors["calendar"]
    assert stored_targets(driver) == [] and told(driver, view) == []


def test_only_admins_get_and_use_the_targets_form(driver: SlackDriver) -> None:
    restrict(driver)
    shown = driver.command("/sla policy sev3", user=MALLORY)  # everyone may read them: no form, the targets
    assert "Incident SLA targets" in shown.all_text and driver.slack.open_views(MALLORY) == []
    view = open_form(driver, "/sla policy sev3", user=ADMIN)
    driver.slack.views.close(view["id"])
    answer = submit(driver, {k: v for k, v in view.items() if k != "id"}, user=MALLORY, ack="1m")
    assert "Only slabot admins" in errors_of(answer)["ack"] and stored_targets(driver) == []
