"""Two people acknowledging (or resolving, pausing, resuming) the same incident at the same moment, through two
replicas of the bot sharing one database: the change is made once, and the second person is told who made
it and when.

The race is made certain rather than left to luck: `HoldAfterRead` wraps the lifecycle's read of the incident
so that both requests have read it before either writes. That is the window a read-check-write falls into
(both see it open, both resolve it); a guarded write has to hold there too."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import parse_qs

import pytest
from sqlmodel import Session, col, select

from slabot.config.runtime import Runtime
from slabot.devtools.localslack import LocalSlack
from storage.db import Database
from storage.models.incidents import IncidentEvent, IncidentEventKind
from storage.queries import incidents as incident_queries
from tests.driver import SlackDriver, command_body, signed_headers

ROUNDS = 8
RACERS = ("U0ALICE", "U0BOB")
OPENER = "U0CAROL"
CHANNEL = "C0CHECK"
WHEN = re.escape("2026-11-21 12:00 UTC")


class HoldAfterRead:
    """Test hook: each of the two racing threads, on its first read of an incident, waits at a barrier until
    the other has read it too (later reads in the same request, and reads by anyone else, pass straight)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.barrier = threading.Barrier(len(RACERS), timeout=10)
        self.racing: set[int] = set()
        self.local = threading.local()
        read = incident_queries.incident_with_service

        def held(session: Session, incident_id: int) -> Any:
            found = read(session, incident_id)
            if threading.get_ident() in self.racing and not getattr(self.local, "held", False):
                self.local.held = True
                self.barrier.wait()
            return found

        monkeypatch.setattr(incident_queries, "incident_with_service", held)

    def enter(self) -> None:
        """Called by a racing thread before it dispatches its command."""
        self.racing.add(threading.get_ident())
        self.local.held = False

    def reset(self) -> None:
        self.racing.clear()
        self.barrier.reset()


@pytest.fixture
def replicas(runtime: Runtime, slack: LocalSlack) -> Iterator[tuple[SlackDriver, SlackDriver]]:
    """Two apps, each with its own engine on the same database, as two replicas behind a load balancer."""
    second_db = Database(runtime.db.url.render_as_string(hide_password=False))
    second = Runtime(settings=runtime.settings, db=second_db, clock=runtime.clock)
    first = SlackDriver(runtime, slack)
    first.command(f"/sla service add checkout channel=<#{CHANNEL}|checkout>")
    try:
        yield first, SlackDriver(second, slack)
    finally:
        second_db.dispose()


def _reply(driver: SlackDriver, line: str, user: str, hold: HoldAfterRead) -> str:
    """Type `line` as `user`; the text of the one reply to that request's response_url."""
    hold.enter()
    command, _, text = line.partition(" ")
    body = command_body(driver.slack, command, text, user, CHANNEL)
    (url,) = parse_qs(body)["response_url"]
    ack = driver.dispatch(body, signed_headers(driver.secret, body))
    assert ack.status == 200, ack.body
    replies = [c.args for c in driver.slack.calls_to("response_url") if c.args.get("response_url") == url]
    assert len(replies) == 1, replies
    return str(replies[0]["text"])


def _race(
    replicas: tuple[SlackDriver, SlackDriver], hold: HoldAfterRead, line: str, other_line: str | None = None
) -> dict[str, str]:
    """Both racers type `line` at once (or the second one `other_line`), each through its own replica; their
    replies by user."""
    hold.reset()
    start = threading.Barrier(len(RACERS), timeout=10)

    def one(driver: SlackDriver, line: str, user: str) -> str:
        start.wait()
        return _reply(driver, line, user, hold)

    typed = (line, other_line or line)
    with ThreadPoolExecutor(len(RACERS)) as pool:
        futures = {
            user: pool.submit(one, driver, text, user)
            for driver, text, user in zip(replicas, typed, RACERS, strict=True)
        }
        return {user: future.result(timeout=30) for user, future in futures.items()}


def _events(driver: SlackDriver, incident_id: int, kind: IncidentEventKind) -> list[IncidentEvent]:
    with driver.runtime.db.session() as session:
        query = select(IncidentEvent).where(IncidentEvent.incident_id == incident_id, IncidentEvent.kind == kind)
        return list(session.exec(query.order_by(col(IncidentEvent.id))).all())


def _thread_notes(slack: LocalSlack, incident_id: int, words: str) -> list[dict[str, Any]]:
    return [
        m
        for m in slack.messages(CHANNEL)
        if m["thread_ts"] is not None and f"{words} incident #{incident_id}" in m["text"]
    ]


def _winner(replies: dict[str, str], done: str, already: Callable[[str], str]) -> str:
    """The one racer told `done`; the other must have been told `already(winner)`."""
    told = [user for user, text in replies.items() if done in text]
    assert len(told) == 1, replies
    (winner,) = told
    (loser,) = (user for user in replies if user != winner)
    assert re.fullmatch(already(winner), replies[loser]), replies
    return winner


