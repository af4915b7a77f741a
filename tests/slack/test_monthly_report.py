"""/sla report month=2026-11 end to end: the ack, then the monthly SLA report rendered off the request path and
posted in the channel, in Slack, as a PDF and as a CSV with the same figures, each file uploaded once.

The month (November 2026, UTC: 30 days, 43,200 minutes) is seeded by hand and every figure is computed below:

checkout (incident-based), maintenance 2026-11-20 02:00-04:00 excluded (120 min): valid time 43,080 min.
  #2 sev2 Nov 10 10:00, full outage, acknowledged after 10m, resolved after 30m: 30 bad minutes.
  #3 sev1 Nov 12 08:00 at 50%, acknowledged after 20m (15m response target missed at 08:15), resolved after
     2h: 120 x 50% = 60 bad minutes. Its 5-Why finished: Technology, "The payment pool was exhausted".
  #4 sev3 Nov 20 02:30-03:30, inside the maintenance: no bad time.
  Bad time 30 + 60 = 90 min; attainment (43,080 - 90) / 43,080 = 0.9979108... -> 99.7% (floored).
  availability, SLA 99.9%, credits 99.9:10,99.5:25,99:50:
     budget 0.1% x 43,080 min = 43.08 min = 43m 4.8s -> "43m 4s"; consumed 1h 30m;
     left 43.08 - 90 = -46.92 min = -46m 55.2s -> "-46m 55s", -46.92 / 43.08 = -108.9%; missed;
     99.79% is below 99.9% but not below 99.5%: a 10% credit.
  database, OLA 99.5%: budget 0.5% x 43,080 = 215.4 min -> "3h 35m"; left 125.4 min -> "2h 5m",
     125.4 / 215.4 = 58.2%; met.
  The trend: October (44,640 min) had #1, 60 bad minutes: 1 - 60/44,640 = 0.99865... -> 99.8%; August and
  September had none: 100.0%.
api (events): requests, SLA 99.5% with credits 99.5:10,99:25, 1,000 requests an hour all month, 5 failing:
  720,000 valid, 3,600 bad: exactly 99.5%, met; budget 0.5% x 720,000 = 3,600 events, all consumed: 0 left
  (0.0%); exactly 99.5% is not below 99.5%: no credit. latency, SLO 99%: no events, no data.
Satisfaction: #2 rated 4, #3 rated 2: 3.0/5 from 2 ratings. Action items: one opened in November (for #3),
one opened in October and closed on Nov 5 (for #1).
"""

from __future__ import annotations

import csv
import io
import re
import subprocess
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from slabot.core.timefmt import format_duration
from slabot.reports import runs
from slabot.slo.ingest import Point, event_objective, ingest
from storage.models.incidents import CsatRating, Incident
from storage.models.outbox import OutboxMessage
from storage.models.rca import ActionItem, ActionItemStatus, FishboneCategory, Rca, RcaStage, RcaTrigger, RcaWhy
from storage.models.reports import DigestRun
from tests.conftest import FakeClock
from tests.driver import CHANNEL, SlackDriver
from tests.slack.test_digest_report import deliverer_for, texts, worker_for

NOVEMBER = datetime(2026, 11, 1, tzinfo=UTC)
DECEMBER_3 = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


def _incident(driver: SlackDriver, clock: FakeClock, at: datetime, line: str, ack: int, resolve: int) -> None:
    clock.now = at
    driver.command(f"/incident open {line}")
    with driver.runtime.db.session() as session:
        incident_id = max(i.id for i in session.exec(select(Incident)).all())
    clock.now = at + timedelta(minutes=ack)
    driver.command(f"/incident ack {incident_id}")
    clock.now = at + timedelta(minutes=resolve)
    driver.command(f"/incident resolve {incident_id}")


def _finished_rca(driver: SlackDriver, incident_id: int, category: FishboneCategory, whys: list[str]) -> None:
    at = datetime(2026, 11, 13, 10, 0, tzinfo=UTC)
    with driver.runtime.db.session() as session:
        rca = Rca(
            incident_id=incident_id,
            stage=RcaStage.DONE,
            trigger=RcaTrigger.COMMAND,
            channel_id="C0CHECK",
            thread_ts="1.1",
            category=category,
            started_by="U0BOB",
            started_at=at,
            finished_at=at,
            finished_by="U0BOB",
        )
        session.add(rca)
        session.flush()
        for position, answer in enumerate(whys, start=1):
            session.add(
                RcaWhy(
                    rca_id=rca.id,
                    position=position,
                    question="Why?",
                    answer=answer,
                    answered_by="U0BOB",
                    answered_at=at,
                    message_ts=f"1.{position + 1}",
                )
            )


