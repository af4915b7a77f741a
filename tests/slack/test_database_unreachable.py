"""What tells an outage from a bug (storage.db.is_unreachable), and what each Slack surface does with it, on
SQLite with the database made to fail: an event not recorded is answered 503 (Slack retries it), a command
gets the plain outage reply, a bug stays a bug (acknowledged, logged with a reference)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

import psycopg
import pytest
from sqlalchemy import exc

from slabot.config.runtime import Runtime
from slabot.devtools.localslack import LocalSlack
from slabot.render.reply import DATABASE_DOWN
from storage.db import is_unreachable
from tests.driver import SlackDriver
from tests.slack.test_rca_conversation import ANSWERS, BOB, CHANNEL, running_5_why, stored
from tests.threads import People


def wrapped(orig: BaseException, invalidated: bool = False) -> exc.DBAPIError:
    kind = (
        exc.OperationalError
        if isinstance(orig, sqlite3.OperationalError | psycopg.OperationalError)
        else exc.DBAPIError
    )
    return kind.instance("SELECT 1", {}, orig, type(orig), connection_invalidated=invalidated)  # type: ignore[arg-type]


def test_what_counts_as_the_database_being_out_of_reach() -> None:
    assert is_unreachable(wrapped(sqlite3.OperationalError("database is locked")))
    assert is_unreachable(wrapped(sqlite3.OperationalError("unable to open database file")))
    assert is_unreachable(wrapped(psycopg.OperationalError("connection failed: Connection refused")))
    assert is_unreachable(psycopg.OperationalError("server closed the connection unexpectedly"))
    assert is_unreachable(wrapped(sqlite3.DatabaseError("anything"), invalidated=True))
    assert is_unreachable(exc.TimeoutError("QueuePool limit of size 5 overflow 10 reached"))
    try:
        try:
            raise wrapped(psycopg.OperationalError("terminating connection due to administrator command"))
        except exc.DBAPIError as inner:
            raise RuntimeError("while storing") from inner
    except RuntimeError as outer:
        assert is_unreachable(outer)
    # bugs, not outages: retrying them would fail alike
    assert not is_unreachable(wrapped(sqlite3.OperationalError("no such table: rca")))
    assert not is_unreachable(wrapped(sqlite3.IntegrityError("UNIQUE constraint failed")))
    assert not is_unreachable(RuntimeError("database exploded"))
    assert not is_unreachable(ValueError("bad"))


def failing_sessions(error: BaseException) -> Callable[[], object]:
    def session() -> object:
        raise error

    return session


def answer(people: People, slack: LocalSlack, thread_ts: str, text: str) -> int:
    ts = slack.add_message(CHANNEL, text, user=BOB, thread_ts=thread_ts)
    event = {"type": "message", "channel": CHANNEL, "user": BOB, "text": text, "ts": ts, "thread_ts": thread_ts}
    return people.send({**event, "channel_type": "channel", "event_ts": ts})


def test_an_answer_the_database_cannot_take_is_503_then_recorded_once_on_retry(
    driver: SlackDriver, slack: LocalSlack, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    people = People(driver, slack)  # through app.dispatch, the whole middleware chain
    incident_id, thread_ts = running_5_why(driver)
    with monkeypatch.context() as patched:
        patched.setattr(
            runtime.db, "session", failing_sessions(wrapped(sqlite3.OperationalError("database is locked")))
        )
        assert answer(people, slack, thread_ts, ANSWERS[0]) == 503
    assert stored(runtime, incident_id)[1] == []
    assert people.retry_last(1) == 200
    assert people.retry_last(2) == 200
    assert [why.answer for why in stored(runtime, incident_id)[1]] == ANSWERS[:1]


def test_a_bug_while_recording_an_answer_is_acknowledged_and_logged(
    driver: SlackDriver,
    slack: LocalSlack,
    runtime: Runtime,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    people = People(driver, slack)
    _, thread_ts = running_5_why(driver)
    monkeypatch.setattr(runtime.db, "session", failing_sessions(RuntimeError("database exploded")))
    assert answer(people, slack, thread_ts, ANSWERS[0]) == 200
    assert "failed (ref " in caplog.text


def test_a_command_during_an_outage_gets_the_plain_reply(
    driver: SlackDriver, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    driver.command("/sla service add checkout")
    error = wrapped(psycopg.OperationalError("connection failed: Connection refused"))
    monkeypatch.setattr(runtime.db, "session", failing_sessions(error))
    reply = driver.command("/sla status")
    assert (reply.text, reply.ephemeral) == (str(DATABASE_DOWN), True)
    assert "ref " not in reply.all_text and "Connection refused" not in reply.all_text
