"""The Resolve incident form through signed requests against the local Slack: /incident resolve typed alone opens
it with the unresolved incidents to pick (their number typed when more than 100 are), the App Home's and the
announcement's Resolve buttons open it for their incident; a submission is read by the command's parsers and
resolved by its rules (errors beside the field, nothing stored), stores the time as picked, edits the
announcement through the outbox, tells only the presser (the Home is published again) and resolves once."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlmodel import select

from slabot.config.runtime import Runtime
from slabot.devtools.console_views import fill, submitted_state
from slabot.devtools.localslack import LocalSlack
from slabot.devtools.localslack.view_limits import check_view
from slabot.render.ids import ActionId, CallbackId, FormField
from slabot.slack.modals.resolve_form import ResolveOrigin
from storage.models.incidents import Incident, IncidentEvent, IncidentStatus
from storage.models.outbox import OutboxMessage, OutboxStatus
from tests.conftest import FakeClock
from tests.driver import CHANNEL, USER, SlackDriver, command_body, signed_headers

CHECK = "C0CHECK"
BOB, CAROL = "U0BOB", "U0CAROL"


def open_incidents(driver: SlackDriver, *titles: str) -> None:
    driver.command(f"/sla service add checkout channel=<#{CHECK}|checkout> oncall=<@{BOB}|bob>")
    for title in titles:
        driver.command(f"/incident open checkout sev2 {title} started=1h")


def typed_alone(driver: SlackDriver, user: str = USER) -> dict[str, Any]:
    """/incident resolve with nothing after it: the form it opened (no reply through response_url)."""
    replies = len(driver.slack.calls_to("response_url"))
    body = command_body(driver.slack, "/incident", "resolve", user, CHANNEL)
    assert driver.dispatch(body, signed_headers(driver.secret, body)).status == 200
    assert len(driver.slack.calls_to("response_url")) == replies
    return driver.slack.open_views(user)[-1]


def submit(driver: SlackDriver, view: dict[str, Any], user: str = USER, **typed: str) -> dict[str, Any]:
    """Type `typed` into the open form (as the console does) and submit it: the app's answer."""
    shown = driver.slack.views.type_into(view["id"], fill(view, list(typed.items())))
    ack = driver.submit_view(shown, submitted_state(shown), user=user)
    assert ack.status == 200, ack.body
    return json.loads(ack.body) if ack.body else {}


def stored(driver: SlackDriver, number: int) -> tuple[Incident, list[str]]:
    with driver.runtime.db.session() as session:
        incident = session.get(Incident, number)
        events = session.exec(select(IncidentEvent).where(IncidentEvent.incident_id == number)).all()
    assert incident is not None
    return incident, [event.kind for event in events]


def announcement(slack: LocalSlack, title: str) -> dict[str, Any]:
    return next(m for m in slack.messages(CHECK) if m.get("bot_id") and title in m["text"] and not m.get("thread_ts"))


def buttons(message: dict[str, Any]) -> list[str]:
    return [e["action_id"] for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]]


def ephemerals(slack: LocalSlack, user: str) -> list[str]:
    return [str(c.args["text"]) for c in slack.calls_to("chat.postEphemeral") if c.args.get("user") == user]


def picker(view: dict[str, Any]) -> dict[str, Any]:
    return next(b for b in view["blocks"] if b.get("block_id") == FormField.RESOLVED)["element"]


def test_typed_alone_it_lists_the_unresolved_and_stores_the_time_as_picked(
    driver: SlackDriver, slack: LocalSlack, clock: FakeClock
) -> None:
    open_incidents(driver, "Payments fail", "Search <!channel> slow", "Login broken")
    driver.command("/incident resolve 3")
    view = typed_alone(driver)
    check_view({k: v for k, v in view.items() if k in ("type", "title", "blocks", "submit", "close")}, "modal")
    assert view["callback_id"] == CallbackId.RESOLVE_FORM and view["title"]["text"] == "Resolve incident"
    assert ResolveOrigin.loads(view["private_metadata"]).channel == CHANNEL
    select_ = next(b for b in view["blocks"] if b.get("block_id") == FormField.INCIDENT)["element"]
    labels = [o["text"]["text"] for o in select_["options"]]
    assert labels == ["#2 checkout: Search <!channel> slow", "#1 checkout: Payments fail"]  # plain text: no ping
    assert picker(view)["type"] == "datetimepicker" and picker(view)["initial_date_time"] == clock.now.timestamp()

    answer = submit(driver, view, incident="#1", resolved="2026-11-21T11:40+00:00")
    assert answer == {} and driver.slack.open_views(USER) == []  # closed
    reply = slack.calls_to("response_url")[-1].args  # to the command's response_url: only the person sees it
    assert reply["response_type"] == "ephemeral" and "Resolved incident #1 sev2: Payments fail" in reply["text"]
    incident, kinds = stored(driver, 1)
    assert incident.status == IncidentStatus.RESOLVED and incident.resolved_by == USER
    assert incident.resolved_at == datetime(2026, 11, 21, 11, 40, tzinfo=UTC)
    assert incident.resolved_at.utcoffset() == timedelta(0)  # read back UTC-aware
    assert kinds == ["opened", "acknowledged", "resolved"]
    driver.wait_delivered()
    with driver.runtime.db.session() as session:
        edits = session.exec(select(OutboxMessage).where(OutboxMessage.target_key == "incident:1")).all()
    assert [e.status for e in edits] == [OutboxStatus.DELIVERED]
    edited = announcement(slack, "Payments fail")
    assert "(resolved)" in edited["text"] and "*Status:* resolved after 40m" in json.dumps(edited["blocks"])
    assert buttons(edited) == [ActionId.RCA_START]
    notes = [m["text"] for m in slack.messages(CHECK) if m.get("thread_ts") == edited["ts"] and m["ts"] != edited["ts"]]
    assert any("resolved incident #1 after 40m" in n for n in notes)