def seed_month(driver: SlackDriver, clock: FakeClock) -> None:
    clock.now = datetime(2026, 8, 1, tzinfo=UTC)
    driver.command("/sla service add checkout channel=<#C0CHECK|checkout> oncall=<@U0BOB|bob>")
    driver.command("/sla service add api channel=<#C0API|api>")
    for line in (
        '/sla define checkout availability target=99.9 kind=sla credits="99.9:10,99.5:25,99:50"',
        "/sla define checkout database target=99.5 kind=ola",
        '/sla define api requests target=99.5 kind=sla source=events credits="99.5:10,99:25"',
        "/sla define api latency target=99 source=events",
    ):
        answer = driver.command(line)
        assert "defined" in answer.text.lower(), answer.text
    # #1 in October: 60 bad minutes (the trend)
    _incident(driver, clock, datetime(2026, 10, 14, 9, 0, tzinfo=UTC), "checkout sev3 Slow search", 5, 60)
    clock.now = datetime(2026, 11, 1, tzinfo=UTC)
    answer = driver.command(
        '/sla maintenance add checkout start=2026-11-20T02:00Z end=2026-11-20T04:00Z reason="DB upgrade"'
    )
    assert not answer.text.startswith(":warning:"), answer.text
    _incident(driver, clock, datetime(2026, 11, 10, 10, 0, tzinfo=UTC), "checkout sev2 Card payments fail", 10, 30)
    _incident(
        driver, clock, datetime(2026, 11, 12, 8, 0, tzinfo=UTC), "checkout sev1 Checkout slow for EU impact=50", 20, 120
    )
    _incident(driver, clock, datetime(2026, 11, 20, 2, 30, tzinfo=UTC), "checkout sev3 Migration errors", 10, 60)
    _finished_rca(driver, 3, FishboneCategory.TECHNOLOGY, ["Checkout timed out", "The payment pool was exhausted"])
    with driver.runtime.db.session() as session:
        session.add(CsatRating(incident_id=2, rating=4, user_id="U0TEST", comment="Quick fix", rated_at=NOVEMBER))
        session.add(CsatRating(incident_id=3, rating=2, user_id="U0TEST", comment=None, rated_at=NOVEMBER))
        session.add(
            ActionItem(
                incident_id=3,
                text="Size the payment pool for peak",
                owner_id="U0BOB",
                due=date(2026, 12, 15),
                created_by="U0BOB",
                created_at=datetime(2026, 11, 13, 11, 0, tzinfo=UTC),
            )
        )
        session.add(
            ActionItem(
                incident_id=1,
                text="Index the search table",
                owner_id="U0BOB",
                due=date(2026, 11, 10),
                status=ActionItemStatus.DONE,
                created_by="U0BOB",
                created_at=datetime(2026, 10, 20, 11, 0, tzinfo=UTC),
                done_by="U0BOB",
                done_at=datetime(2026, 11, 5, 9, 0, tzinfo=UTC),
            )
        )
    clock.now = DECEMBER_3
    with driver.runtime.db.session() as session:
        objective = event_objective(session, "api", "requests")
        points = [Point(NOVEMBER + timedelta(hours=h), 995, 1000) for h in range(720)]
        ingest(session, objective, points, clock.now)


@pytest.fixture
def seeded(driver: SlackDriver, clock: FakeClock) -> SlackDriver:
    seed_month(driver, clock)
    driver.slack.clear()
    return driver


def run_worker(driver: SlackDriver, clock: FakeClock) -> list[dict[str, Any]]:
    """Render what is queued (as the worker does after the ack), deliver it; the channel's messages."""
    assert worker_for(driver, clock).render_due()
    deliverer_for(driver, clock).deliver_due()
    return driver.slack.messages(CHANNEL)


def posted_report(driver: SlackDriver, clock: FakeClock, line: str) -> dict[str, Any]:
    driver.command(line)
    run_worker(driver, clock)
    (post,) = driver.posts(CHANNEL)
    return dict(post.args)


def uploaded(driver: SlackDriver, line: str, clock: FakeClock) -> tuple[dict[str, Any], bytes]:
    """Ask for a file report, let the worker render and deliver it: the file as shared, and its bytes."""
    driver.command(line)
    run_worker(driver, clock)
    (message,) = [m for m in driver.slack.messages(CHANNEL) if m.get("files")]
    (shared,) = message["files"]
    return shared, driver.slack.uploads[shared["id"]]


