"""Benchmark: the App Home end to end, from a signed app_home_opened event through the real HTTP server and
Bolt app to the views.publish the local Slack records.

A script, not a test: python tests/bench/bench_home.py [--database-url URL] [--services 250] [--open 200]
[--requests 200]

Seeds services with four incident-based objectives each (1,000 objectives with the defaults), a history of
resolved incidents, `--open` unresolved incidents, action items and running 5-Whys of the person who opens
the Home (on call for every tenth service), then times signed app_home_opened events sent over HTTP: the
listener runs inline, so the HTTP response returns after the Home was published. Prints p50/p95/p99 for the
person's own services, for all services, and for someone with no services (who sees all), and the CPU time a
request took in this process (client, server and local Slack together; on a shared machine it moves less
than the latencies do).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from slabot.config.runtime import Runtime
from slabot.config.settings import Settings
from storage.db import Database
from storage.models.catalog import Objective, Service
from storage.models.incidents import Incident, IncidentStatus
from storage.models.rca import ActionItem, Rca, RcaTrigger
from tests.bench.timing import fresh_database, percentiles, served
from tests.driver import published_view, signed_headers

SECRET = "bench-secret"
WINDOWS = ["30d", "7d", "month", "quarter"]
ME = "U0ME"
HISTORY = 4  # resolved incidents per service over 90 days


def seed(db: Database, services: int, open_incidents: int, now: datetime) -> None:
    with db.session() as session:
        ids: list[int] = []
        for s in range(services):
            oncall = ME if s % 10 == 0 else "U0ONCALL"
            service = Service(name=f"svc-{s:03d}", channel_id=f"C{s:05d}", oncall_id=oncall, created_by="U0")
            session.add(service)
            session.flush()
            ids.append(service.id)
            for window in WINDOWS:
                target = Decimal("99.99") if s % 7 == 0 else Decimal("99.5")
                session.add(
                    Objective(
                        service_id=service.id,
                        name=f"avail-{window}",
                        target_percent=target,
                        window=window,
                        created_by="U0",
                    )
                )
            for i in range(HISTORY):
                start = now - timedelta(days=90 - 22 * i, hours=s % 24)
                session.add(
                    Incident(
                        service_id=service.id,
                        severity=1 + i % 4,
                        title=f"incident {i}",
                        impact_percent=Decimal(100),
                        started_at=start,
                        acknowledged_at=start + timedelta(minutes=3),
                        resolved_at=start + timedelta(minutes=5 + (s + i) % 40),
                        status=IncidentStatus.RESOLVED,
                        opened_by="U0",
                        acknowledged_by="U0",
                        resolved_by="U0",
                    )
                )
        for n in range(open_incidents):
            start = now - timedelta(minutes=5 + 7 * n)
            acknowledged = n % 3 == 0
            session.add(
                Incident(
                    service_id=ids[n * 7 % len(ids)],
                    severity=1 + n % 4,
                    title=f"open incident {n}",
                    impact_percent=Decimal(50),
                    started_at=start,
                    status=IncidentStatus.ACKNOWLEDGED if acknowledged else IncidentStatus.OPEN,
                    acknowledged_at=start if acknowledged else None,
                    acknowledged_by="U0" if acknowledged else None,
                    opened_by="U0",
                    channel_id="C00000",
                    thread_ts=f"{1_700_000_000 + n}.000100",
                )
            )
        session.flush()
        resolved = session.exec(
            Incident.__table__.select().where(Incident.__table__.c.status == "resolved").limit(20)  # type: ignore[attr-defined]
        ).all()
        for k, row in enumerate(resolved):
            if k < 8:
                session.add(
                    Rca(
                        incident_id=row.id,
                        running_incident_id=row.id,
                        trigger=RcaTrigger.COMMAND,
                        channel_id="C00000",
                        thread_ts=f"{1_600_000_000 + k}.000100",
                        started_by=ME,
                        started_at=now - timedelta(hours=k),
                    )
                )
            for j in range(2):
                session.add(
                    ActionItem(
                        incident_id=row.id,
                        text=f"fix thing {k}.{j}",
                        owner_id=ME if j == 0 else "U0",
                        due=date.today() + timedelta(days=k - 3),
                        created_by="U0",
                    )
                )


def home_opened_body(user: str, scope: str | None, n: int) -> str:
    event: dict[str, object] = {
        "type": "app_home_opened",
        "user": user,
        "channel": "D0HOME",
        "tab": "home",
        "event_ts": f"{time.time():.6f}",
    }
    if scope is not None:
        event["view"] = {"id": "V0HOME", "type": "home", "private_metadata": scope, "blocks": []}
    return json.dumps(
        {
            "token": "t",
            "team_id": "T0LOCAL",
            "api_app_id": "A0TEST",
            "type": "event_callback",
            "event_id": f"EvHome{n:06d}{os.getpid()}",
            "event_time": int(time.time()),
            "event": event,
        }
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url")
    parser.add_argument("--services", type=int, default=250)
    parser.add_argument("--open", type=int, default=200, help="unresolved incidents")
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = fresh_database(args.database_url, tmp)
        now = datetime.now(UTC)
        seed(db, args.services, args.open, now)
        runtime = Runtime(Settings(bot_token="xoxb-bench", signing_secret=SECRET), db)
        with served(runtime, SECRET) as (slack, server, http):
            objectives = args.services * len(WINDOWS)
            print(
                f"{db.url.get_backend_name()}: {args.services} services, {objectives} objectives, "
                f"{args.open} open incidents, {args.services * HISTORY} resolved; {args.requests} requests each; "
                f"load average {os.getloadavg()[0]:.2f}"
            )
            for label, user, scope in (
                ("my services", ME, "mine"),
                ("all services", ME, "all"),
                ("no services of theirs (all)", "U0NOBODY", None),
            ):
                samples = []
                cpu = time.process_time()
                for n in range(args.requests):
                    body = home_opened_body(user, scope, n)
                    headers = signed_headers(SECRET, body, content_type="application/json")
                    before = len(slack.calls_to("views.publish"))
                    started = time.perf_counter()
                    response = http.post(f"{server.url}/slack/events", content=body, headers=headers)
                    samples.append(time.perf_counter() - started)
                    assert response.status_code == 200, response.text
                    assert len(slack.calls_to("views.publish")) == before + 1, "the Home was not published"
                cpu = (time.process_time() - cpu) / args.requests * 1000
                (last,) = slack.calls_to("views.publish")[-1:]
                blocks = len(published_view(last)["blocks"])
                slack.clear()
                print(f"  {label:30s} {percentiles(samples)}   cpu {cpu:5.1f} ms   ({blocks} blocks)")
            print(f"  load average after: {os.getloadavg()[0]:.2f}")
        if db.is_postgres:
            db.downgrade("base")
        db.dispose()


if __name__ == "__main__":
    main()
