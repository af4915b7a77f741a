"""The Business calendar and Weekly digest forms through signed requests against the local Slack (/sla calendar add
and /sla digest add typed bare), one filled in and submitted in the console, and every settings form's layout a
view Slack accepts: a submission stores what the command stores, a refusal shows beside its field, admins only."""

from __future__ import annotations

import io
import json

from sqlmodel import select

from slabot.config.runtime import Runtime
from slabot.devtools.console import run_console
from slabot.devtools.localslack.view_limits import check_view
from slabot.render.ids import CallbackId
from slabot.slack.modals.calendar_form import CalendarModal
from slabot.slack.modals.digest_form import DigestModal
from slabot.slack.modals.form_inputs import FormOrigin
from slabot.slack.modals.policy_form import PolicyModal
from slabot.slack.modals.severity_form import SeverityModal
from storage.models.incidents import Calendar
from storage.models.reports import Digest, DigestService
from tests.driver import CHANNEL, USER, SlackDriver
from tests.slack.test_settings_modals import ADMIN, MALLORY, errors_of, inputs, open_form, restrict, submit, told

CN_HOURS = "mon-fri 09:00-12:00,13:00-18:00"


def calendars(driver: SlackDriver) -> list[tuple[str, str, str, str | None, str]]:
    with driver.runtime.db.session() as session:
        rows = session.exec(select(Calendar).order_by(Calendar.name)).all()
        return [(r.name, r.timezone, r.hours, r.country, r.created_by) for r in rows]


def digests(driver: SlackDriver) -> list[tuple[str, int, int, str, list[int]]]:
    with driver.runtime.db.session() as session:
        links = session.exec(select(DigestService)).all()
        rows = session.exec(select(Digest).order_by(Digest.id)).all()
        picked = {d.id: sorted(s.service_id for s in links if s.digest_id == d.id) for d in rows}
        return [(d.channel_id, d.weekday, d.at_minute, d.timezone, picked[d.id]) for d in rows]


# ---- the Business calendar form -----------------------------------------------------------------------------


def test_calendar_add_typed_bare_opens_the_form_and_stores_what_the_command_stores(driver: SlackDriver) -> None:
    view = open_form(driver, "/sla calendar add")
    assert view["callback_id"] == CallbackId.CALENDAR_FORM and view["title"]["text"] == "Business calendar"
    fields = inputs(view)
    assert list(fields) == ["name", "tz", "hours", "country"]
    assert (fields["tz"]["initial_value"], fields["hours"]["initial_value"]) == ("UTC", "mon-fri 09:00-17:00")

    assert submit(driver, view, name="cn-office", tz="Asia/Shanghai", hours=CN_HOURS, country="cn") == {}
    (reply,) = told(driver, view)
    assert reply["response_type"] == "ephemeral" and "cn-office" in reply["text"]
    from_form = calendars(driver)
    assert from_form == [("cn-office", "Asia/Shanghai", CN_HOURS, "CN", USER)]
    driver.command("/sla calendar remove cn-office")
    command = driver.command(f"/sla calendar add cn-office tz=Asia/Shanghai hours={CN_HOURS} country=CN")
    assert command.text == reply["text"] and calendars(driver) == from_form


def test_a_bad_calendar_is_refused_beside_its_field_and_nothing_is_stored(driver: SlackDriver) -> None:
    driver.command("/sla calendar add cn-office tz=Asia/Shanghai hours=mon-fri 09:00-17:00")
    before = calendars(driver)
    view = open_form(driver, "/sla calendar add")
    good = {"name": "de-office", "tz": "Europe/Berlin", "hours": "mon-fri 09:00-17:00", "country": ""}
    cases = [
        ({"name": "Bad/Name"}, "name", "is not a valid calendar name"),
        ({"name": "cn-office"}, "name", "A calendar named cn-office already exists"),
        ({"name": "24x7"}, "name", "24x7 is built in"),
        ({"tz": "Mars/Base"}, "tz", "tz= must be a time zone like Europe/Berlin"),
        ({"hours": "someday 09:00-17:00"}, "hours", "hours=:"),
        ({"hours": "mon-fri 17:00-09:00"}, "hours", "ends before it starts"),
    ]
    for typed, block, message in cases:
        errors = errors_of(submit(driver, view, **{**good, **typed}))
        assert list(errors) == [block] and message in errors[block], (typed, errors)
    errors = errors_of(submit(driver, view, **{**good, "name": "x y", "tz": "Nowhere"}))  # each beside its own
    assert list(errors) == ["name", "tz"]
    assert calendars(driver) == before and told(driver, view) == []


