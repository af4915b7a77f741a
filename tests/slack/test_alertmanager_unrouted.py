"""Alerts naming no service slabot knows, through the real HTTP app: with SLABOT_ALERT_CHANNEL set they open one
incident on the catch-all service, announced in that channel with a note under it showing the labels (escaped)
and why; later notifications follow it as any group's; without the setting they are refused 422, storing nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any

import httpx
import pytest
from sqlmodel import select

from slabot.config.settings import Settings
from slabot.devtools.localslack import LocalSlack
from slabot.incidents.alert_groups import UNROUTED
from slabot.runtime.http import create_http_app
from storage.models.alertmanager import AlertGroup
from storage.models.catalog import Service
from storage.models.incidents import Incident, IncidentStatus
from storage.models.outbox import OutboxMessage
from tests import web
from tests.driver import Api, Server, SlackDriver

TOKEN = "test-api-token-0123456789"
ALERTS = "C0ALERTS"
CHECKOUT = "C0CHECK"
ZERO = "0001-01-01T00:00:00Z"
WHY = (
    "label service=paymnts names no service slabot knows: add it with /sla service add paymnts, "
    "or fix the alert's label"
)


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return replace(settings, api_token=TOKEN, alert_channel=ALERTS)


@pytest.fixture
def api(driver: SlackDriver) -> Iterator[Api]:
    driver.command(f"/sla service add checkout channel=<#{CHECKOUT}|checkout>")
    with Server(create_http_app(driver.runtime, driver.app, driver.notifier)) as running:
        yield Api(running, driver)


def alert(fingerprint: str, status: str = "firing", ends: str = ZERO, **labels: str) -> dict[str, Any]:
    return {
        "status": status,
        "labels": {"alertname": "HighErrorRate", "service": "paymnts", "severity": "critical", **labels},
        "annotations": {"summary": f"Payments 5xx above 5% ({fingerprint})"},
        "startsAt": "2026-11-21T11:50:00Z",
        "endsAt": ends,
        "fingerprint": fingerprint,
    }


def webhook(*alerts: dict[str, Any], group: str = "g1") -> dict[str, Any]:
    firing = any(a["status"] == "firing" for a in alerts)
    return {
        "version": "4",
        "groupKey": group,
        "status": "firing" if firing else "resolved",
        "receiver": "slabot",
        "groupLabels": {},
        "commonLabels": {},
        "commonAnnotations": {},
        "alerts": list(alerts),
    }


def post(api: Api, body: dict[str, Any], *, settle: bool = True) -> httpx.Response:
    """POST a notification; with `settle`, wait for the messages slabot delivers after answering it too."""
    headers = {"authorization": f"Bearer {TOKEN}", "content-type": "application/json"}
    content = json.dumps(body).encode()
    answered = web.post(f"{api.url}/api/v1/alertmanager", content=content, headers=headers, timeout=30)
    if settle:
        api.driver.wait_delivered()
    return answered


def rows(driver: SlackDriver, model: type[Any]) -> list[Any]:
    with driver.runtime.db.session() as session:
        return list(session.exec(select(model).order_by(model.id)).all())


def top_level(slack: LocalSlack, channel: str = ALERTS) -> list[dict[str, Any]]:
    return [m for m in slack.messages(channel) if m.get("thread_ts") in (None, m["ts"])]


def thread_of(slack: LocalSlack, parent: dict[str, Any], channel: str = ALERTS) -> list[str]:
    return [m["text"] for m in slack.messages(channel) if m.get("thread_ts") == parent["ts"] and m is not parent]


def test_an_unknown_service_opens_one_incident_in_the_alert_channel_with_the_labels_shown(
    api: Api, driver: SlackDriver, slack: LocalSlack
) -> None:
    slack.clear()
    body = webhook(alert("a1", team="<!channel> sre"))
    answered = post(api, body)
    assert (answered.status_code, answered.json()) == (200, {"incident": 1, "opened": True, "resolved": False})
    (incident,) = rows(driver, Incident)
    services = {s.name: s for s in rows(driver, Service)}
    catch_all = services[UNROUTED]
    assert incident.service_id == catch_all.id and incident.channel_id == ALERTS
    assert (incident.title, incident.severity, incident.opened_by) == ("Payments 5xx above 5% (a1)", 1, "alertmanager")
    # the catch-all row has no channel of its own (the setting decides) and says what it is
    assert (catch_all.channel_id, catch_all.owner, catch_all.created_by) == (None, None, "alertmanager")

    posts = slack.calls_to("chat.postMessage")
    assert [call.args["channel"] for call in posts] == [ALERTS, ALERTS]  # the announcement, then the note under it
    (announcement,) = top_level(slack)
    assert "Payments 5xx above 5% (a1)" in announcement["text"]
    (note,) = thread_of(slack, announcement)
    labels = 'alertname="HighErrorRate", service="paymnts", severity="critical", team="&lt;!channel&gt; sre"'
    assert note == f":warning: Alert HighErrorRate opened incident #1 here: {WHY} ({labels})"
    assert "<!channel>" not in json.dumps(posts[1].args["blocks"])
    assert "&lt;!channel&gt; sre" in json.dumps(posts[1].args["blocks"])

    # repeats and retries open, announce and note nothing new
    for _ in range(2):
        assert post(api, body).json() == {"incident": 1, "opened": False, "resolved": False}
    assert len(rows(driver, Incident)) == 1 and len(slack.calls_to("chat.postMessage")) == 2
    assert [s.name for s in rows(driver, Service)].count(UNROUTED) == 1


def test_later_notifications_follow_the_groups_incident_to_its_resolution(
    api: Api, driver: SlackDriver, slack: LocalSlack
) -> None:
    post(api, webhook(alert("a1")))
    joined = post(api, webhook(alert("a1"), alert("b2", instance="web-2")))
    assert joined.json() == {"incident": 1, "opened": False, "resolved": False}
    done = webhook(alert("a1", "resolved", "2026-11-21T11:55:00Z"), alert("b2", "resolved", "2026-11-21T11:56:00Z"))
    assert post(api, done).json() == {"incident": 1, "opened": False, "resolved": True}
    (incident,) = rows(driver, Incident)
    assert (incident.status, incident.resolved_by) == (IncidentStatus.RESOLVED, "alertmanager")
    (announcement,) = top_level(slack)
    thread = thread_of(slack, announcement)
    assert thread[0].startswith(f":warning: Alert HighErrorRate opened incident #1 here: {WHY}")
    assert sum(text.startswith(":heavy_plus_sign: Alert HighErrorRate joined incident #1") for text in thread) == 1
    assert sum("alertmanager resolved incident #1" in text for text in thread) == 1
    assert slack.messages(CHECKOUT) == []
    # the group firing again opens a new incident on the same catch-all service, noted again
    assert post(api, webhook(alert("c3"))).json() == {"incident": 2, "opened": True, "resolved": False}
    assert len(top_level(slack)) == 2 and [s.name for s in rows(driver, Service)] == ["checkout", UNROUTED]


def test_groups_arriving_at_once_create_the_catch_all_service_once(
    api: Api, driver: SlackDriver, slack: LocalSlack
) -> None:
    bodies = [webhook(alert(f"a{n}", service=f"svc-{n}"), group=f"g{n}") for n in range(6)]
    with ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(lambda body: post(api, body, settle=False), bodies))
    assert [(a.status_code, a.json()["opened"]) for a in answers] == [(200, True)] * 6
    services = rows(driver, Service)
    assert [s.name for s in services] == ["checkout", UNROUTED]
    assert {i.service_id for i in rows(driver, Incident)} == {services[1].id}
    driver.wait_delivered(passes=True)
    assert len(top_level(slack)) == 6
    assert all(len(thread_of(slack, parent)) == 1 for parent in top_level(slack))


def test_an_alert_without_the_service_label_goes_to_the_alert_channel_saying_so(
    api: Api, driver: SlackDriver, slack: LocalSlack
) -> None:
    bare = alert("a1")
    del bare["labels"]["service"]
    assert post(api, webhook(bare)).json()["opened"] is True
    (announcement,) = top_level(slack)
    (note,) = thread_of(slack, announcement)
    assert note.startswith(
        ":warning: Alert HighErrorRate opened incident #1 here: the alert has no label service naming its service"
    )
    # a value no service could have is not offered to /sla service add
    assert post(api, webhook(alert("b1", service="Pay <!here>"), group="g2")).json()["opened"] is True
    note = thread_of(slack, top_level(slack)[1])[0]
    assert 'label service="Pay &lt;!here&gt;" names no service slabot knows, nor one it could add' in note
    assert "/sla service add" not in note


def test_a_known_service_is_unaffected_and_one_without_a_channel_is_announced_in_the_alert_channel(
    api: Api, driver: SlackDriver, slack: LocalSlack
) -> None:
    driver.command("/sla service add quiet")
    assert post(api, webhook(alert("a1", service="checkout"))).json()["opened"] is True
    assert post(api, webhook(alert("b1", service="quiet"), group="g2")).json()["opened"] is True
    assert len(top_level(slack, CHECKOUT)) == 1 and thread_of(slack, top_level(slack, CHECKOUT)[0], CHECKOUT) == []
    (quiet,) = top_level(slack)
    assert thread_of(slack, quiet) == []  # its service is known: no note of why
    assert [s.name for s in rows(driver, Service)] == ["checkout", "quiet"]


def test_alerts_of_one_group_naming_different_services_stay_refused(api: Api, driver: SlackDriver) -> None:
    answered = post(api, webhook(alert("a1"), alert("b1", service="checkout")))
    assert answered.status_code == 422
    assert answered.json()["error"].startswith("the group's alerts name different services in label 'service'")
    assert rows(driver, Incident) == [] and [s.name for s in rows(driver, Service)] == ["checkout"]


def test_without_the_setting_an_unknown_service_is_422_naming_the_label_and_nothing_is_stored(
    api: Api, driver: SlackDriver, slack: LocalSlack
) -> None:
    runtime = replace(driver.runtime, settings=replace(driver.runtime.settings, alert_channel=None))
    slack.clear()
    with Server(create_http_app(runtime, driver.app, driver.notifier)) as server:
        other = Api(server, driver)
        unknown = post(other, webhook(alert("a1")))
        bare = alert("a2")
        del bare["labels"]["service"]
        missing = post(other, webhook(bare, group="g2"))
    assert unknown.status_code == 422
    assert unknown.json()["error"] == "label service='paymnts' names no service slabot knows (see /sla service list)"
    assert missing.status_code == 422
    assert missing.json()["error"].startswith("an alert has no label 'service' naming its service")
    assert rows(driver, Incident) == [] and rows(driver, AlertGroup) == []
    assert [s.name for s in rows(driver, Service)] == ["checkout"]
    assert rows(driver, OutboxMessage) == [] and slack.calls_to("chat.postMessage") == []
