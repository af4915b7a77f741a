"""The database goes away and comes back under a running slabot (a Postgres of the test's own, stopped and
started): 5-Why answers sent meanwhile are not acknowledged, so Slack's retries record each once and in
order; commands and clicks are told plainly; the ingest API and /healthz answer 503; all without a restart."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest
from sqlmodel import select

from slabot.config.runtime import Runtime
from slabot.config.settings import Settings
from slabot.devtools.localslack import LocalSlack
from slabot.render.reply import DATABASE_DOWN
from slabot.runtime.http import create_http_app
from storage.db import Database
from storage.models.catalog import Objective
from storage.models.slack_events import SlackEvent
from tests import web
from tests.conftest import FakeClock
from tests.driver import Server, SlackDriver
from tests.pgserver import PgServer, pg_server
from tests.slack.test_rca_conversation import ANSWERS, BOB, CHANNEL, bot_said, running_5_why, stored
from tests.threads import People

TOKEN = "test-api-token-0123456789"
POINTS = {"service": "checkout", "slo": "latency", "points": [{"ts": "2026-11-21T11:00:00Z", "good": 9, "total": 10}]}


@pytest.fixture
def postgres() -> Iterator[PgServer]:
    with pg_server() as server:
        yield server


@pytest.fixture
def pg_runtime(postgres: PgServer, clock: FakeClock) -> Iterator[Runtime]:
    db = Database(postgres.url)
    db.upgrade()
    settings = Settings(bot_token="xoxb-test", signing_secret=SlackDriver.secret, api_token=TOKEN)
    yield Runtime(settings=settings, db=db, clock=clock)
    db.dispose()


def answer(people: People, slack: LocalSlack, thread_ts: str, text: str) -> int:
    """BOB answers in the thread; returns the HTTP status Slack got."""
    ts = slack.add_message(CHANNEL, text, user=BOB, thread_ts=thread_ts)
    event = {"type": "message", "channel": CHANNEL, "user": BOB, "text": text, "ts": ts, "thread_ts": thread_ts}
    return people.send({**event, "channel_type": "channel", "event_ts": ts})


def ingest(server: Server) -> tuple[int, dict[str, str], dict[str, object]]:
    response = web.post(
        f"{server.url}/api/v1/events",
        content=json.dumps(POINTS),
        headers={"authorization": f"Bearer {TOKEN}", "content-type": "application/json"},
        timeout=15,
    )
    return response.status_code, dict(response.headers), response.json()


def test_answers_during_an_outage_are_retried_by_slack_and_recorded_once_in_order(
    postgres: PgServer, pg_runtime: Runtime, slack: LocalSlack
) -> None:
    runtime = pg_runtime
    driver = SlackDriver(runtime, slack)
    with Server(create_http_app(runtime, driver.app)) as server:
        people = People(driver, slack, server.url)
        incident_id, thread_ts = running_5_why(driver)
        driver.command("/sla define checkout latency target=99 source=events")
        resolved_note = next(m for m in bot_said(slack, thread_ts) if "rca_start" in json.dumps(m.get("blocks")))
        assert answer(people, slack, thread_ts, ANSWERS[0]) == 200
        assert "Why 2/5" in bot_said(slack, thread_ts)[-1]["text"]
        assert ingest(server)[0] == 200

        postgres.stop()
        started = time.monotonic()
        statuses = [answer(people, slack, thread_ts, text) for text in ANSWERS[1:]]
        assert statuses == [503] * 4
        lost = people.sent[-4:]

        outage = driver.command("/sla status")
        assert outage.text == str(DATABASE_DOWN) and outage.ephemeral
        assert "Something went wrong" not in outage.all_text
        clicked = driver.click(resolved_note, "rca_start", user=BOB, channel=CHANNEL)
        assert clicked.ack.status == 200
        assert [r["text"] for r in clicked.responses] == [str(DATABASE_DOWN)]
        assert clicked.responses[0]["response_type"] == "ephemeral"

        status, headers, body = ingest(server)
        assert status == 503 and int(headers["retry-after"]) > 0, (status, headers)
        assert "cannot reach its database" in str(body["error"])
        health = web.get(f"{server.url}/healthz", timeout=15)
        assert (health.status_code, health.json()) == (503, {"status": "unavailable", "database": "down"})
        assert time.monotonic() - started < 15, "every answer during the outage came back quickly"

        postgres.start()
        assert web.get(f"{server.url}/healthz", timeout=15).status_code == 200
        # Slack retries each unacknowledged event with its event_id; one is retried twice (a slow first retry).
        for _, event_body in lost:
            assert people.deliver(event_body, retry_num=1) == 200
        assert people.deliver(lost[1][1], retry_num=2) == 200

        _, whys, _ = stored(runtime, incident_id)
        assert [why.answer for why in whys] == ANSWERS
        assert "*Root cause:* Nobody was alerted about replica lag" in bot_said(slack, thread_ts)[-1]["text"]
        with runtime.db.session() as session:
            recorded = set(session.exec(select(SlackEvent.event_id)).all())
            assert session.exec(select(Objective).where(Objective.name == "latency")).one()
        assert {event_id for event_id, _ in lost} <= recorded

        assert "checkout" in driver.command("/sla status").all_text
        assert ingest(server)[0] == 200