def test_only_admins_get_and_use_the_calendar_form(driver: SlackDriver) -> None:
    restrict(driver)
    assert "Only slabot admins" in driver.command("/sla calendar add", user=MALLORY).text
    view = open_form(driver, "/sla calendar add", user=ADMIN)
    driver.slack.views.close(view["id"])
    forged = {k: v for k, v in view.items() if k != "id"}
    answer = submit(driver, forged, user=MALLORY, name="cn-office", hours="mon 09:00-10:00")
    assert "Only slabot admins" in errors_of(answer)["name"] and calendars(driver) == []


# ---- the Weekly digest form ---------------------------------------------------------------------------------


def test_digest_add_typed_bare_opens_the_form_and_stores_what_the_command_stores(driver: SlackDriver) -> None:
    for name in ("checkout", "payments", "search"):
        driver.command(f"/sla service add {name}")
    view = open_form(driver, "/sla digest add")
    assert view["callback_id"] == CallbackId.DIGEST_FORM and view["title"]["text"] == "Weekly digest"
    fields = inputs(view)
    assert list(fields) == ["channel", "services", "day", "time", "tz"]
    assert fields["channel"]["type"] == "conversations_select" and fields["channel"]["initial_conversation"] == CHANNEL
    assert fields["services"]["type"] == "multi_static_select"
    assert [o["value"] for o in fields["services"]["options"]] == ["checkout", "payments", "search"]
    assert fields["day"]["initial_option"]["value"] == "mon"
    assert (fields["time"]["initial_value"], fields["tz"]["initial_value"]) == ("09:00", "UTC")

    typed = {"channel": "C0LEADS", "services": "search, checkout", "day": "Friday", "tz": "Europe/Berlin"}
    assert submit(driver, view, time="17:30", **typed) == {}
    (reply,) = told(driver, view)
    assert reply["text"].startswith(":calendar: Digest 1 posts to <#C0LEADS>")
    from_form = digests(driver)
    assert from_form == [("C0LEADS", 4, 17 * 60 + 30, "Europe/Berlin", [1, 3])]
    driver.command("/sla digest remove 1")
    driver.command("/sla digest add <#C0LEADS|leads> services=checkout,search day=fri time=17:30 tz=Europe/Berlin")
    assert digests(driver) == from_form

    view = open_form(driver, "/sla digest add")  # no service picked: every service, as with no services=
    assert submit(driver, view, channel="C0ALL") == {}
    assert digests(driver)[-1] == ("C0ALL", 0, 9 * 60, "UTC", [])
    assert "covering all services" in told(driver, view)[-1]["text"]


def test_a_bad_digest_is_refused_beside_its_field_and_nothing_is_stored(driver: SlackDriver) -> None:
    driver.command("/sla service add checkout")
    driver.command("/sla digest add <#C0LEADS|leads>")
    before = digests(driver)
    view = open_form(driver, "/sla digest add")
    good = {"channel": "C0NEW", "day": "mon", "time": "09:00", "tz": "UTC"}
    cases = [
        ({"time": "25:00"}, "time", "time= must be a time of day on a 24-hour clock"),
        ({"tz": "Mars/Base"}, "tz", "tz= must be a time zone"),
        ({"channel": "C0LEADS"}, "channel", "<#C0LEADS> already gets digest 1"),
    ]
    for typed, block, message in cases:
        errors = errors_of(submit(driver, view, **{**good, **typed}))
        assert list(errors) == [block] and message in errors[block], (typed, errors)
    errors = errors_of(submit(driver, view, **{**good, "time": "noon", "tz": "Nowhere"}))
    assert list(errors) == ["time", "tz"]
    driver.slack.views.close(view["id"])
    copy = json.loads(json.dumps({k: v for k, v in view.items() if k != "id"}))
    services = next(b for b in copy["blocks"] if b["block_id"] == "services")["element"]["options"]
    services.append({"text": {"type": "plain_text", "text": "gone"}, "value": "gone"})  # removed meanwhile
    errors = errors_of(submit(driver, copy, **good, services="gone"))
    assert errors == {"services": "There is no service 'gone'. See `/sla service list`, or add it first."}
    assert digests(driver) == before and told(driver, view) == []


