"""A real Alertmanager posting to slabot's real HTTP server: one incident announced per group, an alert that
joins a group noted in its incident's thread, and the group's resolution resolving the incident."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from slabot.config.runtime import Runtime
from slabot.devtools.localslack import LocalSlack
from slabot.runtime.http import create_http_app
from storage.models.incidents import Incident, IncidentStatus
from tests.amserver import Alertmanager, alertmanager
from tests.driver import Server, SlackDriver

TOKEN = "test-api-token-0123456789"
CHANNEL = "C0CHECK"


def wall_clock() -> datetime:
    return datetime.now(UTC)


@pytest.fixture
def live(runtime: Runtime, slack: LocalSlack) -> SlackDriver:
    """slabot on the wall clock (Alertmanager stamps alerts with the real time), with the API token set."""
    settings = replace(runtime.settings, api_token=TOKEN)
    driver = SlackDriver(replace(runtime, settings=settings, clock=wall_clock), slack)
    driver.command(f"/sla service add checkout channel=<#{CHANNEL}|checkout>")
    return driver


@pytest.fixture
def am(live: SlackDriver, tmp_path: Path) -> Iterator[Alertmanager]:
    server = Server(create_http_app(live.runtime, live.app, live.notifier))
    with server, alertmanager(tmp_path, f"{server.url}/api/v1/alertmanager", TOKEN) as running:
        yield running


def incidents(driver: SlackDriver) -> list[Incident]:
    with driver.runtime.db.session() as session:
        return list(session.exec(select(Incident).order_by(Incident.id)).all())


def top_level(slack: LocalSlack) -> list[dict[str, Any]]:
    return [m for m in slack.messages(CHANNEL) if m.get("thread_ts") in (None, m["ts"])]


def thread_of(slack: LocalSlack, parent: dict[str, Any]) -> list[str]:
    return [m["text"] for m in slack.messages(CHANNEL) if m.get("thread_ts") == parent["ts"] and m is not parent]


def wait_for(what: str, check: Callable[[], bool], am: Alertmanager, driver: SlackDriver, seconds: float = 30) -> None:
    """Poll `check`, running the scheduler's delivery pass meanwhile: a request whose immediate delivery found the
    channel busy (another group's request delivering at that moment) leaves its messages to that pass."""
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, f"{what} did not happen; Alertmanager logged:\n{am.logged()[-3000:]}"
        time.sleep(0.2)
        driver.notifier.deliverer.deliver_due()


def firing(name: str, instance: str, started: datetime) -> dict[str, Any]:
    labels = {"alertname": name, "service": "checkout", "severity": "critical", "instance": instance}
    return {"labels": labels, "annotations": {"summary": f"{name} on checkout"}, "startsAt": started}


def test_a_real_alertmanager_opens_notes_and_resolves_one_incident_per_group(
    am: Alertmanager, live: SlackDriver, slack: LocalSlack
) -> None:
    started = wall_clock().replace(microsecond=0) - timedelta(minutes=5)
    errors, latency = firing("HighErrorRate", "web-1", started), firing("HighLatency", "web-1", started)
    am.push(errors, latency)
    wait_for("two incidents announced", lambda: len(top_level(slack)) == 2, am, live)
    assert sorted(i.title for i in incidents(live)) == ["HighErrorRate on checkout", "HighLatency on checkout"]
    assert all(i.started_at == started and i.severity == 1 for i in incidents(live))

    joining = firing("HighErrorRate", "web-2", started + timedelta(minutes=1))
    am.push(errors, latency, joining)  # Alertmanager's rule evaluations resend what still fires
    errors_incident = next(i for i in incidents(live) if i.title.startswith("HighErrorRate"))
    announcement = next(m for m in top_level(slack) if "HighErrorRate" in m["text"])
    wait_for("the joining alert noted", lambda: any("joined" in t for t in thread_of(slack, announcement)), am, live)
    assert next(t for t in thread_of(slack, announcement) if "joined" in t).startswith(
        f":heavy_plus_sign: Alert HighErrorRate joined incident #{errors_incident.id}"
    )

    ended = wall_clock().replace(microsecond=0)
    am.push({**errors, "endsAt": ended - timedelta(seconds=30)}, {**joining, "endsAt": ended})

    def resolved() -> bool:
        return any(i.id == errors_incident.id and i.status == IncidentStatus.RESOLVED for i in incidents(live))

    wait_for("the group's incident resolved", resolved, am, live)
    by_id = {i.id: i for i in incidents(live)}
    assert by_id[errors_incident.id].resolved_at == ended
    assert [i.status for i in by_id.values() if i.id != errors_incident.id] == [IncidentStatus.OPEN]
    time.sleep(4)  # another group_interval: the resolved group sent again changes nothing
    assert len(incidents(live)) == 2 and len(top_level(slack)) == 2
    assert sum(t.startswith(":heavy_plus_sign:") for t in thread_of(slack, announcement)) == 1
    assert sum("resolved incident" in t for t in thread_of(slack, announcement)) == 1
