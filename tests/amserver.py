"""A real Alertmanager of a test's own (Debian's prometheus-alertmanager): started on a spare loopback port with
its own temporary storage and no cluster port, its one receiver posting webhooks to slabot, and alerts pushed
into it through its v2 API. Skips the test with how to install it when the binary is missing."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

BINARY = os.environ.get("SLABOT_TEST_ALERTMANAGER", "prometheus-alertmanager")
INSTALL = "install it with: sudo apt-get install prometheus-alertmanager (Debian/Ubuntu; CI's .ci/run does)"


def _spare_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _time(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


@dataclass
class Alertmanager:
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def push(self, *alerts: dict[str, Any]) -> None:
        """POST /api/v2/alerts: each alert's labels, annotations, startsAt and (to resolve it) endsAt."""
        body = [
            {key: _time(value) if isinstance(value, datetime) else value for key, value in alert.items()}
            for alert in alerts
        ]
        response = httpx.post(f"{self.url}/api/v2/alerts", json=body, timeout=10)
        assert response.status_code == 200, response.text

    def logged(self) -> str:
        return self.log.read_text(errors="replace")


def config(webhook_url: str, token: str, group_by: Sequence[str]) -> dict[str, Any]:
    """The test configuration of INTEGRATIONS.md: group_wait 1s, group_interval 3s, resolved sent too."""
    receiver = {
        "url": webhook_url,
        "send_resolved": True,
        "http_config": {"authorization": {"credentials": token}},
    }
    route = {"receiver": "slabot", "group_by": list(group_by), "group_wait": "1s", "group_interval": "3s"}
    return {
        "route": {**route, "repeat_interval": "1h"},
        "receivers": [{"name": "slabot", "webhook_configs": [receiver]}],
    }


@contextmanager
def alertmanager(
    tmp_path: Path, webhook_url: str, token: str, group_by: Sequence[str] = ("alertname", "service")
) -> Iterator[Alertmanager]:
    binary = shutil.which(BINARY)
    if binary is None:
        pytest.skip(f"Alertmanager ({BINARY}) is not installed; {INSTALL}")
    folder = tmp_path / "alertmanager"
    folder.mkdir()
    (folder / "alertmanager.yml").write_text(json.dumps(config(webhook_url, token, group_by)))  # JSON is YAML
    port = _spare_port()
    log = folder / "alertmanager.log"
    command = [
        binary,
        f"--config.file={folder / 'alertmanager.yml'}",
        f"--storage.path={folder / 'data'}",
        f"--web.listen-address=127.0.0.1:{port}",
        "--cluster.listen-address=",  # no gossip port on every interface
    ]
    with log.open("wb") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, cwd=folder)
    running = Alertmanager(f"http://127.0.0.1:{port}", process, log)
    try:
        deadline = time.monotonic() + 20
        while True:
            assert process.poll() is None, f"Alertmanager exited:\n{running.logged()}"
            try:
                if httpx.get(f"{running.url}/-/ready", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, f"Alertmanager did not get ready:\n{running.logged()}"
            time.sleep(0.1)
        yield running
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