def test_only_admins_get_and_use_the_digest_form(driver: SlackDriver) -> None:
    restrict(driver)
    assert "Only slabot admins" in driver.command("/sla digest add", user=MALLORY).text
    view = open_form(driver, "/sla digest add", user=ADMIN)
    assert "services" not in inputs(view)  # no services yet: nothing to pick, the digest covers every one
    driver.slack.views.close(view["id"])
    answer = submit(driver, {k: v for k, v in view.items() if k != "id"}, user=MALLORY, channel="C0LEADS")
    assert "Only slabot admins" in errors_of(answer)["channel"] and digests(driver) == []


# ---- the console, and every layout valid -------------------------------------------------------------------

CONSOLE = f"""\
/sla calendar add
submit name=Bad/Name
submit name=cn-office tz=Asia/Shanghai hours="{CN_HOURS}" country=CN
/sla calendar list
"""


def test_the_console_adds_a_calendar_through_its_form(runtime: Runtime) -> None:
    out = io.StringIO()
    assert run_console(runtime, io.StringIO(CONSOLE), out, interactive=False) == 0
    text = out.getvalue()
    opened = text.split("> /sla calendar add\n", 1)[1].split("> submit", 1)[0]
    assert "┌ Business calendar" in opened and "• Working hours [hours] (text)\n    = mon-fri 09:00-17:00" in opened
    assert "• Country (public holidays) [country] (text, optional)" in opened and "[Add] [Cancel]" in opened
    refused = text.split("> submit name=Bad/Name\n", 1)[1].split("> submit", 1)[0]
    assert "[modal not submitted" in refused and "⚠️ Name: 'Bad/Name' is not a valid calendar name" in refused
    done = text.split("country=CN\n", 1)[1]
    assert "[Business calendar submitted and closed]" in done and "cn-office" in done
    listed = text.split("> /sla calendar list\n", 1)[1]
    assert "cn-office" in listed and "Asia/Shanghai" in listed
    assert "Traceback" not in text and "Slack refused" not in text


def test_every_settings_layout_is_a_valid_view_slack_accepts() -> None:
    origin = FormOrigin("C0OPS", "https://hooks.slack.com/commands/T0/1/" + "x" * 60)
    refs = tuple((f"service-{n}/objective-{n}", f"service-{n}/objective-{n}") for n in range(101))
    calendars = tuple((f"calendar-{n}", f"calendar-{n} (mon-fri 09:00-17:00, Europe/Berlin)") for n in range(101))
    services = tuple(f"service-{n}" for n in range(101))
    filled = {"objective": "checkout/latency", "rules": "page:2%:1h/5m", "min_events": "100"}
    views = [
        PolicyModal(origin, refs[:100]).view(),
        PolicyModal(origin, refs).view(),  # typed, past 100 objectives
        PolicyModal(origin, initial=filled).view(),
        SeverityModal(origin, calendars[:3], {"severity": "2", "ack": "30m", "resolve": "8h", "calendar": "x"}).view(),
        SeverityModal(origin, calendars, {"severity": "4"}).view(),
        CalendarModal(origin, {"tz": "UTC", "hours": "mon-fri 09:00-17:00"}).view(),
        DigestModal(origin, services[:100], {"day": "mon", "time": "09:00", "tz": "UTC"}).view(),
        DigestModal(origin, services).view(),
        DigestModal(FormOrigin()).view(),
    ]
    for view in views:
        shown = view.to_dict()  # slack_sdk validates as it builds
        assert check_view(shown, "modal") is shown and len(shown["private_metadata"]) < 3000
    assert [b["element"]["type"] for b in views[1].to_dict()["blocks"][:1]] == ["plain_text_input"]
    assert views[4].to_dict()["blocks"][3]["element"]["type"] == "plain_text_input"
    assert views[7].to_dict()["blocks"][1]["element"]["type"] == "plain_text_input"
