"""Benchmark: 5-Why thread replies end to end, through the real HTTP server and Bolt app.

A script, not a test: python tests/bench/bench_rca.py [--database-url URL] [--incidents 200] [--chatter 2000]

Seeds resolved incidents with threads and a database of finished 5-Whys (history), starts a 5-Why in
`--running` of them, then sends signed message events over HTTP: answers (each one records the answer,
queues the next question and posts it to the local Slack stand-in before the HTTP response returns),
and chatter in threads that run no 5-Why (which must cost next to nothing). Prints p50/p95/p99 of each,
and /sla actions over the action items the history left.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from slabot.config.runtime import Runtime
from slabot.config.settings import Settings
from slabot.devtools.localslack import LocalSlack
from slabot.rca import runs as rca_service
from slabot.runtime.http import create_http_app
from slabot.runtime.wiring import connect
from slabot.slack.app import InlineExecutor
from storage.db import Database
from storage.models.catalog import Service
from storage.models.incidents import Incident
from storage.models.rca import ActionItem, Rca, RcaStage, RcaTrigger, RcaWhy
from tests.driver import Server, command_body, signed_headers
from tests.threads import event_body

SECRET = "bench-secret"
CHANNEL = "C0BENCH"


def seed(db: Database, incidents: int, now: datetime) -> list[tuple[int, str]]:
    """Resolved incidents with threads; the first half carry a finished 5-Why with 5 whys and 3 action items."""
    threads: list[tuple[int, str]] = []
    with db.session() as session:
        service = Service(name="checkout", channel_id=CHANNEL, created_by="U0")
        session.add(service)
        session.flush()
        assert service.id is not None
        for i in range(incidents):
            start = now - timedelta(days=60) + timedelta(hours=6 * i)
            thread_ts = f"{1_700_000_000 + i}.000100"
            incident = Incident(
                service_id=service.id,
                severity=2,
                title=f"Checkout fails {i}",
                impact_percent=Decimal(100),
                status="resolved",
                started_at=start,
                acknowledged_at=start + timedelta(minutes=5),
                resolved_at=start + timedelta(minutes=30),
                opened_by="U0",
                channel_id=CHANNEL,
                thread_ts=thread_ts,
            )
            session.add(incident)
            session.flush()
            assert incident.id is not None
            threads.append((incident.id, thread_ts))
            if i >= incidents // 2:
                continue
            rca = Rca(
                incident_id=incident.id,
                stage=RcaStage.DONE.value,
                trigger="command",
                channel_id=CHANNEL,
                thread_ts=thread_ts,
                category="technology",
                started_by="U0",
                started_at=start + timedelta(hours=1),
                finished_at=start + timedelta(hours=2),
            )
            session.add(rca)
            session.flush()
            assert rca.id is not None
            for position in range(1, 6):
                session.add(
                    RcaWhy(
                        rca_id=rca.id,
                        position=position,
                        question=f"Why {position}/5",
                        answer=f"answer {position}",
                        answered_by="U0",
                        answered_at=start,
                        message_ts=f"{thread_ts}{position}",
                    )
                )
            for k in range(3):
                session.add(
                    ActionItem(
                        incident_id=incident.id,
                        rca_id=rca.id,
                        text=f"action {k}",
                        owner_id="U0",
                        due=date(2026, 12, 1) + timedelta(days=k),
                        created_by="U0",
                    )
                )
    return threads


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    cut = statistics.quantiles(ordered, n=100)
    return f"p50 {cut[49] * 1000:.1f} ms · p95 {cut[94] * 1000:.1f} ms · p99 {cut[98] * 1000:.1f} ms (n={len(samples)})"


def post_event(url: str, event: dict[str, object]) -> float:
    body = event_body(event, f"Ev{uuid.uuid4().hex[:12]}")
    headers = signed_headers(SECRET, body, content_type="application/json")
    began = time.perf_counter()
    response = httpx.post(f"{url}/slack/events", content=body, headers=headers, timeout=30)
    elapsed = time.perf_counter() - began
    assert response.status_code == 200, response.text
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--incidents", type=int, default=200)
    parser.add_argument("--running", type=int, default=40)
    parser.add_argument("--chatter", type=int, default=1000)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(options.database_url or f"sqlite:///{Path(tmp) / 'bench.db'}")
        db.upgrade()
        now = datetime.now(UTC)
        threads = seed(db, options.incidents, now)
        runtime = Runtime(settings=Settings(bot_token="xoxb-bench", signing_secret=SECRET), db=db)
        with LocalSlack() as slack:
            wired = connect(
                runtime,
                token="xoxb-bench",
                api_url=slack.base_url,
                signing_secret=SECRET,
                listener_executor=InlineExecutor(),
            )
            app = wired.app
            running = threads[len(threads) // 2 :][: options.running]
            for incident_id, _ in running:
                now = runtime.now()
                with db.session() as session:
                    _, said = rca_service.start(session, incident_id, "U0LEAD", RcaTrigger.COMMAND, now)
                    queued = wired.notifier.queue(session, said, now)
                wired.notifier.deliver(queued)
            answers: list[float] = []
            chatter: list[float] = []
            idle = threads[: len(threads) // 2]
            with Server(create_http_app(runtime, app)) as server:
                for round_ in range(4):  # Why 1..4 answered in every running thread, interleaved
                    for _, thread_ts in running:
                        ts = slack.add_message(CHANNEL, f"answer {round_}", user="U0BOB", thread_ts=thread_ts)
                        event = {"type": "message", "channel": CHANNEL, "user": "U0BOB", "text": f"because {round_}"}
                        answers.append(post_event(server.url, {**event, "ts": ts, "thread_ts": thread_ts}))
                for i in range(options.chatter):
                    _, thread_ts = idle[i % len(idle)]
                    event = {"type": "message", "channel": CHANNEL, "user": "U0BOB", "text": "thanks"}
                    chatter.append(
                        post_event(server.url, {**event, "ts": f"{time.time():.6f}", "thread_ts": thread_ts})
                    )
                listing: list[float] = []
                for _ in range(50):
                    body = command_body(slack, "/sla", "actions")
                    began = time.perf_counter()
                    response = httpx.post(
                        f"{server.url}/slack/events", content=body, headers=signed_headers(SECRET, body)
                    )
                    listing.append(time.perf_counter() - began)
                    assert response.status_code == 200
            posted = len(slack.calls_to("chat.postMessage"))
        backend = "Postgres" if db.is_postgres else "SQLite"
        print(f"{backend}: {options.incidents} incidents, {options.running} running 5-Whys, {posted} bot posts")
        print(f"answer in a 5-Why thread (record, queue, post the next question): {percentiles(answers)}")
        print(f"chatter in a thread without a 5-Why: {percentiles(chatter)}")
        print(f"/sla actions ({options.incidents // 2 * 3} action items, 60 shown): {percentiles(listing)}")
        db.dispose()


if __name__ == "__main__":
    main()
