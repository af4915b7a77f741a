"""Benchmark: an alert storm through a real Alertmanager into slabot's HTTP receiver. A script, not a test.

    python tests/bench/bench_alert_storm.py [--database-url URL] [--services 50] [--alerts 1000] [--batch 100]

Starts slabot in this process as `python bot.py` wires it (the Slack side through slabot.runtime.wiring, the
HTTP app of slabot.runtime.http on uvicorn, the scheduler with its 5-second outbox delivery) on the wall
clock, with --services services each with a channel of its own, talking to the local Slack
(slabot.devtools.localslack). A real Alertmanager (tests/amserver.py: group_wait 1s, group_interval 3s) is
configured with a webhook receiver pointing at slabot's POST /api/v1/alertmanager with the ingest bearer token
and group_by [service, alertname]. --alerts alerts (one alertname per service, a distinct instance each) are
posted to Alertmanager's /api/v2/alerts in a burst of --batch-sized requests. Measures:
  - incidents opened (one per group: --services), and announcements posted to the local Slack (chat.postMessage
    calls carrying an incident's announcement key; each incident must be announced exactly once);
  - per group, from the arrival of its first webhook request at slabot's HTTP server (stamped by a thin ASGI
    wrapper around slabot's app, before slabot reads the body) to its announcement (the ts the local Slack gave
    the message when it stored it: its own clock, the same machine's): p50/p95/p99/max. Goal: p99 < 2 s;
  - each webhook request's time in slabot (arrival to the response's start), and the total wall time.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from slabot.catalog.services import ServiceFields, add_service  # noqa: E402
from slabot.config.runtime import Runtime  # noqa: E402
from slabot.config.settings import Settings  # noqa: E402
from slabot.devtools.localslack import LocalSlack  # noqa: E402
from slabot.notify import keys  # noqa: E402
from slabot.runtime.http import create_http_app  # noqa: E402
from slabot.runtime.scheduler import build_scheduler  # noqa: E402
from slabot.runtime.wiring import connect  # noqa: E402
from storage.db import Database  # noqa: E402
from tests.amserver import alertmanager  # noqa: E402
from tests.driver import Server  # noqa: E402

TOKEN = "bench-api-token-0123456789"
SECRET = "bench-signing-secret"
NAMES = ("HighErrorRate", "HighLatency", "PodCrashLooping", "SaturationHigh", "CertificateExpiring")
Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


@dataclass
class Arrival:
    at: float  # time.time() when the request reached the server
    group_key: str = ""
    service: str = ""
    alerts: int = 0
    status: int = 0
    answered: float = 0.0  # time.time() when the response started


class Stamped:
    """A thin ASGI wrapper: every POST to the Alertmanager receiver stamped on arrival, its body's groupKey
    and service read afterwards (the app itself receives the body unchanged)."""

    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]], path: str) -> None:
        self.app, self.path = app, path
        self.arrivals: list[Arrival] = []
        self.lock = threading.Lock()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != self.path:
            await self.app(scope, receive, send)
            return
        arrival, chunks = Arrival(time.time()), []

        async def receiving() -> Message:
            message = await receive()
            chunks.append(message.get("body", b""))
            return message

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                arrival.status, arrival.answered = message["status"], time.time()
            await send(message)

        await self.app(scope, receiving, sending)
        try:
            body = json.loads(b"".join(chunks))
            arrival.group_key = body.get("groupKey", "")
            arrival.service = (body.get("commonLabels") or {}).get("service", "")
            arrival.alerts = len(body.get("alerts") or [])
        except ValueError:
            pass
        with self.lock:
            self.arrivals.append(arrival)


def channel_of(service: int) -> str:
    return f"C0STORM{service:03d}"


def alerts_of(services: int, count: int, started: datetime) -> list[dict[str, Any]]:
    """`count` firing alerts spread evenly over the services, one alertname per service: one group each."""
    out = []
    for i in range(count):
        s = i % services
        labels = {
            "alertname": NAMES[s % len(NAMES)],
            "service": f"storm-{s:03d}",
            "severity": "critical",
            "instance": f"web-{i // services:03d}",
        }
        summary = f"{labels['alertname']} on {labels['service']}"
        at = started.isoformat().replace("+00:00", "Z")
        out.append({"labels": labels, "annotations": {"summary": summary}, "startsAt": at})
    return out


def pick(ordered: list[float], q: float) -> float:
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def spread(samples: list[float]) -> str:
    ordered = sorted(samples)
    if not ordered:
        return "no samples"
    return (
        f"p50 {pick(ordered, 0.5) * 1000:.0f} ms, p95 {pick(ordered, 0.95) * 1000:.0f} ms, "
        f"p99 {pick(ordered, 0.99) * 1000:.0f} ms, max {ordered[-1] * 1000:.0f} ms"
    )


def announcements(slack: LocalSlack) -> list[tuple[int, str, float]]:
    """(incident id, channel, the local Slack's ts) of every announcement posted (answered ok)."""
    found = []
    for call in slack.calls_to("chat.postMessage"):
        key = ((call.args.get("metadata") or {}).get("event_payload") or {}).get("key")
        incident = keys.incident_of_announcement(key) if isinstance(key, str) else None
        if incident is not None and call.response.get("ok"):
            found.append((incident, str(call.args.get("channel")), float(call.response["ts"])))
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url")
    parser.add_argument("--services", type=int, default=50)
    parser.add_argument("--alerts", type=int, default=1000)
    parser.add_argument("--batch", type=int, default=100, help="alerts per POST to Alertmanager")
    parser.add_argument(
        "--started-ago",
        type=float,
        default=0,
        help="alerts' startsAt this many seconds before the burst (older than"
        " group_wait: Alertmanager sends each group at once, then what joins it a group_interval later)",
    )
    parser.add_argument("--settle", type=float, default=8.0, help="seconds to watch for duplicates afterwards")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="slabot-bench-storm-"))
    db = Database(args.database_url or f"sqlite:///{tmp}/bench.db")
    if db.is_postgres:
        db.downgrade("base")
    db.upgrade()
    with db.session() as session:
        for s in range(args.services):
            add_service(session, f"storm-{s:03d}", ServiceFields(channel_id=channel_of(s)), "U0BENCH")
    settings = replace(Settings(bot_token="xoxb-bench"), api_token=TOKEN, signing_secret=SECRET)
    runtime = Runtime(settings=settings, db=db, clock=lambda: datetime.now(UTC))
    with LocalSlack() as slack:
        side = connect(runtime, token="xoxb-bench", api_url=slack.base_url, signing_secret=SECRET)
        stamped = Stamped(create_http_app(runtime, side.app, side.notifier), "/api/v1/alertmanager")
        scheduler = build_scheduler(runtime, side.notifier)
        scheduler.start()
        server = Server(stamped)
        group_by = ("service", "alertname")
        try:
            with server, alertmanager(tmp, f"{server.url}/api/v1/alertmanager", TOKEN, group_by) as am:
                print(f"{db.url.get_backend_name()}: {args.alerts} alerts over {args.services} services → Alertmanager")
                body = alerts_of(args.services, args.alerts, datetime.now(UTC) - timedelta(seconds=args.started_ago))
                started = time.time()
                with httpx.Client(timeout=30) as http:
                    for first in range(0, len(body), args.batch):
                        response = http.post(f"{am.url}/api/v2/alerts", json=body[first : first + args.batch])
                        assert response.status_code == 200, response.text
                posted = time.time()
                deadline = time.monotonic() + 60
                while len(announcements(slack)) < args.services and time.monotonic() < deadline:
                    time.sleep(0.05)
                last = time.time()
                time.sleep(args.settle)  # another group_interval or two: nothing new may be announced
                if len(announcements(slack)) < args.services:
                    print(am.logged()[-3000:])
        finally:
            scheduler.shutdown(wait=False)
        found = announcements(slack)
        posts = len(slack.calls_to("chat.postMessage"))
    with db.engine.connect() as connection:
        incidents = int(connection.execute(text("SELECT COUNT(*) FROM incident")).scalar() or 0)
    arrivals = sorted(stamped.arrivals, key=lambda a: a.at)
    first_arrival: dict[str, Arrival] = {}
    for arrival in arrivals:
        first_arrival.setdefault(arrival.service, arrival)
    latencies = []
    for _, channel, ts in found:
        service = f"storm-{int(channel.removeprefix('C0STORM')):03d}"
        latencies.append(ts - first_arrival[service].at)
    per_incident = Counter(incident for incident, _, _ in found)
    statuses = Counter(a.status for a in arrivals)

    print(f"posted {args.alerts} alerts to Alertmanager in {posted - started:.2f} s ({args.batch} per request)")
    print(
        f"webhooks received: {len(arrivals)} ({dict(statuses)} by status), {sum(a.alerts for a in arrivals)} alerts,"
        f" {len({a.group_key for a in arrivals})} groups; first {arrivals[0].at - started:.2f} s"
        f" and last {arrivals[-1].at - started:.2f} s after the burst began"
        if arrivals
        else "no webhooks received"
    )
    print(f"incidents opened: {incidents} (want {args.services})")
    print(
        f"announcements: {len(found)} for {len(per_incident)} incidents, most for one incident"
        f" {max(per_incident.values(), default=0)} (want exactly 1 each); chat.postMessage calls in all: {posts}"
    )
    print(f"webhook request in slabot (arrival → response start): {spread([a.answered - a.at for a in arrivals])}")
    print(f"group's first webhook arrival → its announcement stored by the local Slack: {spread(latencies)}")
    print(f"wall time, first POST to Alertmanager → last announcement: {last - started:.2f} s")
    ok = incidents == args.services and len(found) == args.services and set(per_incident.values()) == {1}
    p99 = pick(sorted(latencies), 0.99) if latencies else float("inf")
    print(f"verdict: {'counts right' if ok else 'COUNTS WRONG'}; p99 {p99 * 1000:.0f} ms (goal < 2,000 ms)")
    if db.is_postgres:
        db.downgrade("base")
    db.dispose()


if __name__ == "__main__":
    main()