@pytest.mark.parametrize(
    ("typed", "field", "message"),
    [
        ({"resolved": "2026-11-21T12:30"}, FormField.RESOLVED, "resolved= is in the future"),
        ({"resolved": "2026-11-21T10:30"}, FormField.RESOLVED, "resolved= is before the incident started"),
        ({}, FormField.INCIDENT, "Pick the incident to resolve"),
    ],
)
def test_a_bad_submission_is_refused_beside_its_field_and_nothing_is_stored(
    driver: SlackDriver, typed: dict[str, str], field: str, message: str
) -> None:
    open_incidents(driver, "Payments fail")
    view = typed_alone(driver)
    picked = {"incident": "1"} if field == FormField.RESOLVED else {}
    answer = submit(driver, view, **picked, **typed)
    assert answer["response_action"] == "errors" and list(answer["errors"]) == [field]
    assert message in answer["errors"][field]
    incident, kinds = stored(driver, 1)
    assert incident.status == IncidentStatus.OPEN and incident.resolved_at is None and kinds == ["opened"]
    assert len(driver.slack.open_views(USER)) == 1  # still open, as typed


def test_more_than_a_select_holds_asks_for_the_number(driver: SlackDriver, clock: FakeClock) -> None:
    open_incidents(driver)
    with driver.runtime.db.session() as session:
        for n in range(101):
            started = clock.now - timedelta(minutes=n + 1)
            session.add(
                Incident(service_id=1, severity=3, title=f"down {n}", impact_percent=Decimal(5), started_at=started,
                         opened_by=CAROL)
            )  # fmt: skip
    view = typed_alone(driver)
    number = next(b for b in view["blocks"] if b.get("block_id") == FormField.INCIDENT)
    assert number["element"]["type"] == "plain_text_input" and "More than 100" in number["hint"]["text"]
    bad = submit(driver, view, incident="twelve")
    assert list(bad["errors"]) == [FormField.INCIDENT] and "incident" in bad["errors"][FormField.INCIDENT]
    unknown = submit(driver, view, incident="999")
    assert "There is no incident #999" in unknown["errors"][FormField.INCIDENT]
    assert submit(driver, view, incident="57") == {}
    assert stored(driver, 57)[0].status == IncidentStatus.RESOLVED


def test_the_announcement_button_opens_the_form_for_its_incident_and_tells_only_the_presser(
    driver: SlackDriver, slack: LocalSlack
) -> None:
    open_incidents(driver, "Payments fail")
    posted = announcement(slack, "Payments fail")
    clicked = driver.click(posted, ActionId.INCIDENT_RESOLVE, user=BOB)
    assert clicked.responses == []  # nothing resolved by the click itself
    assert stored(driver, 1)[0].status == IncidentStatus.OPEN
    (view,) = slack.open_views(BOB)
    assert view["callback_id"] == CallbackId.RESOLVE_FORM
    assert FormField.INCIDENT not in [b.get("block_id") for b in view["blocks"]]  # no picker: its title instead
    assert "*#1 sev2: Payments fail* on *checkout*" in view["blocks"][0]["text"]["text"]
    assert submit(driver, view, user=BOB) == {}  # resolved now, as it opened
    incident, _ = stored(driver, 1)
    assert incident.resolved_by == BOB and incident.resolved_at == driver.runtime.now()
    (told,) = ephemerals(slack, BOB)
    assert "Resolved incident #1" in told
    assert buttons(announcement(slack, "Payments fail")) == [ActionId.RCA_START]


