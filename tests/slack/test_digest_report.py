"""/sla report end to end: the ack, then the digest rendered off the request path, posted with its charts.

The week (2026-W46 in UTC) holds two checkout incidents and an hour-by-hour event SLI for api; every
number below is computed by hand from them.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlmodel import select

from slabot.catalog import objectives
from slabot.catalog.objectives import ObjectiveSpec
from slabot.core.windows import WindowSpec
from slabot.notify.delivery import Deliverer
from slabot.notify.notifier import Notifier
from slabot.notify.outcomes import create_delivery_client
from slabot.runtime.digest_worker import DigestWorker
from slabot.runtime.evaluation_pass import evaluate
from slabot.slo.ingest import Point, event_objective, ingest
from storage.models.reports import DigestRun
from tests.conftest import FakeClock
from tests.driver import CHANNEL, SlackDriver

WEEK_START = datetime(2026, 11, 9, tzinfo=UTC)


def deliverer_for(driver: SlackDriver, clock: FakeClock) -> Deliverer:
    client = create_delivery_client("xoxb-test", driver.slack.base_url)
    return Deliverer(driver.runtime.db, client, clock)


def worker_for(driver: SlackDriver, clock: FakeClock, grace: timedelta = timedelta(hours=12)) -> DigestWorker:
    """A digest worker of its own (as another process would have), delivering through its own outbox client."""
    zone = driver.runtime.settings.timezone
    return DigestWorker(driver.runtime.db, clock, Notifier(deliverer_for(driver, clock), zone), zone, grace)


def seed_week(driver: SlackDriver, clock: FakeClock) -> None:
    driver.command("/sla service add checkout channel=<#C0CHECK|checkout> oncall=<@U0BOB|bob>")
    driver.command("/sla service add api channel=<#C0API|api>")
    driver.command("/sla define checkout availability target=99.9 window=30d")
    driver.command("/sla define api requests target=99 window=7d source=events")
    driver.command("/sla define api latency target=99 window=7d source=events")
    today = clock.now
    # #1 sev2 on Tuesday: acknowledged after 10 minutes, resolved after 30 (full outage: 30 bad minutes).
    clock.now = datetime(2026, 11, 10, 10, 0, tzinfo=UTC)
    driver.command("/incident open checkout sev2 Card payments fail")
    clock.advance(minutes=10)
    driver.command("/incident ack 1")
    clock.advance(minutes=20)
    driver.command("/incident resolve 1")
    # #2 sev1 on Thursday at 50%: acknowledged after 20 minutes (15m target missed), resolved after 2 hours.
    clock.now = datetime(2026, 11, 12, 8, 0, tzinfo=UTC)
    driver.command("/incident open checkout sev1 Checkout slow for EU impact=50")
    clock.advance(minutes=20)
    driver.command("/incident ack 2")
    evaluate(driver.runtime, driver.notifier)  # the pass records the missed response target
    clock.advance(minutes=100)
    driver.command("/incident resolve 2")
    # api/requests: 1,000 requests an hour all week, 8 of them failing (99.2%).
    clock.now = today
    with driver.runtime.db.session() as session:
        objective = event_objective(session, "api", "requests")
        points = [Point(WEEK_START + timedelta(hours=h), 992, 1000) for h in range(168)]
        ingest(session, objective, points, clock.now)


@pytest.fixture
def seeded(driver: SlackDriver, clock: FakeClock) -> SlackDriver:
    seed_week(driver, clock)
    driver.slack.clear()
    return driver


def texts(blocks: list[dict[str, Any]]) -> list[str]:
    found = []
    for block in blocks:
        if "text" in block and isinstance(block["text"], dict):
            found.append(block["text"]["text"])
        for element in block.get("elements", []):
            found.append(element.get("text", ""))
    return found


def run_report(driver: SlackDriver, clock: FakeClock) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    assert worker_for(driver, clock).render_due()
    deliverer_for(driver, clock).deliver_due()
    (post,) = driver.posts(CHANNEL)
    digest = post.args
    ts = post.response["ts"]
    replies = [m for m in driver.slack.messages(CHANNEL) if m.get("thread_ts") == ts and m["ts"] != ts]
    return digest, replies


def test_report_acks_at_once_and_renders_after(seeded: SlackDriver, clock: FakeClock) -> None:
    answer = seeded.command("/sla report")
    assert answer.ephemeral
    assert "Preparing the digest of 2026-W46 (9–15 Nov 2026) for all services" in answer.text
    assert seeded.posts(CHANNEL) == []  # nothing rendered on the request path
    with seeded.runtime.db.session() as session:
        (run,) = session.exec(select(DigestRun)).all()
    assert (run.channel_id, run.week_start.isoformat(), run.status) == (CHANNEL, "2026-11-09", "pending")


def test_the_digest_numbers_match_the_hand_computed_ones(seeded: SlackDriver, clock: FakeClock) -> None:
    seeded.command("/sla report week=2026-W46")
    digest, _ = run_report(seeded, clock)
    blocks = digest["blocks"]
    assert len(blocks) <= 50
    assert blocks[0]["text"]["text"] == "Weekly service levels · 2026-W46 (9–15 Nov 2026)"
    body = texts(blocks)
    assert "*Summary* 1 breached · 1 at risk · 1 no data; 2 incidents, 1 SLA breach" in body
    objectives = [t for t in body if t.startswith(":")]
    # failing first: the breached one, the one at risk, the one without data
    assert [t.split("*")[1] for t in objectives] == ["checkout/availability", "api/requests", "api/latency"]
    checkout = objectives[0]
    # 30d budget 43m 12s; 30 + 60 bad minutes: 1 − 5400/2592 = −108.3% left, 100% a week before
    assert "*breached*" in checkout
    assert "30d attainment *99.7%* · budget left -108.3% (▼ 208.3 pts on the week before)" in checkout
    assert "This week 99.1% · bad time 1h 30m · 2 incidents" in checkout
    api = objectives[1]
    # 8 of 1,000 bad each hour: 1,344 bad events of a 1,680 budget: 20% left; no data a week before
    assert "7d attainment *99.2%* · budget left 20.0%\n" in api
    assert "This week 99.2% · bad 1,344 events · 0 incidents" in api
    assert "*no data*" in objectives[2]
    incidents = next(t for t in body if t.startswith("*Incidents*"))
    assert incidents.startswith("*Incidents* 2 (sev1: 1, sev2: 1) · MTTA 15m (p90 20m) · MTTR 1h 15m (p90 2h)")
    sev1 = "*sev1* · 1 · MTTA 20m (p90 20m) · MTTR 2h (p90 2h) · response 0/1 met (0.0%) · resolution 1/1 met (100.0%)"
    assert sev1 in incidents
    assert "*sev2* · 1 · MTTA 10m (p90 10m) · MTTR 30m (p90 30m) · response 1/1 met (100.0%)" in incidents
    breaches = next(t for t in body if t.startswith("*SLA breaches*"))
    assert "#2 checkout sev1: response target 15m missed at 2026-11-12 08:15 UTC" in breaches
    # neither incident has a root cause yet: all the bad time is one visible "Not analysed" bar
    causes = next(t for t in body if t.startswith("*Bad time by root cause (incidents)*"))
    assert "Not analysed 1h 30m (100%)" in causes and "1 of 1 make up 80% of it" in causes
    # #2 had 60 bad minutes, #1 30: the costlier one is named first
    assert "2 incidents have no root cause yet: `/sla why 2` · `/sla why 1`" in body
    assert body[-1] == "*Satisfaction*\nNo ratings this week."
    assert digest["text"].startswith("Weekly service levels 2026-W46 (9–15 Nov 2026): 1 breached")


def test_charts_go_into_the_digest_thread_through_the_three_upload_calls(seeded: SlackDriver, clock: FakeClock) -> None:
    seeded.command("/sla report")
    _, replies = run_report(seeded, clock)
    slack = seeded.slack
    asked = slack.calls_to("files.getUploadURLExternal")
    completed = slack.calls_to("files.completeUploadExternal")
    assert len(asked) == len(completed) == 4
    assert len(slack.calls_to("upload")) == 4
    ts = seeded.posts(CHANNEL)[0].response["ts"]
    for call in completed:
        assert call.args["channel_id"] == CHANNEL and call.args["thread_ts"] == ts
    files = [file for message in replies for file in message.get("files", [])]
    assert [f["name"].split("-", 3)[-1] for f in files] == ["sli.png", "burndown.png", "pareto.png", "trend.png"]
    for content in slack.uploads.values():
        assert content.startswith(b"\x89PNG\r\n\x1a\n")
    alt = [call.args.get("alt_txt") for call in asked]
    assert all(alt) and "checkout/availability" in (alt[0] or "")
    assert [f.get("alt_txt") for f in files] == alt


def test_report_for_one_service_and_bad_input(seeded: SlackDriver, clock: FakeClock) -> None:
    answer = seeded.command("/sla report api")
    assert "for *api*" in answer.text
    digest, _ = run_report(seeded, clock)
    body = texts(digest["blocks"])
    assert body[1].startswith("api · week in UTC")
    assert "*Summary* 1 at risk · 1 no data; 0 incidents, 0 SLA breaches" in body
    for line, message in [
        ("/sla report nosuch", "There is no service 'nosuch'"),
        ("/sla report week=2026-W47", "2026-W47 has not ended yet: the last complete week is 2026-W46"),
        ("/sla report week=46", "week= must be an ISO week like 2026-W46"),
        ("/sla report api checkout", "Give at most one service"),
    ]:
        reply = seeded.command(line)
        assert reply.ephemeral and message in reply.text, reply.text
        assert "Usage: /sla report [service] [week=2026-W46]" in reply.text


@pytest.mark.slow  # 63 objectives through the whole digest
def test_many_objectives_stay_within_50_blocks_and_say_how_many_more(seeded: SlackDriver, clock: FakeClock) -> None:
    with seeded.runtime.db.session() as session:
        for number in range(60):
            spec = ObjectiveSpec(f"extra-{number:02d}", Decimal("99.5"), WindowSpec.parse("7d"))
            objectives.define_objective(session, "checkout", spec, "U0ADMIN")
    seeded.command("/sla report")
    digest, replies = run_report(seeded, clock)
    blocks = digest["blocks"]
    assert len(blocks) == 50
    body = texts(blocks)
    shown = [t for t in body if t.startswith(":")]
    assert shown[0].split("*")[1] == "checkout/availability"  # the breached one is never cut
    assert f"…and {63 - len(shown)} more objectives" in body
    # incidents, breaches, causes, the nudge and satisfaction always follow
    assert [t.split("*")[1] for t in body[-5:-2]] == ["Incidents", "SLA breaches", "Bad time by root cause (incidents)"]
    assert body[-2].startswith("2 incidents have no root cause yet")
    assert body[-1].startswith("*Satisfaction*")
    sli_alt = replies[0]["files"][0]
    assert sli_alt["name"].endswith("sli.png")
