"""/slack/events before a request is trusted, through the real HTTP server: a body past 1 MiB is refused (413)
while it streams, never read whole; a Content-Length over the cap at once; a timestamp header that is not
Unix seconds is a 401, not a 500."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import httpx
import pytest
from slack_sdk.signature import SignatureVerifier

from slabot.config.runtime import Runtime
from slabot.devtools.localslack import LocalSlack
from slabot.runtime.http import MAX_BODY_BYTES, create_http_app
from tests import web
from tests.driver import Server, SlackDriver, command_body, signed_headers

MB = 1024 * 1024


@pytest.fixture
def server(runtime: Runtime, driver: SlackDriver) -> Iterator[Server]:
    with Server(create_http_app(runtime, driver.app)) as running:
        yield running


def test_the_cap_is_one_mebibyte() -> None:
    assert MAX_BODY_BYTES == MB


def test_a_declared_length_over_the_cap_is_refused_before_the_body_is_sent(server: Server) -> None:
    host, port = server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as conn:
        head = (
            "POST /slack/events HTTP/1.1\r\nHost: local\r\nContent-Type: application/json\r\n"
            f"Content-Length: {300 * MB}\r\n\r\n"
        )
        conn.sendall(head.encode())  # and not one byte of the 300 MB
        answer = conn.recv(4096).decode("latin-1")
    assert answer.startswith("HTTP/1.1 413 "), answer


def test_a_streamed_body_past_the_cap_is_cut_off_not_read_whole(server: Server, slack: LocalSlack) -> None:
    sent = 0
    chunk = b"x" * (64 * 1024)

    def fifty_megabytes() -> Iterator[bytes]:
        nonlocal sent
        while sent < 50 * MB:
            sent += len(chunk)
            yield chunk

    started = time.monotonic()
    try:
        # No Content-Length: httpx sends the generator chunked, as an attacker trickling a body would.
        response = web.post(f"{server.url}/slack/events", content=fifty_megabytes(), timeout=10)
    except httpx.TransportError:
        status = None  # the server closed the connection before the client finished writing: also cut off
    else:
        status = response.status_code
    assert status in (413, None)
    # The server stopped reading just past 1 MiB; what was written beyond sat in the sockets' buffers.
    assert sent < 20 * MB, f"{sent // MB} MB of 50 MB were read"
    assert time.monotonic() - started < 10
    assert slack.calls_to("response_url") == []


def test_at_the_cap_a_body_is_read_and_then_checked(server: Server) -> None:
    url = f"{server.url}/slack/events"
    json_type = {"content-type": "application/json"}
    assert web.post(url, content=b"{" + b" " * (MB - 2) + b"}", headers=json_type).status_code == 401
    assert web.post(url, content=b"{" + b" " * (MB - 1) + b"}", headers=json_type).status_code == 413


@pytest.mark.parametrize("timestamp", ["abc", "1700000000.5", "", "-1700000000", "1e9", "1700000000 x"])
def test_a_malformed_timestamp_is_401_not_500(server: Server, slack: LocalSlack, timestamp: str) -> None:
    body = command_body(slack, "/sla", "status")
    # signed over the malformed timestamp, so only the timestamp itself is wrong
    headers = {
        "content-type": "application/x-www-form-urlencoded",
        "x-slack-request-timestamp": timestamp,
        "x-slack-signature": SignatureVerifier(SlackDriver.secret).generate_signature(timestamp=timestamp, body=body),
    }
    response = web.post(f"{server.url}/slack/events", content=body.encode(), headers=headers, timeout=10)
    assert response.status_code == 401, response.text
    assert "Traceback" not in response.text
    assert slack.calls_to("response_url") == []


def test_a_well_formed_signed_command_still_goes_through(server: Server, slack: LocalSlack) -> None:
    body = command_body(slack, "/sla", "status")
    response = web.post(f"{server.url}/slack/events", content=body, headers=signed_headers(SlackDriver.secret, body))
    assert response.status_code == 200
    assert len(slack.calls_to("response_url")) == 1
