"""/sla calendar, /sla policy sev<N>, /incident pause | resume and the timers of /incident show: what the
caller sees and the rows stored."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from slabot.config.runtime import Runtime
from slabot.devtools.localslack import LocalSlack
from slabot.incidents.targets import TimerBook, record_breach
from storage.db import Database
from storage.models.catalog import Service
from storage.models.incidents import (
    Calendar,
    CalendarDay,
    Incident,
    IncidentEvent,
    SeverityTarget,
    SlaBreach,
    SlaTimerKind,
)
from tests.conftest import FakeClock
from tests.driver import SlackDriver

CN_ADD = "/sla calendar add cn-office tz=Asia/Shanghai hours=mon-fri 09:00-12:00,13:00-18:00 country=CN"


def calendars(driver: SlackDriver) -> list[tuple[str, str, str, str | None, str]]:
    with driver.runtime.db.session() as session:
        rows = session.exec(select(Calendar).order_by(Calendar.name)).all()
        return [(r.name, r.timezone, r.hours, r.country, r.created_by) for r in rows]


def days(driver: SlackDriver) -> list[tuple[int, date, str]]:
    with driver.runtime.db.session() as session:
        rows = session.exec(select(CalendarDay).order_by(CalendarDay.day)).all()
        return [(r.calendar_id, r.day, r.kind) for r in rows]


def stored_targets(driver: SlackDriver) -> list[tuple[int, str, str, str, str]]:
    with driver.runtime.db.session() as session:
        rows = session.exec(select(SeverityTarget).order_by(SeverityTarget.severity)).all()
        return [(r.severity, r.response, r.resolution, r.calendar, r.updated_by) for r in rows]


def events(driver: SlackDriver) -> list[tuple[str, datetime, str, str | None]]:
    with driver.runtime.db.session() as session:
        rows = session.exec(select(IncidentEvent).order_by(IncidentEvent.id)).all()
        return [(r.kind, r.at, r.actor, r.detail) for r in rows]


def incident(driver: SlackDriver) -> Incident:
    with driver.runtime.db.session() as session:
        return session.exec(select(Incident)).one()


# ---- /sla calendar ----------------------------------------------------------------------------------------


def test_calendar_add_with_unquoted_hours(driver: SlackDriver) -> None:
    answer = driver.command(CN_ADD)
    assert answer.ephemeral
    assert answer.text == (
        ":calendar: Added calendar *cn-office*: mon-fri 09:00-12:00,13:00-18:00 in Asia/Shanghai, with the public "
        "holidays of CN. A working day is 8h, so a 3d target is 24h of working time."
    )
    assert "/sla policy sev3 calendar=cn-office" in answer.all_text
    assert calendars(driver) == [("cn-office", "Asia/Shanghai", "mon-fri 09:00-12:00,13:00-18:00", "CN", "U0ALICE")]


def test_calendar_add_with_quoted_or_several_groups(driver: SlackDriver) -> None:
    driver.command('/sla calendar add berlin tz=Europe/Berlin hours="Mon-Thu 9:00-17:00; fri 09:00-13:00"')
    driver.command("/sla calendar add night hours=mon-fri 22:00-24:00; tue-sat 00:00-06:00 tz=UTC country=us")
    assert calendars(driver) == [
        ("berlin", "Europe/Berlin", "mon-thu 09:00-17:00; fri 09:00-13:00", None, "U0ALICE"),
        ("night", "UTC", "mon 22:00-24:00; tue-fri 00:00-06:00,22:00-24:00; sat 00:00-06:00", "US", "U0ALICE"),
    ]


CALENDAR_BAD = [
    ("/sla calendar add tz=UTC hours=mon 09:00-10:00", "Give the calendar's name", "/sla calendar add <name>"),
    ("/sla calendar add cn tz=Asia/Shanghai", "Give the zone and the working hours", "/sla calendar add"),
    ("/sla calendar add cn hours=mon-fri 09:00-17:00", "Give the zone and the working hours", "/sla calendar add"),
    ("/sla calendar add cn x tz=UTC hours=mon 09:00-10:00", "Give one name, then tz=", "/sla calendar add"),
    ("/sla calendar add cn tz=Mars/Base hours=mon 09:00-10:00", "tz= must be a time zone like Europe/Berlin", "add"),
    ("/sla calendar add cn tz=UTC hours=mon-fri 09:00-12:00,11:00-13:00", "hours=: on mon 09:00-12:00 and", "add"),
    ("/sla calendar add cn tz=UTC hours=fri-mon 09:00-17:00", "hours=: 'fri-mon' runs backwards", "add"),
    ("/sla calendar add cn tz=UTC hours=mon-fri 17:00-09:00", "'17:00-09:00' ends before it starts", "add"),
    ("/sla calendar add cn tz=UTC hours=weekdays", "hours=: 'weekdays' is not a day", "add"),
    ('/sla calendar add cn tz=UTC hours=""', "hours=: give working hours, like mon-fri 09:00-12:00", "add"),
    ("/sla calendar add cn tz=UTC hours=mon 09:00-17:00 country=XX", "country= 'XX' is not a country", "add"),
    ("/sla calendar add 24x7 tz=UTC hours=mon 09:00-17:00", "24x7 is built in", "add"),
    ("/sla calendar add Bad/Name tz=UTC hours=mon 09:00-17:00", "is not a valid calendar name", "add"),
    ("/sla calendar add cn tz=UTC colour=red", "unknown option colour=", "add"),
    ("/sla calendar add cn tz=UTC tz=UTC hours=mon 09:00-17:00", "tz= is given twice", "add"),
    ('/sla calendar add cn tz=UTC hours="mon 09:00-17:00', "a quote is not closed", "add"),
    ("/sla calendar frob", "'frob' is not a /sla calendar command", "/sla calendar help"),
    ("/sla calendar holiday cn-office", "Give the calendar and the date", "/sla calendar holiday <name>"),
    ("/sla calendar holiday cn-office 2026-13-01", "'2026-13-01' is not a date: write it as YYYY-MM-DD", "holiday"),
    ("/sla calendar workday cn-office 24/12/2026", "'24/12/2026' is not a date", "/sla calendar workday"),
    ("/sla calendar holiday nope 2026-12-24", "There is no calendar 'nope'. See /sla calendar list.", "holiday"),
    ("/sla calendar holiday business 2026-12-24", "business is built in and cannot be changed", "holiday"),
    ("/sla calendar workday 24x7 2026-12-24", "24x7 is built in", "workday"),
    ("/sla calendar list all", "takes nothing after it", "/sla calendar list"),
    ("/sla calendar remove", "Give the calendar's name", "/sla calendar remove <name>"),
    ("/sla calendar remove nope", "There is no calendar 'nope'", "/sla calendar remove"),
    ("/sla calendar remove business", "business is built in", "/sla calendar remove"),
    ("/sla calendar add cn-office tz=UTC hours=mon 09:00-17:00", "A calendar named cn-office already exists", "add"),
]


@pytest.mark.parametrize(("line", "message", "usage"), CALENDAR_BAD)
def test_bad_calendar_commands_say_what_to_type_and_store_nothing(
    driver: SlackDriver, line: str, message: str, usage: str
) -> None:
    driver.command(CN_ADD)
    before = calendars(driver)
    answer = driver.command(line)
    assert answer.ephemeral and answer.text.startswith(":warning:")
    assert message in answer.text
    assert "Usage: " in answer.text and usage in answer.text.split("Usage: ", 1)[1]
    assert calendars(driver) == before and days(driver) == [] and stored_targets(driver) == []


def test_holiday_and_workday_are_stored_and_replace_each_other(driver: SlackDriver) -> None:
    driver.command(CN_ADD)
    answer = driver.command("/sla calendar holiday cn-office 2026-12-24")
    assert answer.text == ":calendar: 2026-12-24 is now a day off on calendar *cn-office*."
    driver.command("/sla calendar workday cn-office 2026-12-27")
    again = driver.command("/sla calendar workday cn-office 2026-12-24")
    assert again.text == (
        ":calendar: 2026-12-24 is now an extra working day on calendar *cn-office* (it was a day off)."
    )
    assert [(day, kind) for _, day, kind in days(driver)] == [
        (date(2026, 12, 24), "workday"),
        (date(2026, 12, 27), "workday"),
    ]
    driver.command("/sla calendar holiday cn-office 2027-01-04")
    listing = driver.command("/sla calendar list").all_text
    assert "Days off: 2027-01-04" in listing and "Extra working days: 2026-12-24, 2026-12-27" in listing


def test_calendar_list_shows_built_ins_and_who_uses_what(driver: SlackDriver) -> None:
    listing = driver.command("/sla calendar list")
    assert listing.ephemeral and "Calendars (2)" in listing.all_text
    assert "*24x7* (built in) · UTC · every hour\nUsed by sev1, sev2" in listing.all_text
    assert "*business* (built in) · UTC · mon-fri 09:00-17:00\nUsed by sev3, sev4" in listing.all_text
    driver.command(CN_ADD)
    driver.command("/sla policy sev4 calendar=cn-office")
    listing = driver.command("/sla calendar list").all_text
    assert "Calendars (3)" in listing
    assert "*cn-office* · Asia/Shanghai · mon-fri 09:00-12:00,13:00-18:00 · public holidays of CN" in listing
    assert "public holidays of CN\nUsed by sev4" in listing and "mon-fri 09:00-17:00\nUsed by sev3\n" in listing


def test_remove_is_refused_while_a_severity_counts_on_the_calendar(driver: SlackDriver) -> None:
    driver.command(CN_ADD)
    driver.command("/sla calendar holiday cn-office 2026-12-24")
    driver.command("/sla policy sev3 calendar=cn-office")
    refused = driver.command("/sla calendar remove cn-office")
    assert "sev3 count on calendar cn-office: move them first, like /sla policy sev3 calendar=24x7" in refused.text
    assert len(calendars(driver)) == 1 and len(days(driver)) == 1
    driver.command("/sla policy sev3 calendar=business")
    removed = driver.command("/sla calendar remove cn-office")
    assert removed.text == ":wastebasket: Removed calendar *cn-office* and its days."
    assert calendars(driver) == [] and days(driver) == []


def test_a_stored_business_calendar_replaces_the_built_in_one(driver: SlackDriver) -> None:
    driver.command("/sla calendar add business tz=Europe/Berlin hours=mon-fri 08:00-16:00")
    listing = driver.command("/sla calendar list").all_text
    assert "Calendars (2)" in listing and "(built in) · UTC · mon-fri" not in listing
    with driver.runtime.db.session() as session:
        book = TimerBook.load(session, ZoneInfo("UTC"))
    assert book.calendar("business").zone == ZoneInfo("Europe/Berlin")
    removed = driver.command("/sla calendar remove business")  # sev3 and sev4 fall back to the built-in one
    assert "now count on the built-in Mon-Fri 09:00-17:00 calendar" in removed.text
    assert calendars(driver) == []


# ---- /sla policy sev<N> -----------------------------------------------------------------------------------


def test_policy_without_options_shows_the_defaults(runtime: Runtime, slack: LocalSlack) -> None:
    """To a non-admin (an admin gets the severity's form: tests/slack/test_settings_modals.py)."""
    driver = SlackDriver(replace(runtime, settings=replace(runtime.settings, admins=frozenset({"U0ADMIN"}))), slack)
    answer = driver.command("/sla policy sev1")
    assert answer.ephemeral and "Incident SLA targets" in answer.all_text
    assert "*sev1* (default) · respond within *15m* · resolve within *4h* · on *24x7*" in answer.all_text
    assert "*sev2* (default) · respond within *30m* · resolve within *8h* · on *24x7*" in answer.all_text
    assert "*sev3* (default) · respond within *4h* · resolve within *3d* · on *business*" in answer.all_text
    assert "mon-fri 09:00-17:00 (UTC): 3d is 24h of working time" in answer.all_text
    assert "mon-fri 09:00-17:00 (UTC): 1d is 8h and 10d is 80h of working time" in answer.all_text
    assert stored_targets(driver) == []


def test_policy_changes_some_targets_and_keeps_the_rest(driver: SlackDriver) -> None:
    driver.command(CN_ADD)
    answer = driver.command("/sla policy sev3 ack=2h resolve=2d calendar=cn-office")
    assert ":white_check_mark: Updated the targets of sev3." in answer.text
    assert "*sev3* · respond within *2h* · resolve within *2d* · on *cn-office*" in answer.all_text
    assert "mon-fri 09:00-12:00,13:00-18:00 (Asia/Shanghai): 2d is 16h of working time" in answer.all_text
    driver.command("/sla policy SEV1 resolve=6H")
    assert stored_targets(driver) == [
        (1, "15m", "6h", "24x7", "U0ALICE"),
        (3, "2h", "2d", "cn-office", "U0ALICE"),
    ]
    driver.command("/sla policy sev3 ack=1h")
    assert stored_targets(driver)[1] == (3, "1h", "2d", "cn-office", "U0ALICE")


POLICY_BAD = [
    ("/sla policy sev9", "severity must be sev1, sev2, sev3 or sev4 (got 'sev9')"),
    ("/sla policy sev0 ack=1h", "severity must be sev1, sev2, sev3 or sev4"),
    ("/sla policy sev3 ack=soon", "ack=: 'soon' is not a duration"),
    ("/sla policy sev3 resolve=0m", "resolve=: a duration must be longer than zero"),
    ("/sla policy sev3 ack=", "ack= needs a value, like ack=4h"),
    ("/sla policy sev3 calendar=nope", "There is no calendar 'nope'. See /sla calendar list."),
    ("/sla policy sev3 calendar=Bad/Name", "is not a valid calendar name"),
    ("/sla policy sev3 colour=red", "unknown option colour="),
    ("/sla policy sev3 sev4 ack=1h", "Give one severity and the targets"),
]


@pytest.mark.parametrize(("line", "message"), POLICY_BAD)
def test_bad_policy_commands_say_what_to_type_and_store_nothing(driver: SlackDriver, line: str, message: str) -> None:
    answer = driver.command(line)
    assert answer.ephemeral and message in answer.text
    assert "/sla policy sev<N> ack=<duration> resolve=<duration> [calendar=<name>]" in answer.text
    assert stored_targets(driver) == []


def test_objective_policies_still_work(driver: SlackDriver) -> None:
    driver.command("/sla service add checkout")
    driver.command("/sla define checkout availability target=99.9")
    assert "Alert policy: checkout/availability" in driver.command("/sla policy checkout/availability").all_text
    assert "/sla calendar add" in driver.command("/sla help").all_text


@pytest.fixture
def admin_driver(runtime: Runtime, slack: LocalSlack) -> SlackDriver:
    restricted = replace(runtime, settings=replace(runtime.settings, admins=frozenset({"U0ADMIN"})))
    return SlackDriver(restricted, slack)


@pytest.mark.parametrize(
    "line",
    [
        "/sla calendar add cn tz=UTC hours=mon 09:00-17:00",
        "/sla calendar holiday cn-office 2026-12-24",
        "/sla calendar workday cn-office 2026-12-26",
        "/sla calendar remove cn-office",
        "/sla policy sev3 ack=1h",
    ],
)
def test_only_admins_change_targets_and_calendars(admin_driver: SlackDriver, line: str) -> None:
    admin_driver.command(CN_ADD, user="U0ADMIN")
    answer = admin_driver.command(line, user="U0MALLORY")
    assert "Only slabot admins can change services, objectives and policies. Ask <@U0ADMIN>." in answer.text
    assert [name for name, *_ in calendars(admin_driver)] == ["cn-office"]
    assert days(admin_driver) == [] and stored_targets(admin_driver) == []
    assert "cn-office" in admin_driver.command("/sla calendar list", user="U0MALLORY").all_text
    assert "Incident SLA targets" in admin_driver.command("/sla policy sev3", user="U0MALLORY").all_text


# ---- /incident pause | resume | show ----------------------------------------------------------------------


@pytest.fixture
def checkout(driver: SlackDriver) -> SlackDriver:
    driver.command("/sla service add checkout channel=<#C0CHECK|checkout> oncall=<@U0BOB|bob>")
    return driver


def thread_texts(driver: SlackDriver) -> list[str]:
    thread = incident(driver).thread_ts
    return [p.args["text"] for p in driver.posts() if p.args.get("thread_ts") == thread]


def test_pause_and_resume_are_recorded_and_posted_in_the_thread(checkout: SlackDriver, clock: FakeClock) -> None:
    checkout.command("/incident open checkout sev2 Refunds stuck")
    opened = clock.now
    clock.advance(minutes=10)
    answer = checkout.command('/incident pause 1 waiting on the "card processor"')
    assert answer.ephemeral and "Paused the SLA timers of incident #1 sev2: Refunds stuck" in answer.text
    assert incident(checkout).paused_at == clock.now
    clock.advance(hours=1, minutes=5)
    resumed = checkout.command("/incident resume #1", user="U0BOB")
    assert "Resumed the SLA timers of incident #1" in resumed.text
    assert incident(checkout).paused_at is None
    assert thread_texts(checkout) == [
        ':double_vertical_bar: <@U0ALICE> paused the SLA timers of incident #1: waiting on the "card processor"',
        ":arrow_forward: <@U0BOB> resumed the SLA timers of incident #1 (paused for 1h 5m).",
    ]
    assert events(checkout) == [
        ("opened", opened, "U0ALICE", None),
        ("paused", opened.replace(minute=10), "U0ALICE", 'waiting on the "card processor"'),
        ("resumed", clock.now, "U0BOB", None),
    ]
    assert len(checkout.slack.calls_to("chat.update")) == 2  # the announcement is refreshed each time


PAUSE_BAD = [
    ("/incident pause", "Give the incident number and why", "/incident pause <id>"),
    ("/incident pause abc", "'abc' is not an incident number", "/incident pause <id>"),
    ("/incident pause 9", "There is no incident #9", "/incident pause <id>"),
    ("/incident resume 1", "Incident #1 is not paused. Pause it with /incident pause 1 <reason>.", "resume <id>"),
    ("/incident resume", "Give the incident number, like: /incident resume 12", "/incident resume <id>"),
    ("/incident resume 1 2", "Give the incident number", "/incident resume <id>"),
    ("/incident pause 1 " + "x" * 501, "The reason is 501 characters; keep it to 500 at most.", "/incident pause"),
]


@pytest.mark.parametrize(("line", "message", "usage"), PAUSE_BAD)
def test_bad_pause_and_resume(checkout: SlackDriver, line: str, message: str, usage: str) -> None:
    checkout.command("/incident open checkout sev2 Refunds stuck")
    answer = checkout.command(line)
    assert answer.ephemeral and message in answer.text and usage in answer.text
    assert [kind for kind, *_ in events(checkout)] == ["opened"] and incident(checkout).paused_at is None


def test_pausing_twice_and_after_resolve_is_refused(checkout: SlackDriver) -> None:
    checkout.command("/incident open checkout sev2 Refunds stuck")
    checkout.command("/incident pause 1 vendor")
    twice = checkout.command("/incident pause 1 vendor again")
    assert "Incident #1 is already paused. Resume it with /incident resume 1." in twice.text
    checkout.command("/incident resolve 1")
    for line in ("/incident pause 1", "/incident resume 1"):
        assert "Incident #1 is already resolved: its timers have stopped." in checkout.command(line).text
    assert [kind for kind, *_ in events(checkout)] == ["opened", "paused", "acknowledged", "resolved"]


def timer_lines(answer_text: str) -> list[str]:
    return [line for line in answer_text.splitlines() if line.startswith(("*Response*", "*Resolution*"))]


def test_show_timers_on_business_hours(checkout: SlackDriver, clock: FakeClock) -> None:
    checkout.command("/incident open checkout sev3 Search is slow")  # Saturday 12:00 UTC: nothing counts yet
    assert timer_lines(checkout.command("/incident show 1").all_text) == [
        "*Response* · 0s of 4h (0.0%) · 4h left · due 2026-11-23 13:00 UTC (in 2d 1h) · calendar business (UTC)",
        "*Resolution* · 0s of 24h (0.0%) · 24h left · due 2026-11-25 17:00 UTC (in 4d 5h) · calendar business (UTC)",
    ]
    clock.advance(days=2)  # Monday 12:00
    assert timer_lines(checkout.command("/incident show 1").all_text)[0] == (
        "*Response* · 3h of 4h (75.0%) · 1h left · due 2026-11-23 13:00 UTC (in 1h) · calendar business (UTC)"
    )
    checkout.command("/incident pause 1 waiting on the customer")
    clock.advance(hours=2)  # Monday 14:00
    paused = checkout.command("/incident show 1").all_text
    assert timer_lines(paused)[0] == "*Response* · paused · 3h of 4h (75.0%) · 1h left · calendar business (UTC)"
    assert "paused by <@U0ALICE>: waiting on the customer" in paused
    checkout.command("/incident resume 1")
    clock.advance(minutes=30)
    checkout.command("/incident ack 1")
    clock.advance(days=3)  # Thursday 14:30
    assert timer_lines(checkout.command("/incident show 1").all_text) == [
        "*Response* · met in 3h 30m · 3h 30m of 4h (87.5%) · calendar business (UTC)",
        "*Resolution* · overdue by 3h 30m · 27h 30m of 24h (114.6%) · was due 2026-11-26 11:00 UTC · "
        "calendar business (UTC)",
    ]


def test_show_timers_on_a_stored_calendar_and_24x7(checkout: SlackDriver, clock: FakeClock) -> None:
    checkout.command("/sla calendar add berlin tz=Europe/Berlin hours=mon-fri 09:00-17:00")
    checkout.command("/sla policy sev3 calendar=berlin")
    checkout.command("/incident open checkout sev3 Search is slow")
    assert "due 2026-11-23 13:00 CET (in 2d) · calendar berlin (Europe/Berlin)" in (
        checkout.command("/incident show 1").all_text
    )
    checkout.command("/incident open checkout sev1 Checkout down")
    clock.advance(minutes=20)
    checkout.command("/incident ack 2")
    assert timer_lines(checkout.command("/incident show 2").all_text) == [
        "*Response* · missed by 5m · 20m of 15m (133.3%) · was due 2026-11-21 12:15 UTC · 24x7",
        "*Resolution* · 20m of 4h (8.3%) · 3h 40m left · due 2026-11-21 16:00 UTC (in 3h 40m) · 24x7",
    ]


# ---- TimerBook and breaches (the alerting job's side) -----------------------------------------------------


def test_record_breach_stores_each_missed_target_once(database: Database, clock: FakeClock) -> None:
    zone = ZoneInfo("UTC")
    started = datetime(2026, 11, 21, 11, 0, tzinfo=UTC)
    with database.session() as session:
        service = Service(name="checkout", created_by="U0ALICE")
        session.add(service)
        session.flush()
        assert service.id is not None
        row = Incident(service_id=service.id, severity=1, title="Down", impact_percent=Decimal(100))
        row.started_at, row.opened_by = started, "U0ALICE"
        session.add(row)
        session.flush()
        response, resolution = TimerBook.load(session, zone).timers(row, [], clock.now)
        assert response.breached and not resolution.breached
        assert record_breach(session, row, response, clock.now) is True
        assert record_breach(session, row, response, clock.now) is False
        assert record_breach(session, row, resolution, clock.now) is False  # not breached: nothing to store
    with database.session() as session:
        (breach,) = session.exec(select(SlaBreach)).all()
        assert (breach.timer, breach.severity, breach.target_seconds) == (SlaTimerKind.RESPONSE.value, 1, 900)
        assert breach.due_at == datetime(2026, 11, 21, 11, 15, tzinfo=UTC) and breach.recorded_at == clock.now
        stored = session.exec(select(Incident)).one()
        assert record_breach(session, stored, response, clock.now) is False  # another pass, same breach