def test_the_home_button_opens_the_form_and_the_home_is_published_again(driver: SlackDriver, slack: LocalSlack) -> None:
    open_incidents(driver, "Payments <!here> fail")
    home = driver.open_home(BOB)
    assert home["private_metadata"] == "mine"
    driver.click_view(home, ActionId.HOME_RESOLVE, value="1", user=BOB)
    assert stored(driver, 1)[0].status == IncidentStatus.OPEN
    (view,) = slack.open_views(BOB)
    assert view["callback_id"] == CallbackId.HOME_RESOLVE_FORM
    shown = view["blocks"][0]["text"]["text"]
    assert "Payments &lt;!here&gt; fail" in shown and "<!here>" not in shown  # typed text never pings
    published = len(slack.calls_to("views.publish"))
    late = submit(driver, view, user=BOB, resolved="2026-11-21T13:00")  # past the clock skew: refused
    assert "in the future" in late["errors"][FormField.RESOLVED]
    assert len(slack.calls_to("views.publish")) == published  # nothing changed: the Home stays
    assert submit(driver, view, user=BOB, resolved="2026-11-21T11:30") == {}
    again = driver.last_home(BOB, after=published)
    top = again["blocks"][0]["text"]["text"]
    assert "Resolved incident #1" in top and again["private_metadata"] == "mine"
    assert [b for b in again["blocks"] if "home_incident" in str(b.get("block_id"))] == []
    assert ephemerals(slack, BOB) == []  # the Home is where it is told
    assert stored(driver, 1)[0].resolved_at == datetime(2026, 11, 21, 11, 30, tzinfo=UTC)


def test_an_incident_resolved_meanwhile_is_resolved_once(driver: SlackDriver, slack: LocalSlack) -> None:
    open_incidents(driver, "Payments fail")
    posted = announcement(slack, "Payments fail")
    driver.click(posted, ActionId.INCIDENT_RESOLVE, user=BOB)
    driver.click_view(driver.open_home(CAROL), ActionId.HOME_RESOLVE, value="1", user=CAROL)
    (bobs,) = slack.open_views(BOB)
    (carols,) = slack.open_views(CAROL)
    assert submit(driver, carols, user=CAROL) == {}
    assert submit(driver, bobs, user=BOB) == {}  # the second: told who did it and when, nothing written
    assert "was already resolved by <@U0CAROL> at" in ephemerals(slack, BOB)[-1]
    incident, kinds = stored(driver, 1)
    assert incident.resolved_by == CAROL and kinds.count("resolved") == 1
    notes = [
        m for m in slack.messages(CHECK) if m.get("thread_ts") == posted["ts"] and "resolved incident" in m["text"]
    ]
    assert len(notes) == 1
    driver.click(posted, ActionId.INCIDENT_RESOLVE, user=BOB)  # the old message's button: a notice, no form
    notice = slack.open_views(BOB)[-1]
    assert notice.get("submit") is None and "already resolved by <@U0CAROL>" in json.dumps(notice["blocks"])


@pytest.fixture
def restricted(runtime: Runtime, slack: LocalSlack) -> SlackDriver:
    """Admins set: changes to the catalogue are theirs; resolving an incident is anyone's, as with the command."""
    return SlackDriver(replace(runtime, settings=replace(runtime.settings, admins=frozenset({"U0ADMIN"}))), slack)


def test_who_may_resolve_follows_the_command(restricted: SlackDriver) -> None:
    restricted.command(f"/sla service add checkout channel=<#{CHECK}|checkout>", user="U0ADMIN")
    restricted.command("/incident open checkout sev2 Payments fail started=1h", user="U0ADMIN")
    restricted.command("/incident open checkout sev2 Search slow started=1h", user="U0ADMIN")
    assert "Only slabot admins" in restricted.command("/sla service add search", user=CAROL).text
    assert "Resolved incident #2" in restricted.command("/incident resolve 2", user=CAROL).text  # not an admin
    view = typed_alone(restricted, user=CAROL)
    assert submit(restricted, view, user=CAROL, incident="1") == {}
    assert stored(restricted, 1)[0].resolved_by == CAROL


def test_with_nothing_unresolved_the_form_says_so(driver: SlackDriver) -> None:
    open_incidents(driver, "Payments fail")
    driver.command("/incident resolve 1")
    notice = typed_alone(driver)
    assert notice.get("submit") is None and notice["title"]["text"] == "Resolve incident"
    assert "No incident is unresolved, so there is nothing to resolve. See /incident list all." in json.dumps(notice)


def test_an_incident_opened_this_minute_is_resolved_now_as_the_form_starts(
    driver: SlackDriver, clock: FakeClock
) -> None:
    """The picker holds minutes: left as it opened (now, to the minute) it means now, even for an incident opened
    seconds ago, which a time floored to the minute would place before its start."""
    clock.advance(seconds=40)  # an incident opened at :40 of its minute
    driver.command(f"/sla service add checkout channel=<#{CHECK}|checkout>")
    driver.command("/incident open checkout sev2 Card step fails")
    clock.advance(seconds=5)
    view = typed_alone(driver)
    assert submit(driver, view, incident="1") == {}
    incident, _ = stored(driver, 1)
    assert incident.status == IncidentStatus.RESOLVED and incident.resolved_at == clock.now
