"""Hostile input outside the slash commands: bytes that are not UTF-8 on the console's stdin, weak ingest API
tokens and zone names too long for the file system in the settings, and the API document's rules."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from slabot.config.settings import ConfigError, load_settings
from slabot.devtools.console import read_lines
from slabot.runtime.openapi import openapi_document

ROOT = Path(__file__).resolve().parents[2]


def test_console_survives_a_line_that_is_not_utf8(tmp_path: Path) -> None:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "SLABOT_")) and k != "DATABASE_URL"}
    result = subprocess.run(
        [sys.executable, str(ROOT / "bot.py"), "console"],
        input=b"/sla service add caf\xe9\n/sla service list\n",
        capture_output=True,
        cwd=tmp_path,
        env=clean,
        timeout=60,
    )
    out = result.stdout.decode("utf-8")
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
    assert "line 1 was not UTF-8: the unreadable bytes became \ufffd" in out
    assert "'caf\ufffd' is not a valid service name" in out
    assert "No services yet" in out  # the next line ran
    assert "Traceback" not in out + result.stderr.decode("utf-8", "replace")


def test_read_lines_decodes_each_line_with_replacement() -> None:
    out = io.StringIO()
    stream = io.TextIOWrapper(io.BytesIO(b"ok\n\xff\xfebad\nfine \xc3\xa9\n"), encoding="utf-8")
    assert list(read_lines(stream, out)) == ["ok\n", "\ufffd\ufffdbad\n", "fine \u00e9\n"]
    assert out.getvalue() == "line 2 was not UTF-8: the unreadable bytes became \ufffd\n"
    assert list(read_lines(io.StringIO("a\nb\n"), out)) == ["a\n", "b\n"]


@pytest.mark.parametrize(
    ("token", "why"),
    [
        ("a" * 16, "it uses 1 distinct character, at least 8"),
        ("abababababababababababab", "it uses 2 distinct characters"),
        ("0123456789012345", "about 53 bits of entropy, at least 64"),
    ],
)
def test_a_weak_api_token_is_refused_in_one_line(token: str, why: str) -> None:
    with pytest.raises(ConfigError) as refused:
        load_settings({"SLABOT_API_TOKEN": token}, mode="offline")
    message = str(refused.value)
    assert message.startswith("SLABOT_API_TOKEN is too easy to guess: ") and why in message
    assert "\n" not in message and "secrets.token_urlsafe" in message


def test_a_varied_api_token_is_taken() -> None:
    for token in ("sixteen-chars-ok", "test-api-token-0123456789", "Zx9-kQ2_pL7mW4rT"):
        assert load_settings({"SLABOT_API_TOKEN": token}, mode="offline").api_token == token


@pytest.mark.parametrize("zone", ["a" * 300, "Europe/" * 40, "Europe", "\x00", "../etc"])
def test_a_bad_configured_zone_is_one_line(zone: str) -> None:
    with pytest.raises(ConfigError, match=r"^SLABOT_TIMEZONE must be a zone like Europe/Berlin") as refused:
        load_settings({"SLABOT_TIMEZONE": zone}, mode="offline")
    assert len(str(refused.value)) < 140


def test_the_api_document_states_the_name_and_count_rules() -> None:
    schemas = openapi_document()["components"]["schemas"]
    for key in ("service", "slo"):
        name = schemas["EventBatch"]["properties"][key]
        assert name["type"] == "string" and name["maxLength"] == 64 and name["pattern"].startswith("^[A-Za-z0-9]")
        assert "64 characters" in name["description"]
    point = schemas["Point"]
    for key in ("good", "total"):
        assert point["properties"][key]["type"] == "integer" and point["properties"][key]["minimum"] == 0
    assert "good ≤ total" in point["description"]
