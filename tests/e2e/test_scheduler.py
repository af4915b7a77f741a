"""The scheduler inside the bot process, and several bot processes on one Postgres database."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import text

from slabot.catalog import objectives
from slabot.catalog import services as catalog
from slabot.catalog.objectives import ObjectiveSpec
from slabot.catalog.services import ServiceFields
from slabot.config.runtime import Runtime
from slabot.core.windows import WindowSpec
from slabot.devtools.localslack import LocalSlack
from slabot.runtime.scheduler import DELIVER_JOB, DIGEST_SYNC_JOB, DIGESTS_JOB, EVALUATE_JOB, build_scheduler
from slabot.runtime.wiring import outbox_notifier
from slabot.slo.ingest import Point, event_objective, ingest
from storage.db import Database
from storage.models.catalog import ObjectiveSource
from storage.models.reports import Digest
from tests.conftest import PG_URL, TABLES
from tests.driver import wait_until_healthy

ROOT = Path(__file__).resolve().parents[2]


def test_jobs_have_stable_ids_utc_and_never_skip_a_late_run(runtime: Runtime, slack: LocalSlack) -> None:
    start = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
    scheduler = build_scheduler(runtime, outbox_notifier(runtime, api_url=slack.base_url), start_at=start)
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {EVALUATE_JOB, DELIVER_JOB, DIGESTS_JOB, DIGEST_SYNC_JOB}
    evaluate = jobs[EVALUATE_JOB]
    assert isinstance(evaluate.trigger, IntervalTrigger)
    assert evaluate.trigger.interval == timedelta(seconds=60)
    assert str(evaluate.trigger.timezone) == "UTC" and str(scheduler.timezone) == "UTC"
    assert evaluate.misfire_grace_time is None and evaluate.coalesce and evaluate.max_instances == 1
    assert evaluate.next_run_time == start  # a (re)start runs the pass at once


def seed_outage(db: Database, now: datetime) -> None:
    """A service whose objective has been failing for the last ten minutes (wall-clock time)."""
    with db.session() as session:
        catalog.add_service(session, "checkout", ServiceFields(channel_id="C0CHECK", oncall_id="U0ONCALL"), "U0ADMIN")
        spec = ObjectiveSpec(
            name="api", target_percent=Decimal("99.9"), window=WindowSpec.parse("30d"), source=ObjectiveSource.EVENTS
        )
        objectives.define_objective(session, "checkout", spec, "U0ADMIN")
    with db.session() as session:
        objective = event_objective(session, "checkout", "api")
        points = [Point(now - timedelta(minutes=m), 1000 if m > 10 else 0, 1000) for m in range(1, 600)]
        ingest(session, objective, points, now)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.skipif(not PG_URL, reason="needs Postgres (SLABOT_TEST_DATABASE_URL)")
def test_two_bot_processes_on_postgres_post_one_message_per_alert_and_one_digest(
    _postgres: Database, tmp_path: Path
) -> None:
    with _postgres.engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE"))
    now = datetime.now(UTC)
    seed_outage(_postgres, now)
    fired = now - timedelta(hours=1)  # a weekly digest whose time came an hour ago, while no bot was running
    with _postgres.session() as session:
        session.add(
            Digest(
                channel_id="C0LEADS",
                weekday=fired.weekday(),
                at_minute=fired.hour * 60 + fired.minute,
                timezone="UTC",
                created_by="U0ADMIN",
                created_at=now - timedelta(days=2),
            )
        )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "SLABOT_")) and k != "DATABASE_URL"}
    with LocalSlack() as slack:
        env = {
            **clean,
            "SLACK_BOT_TOKEN": "xoxb-1",
            "SLACK_SIGNING_SECRET": "s3cret",
            "SLACK_API_URL": slack.base_url,
            "DATABASE_URL": _postgres.url.render_as_string(hide_password=False),  # this worker's database
            "SLABOT_EVAL_INTERVAL": "1",
        }
        processes = []
        try:
            for _ in range(2):
                port = free_port()
                process = subprocess.Popen(
                    [sys.executable, str(ROOT / "bot.py")],
                    cwd=tmp_path,
                    env={**env, "PORT": str(port)},
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
                processes.append(process)
                wait_until_healthy(f"http://127.0.0.1:{port}", process)
            slack.wait_for("chat.postMessage", timeout=30)
            slack.wait_for("files.completeUploadExternal", timeout=30)
            time.sleep(4)  # several more passes in each process
        finally:
            for process in processes:
                process.terminate()
                process.wait(timeout=10)
        posted = [m for m in slack.messages("C0CHECK") if "checkout/api is burning" in m["text"] or "PAGE" in m["text"]]
        assert len(posted) == 1, [m["text"] for m in slack.messages("C0CHECK")]
        posts = [m for m in slack.messages() if not m.get("files")]  # file shares are messages too
        assert len(slack.calls_to("chat.postMessage")) == len(posts)
        digests = [m for m in slack.messages("C0LEADS") if m["text"].startswith("Weekly service levels")]
        assert len(digests) == 1, "the missed digest is posted once, by one of the two processes"
        charts = [m for m in slack.messages("C0LEADS") if m.get("files")]
        assert charts and all(m["thread_ts"] == digests[0]["ts"] for m in charts)
        assert len(charts) == len({m["files"][0]["name"] for m in charts})
    with _postgres.engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE"))