def pdf_text(content: bytes, tmp_path: Path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    done = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, check=True, text=True)
    return done.stdout


def flat(text: str) -> str:
    """Whitespace collapsed, so a table row reads as one line of figures."""
    return " ".join(text.split())


# The figures computed in the module's docstring, as every format shows them.
AVAILABILITY = ["SLA", "99.9%", "99.7%", "missed", "43m 4s", "1h 30m", "-46m 55s (-108.9%)", "2h", "10%"]
DATABASE = ["OLA", "99.5%", "99.7%", "met", "3h 35m", "1h 30m", "2h 5m (58.2%)", "2h", "–"]
REQUESTS = ["SLA", "99.5%", "99.5%", "met", "3,600 events", "3,600 events", "0 events (0.0%)", "0s", "none"]
SUMMARY = "Missed: 1 · Met: 2 · No data: 1 · Incidents: 3 · SLA breaches: 1 · SLAs owing credit: 1"
BREACH = "#3 checkout sev1: response target 15m missed at 2026-11-12 08:15 UTC · Checkout slow for EU"
CAUSE = "Root cause (Technology): The payment pool was exhausted"


def test_report_acks_at_once_and_renders_after(seeded: SlackDriver) -> None:
    answer = seeded.command("/sla report month=2026-11 format=pdf")
    assert answer.ephemeral
    assert answer.text == (
        ":hourglass_flowing_sand: Preparing the monthly report of November 2026 for all services as a PDF; "
        f"it will be uploaded to <#{CHANNEL}> in a moment."
    )
    assert seeded.posts(CHANNEL) == [] and seeded.slack.calls_to("files.getUploadURLExternal") == []
    with seeded.runtime.db.session() as session:
        (run,) = session.exec(select(DigestRun)).all()
    assert (run.period, run.week_start, run.formats, run.status) == ("month", date(2026, 11, 1), "pdf", "pending")


def test_the_monthly_numbers_match_the_hand_computed_ones(seeded: SlackDriver, clock: FakeClock) -> None:
    report = posted_report(seeded, clock, "/sla report month=2026-11")
    blocks = report["blocks"]
    assert len(blocks) <= 50
    assert blocks[0]["text"]["text"] == "Monthly service levels · November 2026"
    body = texts(blocks)
    assert body[1] == "all services · calendar month in UTC · maintenance excluded"
    assert body[2] == f"*Summary* {SUMMARY}"
    objectives = [t for t in body if t.startswith(":")]
    # missed first, then no data, then met (closest to its target first)
    assert [t.split("*")[1] for t in objectives] == [
        "checkout/availability",
        "api/latency",
        "api/requests",
        "checkout/database",
    ]
    assert objectives[0] == (
        ":red_circle: *checkout/availability* SLA · target 99.9% · actual *99.7%* · *missed*\n"
        "Budget 43m 4s · consumed 1h 30m · left -46m 55s (-108.9%)\n"
        "Maintenance excluded: 2h\n"
        "Previous months: 2026-08 100.0% · 2026-09 100.0% · 2026-10 99.8%\n"
        "Incidents: 3\n"
        "10% credit owed: attainment 99.7% is below 99.9%."
    )
    assert "*no data*" in objectives[1] and "Budget: no data in this period" in objectives[1]
    # exactly 99.5% is not below the 99.5% band: met, and no credit
    assert "actual *99.5%* · *met*\nBudget 3,600 events · consumed 3,600 events · left 0 events (0.0%)" in objectives[2]
    assert objectives[2].endswith("No credit owed: attainment 99.5% is not below 99.5%.")
    assert "Budget 3h 35m · consumed 1h 30m · left 2h 5m (58.2%)" in objectives[3]
    incidents = next(t for t in body if t.startswith("*Incidents by severity*"))
    assert incidents.split("\n") == [
        "*Incidents by severity* 3 · MTTA 10m · MTTR 1h",
        "*sev1* · 1 · response 0/1 met (0.0%) · resolution 1/1 met (100.0%) · MTTA 20m · MTTR 2h",
        "*sev2* · 1 · response 1/1 met (100.0%) · resolution 1/1 met (100.0%) · MTTA 10m · MTTR 30m",
        "*sev3* · 1 · response 1/1 met (100.0%) · resolution 1/1 met (100.0%) · MTTA 10m · MTTR 1h",
    ]
    breaches = next(t for t in body if t.startswith("*SLA breaches*"))
    assert breaches == f"*SLA breaches* 1\n• {BREACH}\n      {CAUSE}"
    credits = next(t for t in body if t.startswith("*Service credits*"))
    assert credits.split("\n") == [
        "*Service credits* 1 of 2 SLAs owe a credit",
        "• *checkout/availability* · attainment 99.7% · credit owed 10%",
        "• *api/requests* · attainment 99.5% · credit owed none",
    ]
    assert "*Satisfaction* 3.0/5 from 2 ratings\n5★ 0 · 4★ 1 · 3★ 0 · 2★ 1 · 1★ 0" in body
    assert (
        body[-1] == "*Action items* opened 1 · closed 1\n• #3 checkout: Size the payment pool for peak (due 2026-12-15)"
    )
    assert report["text"] == f"Monthly service levels November 2026: {SUMMARY}"


