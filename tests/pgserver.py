"""A throwaway Postgres server of a test's own: initdb into a temporary directory, started and stopped with
pg_ctl as the postgres OS user on a spare loopback port (trust auth), so a test can take the database away
and bring it back. The machine's own Postgres (port 5432) is never touched."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

PG_BIN = Path(os.environ.get("SLABOT_TEST_PG_BIN", "/usr/lib/postgresql/15/bin"))
OS_USER = "postgres"


def _spare_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    if port == 5432:  # never the machine's own server
        return _spare_port()
    return port


def _as_postgres(*command: str) -> list[str]:
    """`command` run as the postgres OS user when this process is root (as in CI), else as is."""
    if os.geteuid() != 0:
        return list(command)
    runuser = shutil.which("runuser")
    if runuser:
        return [runuser, "-u", OS_USER, "--", *command]
    return ["su", OS_USER, "-s", "/bin/sh", "-c", " ".join(command)]


class PgServer:
    """One Postgres cluster in a temporary directory; `url` names its `postgres` database."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="slabot-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.port = _spare_port()
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"
        self.running = False

    def _run(self, *command: str, timeout: float = 60) -> None:
        done = subprocess.run(_as_postgres(*command), capture_output=True, text=True, timeout=timeout, check=False)
        if done.returncode != 0:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise RuntimeError(f"{' '.join(command)} failed ({done.returncode}): {done.stderr}{done.stdout}\n{log}")

    def init(self) -> None:
        if os.geteuid() == 0:
            user = pwd.getpwnam(OS_USER)
            os.chown(self.root, user.pw_uid, user.pw_gid)
        self._run(
            str(PG_BIN / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "--no-sync",
            "-E",
            "UTF8",
            "--locale=C",
        )

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "start")
        self.running = True

    def stop(self) -> None:
        """Stop now: every open connection is cut (as when the database host goes away)."""
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")
        self.running = False

    def cleanup(self) -> None:
        if self.running:
            try:
                self.stop()
            except Exception:  # still remove the directory
                subprocess.run(
                    _as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"),
                    capture_output=True,
                    check=False,
                    timeout=30,
                )
        shutil.rmtree(self.root, ignore_errors=True)


def available() -> str | None:
    """Why a server of the test's own cannot be run here, or None when it can."""
    if not (PG_BIN / "initdb").exists() or not (PG_BIN / "pg_ctl").exists():
        return f"initdb/pg_ctl not found in {PG_BIN} (set SLABOT_TEST_PG_BIN)"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam(OS_USER)
        except KeyError:
            return f"running as root and there is no {OS_USER!r} OS user to run Postgres as"
    return None


@contextmanager
def pg_server() -> Iterator[PgServer]:
    """A started Postgres of the caller's own, stopped and removed when the block ends; the test is skipped
    with the reason when initdb is missing."""
    reason = available()
    if reason is not None:
        pytest.skip(reason)
    server = PgServer()
    try:
        server.init()
        server.start()
        yield server
    finally:
        server.cleanup()
