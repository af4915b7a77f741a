"""The evaluation pass reads minutes and rollups in one snapshot: an ingest committing mid-pass never mixes
two states into one figure (an alert once showed 4714% of the budget spent where 16.7% was right)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from fractions import Fraction
from typing import Any

import pytest

from slabot.alerting import alerts
from slabot.alerting.figures import AlertFigures
from slabot.alerting.verdicts import Evaluation, evaluate_all
from slabot.core.burn import format_rule
from slabot.runtime.evaluation_pass import evaluate
from slabot.slo.ingest import Point, event_objective, ingest
from storage.queries import sli
from tests.conftest import FakeClock
from tests.driver import SlackDriver
from tests.loop import Loop

API = "checkout/api"
REWRITTEN = 180  # the last three hours are rewritten by every ingest: minutes, quarters, hours and a day move
PASSES = 30

# Signature of one committed state: the window's budget (total, left) and each pair's long and short counts.
Pairs = dict[str, tuple[Any, Any]]
State = tuple[Fraction, Fraction, Pairs]


def _all_out(minute: int) -> tuple[int, int]:
    """State X: a full outage for three hours (every pair fires)."""
    return 0, 1000


def _last_hour_bad(minute: int) -> tuple[int, int]:
    """State Y: healthy, but 2% errors in the last hour (only the 1h/5m page fires)."""
    return (980, 1000) if minute < 60 else (1000, 1000)


STATES = {"X": _all_out, "Y": _last_hour_bad}


def _points(clock: FakeClock, state: str) -> list[Point]:
    counts = STATES[state]
    return [Point(clock.now - timedelta(minutes=i + 1), *counts(i)) for i in range(REWRITTEN)]


def _write(driver: SlackDriver, clock: FakeClock, state: str) -> None:
    db = driver.runtime.db
    with db.session() as session:
        objective = event_objective(session, "checkout", "api")
        ingest(session, objective, _points(clock, state), clock.now)


def _signature(evaluation: Evaluation) -> State:
    report = evaluation.status.report
    pairs = {format_rule(v.rule): (v.long, v.short) for v in evaluation.verdicts}
    return Fraction(report.total), Fraction(report.left), pairs


def _matches(figures: AlertFigures, state: State) -> bool:
    total, left, pairs = state
    if (figures.budget.total, figures.budget.left) != (total, left):
        return False
    return all(pairs.get(format_rule(pair.rule)) == (pair.long, pair.short) for pair in figures.pairs)


@pytest.fixture
def loop(driver: SlackDriver, clock: FakeClock) -> Loop:
    driver.command("/sla service add checkout channel=<#C0CHECK|checkout> oncall=<!subteam^S0ONCALL|oncall>")
    driver.command("/sla define checkout api target=99.9 window=30d source=events")
    loop = Loop(driver, clock)
    loop.send(API, 3 * 1440, 1000, 1000)  # three quiet days
    return loop


@pytest.fixture
def wide_race(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Test hook: each piece of a range sum (one small query) sleeps a little after it has read, so an ingest
    committing in another thread lands between two reads of one pass far more often than it would by chance.
    With the reads in one snapshot it changes nothing; without, the old pass fails within a few passes."""
    real = sli._piece_sums_query

    def slow(*args: Any, **kwargs: Any) -> Any:
        found = real(*args, **kwargs)
        time.sleep(0.0005)
        return found

    monkeypatch.setattr(sli, "_piece_sums_query", slow)
    yield


@pytest.mark.slow  # 30 passes racing an ingest
def test_an_ingest_committing_mid_pass_never_mixes_two_states(
    loop: Loop, driver: SlackDriver, clock: FakeClock, monkeypatch: pytest.MonkeyPatch, wide_race: None
) -> None:
    runtime = driver.runtime
    # What each committed state alone gives, measured with nothing else running.
    expected: dict[str, State] = {}
    for state in ("Y", "X"):  # X is committed last: the state the concurrent run starts from
        _write(driver, clock, state)
        with runtime.db.session() as session:
            [evaluation] = evaluate_all(session, clock.now, runtime.settings.timezone)
        expected[state] = _signature(evaluation)
    assert expected["X"] != expected["Y"]
    assert all(expected["X"][2][rule] != expected["Y"][2][rule] for rule in expected["X"][2])

    seen: list[Evaluation] = []
    posted: list[AlertFigures] = []
    real_apply, real_figures = alerts.apply, alerts.figures_of

    def recording_apply(session: Any, evaluations: Any, now: Any) -> list[object]:
        seen.extend(evaluations)
        return real_apply(session, evaluations, now)

    def recording_figures(*args: Any, **kwargs: Any) -> AlertFigures:
        figures = real_figures(*args, **kwargs)
        posted.append(figures)
        return figures

    monkeypatch.setattr(alerts, "apply", recording_apply)
    monkeypatch.setattr(alerts, "figures_of", recording_figures)

    stop = threading.Event()
    ingests = [0]
    failures: list[BaseException] = []

    def ingesting() -> None:
        try:
            while not stop.is_set():
                for state in ("Y", "X"):
                    _write(driver, clock, state)
                    ingests[0] += 1
        except BaseException as error:  # reported by the test, not lost in the thread
            failures.append(error)

    writer = threading.Thread(target=ingesting, name="ingest")
    writer.start()
    try:
        for _ in range(PASSES):
            evaluate(runtime, loop.notifier)
    finally:
        stop.set()
        writer.join(timeout=30)
    assert not failures, failures
    assert ingests[0] >= 10  # the ingest really ran alongside the passes

    states = list(expected.values())
    mixed = [e for e in seen if _signature(e) not in states]
    assert mixed == [], f"{len(mixed)} of {len(seen)} passes read two states at once: {_signature(mixed[0])}"
    assert len(seen) == PASSES
    assert posted, "the alert was never opened or edited"
    impossible = [f for f in posted if not any(_matches(f, state) for state in states)]
    assert impossible == [], f"{len(impossible)} of {len(posted)} posted figures match no committed state"