SLACK_FIGURES = re.compile(
    r"\*(?P<name>[^*]+)\* (?P<kind>SLA|OLA|SLO) · target (?P<target>\S+) · actual \*(?P<actual>[^*]+)\* · "
    r"\*(?P<outcome>[^*]+)\*\nBudget (?P<budget>.+) · consumed (?P<consumed>.+) · left (?P<left>.+ \(.+\))"
)


def slack_rows(driver: SlackDriver, clock: FakeClock) -> dict[str, str]:
    """The figures of each objective with data as the Slack report shows them, as a row of the PDF's table."""
    found = {}
    for text in texts(posted_report(driver, clock, "/sla report month=2026-11")["blocks"]):
        match = SLACK_FIGURES.search(text)
        if match:
            parts = [match[key] for key in ("kind", "target", "actual", "outcome", "budget", "consumed", "left")]
            found[match["name"]] = " ".join(parts)
    driver.slack.clear()
    return found


def test_the_pdf_shows_the_slack_reports_figures(seeded: SlackDriver, clock: FakeClock, tmp_path: Path) -> None:
    shown_in_slack = slack_rows(seeded, clock)
    assert sorted(shown_in_slack) == ["api/requests", "checkout/availability", "checkout/database"]
    shared, content = uploaded(seeded, "/sla report month=2026-11 format=pdf", clock)
    assert content.startswith(b"%PDF-")
    assert shared["name"] == "slabot-2-report-2026-11.pdf"
    assert shared["title"] == "Monthly service levels · November 2026 (PDF)"
    text = pdf_text(content, tmp_path)
    pages = text.split("\f")
    cover, summary = flat(pages[0]), flat(pages[1])
    assert "Monthly service levels November 2026" in cover
    assert "all services · calendar month in UTC · maintenance excluded" in cover
    for part in SUMMARY.split(" · "):
        assert part in cover
    for name, figures in shown_in_slack.items():  # the Slack message's figures, in the same order in the table
        assert f"{name} {figures} " in summary, name
    assert "checkout/availability " + " ".join(AVAILABILITY) in summary
    assert "checkout/database " + " ".join(DATABASE) in summary
    assert "api/requests " + " ".join(REQUESTS) in summary
    assert "api/latency SLO 99% no data no data" in summary
    assert "api Objectives: 2 · Incidents started: 0" in flat(pages[2])  # a page per service, by name
    checkout = flat(pages[3])
    assert "checkout Objectives: 2 · Incidents started: 3" in checkout
    assert "checkout/availability " + " ".join(AVAILABILITY) in checkout
    for figure in ("100.0%", "99.8%", "99.7%", "208.9% of 43m 4s", "41.8% of 3h 35m"):  # the charts' labels
        assert figure in checkout
    breaches = flat(pages[4])
    assert BREACH in breaches and CAUSE in breaches
    assert "sev1 1 0/1 met (0.0%) 1/1 met (100.0%) 20m 2h" in breaches
    assert "Satisfaction: 3.0/5 from 2 ratings" in breaches and "Action items: opened 1 · closed 1" in breaches


