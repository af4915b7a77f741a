"""Alertmanager's webhook through the real HTTP app: a group's first firing notification opens and announces
one incident, repeats and concurrent replicas open nothing more, joining alerts are noted once, and the last
resolved alert resolves it with what follows a resolve; refusals are 400, 401 and 422."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from sqlmodel import select

from slabot.config.settings import Settings
from slabot.devtools.localslack import LocalSlack
from slabot.runtime.http import create_http_app
from storage.models.incidents import Incident, IncidentStatus
from storage.models.outbox import OutboxMessage
from storage.models.rca import Rca
from tests import web
from tests.driver import Api, Server, SlackDriver

TOKEN = "test-api-token-0123456789"
CHANNEL = "C0CHECK"
GROUP = '{}:{alertname="HighErrorRate", service="checkout"}'
ZERO = "0001-01-01T00:00:00Z"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return replace(settings, api_token=TOKEN)


@pytest.fixture
def api(driver: SlackDriver) -> Iterator[Api]:
    driver.command(f"/sla service add checkout channel=<#{CHANNEL}|checkout> oncall=<@U0BOB|bob>")
    with Server(create_http_app(driver.runtime, driver.app, driver.notifier)) as running:
        yield Api(running, driver)


def alert(
    fingerprint: str,
    status: str = "firing",
    starts: str = "2026-11-21T11:50:00.123456789Z",
    ends: str = ZERO,
    **labels: str,
) -> dict[str, Any]:
    return {
        "status": status,
        "labels": {"alertname": "HighErrorRate", "service": "checkout", "severity": "critical", **labels},
        "annotations": {"summary": f"Checkout 5xx above 5% ({fingerprint})"},
        "startsAt": starts,
        "endsAt": ends,
        "generatorURL": "http://prometheus/graph",
        "fingerprint": fingerprint,
    }


def webhook(*alerts: dict[str, Any], group: str = GROUP) -> dict[str, Any]:
    firing = any(a["status"] == "firing" for a in alerts)
    return {
        "version": "4",
        "groupKey": group,
        "truncatedAlerts": 0,
        "status": "firing" if firing else "resolved",
        "receiver": "slabot",
        "groupLabels": {"alertname": "HighErrorRate"},
        "commonLabels": {"alertname": "HighErrorRate"},
        "commonAnnotations": {},
        "externalURL": "http://alertmanager:9093",
        "alerts": list(alerts),
    }


def post(api: Api, body: Any, *, token: str = TOKEN, settle: bool = True) -> httpx.Response:
    """POST a notification; with `settle`, wait for the messages slabot delivers after answering it too."""
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers = {"authorization": f"Bearer {token}", "content-type": "application/json"}
    answered = web.post(f"{api.url}/api/v1/alertmanager", content=content, headers=headers, timeout=30)
    if settle:
        api.driver.wait_delivered()
    return answered


def incidents(driver: SlackDriver) -> list[Incident]:
    with driver.runtime.db.session() as session:
        return list(session.exec(select(Incident).order_by(Incident.id)).all())


def top_level(slack: LocalSlack) -> list[dict[str, Any]]:
    return [m for m in slack.messages(CHANNEL) if m.get("thread_ts") in (None, m["ts"])]


def thread_of(slack: LocalSlack, parent: dict[str, Any]) -> list[str]:
    return [m["text"] for m in slack.messages(CHANNEL) if m.get("thread_ts") == parent["ts"] and m is not parent]


def test_the_first_firing_notification_opens_and_announces_one_incident(
    api: Api, driver: SlackDriver, slack: LocalSlack
) -> None:
    early = alert("a1", starts="2026-11-21T11:40:00Z", severity="warning")
    answered = post(api, webhook(early, alert("a2")))
    assert (answered.status_code, answered.json()) == (200, {"incident": 1, "opened": True, "resolved": False})
    (incident,) = incidents(driver)
    # the most severe alert's severity, the earliest start, the first alert's summary
    assert (incident.severity, incident.status, incident.opened_by) == (1, IncidentStatus.OPEN, "alertmanager")
    assert incident.started_at == datetime(2026, 11, 21, 11, 40, tzinfo=UTC)
    assert incident.title == "Checkout 5xx above 5% (a1)"
    (announcement,) = top_level(slack)
    assert "Checkout 5xx above 5% (a1)" in announcement["text"]
    # Alertmanager repeats the group and retries a send: nothing new is opened, announced or noted
    for _ in range(2):
        again = post(api, webhook(early, alert("a2")))
        assert again.json() == {"incident": 1, "opened": False, "resolved": False}
    assert len(incidents(driver)) == 1 and len(top_level(slack)) == 1
    assert thread_of(slack, announcement) == []


def test_a_joining_alert_is_noted_once_in_the_thread(api: Api, driver: SlackDriver, slack: LocalSlack) -> None:
    post(api, webhook(alert("a1")))
    for _ in range(3):
        assert post(api, webhook(alert("a1"), alert("b2", instance="web-2"))).status_code == 200
    (announcement,) = top_level(slack)
    (note,) = thread_of(slack, announcement)
    assert note.startswith(":heavy_plus_sign: Alert HighErrorRate joined incident #1: Checkout 5xx above 5% (b2)")
    assert 'instance="web-2"' in note
    assert len(incidents(driver)) == 1


def test_alerts_joining_in_one_notification_are_noted_together_once(
    api: Api, driver: SlackDriver, slack: LocalSlack
) -> None:
    first = alert("a0")
    post(api, webhook(first))
    storm = [alert(f"s{n:02d}", instance=f"web-{n:02d}") for n in range(30)]
    post(api, webhook(first, *storm))
    (announcement,) = top_level(slack)
    (note,) = thread_of(slack, announcement)
    assert note.startswith(":heavy_plus_sign: 30 alerts joined incident #1\n")
    listed = [f"Checkout 5xx above 5% (s{n:02d})" for n in range(30)]
    assert all(summary in note for summary in listed[:10]) and not any(summary in note for summary in listed[10:])
    assert 'instance="web-09"' in note and note.endswith("…and 20 more")
    (call,) = [c for c in slack.calls_to("chat.postMessage") if c.args.get("thread_ts") == announcement["ts"]]
    blocks = call.args["blocks"]
    assert len(blocks) == 22 and blocks[-1]["elements"][0]["text"] == "…and 20 more"
    # Alertmanager repeating the group (or retrying the send) posts nothing
    posts = len(slack.calls_to("chat.postMessage"))
    for _ in range(2):
        assert post(api, webhook(first, *storm)).status_code == 200
    assert len(slack.calls_to("chat.postMessage")) == posts
    # two more join: one more note, with just those two
    later = [alert("t1", instance="web-31"), alert("t2", instance="web-32")]
    post(api, webhook(first, *storm, *later))
    notes = thread_of(slack, announcement)
    assert len(notes) == 2 and len(slack.calls_to("chat.postMessage")) == posts + 1
    assert notes[1].startswith(":heavy_plus_sign: 2 alerts joined incident #1\n")
    assert "(t1)" in notes[1] and "(t2)" in notes[1] and "(s00)" not in notes[1] and "more" not in notes[1]


@pytest.mark.slow  # waits on a local Slack that takes 3 s to answer
def test_the_webhook_is_answered_before_its_messages_are_delivered(
    api: Api, driver: SlackDriver, slack: LocalSlack
) -> None:
    slack.delay("chat.postMessage", 3.0)  # Slack carries the announcement out but answers 3 s late
    started = time.monotonic()
    answered = post(api, webhook(alert("a1")), settle=False)
    took = time.monotonic() - started
    assert answered.json() == {"incident": 1, "opened": True, "resolved": False}
    assert took < 2.0, f"the response waited {took:.2f} s for Slack"
    with driver.runtime.db.session() as session:
        (row,) = session.exec(select(OutboxMessage)).all()
    assert (row.key, row.ts) == ("incident:1", None)  # committed, not delivered yet
    driver.wait_delivered(seconds=10)
    (announcement,) = top_level(slack)
    assert "Checkout 5xx above 5% (a1)" in announcement["text"]


def test_the_last_resolved_alert_resolves_at_the_latest_end_with_the_follow_ups(
    api: Api, driver: SlackDriver, slack: LocalSlack
) -> None:
    # 99.9% over 7d: a budget of 604.8 s; this outage uses far more than 20% of it, so a 5-Why starts
    driver.command("/sla define checkout availability target=99.9 window=7d")
    post(api, webhook(alert("a1", starts="2026-11-21T11:00:00Z"), alert("b2", starts="2026-11-21T11:10:00Z")))
    # one alert resolved while the other fires: the group stays firing, the incident open
    half = webhook(alert("a1", "resolved", "2026-11-21T11:00:00Z", "2026-11-21T11:45:00Z"), alert("b2"))
    assert post(api, half).json() == {"incident": 1, "opened": False, "resolved": False}
    assert incidents(driver)[0].status == IncidentStatus.OPEN
    done = webhook(
        alert("a1", "resolved", "2026-11-21T11:00:00Z", "2026-11-21T11:45:00Z"),
        alert("b2", "resolved", "2026-11-21T11:10:00Z", "2026-11-21T11:52:30Z"),
    )
    assert post(api, done).json() == {"incident": 1, "opened": False, "resolved": True}
    assert post(api, done).json() == {"incident": 1, "opened": False, "resolved": False}  # a repeat does nothing
    (incident,) = incidents(driver)
    assert (incident.status, incident.resolved_by) == (IncidentStatus.RESOLVED, "alertmanager")
    assert incident.resolved_at == datetime(2026, 11, 21, 11, 52, 30, tzinfo=UTC)
    (announcement,) = top_level(slack)
    thread = thread_of(slack, announcement)
    assert sum("alertmanager resolved incident #1" in text for text in thread) == 1  # a name, not a mention
    assert not any("<@alertmanager>" in text for text in thread)
    assert any(text.startswith(":mag: 5-Why for incident #1: it used ") for text in thread)
    with driver.runtime.db.session() as session:
        keys = {row.key for row in session.exec(select(OutboxMessage)).all()}
        assert [rca.trigger for rca in session.exec(select(Rca)).all()] == ["auto"]
    assert "incident:1:survey" not in keys  # opened by Alertmanager: there is nobody to ask


def test_a_group_firing_again_after_its_resolution_opens_a_new_incident(api: Api, driver: SlackDriver) -> None:
    post(api, webhook(alert("a1")))
    post(api, webhook(alert("a1", "resolved", ends="2026-11-21T11:55:00Z")))
    again = post(api, webhook(alert("a1", starts="2026-11-21T11:58:00Z")))
    assert again.json() == {"incident": 2, "opened": True, "resolved": False}
    assert [i.status for i in incidents(driver)] == [IncidentStatus.RESOLVED, IncidentStatus.OPEN]


def test_two_replicas_posting_the_same_group_at_once_open_one_incident(
    api: Api, driver: SlackDriver, slack: LocalSlack
) -> None:
    body = webhook(alert("a1"), alert("b2"))
    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda _: post(api, body, settle=False), range(4)))
    assert [a.status_code for a in answers] == [200] * 4
    assert sorted(a.json()["opened"] for a in answers) == [False, False, False, True]
    assert len(incidents(driver)) == 1
    driver.wait_delivered(passes=True)
    (announcement,) = top_level(slack)
    assert thread_of(slack, announcement) == []


def test_an_alert_for_an_unknown_service_or_without_the_label_is_refused_naming_it(
    api: Api, driver: SlackDriver
) -> None:
    unknown = post(api, webhook(alert("a1", service="payments"), group="g2"))
    assert unknown.status_code == 422
    assert unknown.json()["error"] == "label service='payments' names no service slabot knows (see /sla service list)"
    bare = alert("a1")
    del bare["labels"]["service"]
    missing = post(api, webhook(bare, group="g3"))
    assert missing.status_code == 422 and "no label 'service'" in missing.json()["error"]
    assert incidents(driver) == []


def test_the_service_label_and_severities_follow_the_settings(api: Api, driver: SlackDriver) -> None:
    settings = replace(driver.runtime.settings, alert_service_label="app", alert_severities=(("page", 2),))
    runtime = replace(driver.runtime, settings=settings)
    with Server(create_http_app(runtime, driver.app, driver.notifier)) as server:
        other = Api(server, driver)
        answered = post(other, webhook(alert("a1", app="checkout", service="nothing", severity="PAGE")))
        assert answered.status_code == 200, answered.text
        assert post(other, webhook(alert("b1", app="checkout", severity="odd"), group="g2")).status_code == 200
    assert [i.severity for i in incidents(driver)] == [2, 3]  # an unknown severity is sev3


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (b"{not json", "the body is not JSON"),
        ({"version": "3", "groupKey": "g", "status": "firing", "alerts": []}, 'version must be "4"'),
        (webhook(alert("a1", starts="yesterday")), "alerts[0].startsAt must be an RFC 3339 time"),
        (webhook(alert("a1", status="pending")), "alerts[0].status must be firing or resolved"),
        (webhook(alert("a1"), alert("a1")), "the same fingerprint twice"),
        ({**webhook(alert("a1")), "groupKey": ""}, "groupKey must not be empty"),
    ],
)
def test_a_malformed_body_is_400_with_the_reason(api: Api, driver: SlackDriver, body: Any, words: str) -> None:
    answered = post(api, body)
    assert answered.status_code == 400, answered.text
    assert words in answered.json()["error"]
    assert incidents(driver) == []


def test_a_wrong_token_is_401_and_changes_nothing(api: Api, driver: SlackDriver) -> None:
    answered = post(api, webhook(alert("a1")), token="wrong-token-0123456789")
    assert answered.status_code == 401 and answered.json() == {"error": "the bearer token is wrong"}
    assert web.get(f"{api.url}/api/v1/alertmanager", headers={"authorization": f"Bearer {TOKEN}"}).status_code == 405
    assert incidents(driver) == []
