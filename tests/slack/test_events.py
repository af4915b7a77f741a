"""Events through the signed request path, and the manifest agreeing with what the app registers."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from commands import GROUPS
from tests.driver import SlackDriver, signed_headers

ROOT = Path(__file__).resolve().parents[2]


def event_body(event: dict[str, object], event_id: str = "Ev01") -> str:
    return json.dumps(
        {
            "token": "t",
            "team_id": "T0LOCAL",
            "api_app_id": "A0TEST",
            "type": "event_callback",
            "event_id": event_id,
            "event_time": 1,
            "event": event,
        }
    )


def send(driver: SlackDriver, event: dict[str, object]) -> int:
    body = event_body(event)
    return driver.dispatch(body, signed_headers(driver.secret, body, content_type="application/json")).status


def test_a_mention_is_answered_in_its_thread(driver: SlackDriver) -> None:
    status = send(
        driver,
        {
            "type": "app_mention",
            "user": "U0ALICE",
            "text": "<@U0SLABOT> hi",
            "channel": "C0OPS",
            "ts": "1700000000.000100",
        },
    )
    assert status == 200
    (post,) = driver.posts("C0OPS")
    assert post.args["thread_ts"] == "1700000000.000100" and "/sla help" in post.args["text"]


def test_channel_messages_are_acknowledged_quietly(driver: SlackDriver) -> None:
    status = send(
        driver, {"type": "message", "user": "U0ALICE", "text": "lunch?", "channel": "C0OPS", "ts": "1700000000.000200"}
    )
    assert status == 200
    assert driver.posts() == []


def test_url_verification_challenge(driver: SlackDriver) -> None:
    body = json.dumps({"type": "url_verification", "challenge": "abc123", "token": "t"})
    response = driver.dispatch(body, signed_headers(driver.secret, body, content_type="application/json"))
    assert response.status == 200 and "abc123" in response.body


def test_manifest_declares_every_command_with_escaping_on_one_url() -> None:
    manifest = yaml.safe_load((ROOT / "manifest.yml").read_text())
    declared = {c["command"]: c for c in manifest["features"]["slash_commands"]}
    assert set(declared) == {group.prefix for group in GROUPS}
    assert all(c["should_escape"] is True for c in declared.values())
    settings = manifest["settings"]
    urls = {c["url"] for c in declared.values()} | {
        settings["event_subscriptions"]["request_url"],
        settings["interactivity"]["request_url"],
    }
    assert len(urls) == 1 and urls.pop().endswith("/slack/events")
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert {"chat:write", "chat:write.public", "commands", "files:write", "users:read"} <= scopes