def _open(driver: SlackDriver) -> int:
    driver.command("/incident open checkout sev2 Payments fail", user=OPENER)
    with driver.runtime.db.session() as session:
        rows = incident_queries.incidents_with_services(session, only_unresolved=False, limit=1)
    return rows[0][0].id


def test_two_resolves_at_once_resolve_once(
    replicas: tuple[SlackDriver, SlackDriver], monkeypatch: pytest.MonkeyPatch
) -> None:
    first = replicas[0]
    hold = HoldAfterRead(monkeypatch)
    for _ in range(ROUNDS):
        incident_id = _open(first)
        surveys_before = len(first.slack.calls_to("chat.postEphemeral"))
        replies = _race(replicas, hold, f"/incident resolve {incident_id}")
        winner = _winner(
            replies,
            f"Resolved incident #{incident_id}",
            lambda w, n=incident_id: rf":warning: Incident #{n} was already resolved by <@{w}> at {WHEN}\.",
        )
        (resolved,) = _events(first, incident_id, IncidentEventKind.RESOLVED)
        assert resolved.actor == winner
        assert len(_events(first, incident_id, IncidentEventKind.ACKNOWLEDGED)) == 1  # the implicit one
        assert len(_thread_notes(first.slack, incident_id, "resolved")) == 1
        surveys = first.slack.calls_to("chat.postEphemeral")[surveys_before:]
        assert [call.args["user"] for call in surveys] == [OPENER]


def test_two_acks_at_once_acknowledge_once(
    replicas: tuple[SlackDriver, SlackDriver], monkeypatch: pytest.MonkeyPatch
) -> None:
    first = replicas[0]
    hold = HoldAfterRead(monkeypatch)
    for _ in range(ROUNDS):
        incident_id = _open(first)
        replies = _race(replicas, hold, f"/incident ack {incident_id}")
        winner = _winner(
            replies,
            f"Acknowledged incident #{incident_id}",
            lambda w, n=incident_id: rf":warning: Incident #{n} was already acknowledged by <@{w}> at {WHEN}\.",
        )
        (acknowledged,) = _events(first, incident_id, IncidentEventKind.ACKNOWLEDGED)
        assert acknowledged.actor == winner
        assert len(_thread_notes(first.slack, incident_id, "acknowledged")) == 1


def test_two_pauses_and_two_resumes_at_once_change_once(
    replicas: tuple[SlackDriver, SlackDriver], monkeypatch: pytest.MonkeyPatch
) -> None:
    first = replicas[0]
    hold = HoldAfterRead(monkeypatch)
    for _ in range(ROUNDS // 2):
        incident_id = _open(first)
        replies = _race(replicas, hold, f"/incident pause {incident_id} waiting on the bank")
        _winner(
            replies,
            f"Paused the SLA timers of incident #{incident_id}",
            lambda w, n=incident_id: (
                rf":warning: Incident #{n} is already paused\. Resume it with /incident resume {n}\.\n"
                rf"Paused by <@{w}> at {WHEN}\."
            ),
        )
        assert len(_events(first, incident_id, IncidentEventKind.PAUSED)) == 1
        assert len(_thread_notes(first.slack, incident_id, "paused the SLA timers of")) == 1
        replies = _race(replicas, hold, f"/incident resume {incident_id}")
        _winner(
            replies,
            f"Resumed the SLA timers of incident #{incident_id}",
            lambda w, n=incident_id: rf":warning: Incident #{n} was already resumed by <@{w}> at {WHEN}\.",
        )
        assert len(_events(first, incident_id, IncidentEventKind.RESUMED)) == 1
        assert len(_thread_notes(first.slack, incident_id, "resumed the SLA timers of")) == 1


def test_an_ack_racing_a_resolve_leaves_one_acknowledgement(
    replicas: tuple[SlackDriver, SlackDriver], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whichever comes first, the incident ends resolved with exactly one ACKNOWLEDGED event (the ack's, or
    the resolve's implicit one) and the ack, when it lost, is told who resolved it."""
    first = replicas[0]
    hold = HoldAfterRead(monkeypatch)
    for _ in range(ROUNDS // 2):
        incident_id = _open(first)
        replies = _race(replicas, hold, f"/incident ack {incident_id}", f"/incident resolve {incident_id}")
        ack_text, resolve_text = replies["U0ALICE"], replies["U0BOB"]
        assert f"Resolved incident #{incident_id}" in resolve_text
        assert f"Acknowledged incident #{incident_id}" in ack_text or re.fullmatch(
            rf":warning: Incident #{incident_id} was already resolved by <@U0BOB> at {WHEN}\.", ack_text
        ), ack_text
        assert len(_events(first, incident_id, IncidentEventKind.ACKNOWLEDGED)) == 1
        assert len(_events(first, incident_id, IncidentEventKind.RESOLVED)) == 1
