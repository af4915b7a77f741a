"""A real Prometheus of a test's own (Debian's prometheus): history written as OpenMetrics text, turned into
blocks by promtool, served on a spare loopback port with 400 days' retention; it can be stopped and started
again on the same storage. Skips the test with how to install it when the binary is missing."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

BINARY = os.environ.get("SLABOT_TEST_PROMETHEUS", "prometheus")
INSTALL = "install it with: sudo apt-get install prometheus (Debian/Ubuntu; CI's .ci/run does)"


def _spare_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _stamp(t: float) -> str:
    return str(t) if isinstance(t, int) else f"{t:.3f}"


def openmetrics(series: Iterable[tuple[str, str, Iterable[tuple[float, str]]]]) -> str:
    """OpenMetrics text of counters: (metric name, labels like 'job="a"', [(unix seconds, value)])."""
    lines: list[str] = []
    families: dict[str, list[str]] = {}
    for name, labels, samples in series:
        family = name.removesuffix("_total")
        families.setdefault(family, []).extend(f"{name}{{{labels}}} {value} {_stamp(t)}" for t, value in samples)
    for family, rows in families.items():
        lines.append(f"# TYPE {family} counter")
        lines.extend(rows)
    lines.append("# EOF")
    return "\n".join(lines) + "\n"


@dataclass
class Prometheus:
    binary: str
    folder: Path
    port: int = field(default_factory=_spare_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        log = (self.folder / "prometheus.log").open("ab")
        self.process = subprocess.Popen(
            [
                self.binary,
                f"--config.file={self.folder / 'prometheus.yml'}",
                f"--web.listen-address=127.0.0.1:{self.port}",
                f"--storage.tsdb.path={self.folder / 'data'}",
                "--storage.tsdb.retention.time=400d",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"prometheus exited: {(self.folder / 'prometheus.log').read_text()[-2000:]}")
            try:
                if httpx.get(f"{self.url}/-/ready", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise AssertionError("prometheus did not become ready in 30 s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None


@contextmanager
def prometheus(tmp_path: Path, history: str) -> Iterator[Prometheus]:
    """Prometheus serving `history` (OpenMetrics text; keep it at least 3 hours before the real now)."""
    binary, promtool = shutil.which(BINARY), shutil.which("promtool")
    if binary is None or promtool is None:
        pytest.skip(f"Prometheus ({BINARY}, promtool) is not installed; {INSTALL}")
    folder = tmp_path / "prometheus"
    (folder / "data").mkdir(parents=True)
    (folder / "prometheus.yml").write_text("global: {scrape_interval: 15s}\nscrape_configs: []\n")
    source = folder / "history.om"
    source.write_text(history)
    subprocess.run(
        [promtool, "tsdb", "create-blocks-from", "openmetrics", str(source), str(folder / "data")],
        check=True,
        capture_output=True,
    )
    server = Prometheus(binary, folder)
    server.start()
    try:
        yield server
    finally:
        server.stop()
