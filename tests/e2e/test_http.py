"""The real HTTP server (uvicorn + Starlette) in front of the Bolt app: signatures, health, concurrency."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import httpx
import pytest
from slack_bolt import Ack, App

from slabot.config.runtime import Runtime
from slabot.devtools.localslack import LocalSlack
from slabot.runtime.http import create_http_app
from slabot.runtime.openapi import openapi_document
from slabot.runtime.wiring import connect
from slabot.slo.ingest import MAX_POINTS
from storage.db import Database
from tests import web
from tests.driver import Server, SlackDriver, command_body, signed_headers


@pytest.fixture
def production_app(runtime: Runtime, slack: LocalSlack) -> App:
    """As bot.py builds it: listeners on Bolt's thread pool, ack first, the reply later."""
    return connect(runtime, api_url=slack.base_url, signing_secret=SlackDriver.secret).app


@pytest.fixture
def server(runtime: Runtime, production_app: App) -> Iterator[Server]:
    with Server(create_http_app(runtime, production_app)) as running:
        yield running


def post_command(server: Server, slack: LocalSlack, line: str, **header_overrides: str) -> httpx.Response:
    command, _, text = line.partition(" ")
    body = command_body(slack, command, text)
    headers = signed_headers(SlackDriver.secret, body)
    headers.update(header_overrides)
    return web.post(f"{server.url}/slack/events", content=body, headers=headers, timeout=10)


def test_signed_slash_command_is_acked_then_answered(server: Server, slack: LocalSlack) -> None:
    response = post_command(server, slack, "/sla service add checkout channel=C0CHECK")
    assert response.status_code == 200
    (reply,) = slack.wait_for("response_url")
    assert reply.args["response_type"] == "ephemeral"
    assert reply.args["text"].startswith(":white_check_mark: Service added: *checkout*")
    assert post_command(server, slack, "/sla service list").status_code == 200
    assert "*checkout*" in slack.wait_for("response_url", 2)[1].args["text"] + str(slack.calls[-1].args)


def test_missing_wrong_or_stale_signatures_get_401(server: Server, slack: LocalSlack) -> None:
    body = command_body(slack, "/sla", "service add checkout")
    url = f"{server.url}/slack/events"
    form = {"content-type": "application/x-www-form-urlencoded"}
    assert web.post(url, content=body, headers=form).status_code == 401
    wrong = signed_headers("not-the-secret", body)
    assert web.post(url, content=body, headers=wrong).status_code == 401
    stale = signed_headers(SlackDriver.secret, body, timestamp=int(time.time()) - 6 * 60)
    assert web.post(url, content=body, headers=stale).status_code == 401
    tampered = signed_headers(SlackDriver.secret, body)
    assert web.post(url, content=body.replace("checkout", "evil"), headers=tampered).status_code == 401
    assert slack.calls_to("response_url") == []


def test_a_command_that_fails_inside_still_answers_200_without_a_trace(
    server: Server, slack: LocalSlack, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("database exploded")

    monkeypatch.setattr("storage.queries.catalog.all_services", broken)
    assert post_command(server, slack, "/sla service list").status_code == 200
    (reply,) = slack.wait_for("response_url")
    assert "Something went wrong on slabot's side (ref " in reply.args["text"]
    assert "exploded" not in reply.args["text"] and "Traceback" not in reply.args["text"]


def test_healthz_reports_the_database(server: Server) -> None:
    response = web.get(f"{server.url}/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok", "database": "up"})


def test_healthz_is_503_when_the_database_does_not_answer(runtime: Runtime, production_app: App) -> None:
    unreachable = Database("postgresql+psycopg://postgres@127.0.0.1:1/none")
    with Server(create_http_app(replace(runtime, db=unreachable), production_app)) as running:
        response = web.get(f"{running.url}/healthz")
    assert (response.status_code, response.json()["database"]) == (503, "down")


def test_one_slow_request_does_not_stall_the_others(runtime: Runtime, production_app: App, slack: LocalSlack) -> None:
    @production_app.command("/slow")
    def slow(ack: Ack) -> None:
        time.sleep(1.5)  # something slow before the ack, on the request path
        ack()

    with Server(create_http_app(runtime, production_app)) as running, ThreadPoolExecutor(2) as pool:
        slow_request = pool.submit(post_command, running, slack, "/slow now")
        time.sleep(0.2)
        started = time.monotonic()
        assert web.get(f"{running.url}/healthz").status_code == 200
        assert post_command(running, slack, "/sla help").status_code == 200
        assert time.monotonic() - started < 1.0
        assert slow_request.result().status_code == 200


def test_unknown_paths_are_404(server: Server) -> None:
    assert web.get(f"{server.url}/nope").status_code == 404
    assert web.get(f"{server.url}/slack/events").status_code == 405


def test_socket_mode_serves_all_but_slack_events_over_http(runtime: Runtime, production_app: App) -> None:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from slabot.runtime.http import build_frontends

    socket_runtime = replace(runtime, settings=replace(runtime.settings, app_token="xapp-1-test"))
    http_app, handler = build_frontends(socket_runtime, production_app)
    assert isinstance(handler, SocketModeHandler) and handler.app_token == "xapp-1-test"
    assert handler.app is production_app
    with Server(http_app) as running:
        assert web.get(f"{running.url}/healthz").status_code == 200
        assert web.get(f"{running.url}/openapi.json").status_code == 200
        assert web.post(f"{running.url}/api/v1/events", json={}).status_code == 401  # mounted; the API is off
        assert web.post(f"{running.url}/slack/events", content="x").status_code == 404
    http_app, handler = build_frontends(runtime, production_app)
    assert handler is None


def test_the_openapi_document_is_served_and_names_every_status(server: Server) -> None:
    response = web.get(f"{server.url}/openapi.json")
    assert response.status_code == 200 and response.headers["content-type"] == "application/json"
    document = json.loads(response.text)
    assert document == openapi_document() and document["openapi"].startswith("3.1")
    events = document["paths"]["/api/v1/events"]["post"]
    assert set(events["responses"]) == {"200", "401", "404", "405", "413", "422", "500"}
    assert events["security"] == [{"bearerAuth": []}]
    assert document["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    for code, answer in events["responses"].items():
        if code != "200":
            assert answer["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
    assert set(document["paths"]["/healthz"]["get"]["responses"]) == {"200", "503"}
    point = document["components"]["schemas"]["Point"]
    assert point["additionalProperties"] is False and point["required"] == ["ts", "good", "total"]
    assert document["components"]["schemas"]["EventBatch"]["properties"]["points"]["maxItems"] == MAX_POINTS


def test_the_openapi_document_is_valid_openapi_3_1() -> None:
    from openapi_spec_validator import validate

    validate(openapi_document())
