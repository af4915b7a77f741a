"""Settings, start-up and the console, as a new user meets them: `python bot.py …` in a fresh directory."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from slabot.config.settings import ConfigError, load_settings
from slabot.devtools.localslack import LocalSlack
from tests import web
from tests.driver import command_body, signed_headers, wait_until_healthy

ROOT = Path(__file__).resolve().parents[2]
BASE = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s3cret"}


def run_bot(args: list[str], env: dict[str, str], cwd: Path, stdin: str = "", timeout: float = 60):  # type: ignore[no-untyped-def]
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "SLABOT_")) and k != "DATABASE_URL"}
    return subprocess.run(
        [sys.executable, str(ROOT / "bot.py"), *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**clean, **env},
        timeout=timeout,
    )


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({}, "SLACK_BOT_TOKEN"),
        ({"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_SIGNING_SECRET"),
        ({"SLACK_BOT_TOKEN": "xoxp-user", "SLACK_SIGNING_SECRET": "s"}, "SLACK_BOT_TOKEN"),
        ({**BASE, "SLACK_APP_TOKEN": "xoxb-wrong"}, "SLACK_APP_TOKEN"),
        ({**BASE, "PORT": "http"}, "PORT"),
        ({**BASE, "PORT": "70000"}, "PORT"),
        ({**BASE, "SLABOT_TIMEZONE": "Mars/Olympus"}, "SLABOT_TIMEZONE"),
        ({**BASE, "SLABOT_ADMINS": "alice,bob"}, "SLABOT_ADMINS"),
        ({**BASE, "DATABASE_URL": "mysql://x/y"}, "DATABASE_URL"),
        ({**BASE, "DATABASE_URL": "not a url"}, "DATABASE_URL"),
        ({**BASE, "SLACK_API_URL": "ftp://slack"}, "SLACK_API_URL"),
        ({**BASE, "SLABOT_RAW_RETENTION_DAYS": "0"}, "SLABOT_RAW_RETENTION_DAYS"),
        ({**BASE, "SLABOT_AUTO_RCA": "sometimes"}, "SLABOT_AUTO_RCA"),
        ({**BASE, "SLACK_CLIENT_ID": "1", "SLACK_CLIENT_SECRET": "2"}, "SLACK_CLIENT_ID"),
        ({**BASE, "SLABOT_API_TOKEN": "fifteen-chars.."}, "SLABOT_API_TOKEN"),
        ({**BASE, "SLABOT_API_TOKEN": "long enough but has spaces"}, "SLABOT_API_TOKEN"),
        ({**BASE, "SLABOT_API_TOKEN": "s\u00e9same-ouvre-toi-0123"}, "SLABOT_API_TOKEN"),
    ],
)
def test_a_bad_setting_is_one_line_naming_the_variable(env: dict[str, str], variable: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(env)
    message = str(caught.value)
    assert message.startswith(variable) and "\n" not in message


def test_settings_are_read_and_normalised() -> None:
    settings = load_settings(
        {
            **BASE,
            "SLACK_API_URL": "http://127.0.0.1:9/api",
            "PORT": "8080",
            "SLABOT_TIMEZONE": "Europe/Berlin",
            "SLABOT_ADMINS": "U01, U02",
        }
    )
    assert settings.api_url == "http://127.0.0.1:9/api/" and settings.port == 8080
    assert str(settings.timezone) == "Europe/Berlin" and settings.admins == frozenset({"U01", "U02"})
    assert settings.database_url == "sqlite:///slabot.db" and not settings.socket_mode
    assert settings.is_admin("U01") and not settings.is_admin("U03")
    socket_mode = load_settings({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"})
    assert socket_mode.socket_mode and socket_mode.signing_secret is None
    assert load_settings({}, mode="console").bot_token is None
    assert settings.api_token is None
    assert load_settings({**BASE, "SLABOT_API_TOKEN": " sixteen-chars-ok "}).api_token == "sixteen-chars-ok"
    for mode in ("console", "offline"):
        assert load_settings({"SLABOT_API_TOKEN": "Zx9-kQ2_pL7mW4rT"}, mode=mode).api_token == "Zx9-kQ2_pL7mW4rT"
        with pytest.raises(ConfigError, match=r"^SLABOT_API_TOKEN must be at least 16 "):
            load_settings({"SLABOT_API_TOKEN": "short"}, mode=mode)


def test_bot_exits_with_one_line_when_a_setting_is_missing(tmp_path: Path) -> None:
    result = run_bot([], {}, tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1].startswith("slabot: SLACK_BOT_TOKEN is not set")
    assert "Traceback" not in result.stderr


def test_bot_exits_with_one_line_when_slack_refuses_the_token(tmp_path: Path) -> None:
    with LocalSlack() as slack:
        slack.fail_with_error("auth.test", "invalid_auth")
        result = run_bot([], {**BASE, "SLACK_API_URL": slack.base_url}, tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "SLACK_BOT_TOKEN was refused by Slack" in result.stderr and "invalid_auth" in result.stderr


def test_db_upgrade_creates_the_schema_in_wal_mode(tmp_path: Path) -> None:
    result = run_bot(["db", "upgrade"], {}, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "up to date" in result.stdout
    import sqlite3

    connection = sqlite3.connect(tmp_path / "slabot.db")
    assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"service", "objective", "incident", "incident_event", "alembic_version"} <= tables


def test_db_prune_reports_what_it_deleted(tmp_path: Path) -> None:
    assert run_bot(["db", "upgrade"], {}, tmp_path).returncode == 0
    result = run_bot(["db", "prune"], {"SLABOT_RAW_RETENTION_DAYS": "10"}, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("deleted 0 per-minute rows older than ") and "(rollups kept)" in result.stdout


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_http_mode_end_to_end(tmp_path: Path) -> None:
    """python bot.py: auth.test once through SLACK_API_URL, /healthz, then a signed command over HTTP."""
    port = free_port()
    with LocalSlack() as slack:
        env = {**BASE, "SLACK_API_URL": slack.base_url, "PORT": str(port)}
        clean = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "SLABOT_")) and k != "DATABASE_URL"}
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "bot.py")],
            cwd=tmp_path,
            env={**clean, **env},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            wait_until_healthy(url, process)
            body = command_body(slack, "/sla", "service add checkout")
            response = web.post(f"{url}/slack/events", content=body, headers=signed_headers("s3cret", body))
            assert response.status_code == 200
            (reply,) = slack.wait_for("response_url")
            assert "Service added: *checkout*" in reply.args["text"]
            assert len(slack.calls_to("auth.test")) == 1
        finally:
            process.terminate()
            process.wait(timeout=10)


CONSOLE_SCRIPT = """\
/sla help
/sla service add checkout channel=<#C0CHECK|checkout> oncall=<@U0BOB|bob>
/sla define checkout availability target=99.9 window=30d
/incident open checkout sev1 Payments down started=2h
/incident resolve 1 resolved=90m
/sla budget checkout/availability
/sla report
/sla frob
/nope
hello
quit
/sla service list
"""


def test_console_with_piped_input(tmp_path: Path) -> None:
    result = run_bot(["console"], {}, tmp_path, stdin=CONSOLE_SCRIPT)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "> /sla help" in out and "/sla define <service> <name> target=<percent>" in out
    assert "✅ Service added: *checkout* · channel #C0CHECK · on-call @U0BOB" in out
    assert "[#C0CHECK · slabot · ts" in out and "🚨 Incident #1 sev1: Payments down" in out
    assert "[#C0CHECK · thread of" in out and "resolved incident #1 after 30m" in out
    assert "*Budget*: 43m 12s" in out and "*Consumed*: 30m" in out
    # the console's clock is real: the incident lasts 30m and the milliseconds between the two commands, so
    # what is left is a hair under 13m 12s, which reads 13m 11s (durations are cut, never rounded up)
    assert "*Left*: 13m 11s (30.6%)" in out or "*Left*: 13m 12s (30.6%)" in out
    assert "⏳ Preparing the digest of 2026-W" in out  # then rendered, as the scheduler would, and posted
    assert "[#C0CONSOLE · slabot · ts" in out and "Weekly service levels · 2026-W" in out
    assert "saved as slabot-out/slabot-digest-1-sli.png" in out
    assert (tmp_path / "slabot-out" / "slabot-digest-1-sli.png").read_bytes().startswith(b"\x89PNG")
    assert "⚠️ 'frob' is not a /sla command" in out
    assert "slabot has no /nope command" in out
    assert "Type a slash command" in out
    assert "Services (1)" not in out  # nothing after quit runs
    assert "Traceback" not in out + result.stderr
    assert (tmp_path / "slabot.db").exists()


@pytest.mark.parametrize(("value", "on"), [(None, True), ("on", True), ("OFF", False), ("false", False), ("1", True)])
def test_the_automatic_5_why_can_be_switched_off(value: str | None, on: bool) -> None:
    env = {**BASE, **({"SLABOT_AUTO_RCA": value} if value is not None else {})}
    assert load_settings(env).auto_rca is on