def test_the_csv_has_the_same_numbers(seeded: SlackDriver, clock: FakeClock) -> None:
    shared, content = uploaded(seeded, "/sla report month=2026-11 format=csv", clock)
    assert shared["name"] == "slabot-1-report-2026-11.csv"
    assert content.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, for Excel
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    assert len(rows) == 4 * 4  # four objectives, the month and the three before it
    by_key = {(row["Month"], row["Service"], row["Objective"]): row for row in rows}
    availability = by_key[("2026-11", "checkout", "availability")]
    assert {key: availability[key] for key in ("Kind", "Target (%)", "Attainment (%)", "Outcome", "Unit")} == {
        "Kind": "SLA",
        "Target (%)": "99.9",
        "Attainment (%)": "99.7",
        "Outcome": "missed",
        "Unit": "minutes",
    }
    assert [availability[key] for key in ("Budget", "Consumed", "Left", "Left (%)")] == [
        "43.08",
        "90",
        "-46.92",
        "-108.9",
    ]
    # the same amounts the Slack report shows, in minutes
    assert [format_duration(Decimal(availability[key]) * 60) for key in ("Budget", "Consumed", "Left")] == [
        "43m 4s",
        "1h 30m",
        "-46m 55s",
    ]
    assert (availability["Maintenance excluded (min)"], availability["Incidents"], availability["Credit owed (%)"]) == (
        "120",
        "3",
        "10",
    )
    requests = by_key[("2026-11", "api", "requests")]
    assert [
        requests[key] for key in ("Attainment (%)", "Budget", "Consumed", "Left", "Left (%)", "Credit owed (%)")
    ] == [
        "99.5",
        "3600",
        "3600",
        "0",
        "0.0",
        "0",
    ]
    october = by_key[("2026-10", "checkout", "availability")]
    # 44,640 minutes: budget 44.64, 60 consumed, 99.8% (a 10% credit that month too)
    assert [october[key] for key in ("Attainment (%)", "Budget", "Consumed", "Incidents", "Credit owed (%)")] == [
        "99.8",
        "44.64",
        "60",
        "1",
        "10",
    ]
    assert by_key[("2026-11", "checkout", "database")]["Credit owed (%)"] == ""  # an OLA has no credits
    assert by_key[("2026-11", "api", "latency")]["Attainment (%)"] == ""  # no data


def test_a_run_written_again_posts_and_uploads_nothing_twice(seeded: SlackDriver, clock: FakeClock) -> None:
    seeded.command("/sla report month=2026-11 format=pdf")
    with seeded.runtime.db.snapshot() as session:
        (run,) = session.exec(select(DigestRun)).all()
        ready = runs.prepare(session, run, seeded.runtime.settings.timezone)
    for _ in range(2):  # a retried run, or one taken over after its first worker wrote it
        with seeded.runtime.db.session() as session:
            seeded.notifier.queue(session, [ready], clock.now)
    with seeded.runtime.db.session() as session:
        keys = [row.key for row in session.exec(select(OutboxMessage)).all()]
    assert [key for key in keys if key.startswith("digest:")] == [f"digest:{run.id}:pdf"]
    deliverer_for(seeded, clock).deliver_due()
    deliverer_for(seeded, clock).deliver_due()
    assert len(seeded.slack.calls_to("files.completeUploadExternal")) == 1
    assert len(seeded.slack.uploads) == 1


def test_one_service_and_bad_input(seeded: SlackDriver, clock: FakeClock) -> None:
    report = posted_report(seeded, clock, "/sla report api month=2026-11")
    body = texts(report["blocks"])
    assert body[1] == "api · calendar month in UTC · maintenance excluded"
    assert [t.split("*")[1] for t in body if t.startswith(":")] == ["api/latency", "api/requests"]
    assert "*Incidents by severity*\nNo incidents started in this period." in body
    for line, message in [
        ("/sla report month=2026-12", "2026-12 has not ended yet: the last complete month is 2026-11"),
        ("/sla report month=November", "month= must be a calendar month like 2026-11 (got 'November')"),
        ("/sla report month=2026-13", "month= must be a calendar month like 2026-11"),
        ("/sla report month=2026-11 format=docx", "format= must be slack, pdf or csv (got 'docx')"),
        ("/sla report week=2026-W46 month=2026-11", "Give week= for a weekly digest or month= for a monthly report"),
        ("/sla report api checkout month=2026-11", "Give at most one service"),
        ("/sla report nosuch month=2026-11", "There is no service 'nosuch'"),
    ]:
        reply = seeded.command(line)
        assert reply.ephemeral and message in reply.text, reply.text
        assert "Usage: /sla report [service] [week=2026-W46] | /sla report [service] month=2026-11" in reply.text
    with seeded.runtime.db.session() as session:
        assert len(session.exec(select(DigestRun)).all()) == 1  # only the good one


def test_without_month_the_last_complete_month_is_reported(seeded: SlackDriver, clock: FakeClock) -> None:
    answer = seeded.command("/sla report format=csv")
    assert "monthly report of November 2026" in answer.text
